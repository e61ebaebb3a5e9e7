// The inner loop of similarity search: approximate cosines of one query against every row of a
// row-major float32 matrix, `out[r] = (x_r · q) · invNorm[r]`. A WebAssembly SIMD kernel (f32x4, two
// accumulators) does it at memory speed — 1M × 64 in ~17 ms on this 2-core machine, against ~75 ms for
// the best plain-JS loop and ~147 ms for sqlite-vec 0.1.9's float cosine scan (measured 2026-12; see
// README "Similarity search"). The module is 150 bytes assembled below, so nothing needs building.
// The results are float32 approximations: search.ts re-ranks its candidates exactly in float64, with a
// margin that bounds this kernel's rounding (see `kernelErrorBound`).

/** Rows are padded to a multiple of this many floats (the kernel reads 8 per iteration). */
export const ROW_ALIGN = 8;

export function paddedDim(d: number): number {
  return Math.max(ROW_ALIGN, Math.ceil(d / ROW_ALIGN) * ROW_ALIGN);
}

/**
 * Upper bound on |kernel cosine − exact cosine| for unit-norm query and any row: float32 summation of
 * d products (≤ (d+1)·u relative to Σ|x_i q_i| ≤ ‖x‖), the float32 query and inverse norm (a few u),
 * doubled. u = 2⁻²⁴.
 */
export function kernelErrorBound(d: number): number {
  return (2 * (paddedDim(d) + 8)) / 2 ** 24;
}

const uleb = (v: number): number[] => {
  const o: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    o.push(b);
  } while (v);
  return o;
};
const sleb = (v: number): number[] => {
  const o: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
      o.push(b);
      return o;
    }
    o.push(b | 0x80);
  }
};
const str = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'ascii')];
const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];

/**
 * (func (export "dots") (param x invn q out n dbytes i32)) — for r in 0..n:
 *   out[r] = hsum(Σ_k x[r,k]·q[k]) · invn[r]; x advances dbytes per row; dbytes a positive multiple of 32.
 */
function assemble(): Uint8Array<ArrayBuffer> {
  const [X, INV, Q, OUT, N, DB, END, QP, QEND, A0, A1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (v: number) => [0x41, ...sleb(v)];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const vload = (offset: number) => [...simd(0x00), 2, ...uleb(offset)];
  const vzero = [...simd(0x0c), ...new Array<number>(16).fill(0)];
  const F32X4_ADD = 0xe4;
  const F32X4_MUL = 0xe6;
  const lane = (i: number) => [...get(A0), ...simd(0x1f), i];
  const code = [
    ...get(OUT), ...get(N), ...i32(2), 0x74, 0x6a, ...set(END), // end = out + n*4
    ...get(Q), ...get(DB), 0x6a, ...set(QEND), // qend = q + dbytes
    0x02, 0x40, // block
    ...get(N), 0x45, 0x0d, 0, // n == 0 → done
    0x03, 0x40, // loop over rows
    ...vzero, ...set(A0),
    ...vzero, ...set(A1),
    ...get(Q), ...set(QP),
    0x03, 0x40, // loop over 8-float chunks
    ...get(A0), ...get(X), ...vload(0), ...get(QP), ...vload(0), ...simd(F32X4_MUL), ...simd(F32X4_ADD), ...set(A0),
    ...get(A1), ...get(X), ...vload(16), ...get(QP), ...vload(16), ...simd(F32X4_MUL), ...simd(F32X4_ADD), ...set(A1),
    ...get(X), ...i32(32), 0x6a, ...set(X),
    ...get(QP), ...i32(32), 0x6a, ...tee(QP), ...get(QEND), 0x49, 0x0d, 0, // qp < qend → next chunk
    0x0b,
    ...get(A0), ...get(A1), ...simd(F32X4_ADD), ...set(A0),
    ...get(OUT),
    ...lane(0), ...lane(1), 0x92, ...lane(2), ...lane(3), 0x92, 0x92, // (l0+l1)+(l2+l3)
    ...get(INV), 0x2a, 2, 0, 0x94, // × invn[r]
    0x38, 2, 0, // out[r] = …
    ...get(INV), ...i32(4), 0x6a, ...set(INV),
    ...get(OUT), ...i32(4), 0x6a, ...tee(OUT), ...get(END), 0x49, 0x0d, 0, // out < end → next row
    0x0b,
    0x0b,
    0x0b,
  ];
  const locals = [2, 3, 0x7f, 2, 0x7b]; // 3 × i32, 2 × v128
  const body = [...locals, ...code];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, 0x01]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('dots'), 0x00, 0x00]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where this runtime has no WebAssembly SIMD. */
