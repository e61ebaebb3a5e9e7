import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../../../main/core/profiles/eigen.js';
import { seededRandom } from '../../../../main/core/eval/rng.js';

describe('symmetricEigen', () => {
  it('diagonal matrix: sorted eigenvalues', () => {
    const e = symmetricEigen([3, 0, 0, 0, 1, 0, 0, 0, 2], 3);
    expect(Array.from(e.values)).toEqual([1, 2, 3]);
  });

  it('reconstructs a random symmetric matrix with orthonormal eigenvectors', () => {
    const n = 40;
    const rnd = seededRandom(11);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rnd() - 0.5;
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    let maxErr = 0;
    let maxOrth = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rec = 0;
        let dot = 0;
        for (let k = 0; k < n; k++) {
          rec += vectors[k * n + i] * values[k] * vectors[k * n + j];
          dot += vectors[i * n + k] * vectors[j * n + k];
        }
        maxErr = Math.max(maxErr, Math.abs(rec - a[i * n + j]));
        maxOrth = Math.max(maxOrth, Math.abs(dot - (i === j ? 1 : 0)));
      }
    }
    expect(maxErr).toBeLessThan(1e-12);
    expect(maxOrth).toBeLessThan(1e-12);
  });
});
