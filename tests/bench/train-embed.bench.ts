import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openProject } from '../../main/core/db/open.js';
import { selectBackend } from '../../main/core/ml/backend.js';
import { DEFAULT_IMAGE_ENCODER, encodeImages, encoderParamShapes } from '../../main/core/ml/encoder-spec.js';
import { exportImageEncoderOnnx } from '../../main/core/ml/onnx-export.js';
import { createEmbedder } from '../../main/core/ml/onnx-embed.js';
import { train } from '../../main/core/ml/train.js';
import { createSplit } from '../../main/core/split/split.js';
import { makeProject } from '../e2e/demo-project.js';

function peakRss(): () => number {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return () => {
    clearInterval(t);
    return Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20);
  };
}

/** Training throughput per backend available here, on the small demo screen (features head and CNN). */
export async function benchTrain(): Promise<object> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-bench-train-'));
  process.stderr.write('bench train: building the small demo project\n');
  const file = await makeProject(dir);
  const db = openProject(file);
  createSplit(db, { holdoutFraction: 0.25, seed: 1 });
  const rss = peakRss();
  const runs: object[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const encoder of ['features', 'cnn'] as const) {
      // The pure-JS cpu backend took ~124 s per CNN step here (2026-11-24): not worth minutes of a bench run.
      if (backend === 'cpu' && encoder === 'cnn') {
        runs.push({ backend, encoder, skipped: 'pure-JS convolutions: ~124 s per step measured; use wasm or tfjs-node' });
        continue;
      }
      const steps = encoder === 'cnn' ? 20 : backend === 'cpu' ? 20 : 200;
      let sps = 0;
      const r = await train(db, { model: 'micon', encoder, backend, steps, projectPath: file, checkpointDir: path.join(dir, `ck-${backend}-${encoder}`), onProgress: (p) => (sps = p.samplesPerSecond) });
      runs.push({ backend: r.backend, encoder, steps, seconds: Number(r.seconds.toFixed(2)), samplesPerSecond: Number(sps.toFixed(1)) });
      process.stderr.write(`  ${r.backend} ${encoder}: ${Math.round(sps)} samples/s\n`);
    }
  }
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { runs, peakRssMiB: rss(), note: 'samples = treated + control images per second over the last progress window; micon objective (PaCLR + counterfactual)' };
}

/** Embedding throughput of the default CNN encoder: onnxruntime vs tfjs (wasm), 1,024 random sites. */
export async function benchEmbed(): Promise<object> {
  const spec = DEFAULT_IMAGE_ENCODER;
  const n = 1024;
  const per = spec.channels * spec.inputSize * spec.inputSize;
  let seed = 1;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const weights = Object.fromEntries(encoderParamShapes(spec).map(([k, shape]) => [k, { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rnd() - 0.5) * 0.2) }]));
  const images = Float32Array.from({ length: n * per }, rnd);
  const rss = peakRss();
  const ort = await createEmbedder(exportImageEncoderOnnx(spec, weights));
  await ort.embed(images.subarray(0, 64 * per), 64);
  let t = performance.now();
  for (let i = 0; i < n; i += 64) await ort.embed(images.subarray(i * per, (i + 64) * per), 64);
  const ortRate = n / ((performance.now() - t) / 1000);
  await ort.close();
  const backend = await selectBackend('wasm');
  const params = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  t = performance.now();
  for (let i = 0; i < n; i += 64) {
    const x = tf.tensor4d(images.subarray(i * per, (i + 64) * per), [64, spec.channels, spec.inputSize, spec.inputSize]);
    const y = encodeImages(spec, params, x);
    await y.data();
    tf.dispose([x, y]);
  }
  const tfRate = n / ((performance.now() - t) / 1000);
  tf.dispose(Object.values(params));
  return {
    sites: n,
    encoder: `${spec.channels}×${spec.inputSize}² per site, convs ${spec.convs.map((c) => c.filters).join('/')}`,
    ort: { provider: ort.provider, sitesPerSecond: Math.round(ortRate), note: ort.fallbackReason ?? null },
    tfjs: { backend: backend.name, sitesPerSecond: Math.round(tfRate) },
    target: { ortSitesPerSecond: 500 },
    peakRssMiB: rss(),
  };
}
