import { describe, expect, it } from 'vitest';
import { DotKernel, kernelErrorBound, paddedDim, simdModule } from '../../../../main/core/search/kernel.js';
import { mulberry32 } from '../../../../main/core/util/random.js';

function fill(k: DotKernel, data: Float32Array, q: Float64Array): void {
  const { n, d, dp } = k;
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      k.rows[r * dp + j] = data[r * d + j];
      s += data[r * d + j] ** 2;
    }
    k.invNorm[r] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  k.query.fill(0);
  for (let j = 0; j < d; j++) k.query[j] = q[j];
}

describe('cosine scan kernel', () => {
  it('assembles a valid WebAssembly SIMD module here', () => {
    expect(simdModule()).not.toBeNull();
    expect(new DotKernel(3, 5).engine).toBe('wasm-simd');
  });

  it('pads rows to a multiple of 8 floats', () => {
    expect([1, 7, 8, 9, 64, 312].map(paddedDim)).toEqual([8, 8, 8, 16, 64, 312]);
  });

  for (const d of [1, 7, 8, 37, 64, 312]) {
    it(`wasm and plain-JS kernels agree with float64 cosines within the stated bound (d=${d})`, () => {
      const n = 301;
      const rnd = mulberry32(d);
      const data = Float32Array.from({ length: n * d }, () => rnd() * 2 - 1);
      for (let j = 0; j < d; j++) data[5 * d + j] = 0; // an all-zero row scores 0
      const q = Float64Array.from({ length: d }, () => rnd() * 2 - 1);
      const qn = Math.hypot(...q);
      for (let j = 0; j < d; j++) q[j] /= qn;
      const wasm = new DotKernel(n, d);
      const js = new DotKernel(n, d, { engine: 'js' });
      expect(js.engine).toBe('js');
      fill(wasm, data, q);
      fill(js, data, q);
      const a = wasm.run();
      const b = js.run();
      const bound = kernelErrorBound(d);
      for (let r = 0; r < n; r++) {
        let dot = 0;
        let xx = 0;
        for (let j = 0; j < d; j++) {
          dot += data[r * d + j] * q[j];
          xx += data[r * d + j] ** 2;
        }
        const exact = xx > 0 ? dot / Math.sqrt(xx) : 0;
        expect(Math.abs(a[r] - exact)).toBeLessThanOrEqual(bound);
        expect(Math.abs(b[r] - exact)).toBeLessThanOrEqual(bound);
      }
      expect(a[5]).toBe(0);
    });
  }

  it('handles an empty matrix', () => {
    const k = new DotKernel(0, 16);
    expect(k.run()).toHaveLength(0);
  });
});
