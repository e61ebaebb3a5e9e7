import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { makeConfig, REFERENCE_LOSS, type MiconConfig } from '../../../../main/core/ml/config.js';
import { objective, type ObjectiveBatch } from '../../../../main/core/ml/objective.js';
import { createModel, disposeModel, readParamData, type MiconModel } from '../../../../main/core/ml/model.js';

// MICON's objective written as plain loops in float64, from the paper and the reference code
// (microsoft/MICON model/micon.py, model/loss.py): what the tfjs objective must equal, value and
// gradient, in both the reference's form and ours.
type P = Record<string, { shape: number[]; data: Float32Array }>;
type Vec = number[];

function mlp(p: P, prefix: string, x: Vec): Vec {
  let y = x;
  for (let i = 0; p[`${prefix}${i}/kernel`]; i++) {
    if (i > 0) y = y.map((v) => Math.max(0, v));
    const k = p[`${prefix}${i}/kernel`];
    const b = p[`${prefix}${i}/bias`];
    const [rows, cols] = k.shape;
    const out = Array.from({ length: cols }, (_, j) => b.data[j]);
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[j] += y[r] * k.data[r * cols + j];
    y = out;
  }
  return y;
}
const unit = (v: Vec) => {
  const n = Math.hypot(...v) + 1e-12;
  return v.map((x) => x / n);
};
const dot = (a: Vec, b: Vec) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Khosla et al. L_out over rows z with labels, self excluded; anchors without positives skipped. */
function supCon(z: Vec[], labels: number[], tau: number): number {
  let total = 0;
  let anchors = 0;
  for (let i = 0; i < z.length; i++) {
    const pos = labels.flatMap((l, j) => (j !== i && l === labels[i] ? [j] : []));
    if (!pos.length) continue;
    let denom = 0;
    for (let a = 0; a < z.length; a++) if (a !== i) denom += Math.exp(dot(z[i], z[a]) / tau);
    total += -pos.reduce((s, p) => s + dot(z[i], z[p]) / tau - Math.log(denom), 0) / pos.length;
    anchors++;
  }
  return anchors ? total / anchors : 0;
}

/** Anchors from a, candidates from b (nothing masked), and the reverse, averaged. */
function crossSupCon(a: Vec[], b: Vec[], labels: number[], tau: number): number {
  const one = (x: Vec[], y: Vec[]) => {
    let total = 0;
    let anchors = 0;
    for (let i = 0; i < x.length; i++) {
      const pos = labels.flatMap((l, j) => (l === labels[i] ? [j] : []));
      let denom = 0;
      for (let j = 0; j < y.length; j++) denom += Math.exp(dot(x[i], y[j]) / tau);
      total += -pos.reduce((s, p) => s + dot(x[i], y[p]) / tau - Math.log(denom), 0) / pos.length;
      anchors++;
    }
    return total / anchors;
  };
  return 0.5 * (one(a, b) + one(b, a));
}

/** The objective's terms from parameters; `frozen` (stop-gradient) replaces the image embeddings inside the counterfactual term. */
function loopObjective(p: P, c: MiconConfig, x: { treated: Vec[]; controls: Vec[]; fps: Vec[]; labels: number[] }, frozen?: P) {
  const img = (q: P, v: Vec) => unit(mlp(q, 'feat', v));
  const proj = (v: Vec) => unit(mlp(p, 'proj', v));
  const t = x.treated.map((v) => img(p, v));
  const ctl = x.controls.map((v) => img(p, v));
  const paclr = supCon([...t, ...ctl].map(proj), [...x.labels, ...x.labels.map(() => -1)], c.loss.temperature);
  const src = frozen ?? p;
  const tf_ = x.treated.map((v) => img(src, v));
  const cf = x.controls.map((v) => img(src, v));
  const mol = x.fps.map((v) => unit(mlp(p, 'mol', v)));
  const pred = cf.map((v, k) => unit(mlp(p, 'gen', [...v, ...mol[k]])));
  const counterfactual =
    c.loss.counterfactualContrast === 'joint'
      ? supCon([...tf_, ...pred].map(proj), [...x.labels, ...x.labels], c.loss.temperature)
      : crossSupCon(tf_.map(proj), pred.map(proj), x.labels, c.loss.temperature);
  return { paclr, counterfactual, total: paclr + c.loss.counterfactualWeight * counterfactual };
}

function data(seed: number) {
  let s = seed;
  const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const labels = [0, 1, 2, 3, 0, 1, 2, 3];
  const pattern = Array.from({ length: 4 }, () => Array.from({ length: 10 }, r));
  const fp = Array.from({ length: 4 }, () => Array.from({ length: 16 }, () => (r() > 0.4 ? 1 : 0)));
  return {
    labels,
    treated: labels.map((l) => pattern[l].map((v) => v + 0.3 * r())),
    controls: labels.map(() => Array.from({ length: 10 }, r)),
    fps: labels.map((l) => fp[l]),
  };
}

function config(loss: Partial<MiconConfig['loss']>): MiconConfig {
  return makeConfig({
    model: 'micon',
    imageEncoder: { kind: 'features', inputDim: 10, outDim: 8 },
    molecule: { fpBits: 16, hidden: 8 },
    projection: { hidden: 8, outDim: 6 },
    generator: { hidden: 8 },
    loss,
    seed: 5,
  });
}

