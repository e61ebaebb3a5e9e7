// The first pass of similarity search: exact integer dot products of one int16-quantised query with
// every row of a row-major int8 matrix (each stored profile quantised with its own scale),
// `out[r] = Σ_k x[r,k]·q[k]` in int32. A WebAssembly SIMD kernel (sign-extend i8 → i16,
// i32x4.dot_i16x8_s, two accumulators) does it at memory speed: an int8 row is a quarter of the
// float32 row, which is what lets 1M × 700 profiles be scanned in tens of milliseconds and held in
// 0.7 GB. The sums are exact (no rounding; `queryLimit` keeps every |partial sum| < 2³¹), so the only
// approximation is the quantisation itself, which index.ts bounds per row and re-ranks exactly.
import os from 'node:os';
import { ScanHelper } from './scan-helper.js';
import { compileOrNull, get, i32, kernelModule, set, simd, tee, vload, vzero } from './wasm.js';

/** Rows are padded to a multiple of this many values (the kernel reads 32 per iteration). */
const ROW_ALIGN = 32;

export function paddedDim(d: number): number {
  return Math.max(ROW_ALIGN, Math.ceil(d / ROW_ALIGN) * ROW_ALIGN);
}

/** Largest |row code|. -128 is left out so the codes are symmetric. */
export const CODE_MAX = 127;

/** The largest |query code| for which no int32 sum can overflow: dp · 127 · limit < 2³¹. */
export function queryLimit(dp: number): number {
  return Math.min(32767, Math.floor((2 ** 31 - 1) / (CODE_MAX * dp)));
}

/**
 * (func (export "dots8") (param x q out n xbytes i32)) — for r in 0..n:
 *   out[r] = Σ_k x[r,k]·q[k] (int8 × int16 → int32); x advances xbytes per row, a positive multiple of 32.
 */
function assemble(): Uint8Array<ArrayBuffer> {
  const [X, Q, OUT, N, XB, END, QP, QEND, A0, A1, V] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const EXT_LO = 0x87; // i16x8.extend_low_i8x16_s
  const EXT_HI = 0x88; // i16x8.extend_high_i8x16_s
  const DOT = 0xba; // i32x4.dot_i16x8_s
  const ADD = 0xae; // i32x4.add
  const lane = (i: number) => [...get(A0), ...simd(0x1b), i]; // i32x4.extract_lane
  // 16 codes at x+xOff against 16 query values at qp+qOff: low half into A0, high half into A1.
  const half = (xOff: number, qOff: number) => [
    ...get(X), ...vload(xOff), ...set(V),
    ...get(A0), ...get(V), ...simd(EXT_LO), ...get(QP), ...vload(qOff), ...simd(DOT), ...simd(ADD), ...set(A0),
    ...get(A1), ...get(V), ...simd(EXT_HI), ...get(QP), ...vload(qOff + 16), ...simd(DOT), ...simd(ADD), ...set(A1),
  ];
  const code = [
    ...get(OUT), ...get(N), ...i32(2), 0x74, 0x6a, ...set(END), // end = out + n*4
    ...get(Q), ...get(XB), ...i32(1), 0x74, 0x6a, ...set(QEND), // qend = q + 2*xbytes
    0x02, 0x40, // block
    ...get(N), 0x45, 0x0d, 0, // n == 0 → done
    0x03, 0x40, // loop over rows
    ...vzero, ...set(A0),
    ...vzero, ...set(A1),
    ...get(Q), ...set(QP),
    0x03, 0x40, // loop over 32-value chunks
    ...half(0, 0),
    ...half(16, 32),
    ...get(X), ...i32(32), 0x6a, ...set(X),
    ...get(QP), ...i32(64), 0x6a, ...tee(QP), ...get(QEND), 0x49, 0x0d, 0, // qp < qend → next chunk
    0x0b,
    ...get(OUT),
    ...get(A0), ...get(A1), ...simd(ADD), ...set(A0),
    ...lane(0), ...lane(1), 0x6a, ...lane(2), ...lane(3), 0x6a, 0x6a,
    0x36, 2, 0, // out[r] = … (i32.store)
    ...get(OUT), ...i32(4), 0x6a, ...tee(OUT), ...get(END), 0x49, 0x0d, 0, // out < end → next row
    0x0b,
    0x0b,
    0x0b,
  ];
  // Shared memory (any size up to 4 GiB) so a helper thread can scan part of the same rows.
  return kernelModule({ name: 'dots8', params: 5, locals: [2, 3, 0x7f, 3, 0x7b], code, shared: { maxPages: 65536 } });
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where this runtime has no WebAssembly SIMD (or shared memory). */
export function simdModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileOrNull(assemble());
  return compiled;
}

const WASM_PAGE = 65536;
/** wasm32 memories stop at 4 GiB; stay well below so V8 never refuses the allocation. */
const WASM_MAX_BYTES = 3.5 * 2 ** 30;
/**
 * Below this many code bytes (1M × 128) a scan takes a few milliseconds on one thread, and on a busy
 * machine waiting for a second thread's time slice costs more than it saves (measured: 1M × 64 p95
 * 90 ms with the helper, 46 ms without, load ~9 on 2 cores).
 */
