import { describe, expect, it } from 'vitest';
import { applySphering, fitSphering } from '../../../../main/core/profiles/sphering.js';
import { createMatrix, matrixFromRows, rowView, type Matrix } from '../../../../main/core/profiles/matrix.js';
import { seededRandom } from '../../../../main/core/eval/rng.js';

function gaussian(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(rnd() + 1e-300)) * Math.cos(2 * Math.PI * rnd());
}

function covariance(m: Matrix): number[][] {
  const { rows: n, cols: d } = m;
  const mean = new Array(d).fill(0);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += m.data[i * d + k] / n;
  const c = [...Array(d)].map(() => new Array(d).fill(0));
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) c[a][b] += ((m.data[i * d + a] - mean[a]) * (m.data[i * d + b] - mean[b])) / (n - 1);
  return c;
}

describe('ZCA sphering', () => {
  it('turns correlated control covariance into ≈ identity', () => {
    const rnd = seededRandom(5);
    const n = 800;
    const d = 6;
    const x = createMatrix(n, d);
    for (let i = 0; i < n; i++) {
      const z = [...Array(d)].map(() => gaussian(rnd));
      // strongly correlated and differently scaled features, offset mean
      for (let k = 0; k < d; k++) x.data[i * d + k] = 3 + (k + 1) * z[k] + 2 * z[0] - (k % 2) * z[1];
    }
    const t = fitSphering(x, undefined, { epsilonRel: 1e-9 });
    expect(t.rank).toBe(d);
    const c = covariance(applySphering(x, t));
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) expect(c[a][b]).toBeCloseTo(a === b ? 1 : 0, 4);
  });

  it('is a no-op direction-wise on isotropic controls', () => {
    // Controls ±e_k around mean m: covariance exactly (2/(2d−1))·I → W = c·I.
    const d = 4;
    const mean = [1, -2, 0.5, 3];
    const rows: number[][] = [];
    for (let k = 0; k < d; k++) for (const s of [1, -1]) rows.push(mean.map((v, j) => v + (j === k ? s : 0)));
    const t = fitSphering(matrixFromRows(rows));
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) if (a !== b) expect(Math.abs(t.matrix[a * d + b])).toBeLessThan(1e-6);
    const probe = matrixFromRows([[3, 1, -1, 2]]);
    const y = rowView(applySphering(probe, t), 0);
    const xc = [3, 1, -1, 2].map((v, j) => v - mean[j]);
    const cos = xc.reduce((s, v, j) => s + v * y[j], 0) / Math.hypot(...xc) / Math.hypot(...y);
    expect(cos).toBeCloseTo(1, 6);
  });

  it('handles more features than control wells: spanned directions whitened, unseen ones kept at average scale', () => {
    const rnd = seededRandom(9);
    const n = 10;
    const d = 50;
    // Controls live in the first 20 coordinates only.
    const x = createMatrix(n, d);
    for (let i = 0; i < n; i++) for (let k = 0; k < 20; k++) x.data[i * d + k] = gaussian(rnd);
    const t = fitSphering(x, undefined, { epsilonRel: 1e-9 });
    expect(t.rank).toBe(n - 1);
    expect(t.matrix.every(Number.isFinite)).toBe(true);
    // Sphered controls: the n−1 non-zero eigenvalues of their covariance are all 1 → trace n−1.
    const c = covariance(applySphering(x, t));
    const trace = c.reduce((s, r, i) => s + r[i], 0);
    expect(trace).toBeCloseTo(n - 1, 3);
    // A direction the controls never vary in (coordinate 40) is scaled by 1/√(mean non-null λ),
    // not by 1/√ε.
    const probe = createMatrix(1, d);
    probe.data.set(t.mean);
    probe.data[40] += 1;
    const y = rowView(applySphering(probe, t), 0);
    // mean non-null eigenvalue = trace of the control covariance / rank
    const raw = covariance(x);
    const meanLambda = raw.reduce((s, r, i) => s + r[i], 0) / (n - 1);
    expect(Math.hypot(...y)).toBeCloseTo(1 / Math.sqrt(meanLambda), 4);
    expect(y[40]).toBeCloseTo(1 / Math.sqrt(meanLambda), 4);
  });

  it('the stored transform re-applies to new wells exactly as (x − mean)·W', () => {
    const rnd = seededRandom(2);
    const x = createMatrix(30, 3);
    x.data.forEach((_, i) => (x.data[i] = gaussian(rnd)));
    const t = fitSphering(x);
    const probe = matrixFromRows([[1, 2, 3]]);
    const y = rowView(applySphering(probe, t), 0);
    for (let b = 0; b < 3; b++) {
      let s = 0;
      for (let a = 0; a < 3; a++) s += ([1, 2, 3][a] - t.mean[a]) * t.matrix[a * 3 + b];
      expect(y[b]).toBeCloseTo(s, 5);
    }
    expect(t.epsilon).toBeGreaterThan(0);
    expect(t.epsilonRel).toBe(0.1);
  });
});
