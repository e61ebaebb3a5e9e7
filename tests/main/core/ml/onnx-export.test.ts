import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_ENCODER, encoderParamShapes, type ImageEncoderSpec } from '../../../../main/core/ml/encoder-spec.js';
import { createEmbedder } from '../../../../main/core/ml/onnx-embed.js';
import {
  exportFeatureHeadOnnx,
  exportImageEncoderOnnx,
  featureHeadParamShapes,
  samePads,
  type FeatureHeadSpec,
  type Weights,
} from '../../../../main/core/ml/onnx-export.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { maxAbsDiff, pythonWithOnnx, randomWeights, rng, tfjsEncode, uniform } from './onnx-helpers.js';

const TOL = 1e-4;
const SPECS: [string, ImageEncoderSpec][] = [
  ['default', DEFAULT_IMAGE_ENCODER],
  // odd input; asymmetric TF padding from an even kernel on an odd size and from stride 2 on an even size;
  // kernel 5 at stride 1
  ['odd-63', { inputSize: 63, channels: 3, convs: [{ filters: 8, kernel: 4, stride: 2 }, { filters: 12, kernel: 5, stride: 1 }, { filters: 16, kernel: 3, stride: 2 }], perChannelDim: 10 }],
  ['stride-1', { inputSize: 20, channels: 2, convs: [{ filters: 6, kernel: 3, stride: 1 }, { filters: 8, kernel: 5, stride: 1 }], perChannelDim: 7 }],
];

function tfjsHead(spec: FeatureHeadSpec, w: Weights, x: Float32Array, n: number): Float32Array {
  return tf.tidy(() => {
    let y: tf.Tensor2D = tf.tensor2d(x, [n, spec.inputDim]);
    spec.units.forEach((_, i) => {
      const k = w[`head/dense${i}/kernel`];
      y = tf.add(tf.matMul(y, tf.tensor2d(k.data, k.shape as [number, number])), tf.tensor1d(w[`head/dense${i}/bias`].data));
      if ((spec.relu ?? true) && i < spec.units.length - 1) y = tf.relu(y);
    });
    if (spec.normalise ?? true) y = tf.div(y, tf.add(tf.norm(y, 'euclidean', 1, true), 1e-12));
    return y.dataSync() as Float32Array;
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TF same padding', () => {
  it('puts the odd pixel after, like tfjs', () => {
    expect(samePads(64, 3, 2)).toEqual({ before: 0, after: 1, out: 32 });
    expect(samePads(63, 3, 2)).toEqual({ before: 1, after: 1, out: 32 });
    expect(samePads(63, 4, 2)).toEqual({ before: 1, after: 2, out: 32 });
    expect(samePads(20, 5, 1)).toEqual({ before: 2, after: 2, out: 20 });
  });
});

describe('image encoder ONNX export', () => {
  for (const [label, spec] of SPECS) {
    it(`ORT matches tfjs encodeImages (${label}) at batch 1 and 7`, async () => {
      const w = randomWeights(encoderParamShapes(spec), 11);
      const emb = await createEmbedder(exportImageEncoderOnnx(spec, w), { threads: 2 });
      try {
        expect(emb.provider).toBe('cpu');
        expect(emb.itemShape).toEqual([spec.channels, spec.inputSize, spec.inputSize]);
        expect(emb.outputDim).toBe(spec.channels * spec.perChannelDim);
        const r = rng(5);
        for (const n of [1, 7]) {
          const x = uniform(n * spec.channels * spec.inputSize ** 2, r);
          const ours = await emb.embed(x, n);
          const ref = tfjsEncode(spec, w, x, n);
          const d = maxAbsDiff(ours, ref);
          console.log(`[onnx] ${label} batch ${n}: max |ORT − tfjs| = ${d.toExponential(2)}`);
          expect(d).toBeLessThanOrEqual(TOL);
          // guards against a trivially passing comparison (e.g. all-zero embeddings)
          expect(Math.hypot(...ref.subarray(0, emb.outputDim))).toBeCloseTo(1, 4);
        }
      } finally {
        await emb.close();
      }
    });
  }

  it('rejects weights that do not fit the spec', () => {
    const w = randomWeights(encoderParamShapes(DEFAULT_IMAGE_ENCODER), 1);
    w['conv1/kernel'] = { shape: [3, 3, 1, 32], data: new Float32Array(288) };
    expect(() => exportImageEncoderOnnx(DEFAULT_IMAGE_ENCODER, w)).toThrow(/conv1\/kernel/);
    delete w['dense/bias'];
    expect(() => exportImageEncoderOnnx(DEFAULT_IMAGE_ENCODER, w)).toThrow(/missing weight dense\/bias|conv1/);
  });
});

describe('feature head ONNX export', () => {
  const HEADS: [string, FeatureHeadSpec][] = [
    ['mlp', { inputDim: 40, units: [64, 32] }],
    ['linear', { inputDim: 12, units: [8] }],
    ['unnormalised', { inputDim: 10, units: [16, 16, 4], normalise: false }],
  ];
  for (const [label, spec] of HEADS) {
    it(`ORT matches tfjs (${label})`, async () => {
      const w = randomWeights(featureHeadParamShapes(spec), 3);
      const emb = await createEmbedder(exportFeatureHeadOnnx(spec, w), { threads: 2 });
      try {
        const r = rng(9);
        for (const n of [1, 7]) {
          const x = uniform(n * spec.inputDim, r, -2, 2);
          const d = maxAbsDiff(await emb.embed(x, n), tfjsHead(spec, w, x, n));
          console.log(`[onnx] head ${label} batch ${n}: max |ORT − tfjs| = ${d.toExponential(2)}`);
          expect(d).toBeLessThanOrEqual(TOL);
        }
      } finally {
        await emb.close();
      }
    });
  }
});

describe('onnx.checker', () => {
  const py = pythonWithOnnx();
  const dir = tmpDir('micon-onnx-');
  it.skipIf(!py)('accepts the exported models (full check, incl. shape inference)', () => {
    const files: string[] = [];
    for (const [label, spec] of SPECS) {
      const f = path.join(dir, `${label}.onnx`);
      fs.writeFileSync(f, exportImageEncoderOnnx(spec, randomWeights(encoderParamShapes(spec), 2)));
      files.push(f);
    }
    const head: FeatureHeadSpec = { inputDim: 40, units: [64, 32] };
    const hf = path.join(dir, 'head.onnx');
    fs.writeFileSync(hf, exportFeatureHeadOnnx(head, randomWeights(featureHeadParamShapes(head), 2)));
    files.push(hf);
    const script = 'import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\nprint("ok")';
    const r = spawnSync(py!, ['-c', script, ...files], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
  });
  if (!py) it.skip('onnx.checker: no python with the onnx module (apt-get install python3-onnx)', () => {});
});