const HELPER_MIN_BYTES = 128 * 2 ** 20;
/** The caller's share of a split scan: a little under half, since it also filters its part first. */
const CALLER_SHARE = 0.47;

const helpers = new FinalizationRegistry<ScanHelper>((h) => h.close());

/**
 * Storage for `n` rows of `d` int8 codes (padded), one int16 query and the int32 output, plus the
 * kernel over them: in WebAssembly memory when SIMD is there and the matrix fits, else plain arrays.
 */
export class Int8Kernel {
  readonly dp: number;
  readonly codes: Int8Array;
  readonly query: Int16Array;
  readonly out: Int32Array;
  readonly engine: 'wasm-simd' | 'js';
  private readonly dots: ((x: number, q: number, out: number, n: number, xbytes: number) => void) | null;
  private readonly offsets: { codes: number; query: number; out: number };
  private helper: ScanHelper | null = null;

  /**
   * `threads`: 2 scans the rows on this thread and a helper thread (default where the machine has two
   * cores and the codes exceed 32 MiB), 1 on this thread only.
   */
  constructor(
    readonly n: number,
    readonly d: number,
    opts: { engine?: 'wasm-simd' | 'js'; threads?: 1 | 2 } = {},
  ) {
    const dp = paddedDim(d);
    this.dp = dp;
    const offsets = { codes: 0, query: n * dp, out: n * dp + dp * 2 };
    const total = offsets.out + n * 4;
    const mod = opts.engine === 'js' ? null : simdModule();
    if (mod && total <= WASM_MAX_BYTES) {
      const pages = Math.max(1, Math.ceil(total / WASM_PAGE));
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
      const inst = new WebAssembly.Instance(mod, { env: { mem: memory } });
      this.dots = inst.exports.dots8 as Int8Kernel['dots'];
      this.engine = 'wasm-simd';
      const buf = memory.buffer;
      this.codes = new Int8Array(buf, offsets.codes, n * dp);
      this.query = new Int16Array(buf, offsets.query, dp);
      this.out = new Int32Array(buf, offsets.out, n);
      const threads = opts.threads ?? (os.availableParallelism() > 1 && n * dp >= HELPER_MIN_BYTES ? 2 : 1);
      if (threads > 1 && n > 1) {
        try {
          this.helper = new ScanHelper(mod, memory);
          helpers.register(this, this.helper, this);
        } catch {
          this.helper = null; // no worker threads here: one thread it is
        }
      }
    } else {
      this.dots = null;
      this.engine = 'js';
      this.codes = new Int8Array(n * dp);
      this.query = new Int16Array(dp);
      this.out = new Int32Array(n);
    }
    this.offsets = offsets;
  }

  /** Threads the scan runs on. */
  get threads(): number {
    return this.helper?.ready ? 2 : 1;
  }

  /** Bytes held (codes, query, output). */
  get bytes(): number {
    return this.codes.byteLength + this.query.byteLength + this.out.byteLength;
  }

  /**
   * `out[r] = Σ_k codes[r,k] · query[k]` for every row (exact int32). `visit(from, to)` is called for
   * consecutive row ranges, in order, as soon as their sums are ready — with a helper thread, the
   * caller's range is visited while the helper still scans the rest.
   */
  scan(visit: (from: number, to: number) => void = () => {}): Int32Array {
    const { n, dp } = this;
    const dots = this.dots;
    if (!dots) {
      this.runJs(0, n);
      visit(0, n);
      return this.out;
    }
    const { codes: x, query: q, out } = this.offsets;
    const helper = this.helper?.ready ? this.helper : null;
    if (!helper) {
      if (n) dots(x, q, out, n, dp);
      visit(0, n);
      return this.out;
    }
    const h = Math.max(1, Math.floor(n * CALLER_SHARE));
    helper.start([x + h * dp, q, out + h * 4, n - h, dp]);
    dots(x, q, out, h, dp);
    visit(0, h);
    if (!helper.wait()) {
      dots(x + h * dp, q, out + h * 4, n - h, dp);
      this.close();
    }
    visit(h, n);
    return this.out;
  }

  /** Stop the helper thread (the kernel still works, on one thread). */
  close(): void {
    if (this.helper) {
      helpers.unregister(this);
      this.helper.close();
      this.helper = null;
    }
  }

  private runJs(from: number, to: number): void {
    const dp = this.dp;
    const X = this.codes;
    const q = this.query;
    const out = this.out;
    for (let r = from; r < to; r++) {
      const o = r * dp;
      // int32 arithmetic throughout (`| 0`): exact, since every partial sum stays inside int32.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < dp; k += 4) {
        s0 = (s0 + X[o + k] * q[k]) | 0;
        s1 = (s1 + X[o + k + 1] * q[k + 1]) | 0;
        s2 = (s2 + X[o + k + 2] * q[k + 2]) | 0;
        s3 = (s3 + X[o + k + 3] * q[k + 3]) | 0;
      }
      out[r] = (s0 + s1 + s2 + s3) | 0;
    }
  }
}
