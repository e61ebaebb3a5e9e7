import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { clipLoss, crossSupConLoss, supConLoss } from '../../../../main/core/ml/losses.js';

const E = Math.E;
const val = (t: tf.Scalar) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

// Khosla et al. eq. 2, written as loops: the reference the vectorised version must match.
function naiveSupCon(z: number[][], labels: number[], tau: number): number {
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
  let total = 0;
  let anchors = 0;
  for (let i = 0; i < z.length; i++) {
    const pos = labels.map((l, j) => (j !== i && l === labels[i] ? j : -1)).filter((j) => j >= 0);
    if (!pos.length) continue;
    let denom = 0;
    for (let a = 0; a < z.length; a++) if (a !== i) denom += Math.exp(dot(z[i], z[a]) / tau);
    total += -pos.reduce((s, p) => s + Math.log(Math.exp(dot(z[i], z[p]) / tau) / denom), 0) / pos.length;
    anchors++;
  }
  return total / anchors;
}

function randomUnitRows(n: number, d: number, seed: number): number[][] {
  let s = seed;
  const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: d }, r);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

for (const backend of ['cpu', 'wasm']) {
  describe(`losses on ${backend}`, () => {
    let before = 0;
    beforeAll(async () => {
      await tf.setBackend(backend);
      await tf.ready();
      before = tf.memory().numTensors;
    });
    afterAll(() => expect(tf.memory().numTensors).toBe(before));

    it('SupCon: hand-computed value, self-pairs masked, anchors without positives skipped', () => {
      const z = tf.tensor2d([[1, 0], [1, 0], [0, 1]]);
      // Anchors 0 and 1: positive logit 1, negative 0 (self excluded) → log(1+e) − 1; anchor 2 has no positive.
      expect(val(supConLoss(z, [0, 0, 1], 1))).toBeCloseTo(Math.log(1 + E) - 1, 5);
      expect(val(supConLoss(z, [0, 0, 1], 0.5))).toBeCloseTo(Math.log(1 + E ** 2) - 2, 5);
      expect(val(supConLoss(z, [0, 1, 2], 1))).toBe(0); // no positives at all
      z.dispose();
    });

    it('SupCon matches a loop implementation of Khosla et al. on random rows', () => {
      const rows = randomUnitRows(12, 5, 7);
      const labels = [0, 0, 1, 1, 1, 2, 2, -1, -1, -1, -1, 3];
      const z = tf.tensor2d(rows);
      for (const tau of [1, 0.1]) expect(val(supConLoss(z, labels, tau))).toBeCloseTo(naiveSupCon(rows, labels, tau), 4);
      z.dispose();
    });

    it('cross-set SupCon (counterfactual PaCLR) and CLIP: hand-computed values', () => {
      const a = tf.tensor2d([[1, 0]]);
      const b = tf.tensor2d([[1, 0], [0, 1], [1, 0]]);
      // a→b: two positives with logit 1, one negative 0 → log(2e+1) − 1; b→a: b0, b2 have a single candidate (loss 0), b1 none.
      expect(val(crossSupConLoss(a, b, [0], [0, 1, 0], 1))).toBeCloseTo(0.5 * (Math.log(2 * E + 1) - 1), 5);
      const i2 = tf.tensor2d([[1, 0], [0, 1]]);
      expect(val(clipLoss(i2, i2, 1))).toBeCloseTo(Math.log(1 + E) - 1, 5);
      // One compound in both rows: the other row becomes a second positive, no longer a negative.
      expect(val(clipLoss(i2, i2, 1, [5, 5]))).toBeCloseTo(Math.log(1 + E) - 0.5, 5);
      const same = tf.tensor2d([[1, 0], [1, 0]]);
      expect(val(clipLoss(same, same, 1))).toBeCloseTo(Math.log(2), 5);
      [a, b, i2, same].forEach((t) => t.dispose());
    });

    it('gradients flow and match central differences', () => {
      const rows = randomUnitRows(6, 3, 3);
      const labels = [0, 0, 1, 1, -1, -1];
      const f = (z: tf.Tensor) => supConLoss(z as tf.Tensor2D, labels, 0.5);
      const g = tf.tidy(() => tf.grad(f)(tf.tensor2d(rows)).arraySync() as number[][]);
      const h = 1e-2;
      for (const [i, j] of [[0, 0], [3, 2], [5, 1]]) {
        const plus = rows.map((r) => [...r]);
        const minus = rows.map((r) => [...r]);
        plus[i][j] += h;
        minus[i][j] -= h;
        const num = (naiveSupCon(plus, labels, 0.5) - naiveSupCon(minus, labels, 0.5)) / (2 * h);
        expect(Math.abs(g[i][j] - num)).toBeLessThan(2e-3);
      }
      expect(g.flat().some((v) => Math.abs(v) > 1e-3)).toBe(true);
    });
  });
}
