import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { makeConfig, type ConfigOverrides } from '../../../../main/core/ml/config.js';
import { trainStep, objective, type ObjectiveBatch } from '../../../../main/core/ml/objective.js';
import { createModel, disposeModel, paramData } from '../../../../main/core/ml/model.js';
import { conv2dTrainable } from '../../../../main/core/ml/conv-grad.js';
import { tinyMiconData } from '../../../helpers/tiny-micon-data.js';

const COMPOUNDS = 8;
const S = 16;
const BITS = 64;

// 8 compounds × 2 treated images (a per-compound pattern plus noise) and a control for each.
const tinyData = () => tinyMiconData({ seed: 42, compounds: COMPOUNDS, size: S, bits: BITS });

const spec = { inputSize: S, channels: 5, convs: [{ filters: 8, kernel: 3, stride: 2 }, { filters: 16, kernel: 3, stride: 2 }], perChannelDim: 8 };
const small: ConfigOverrides = {
  imageEncoder: { kind: 'cnn', spec },
  molecule: { fpBits: BITS, hidden: 32 },
  projection: { hidden: 32, outDim: 16 },
  generator: { hidden: 32 },
  seed: 11,
};

function batchTensors(d: ReturnType<typeof tinyData>): ObjectiveBatch {
  const n = d.labels.length;
  return {
    treated: tf.tensor4d(d.treated, [n, 5, S, S]),
    controls: tf.tensor4d(d.controls, [n, 5, S, S]),
    fingerprints: tf.tensor2d(d.fps, [n, BITS]),
    labels: d.labels,
  };
}

async function train(backend: string, steps: number, overrides: ConfigOverrides = {}) {
  await tf.setBackend(backend);
  await tf.ready();
  const start = tf.memory().numTensors;
  const cfg = makeConfig({ ...small, ...overrides });
  const model = createModel(cfg);
  const init = paramData(model);
  const batch = batchTensors(tinyData());
  const opt = tf.train.adam(0.01);
  const losses: Record<string, number>[] = [];
  const counts: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    losses.push(await trainStep(model, opt, batch));
    times.push(performance.now() - t0);
    counts.push(tf.memory().numTensors);
  }
  opt.dispose();
  disposeModel(model);
  [batch.treated, batch.controls, batch.fingerprints].forEach((t) => t.dispose());
  return { init, losses, counts, times, leaked: tf.memory().numTensors - start };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('MICON objective, a few Adam steps on tiny data', () => {
  it('lowers the loss on cpu and on wasm from identical initial parameters, leaking no tensors', async () => {
    const steps = 8;
    const cpu = await train('cpu', steps);
    const wasm = await train('wasm', steps);
    expect(wasm.init).toEqual(cpu.init);
    for (const r of [cpu, wasm]) {
      expect(Object.keys(r.losses[0]).sort()).toEqual(['counterfactual', 'paclr', 'total']);
      expect(r.losses.every((l) => Number.isFinite(l.total))).toBe(true);
      expect(r.losses[steps - 1].total).toBeLessThan(r.losses[0].total - 0.05);
      expect(r.losses[steps - 1].paclr).toBeLessThan(r.losses[0].paclr);
      expect(r.losses[steps - 1].counterfactual).toBeLessThan(r.losses[0].counterfactual);
      // Adam's slots appear at the first step; after that the count must not move.
      expect(new Set(r.counts.slice(1)).size).toBe(1);
      expect(r.leaked).toBe(0);
    }
    expect(Math.abs(wasm.losses[0].total - cpu.losses[0].total)).toBeLessThan(1e-4);
    expect(Math.abs(wasm.losses[3].total - cpu.losses[3].total)).toBeLessThan(1e-2);
    console.log(
      `tiny MICON step (16 treated + 16 controls, 5×16×16): cpu ${median(cpu.times).toFixed(1)} ms, wasm ${median(wasm.times).toFixed(1)} ms (median); ` +
        `loss cpu ${cpu.losses[0].total.toFixed(4)} → ${cpu.losses[steps - 1].total.toFixed(4)}, wasm ${wasm.losses[0].total.toFixed(4)} → ${wasm.losses[steps - 1].total.toFixed(4)}`,
    );
  });

  it('image_only reports PaCLR alone, clip reports its InfoNCE; both train on wasm', async () => {
    for (const model of ['image_only', 'clip'] as const) {
      const r = await train('wasm', 6, { model });
      expect(Object.keys(r.losses[0]).sort()).toEqual(model === 'clip' ? ['clip', 'total'] : ['paclr', 'total']);
      expect(r.losses[5].total).toBeLessThan(r.losses[0].total);
      expect(r.leaked).toBe(0);
    }
  });

  it('the feature-head variant trains too', async () => {
    await tf.setBackend('cpu');
    const cfg = makeConfig({ ...small, imageEncoder: { kind: 'features', inputDim: 40, hidden: 32, outDim: 24 } });
    const model = createModel(cfg);
    const d = tinyData();
    const n = d.labels.length;
    const feats = (src: Float32Array) => tf.tidy(() => tf.tensor4d(src, [n, 5, S, S]).reshape([n, -1]).slice([0, 0], [n, 40]).sub(0.5).mul(3));
    const batch: ObjectiveBatch = { treated: feats(d.treated), controls: feats(d.controls), fingerprints: tf.tensor2d(d.fps, [n, BITS]), labels: d.labels };
    const opt = tf.train.adam(0.01);
    const first = await trainStep(model, opt, batch);
    let last = first;
    for (let i = 0; i < 10; i++) last = await trainStep(model, opt, batch);
    expect(last.total).toBeLessThan(first.total);
    opt.dispose();
    disposeModel(model);
    [batch.treated, batch.controls, batch.fingerprints].forEach((t) => t.dispose());
  });

  it('the objective gradient on wasm (conv2dTrainable) matches cpu built-in gradients', async () => {
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const model = createModel(makeConfig(small));
      const batch = batchTensors(tinyData());
      const conv = backend === 'wasm' ? conv2dTrainable : undefined;
      const { grads: g } = tf.variableGrads(() => objective(model, batch, conv).total);
      const out = Object.fromEntries(Object.entries(g).map(([k, v]) => [k, v.dataSync() as Float32Array]));
      tf.dispose(g);
      disposeModel(model);
      [batch.treated, batch.controls, batch.fingerprints].forEach((t) => t.dispose());
      return { out };
    };
    const c = await grads('cpu');
    const w = await grads('wasm');
    // variableGrads keys by each variable's engine-wide unique name; both models created theirs in parameter order.
    const ck = Object.keys(c.out);
    const wk = Object.keys(w.out);
    let worst = 0;
    ck.forEach((k, i) => {
      const a = c.out[k];
      const b = w.out[wk[i]];
      const scale = Math.max(...a.map(Math.abs), 1e-6);
      for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]) / scale);
    });
    expect(worst).toBeLessThan(1e-3);
    console.log(`full-objective gradient, wasm (conv2dTrainable) vs cpu: worst relative difference ${worst.toExponential(2)}`);
  });
});
