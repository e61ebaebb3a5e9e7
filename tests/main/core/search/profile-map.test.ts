import { describe, expect, it } from 'vitest';
import { pca2 } from '../../../../main/core/search/profile-map.js';
import { mulberry32 } from '../../../../main/core/util/random.js';

/** Rows spread along two known orthogonal directions plus small noise. */
function planted(rows: number, cols: number) {
  const rand = mulberry32(7);
  const u = Float64Array.from({ length: cols }, (_, c) => (c === 0 ? 1 : 0));
  const v = Float64Array.from({ length: cols }, (_, c) => (c === 1 ? 1 : 0));
  const a: number[] = [];
  const b: number[] = [];
  const x = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    a.push((rand() - 0.5) * 10);
    b.push((rand() - 0.5) * 4);
    for (let c = 0; c < cols; c++) x[r * cols + c] = 3 + a[r] * u[c] + b[r] * v[c] + (rand() - 0.5) * 0.1;
  }
  return { x, a, b };
}

function corr(p: number[], q: number[]): number {
  const mp = p.reduce((s, t) => s + t, 0) / p.length;
  const mq = q.reduce((s, t) => s + t, 0) / q.length;
  let num = 0;
  let dp = 0;
  let dq = 0;
  p.forEach((_, i) => {
    num += (p[i] - mp) * (q[i] - mq);
    dp += (p[i] - mp) ** 2;
    dq += (q[i] - mq) ** 2;
  });
  return num / Math.sqrt(dp * dq);
}

describe('PCA for the profile map', () => {
  it('recovers planted axes in order of variance and says how much each explains', () => {
    const rows = 300;
    const cols = 12;
    const { x, a, b } = planted(rows, cols);
    const { coords, explained } = pca2(x, rows, cols);
    const pc1 = Array.from({ length: rows }, (_, r) => coords[r * 2]);
    const pc2 = Array.from({ length: rows }, (_, r) => coords[r * 2 + 1]);
    expect(Math.abs(corr(pc1, a))).toBeGreaterThan(0.999);
    expect(Math.abs(corr(pc2, b))).toBeGreaterThan(0.99);
    // Variance 100/12 vs 16/12 (uniform widths 10 and 4), noise negligible.
    expect(explained[0]).toBeGreaterThan(0.8);
    expect(explained[0] + explained[1]).toBeGreaterThan(0.99);
    expect(explained[1]).toBeCloseTo(16 / 116, 1);
  });
});