function batch(x: ReturnType<typeof data>): ObjectiveBatch {
  return {
    treated: tf.tensor2d(x.treated),
    controls: tf.tensor2d(x.controls),
    fingerprints: tf.tensor2d(x.fps),
    labels: x.labels,
  };
}

/** Gradient of the tfjs objective's total for every parameter. */
function tfGrads(m: MiconModel, b: ObjectiveBatch): Record<string, Float32Array> {
  const { grads, value } = tf.variableGrads(() => objective(m, b).total, Object.values(m.params));
  value.dispose();
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(m.params)) out[k] = grads[v.name].dataSync() as Float32Array;
  tf.dispose(Object.values(grads));
  return out;
}

/** Central difference of a loop term w.r.t. one parameter entry (float64 throughout). */
function finiteDiff(p: P, name: string, i: number, f: (q: P) => number, h = 1e-3): number {
  const plus = structuredClone(p);
  const minus = structuredClone(p);
  plus[name].data = Float32Array.from(p[name].data);
  minus[name].data = Float32Array.from(p[name].data);
  // Float32 storage: step large enough to be represented exactly around the value.
  plus[name].data[i] += h;
  minus[name].data[i] -= h;
  return (f(plus) - f(minus)) / (plus[name].data[i] - minus[name].data[i]);
}

for (const backend of ['cpu', 'wasm']) {
  describe(`counterfactual term, reference form and ours, on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
      await tf.ready();
    });
    afterAll(() => tf.disposeVariables());

    for (const [label, loss] of [
      ['reference (τ 1.0, stop-gradient, joint)', REFERENCE_LOSS],
      ['ours (τ 0.1, through the encoder, cross-set)', { temperature: 0.1, counterfactualStopGradient: false, counterfactualContrast: 'cross' as const }],
      ['joint at τ 0.1 without stop-gradient', { temperature: 0.1, counterfactualStopGradient: false, counterfactualContrast: 'joint' as const }],
    ] as const) {
      it(`${label}: values match the loop implementation`, async () => {
        const c = config(loss);
        const m = createModel(c);
        const x = data(3);
        const b = batch(x);
        const { terms } = objective(m, b);
        const loop = loopObjective(await readParamData(m), c, x);
        expect(terms.paclr.dataSync()[0]).toBeCloseTo(loop.paclr, 4);
        expect(terms.counterfactual.dataSync()[0]).toBeCloseTo(loop.counterfactual, 4);
        tf.dispose([...Object.values(terms), b.treated, b.controls, b.fingerprints]);
        disposeModel(m);
      });
    }

    it('stop-gradient: the image encoder learns from PaCLR alone; generator, molecule encoder and projection from both', async () => {
      const c = config(REFERENCE_LOSS);
      const m = createModel(c);
      const x = data(7);
      const b = batch(x);
      const g = tfGrads(m, b);
      const p = await readParamData(m);
      // Loop: the counterfactual term sees the image embeddings as constants (computed from a frozen copy).
      const frozenTotal = (q: P) => loopObjective(q, c, x, p).total;
      const paclrOnly = (q: P) => loopObjective(q, c, x).paclr;
      for (const [name, i] of [['feat0/kernel', 3], ['feat0/kernel', 41], ['feat0/bias', 2]] as const) {
        const fd = finiteDiff(p, name, i, paclrOnly);
        expect(g[name][i]).toBeCloseTo(fd, 3);
        expect(finiteDiff(p, name, i, frozenTotal)).toBeCloseTo(fd, 6);
      }
      for (const [name, i] of [['gen0/kernel', 5], ['mol1/kernel', 9], ['proj0/kernel', 12]] as const) {
        const fd = finiteDiff(p, name, i, frozenTotal);
        expect(Math.abs(fd)).toBeGreaterThan(1e-4);
        expect(g[name][i]).toBeCloseTo(fd, 3);
      }
      tf.dispose([b.treated, b.controls, b.fingerprints]);
      disposeModel(m);
    });

    it('without stop-gradient the encoder also learns from the counterfactual term', async () => {
      const c = config({ temperature: 0.1, counterfactualStopGradient: false, counterfactualContrast: 'cross' });
      const m = createModel(c);
      const x = data(7);
      const b = batch(x);
      const g = tfGrads(m, b);
      const p = await readParamData(m);
      const total = (q: P) => loopObjective(q, c, x).total;
      const paclrOnly = (q: P) => loopObjective(q, c, x).paclr;
      let differs = 0;
      for (const i of [3, 41, 60]) {
        const fd = finiteDiff(p, 'feat0/kernel', i, total);
        expect(g['feat0/kernel'][i]).toBeCloseTo(fd, 2);
        if (Math.abs(fd - finiteDiff(p, 'feat0/kernel', i, paclrOnly)) > 1e-3) differs++;
      }
      expect(differs).toBeGreaterThan(0);
      tf.dispose([b.treated, b.controls, b.fingerprints]);
      disposeModel(m);
    });
  });
}
