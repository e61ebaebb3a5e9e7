import { describe, expect, it } from 'vitest';
import { CODE_MAX, Int8Kernel, paddedDim, queryLimit, simdModule } from '../../../../main/core/search/kernel.js';
import { mulberry32 } from '../../../../main/core/util/random.js';

describe('int8 scan kernel', () => {
  it('assembles a valid WebAssembly SIMD module here', () => {
    expect(simdModule()).not.toBeNull();
    expect(new Int8Kernel(3, 5).engine).toBe('wasm-simd');
  });

  it('pads rows to a multiple of 32 values', () => {
    expect([1, 31, 32, 33, 64, 312, 700].map(paddedDim)).toEqual([32, 32, 32, 64, 64, 320, 704]);
  });

  it('keeps every possible sum inside int32', () => {
    for (const d of [1, 64, 312, 700, 3000, 20000]) {
      const dp = paddedDim(d);
      expect(dp * CODE_MAX * queryLimit(dp)).toBeLessThan(2 ** 31);
      expect(queryLimit(dp)).toBeLessThanOrEqual(32767);
    }
  });

  for (const d of [1, 7, 32, 37, 64, 312, 700]) {
    it(`wasm and plain-JS kernels give the exact integer dot products (d=${d})`, () => {
      const n = 203;
      const rnd = mulberry32(d);
      const wasm = new Int8Kernel(n, d);
      const js = new Int8Kernel(n, d, { engine: 'js' });
      expect(js.engine).toBe('js');
      const dp = wasm.dp;
      const limit = queryLimit(dp);
      const codes = Int8Array.from({ length: n * d }, () => Math.round((rnd() * 2 - 1) * CODE_MAX));
      // Extremes: rows of ±127 against a query at ±limit reach the largest sums the bound allows.
      for (let j = 0; j < d; j++) {
        codes[j] = CODE_MAX;
        codes[d + j] = -CODE_MAX;
        codes[2 * d + j] = j % 2 ? CODE_MAX : -CODE_MAX;
      }
      const q = Int16Array.from({ length: d }, (_, j) => (j % 5 === 0 ? limit : Math.round((rnd() * 2 - 1) * limit)));
      for (const k of [wasm, js]) {
        for (let r = 0; r < n; r++) k.codes.set(codes.subarray(r * d, (r + 1) * d), r * dp);
        k.query.set(q);
      }
      const a = wasm.scan();
      const b = js.scan();
      for (let r = 0; r < n; r++) {
        let exact = 0;
        for (let j = 0; j < d; j++) exact += codes[r * d + j] * q[j];
        expect(a[r]).toBe(exact);
        expect(b[r]).toBe(exact);
      }
      // An all-±limit query against the all-127 row: the largest sum this width can produce.
      wasm.query.fill(0);
      for (let j = 0; j < d; j++) wasm.query[j] = limit;
      expect(wasm.scan()[0]).toBe(d * CODE_MAX * limit);
    });
  }

  it('handles an empty matrix', () => {
    const k = new Int8Kernel(0, 16);
    expect(k.scan()).toHaveLength(0);
  });
});