export function simdModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = assemble();
      compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const WASM_PAGE = 65536;
/** wasm32 memories stop at 4 GiB; stay well below so V8 never refuses the allocation. */
const WASM_MAX_BYTES = 3.5 * 2 ** 30;

/**
 * Storage for `n` rows of `d` floats (padded), their inverse norms, one query and the output, plus
 * the kernel over them: in WebAssembly memory when SIMD is there and the matrix fits, else plain arrays.
 */
export class DotKernel {
  readonly dp: number;
  readonly rows: Float32Array;
  readonly invNorm: Float32Array;
  readonly query: Float32Array;
  readonly out: Float32Array;
  readonly engine: 'wasm-simd' | 'js';
  private readonly dots: ((x: number, invn: number, q: number, out: number, n: number, dbytes: number) => void) | null;
  private readonly offsets: { rows: number; invNorm: number; query: number; out: number };

  constructor(
    readonly n: number,
    readonly d: number,
    opts: { engine?: 'wasm-simd' | 'js' } = {},
  ) {
    const dp = paddedDim(d);
    this.dp = dp;
    const bytes = { rows: n * dp * 4, invNorm: n * 4, query: dp * 4, out: n * 4 };
    const offsets = { rows: 0, invNorm: bytes.rows, query: bytes.rows + bytes.invNorm, out: bytes.rows + bytes.invNorm + bytes.query };
    const total = offsets.out + bytes.out;
    const mod = opts.engine === 'js' ? null : simdModule();
    if (mod && total <= WASM_MAX_BYTES) {
      const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(total / WASM_PAGE)) });
      const inst = new WebAssembly.Instance(mod, { env: { mem: memory } });
      this.dots = inst.exports.dots as DotKernel['dots'];
      this.engine = 'wasm-simd';
      const buf = memory.buffer;
      this.rows = new Float32Array(buf, offsets.rows, n * dp);
      this.invNorm = new Float32Array(buf, offsets.invNorm, n);
      this.query = new Float32Array(buf, offsets.query, dp);
      this.out = new Float32Array(buf, offsets.out, n);
    } else {
      this.dots = null;
      this.engine = 'js';
      this.rows = new Float32Array(n * dp);
      this.invNorm = new Float32Array(n);
      this.query = new Float32Array(dp);
      this.out = new Float32Array(n);
    }
    this.offsets = offsets;
  }

  /** Bytes held (matrix, norms, query, output). */
  get bytes(): number {
    return (this.rows.length + this.invNorm.length + this.query.length + this.out.length) * 4;
  }

  /** `out[r] = (rows[r] · query) · invNorm[r]` for every row. */
  run(): Float32Array {
    const { n, dp } = this;
    if (this.dots) {
      if (n) this.dots(this.offsets.rows, this.offsets.invNorm, this.offsets.query, this.offsets.out, n, dp * 4);
      return this.out;
    }
    const X = this.rows;
    const q = this.query;
    const inv = this.invNorm;
    const out = this.out;
    for (let r = 0; r < n; r++) {
      const o = r * dp;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < dp; k += 4) {
        s0 += X[o + k] * q[k];
        s1 += X[o + k + 1] * q[k + 1];
        s2 += X[o + k + 2] * q[k + 2];
        s3 += X[o + k + 3] * q[k + 3];
      }
      out[r] = (s0 + s1 + (s2 + s3)) * inv[r];
    }
    return out;
  }
}
