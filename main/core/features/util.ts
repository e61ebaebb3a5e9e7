// Small image primitives shared by the hand-crafted feature modules. Images are float [y][x] in [0, 1].
import { otsuRange } from './filters.js';

/** Mean over a (2r+1)² window of a w×h image; the window shrinks at the border so edges are not darkened. */
export function boxBlur(src: Float32Array, w: number, h: number, r: number, out: Float32Array = new Float32Array(src.length), tmp: Float32Array = new Float32Array(src.length)): Float32Array {
  const prefix = new Float64Array(w + 1);
  const lo = new Int32Array(w);
  const hi = new Int32Array(w);
  const inv = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    lo[x] = Math.max(0, x - r);
    hi[x] = Math.min(w, x + r + 1);
    inv[x] = 1 / (hi[x] - lo[x]);
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) prefix[x + 1] = prefix[x] + src[row + x];
    for (let x = 0; x < w; x++) tmp[row + x] = (prefix[hi[x]] - prefix[lo[x]]) * inv[x];
  }
  // Vertical pass as a sliding window of whole rows: row-major memory access instead of strided columns.
  const colSum = new Float64Array(w);
  for (let y = 0; y < Math.min(r, h); y++) for (let x = 0; x < w; x++) colSum[x] += tmp[y * w + x];
  for (let y = 0; y < h; y++) {
    const add = y + r;
    if (add < h) for (let x = 0, o = add * w; x < w; x++) colSum[x] += tmp[o + x];
    const drop = y - r - 1;
    if (drop >= 0) for (let x = 0, o = drop * w; x < w; x++) colSum[x] -= tmp[o + x];
    const wt = 1 / (Math.min(h, y + r + 1) - Math.max(0, y - r));
    for (let x = 0, o = y * w; x < w; x++) out[o + x] = colSum[x] * wt;
  }
  return out;
}

/** Otsu's threshold on a 256-bin histogram over [0, 1]; 0 when the image has a single grey level. */
export function otsu(img: Float32Array): number {
  return otsuRange(img, 0, 1);
}

/** 4096-bin histogram of a uint16 channel: plenty of resolution for percentiles without sorting. */
export function histogram4096(ch: Uint16Array): Uint32Array {
  const h = new Uint32Array(4096);
  for (let i = 0; i < ch.length; i++) h[ch[i] >> 4]++;
  return h;
}

/** Percentiles (q in [0, 1]) from a histogram4096, as values in [0, 1]. */
export function histPercentiles(h: Uint32Array, n: number, qs: readonly number[]): number[] {
  const out: number[] = [];
  let cum = 0;
  let b = 0;
  for (const q of qs) {
    const target = Math.max(1, Math.ceil(q * n));
    while (b < h.length - 1 && cum + h[b] < target) cum += h[b++];
    out.push((b + 0.5) / h.length);
  }
  return out;
}

/**
 * Pearson correlation of every pair of images over the pixels where mask is set (all pixels without a mask),
 * in one pass; a pair involving a flat image gets 0. Returns the upper triangle row by row.
 */
export function pearsonPairs(imgs: Float32Array[], mask?: Uint8Array, step = 1): number[] {
  const C = imgs.length;
  const s = new Float64Array(C);
  const sp = new Float64Array(C * C);
  const v = new Float64Array(C);
  let n = 0;
  const len = imgs[0].length;
  // Every `step`-th pixel: on full fields a sample of half a million pixels fixes r to the third decimal.
  for (let i = 0; i < len; i += step) {
    if (mask && !mask[i]) continue;
    n++;
    for (let a = 0; a < C; a++) {
      v[a] = imgs[a][i];
      s[a] += v[a];
    }
    for (let a = 0; a < C; a++) for (let b = a; b < C; b++) sp[a * C + b] += v[a] * v[b];
  }
  const out: number[] = [];
  for (let a = 0; a < C; a++) {
    for (let b = a + 1; b < C; b++) {
      if (n < 2) {
        out.push(0);
        continue;
      }
      const cov = sp[a * C + b] / n - (s[a] / n) * (s[b] / n);
      const va = sp[a * C + a] / n - (s[a] / n) ** 2;
      const vb = sp[b * C + b] / n - (s[b] / n) ** 2;
      // Raw-moment variances of [0, 1] data lose precision only below ~1e-10, far under any real signal.
      out.push(va > 1e-10 && vb > 1e-10 ? Math.max(-1, Math.min(1, cov / Math.sqrt(va * vb))) : 0);
    }
  }
  return out;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function meanStd(values: ArrayLike<number>): [number, number] {
  const n = values.length;
  if (n === 0) return [0, 0];
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - m) ** 2;
  return [m, Math.sqrt(v / n)];
}
