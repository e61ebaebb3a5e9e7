// Linear-time image filters the nucleus segmentation needs on full-size fields (1080² … 2160²): a
// running-maximum filter, the exact Euclidean distance transform, Otsu on any value range, and binning.
// Images are float [y][x], w × h.

/**
 * Maximum over a (2r+1)² window (shrinking at the border), separable, van Herk/Gil-Werman: three
 * comparisons per pixel and pass whatever r is.
 */
export function maxFilter(src: Float32Array, w: number, h: number, r: number, out: Float32Array = new Float32Array(src.length)): Float32Array {
  const tmp = new Float32Array(src.length);
  const line = new Float32Array(Math.max(w, h));
  const res = new Float32Array(Math.max(w, h));
  const scratch = runningMaxScratch(Math.max(w, h), r);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) line[x] = src[y * w + x];
    runningMax(line, w, r, res, scratch);
    for (let x = 0; x < w; x++) tmp[y * w + x] = res[x];
  }
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) line[y] = tmp[y * w + x];
    runningMax(line, h, r, res, scratch);
    for (let y = 0; y < h; y++) out[y * w + x] = res[y];
  }
  return out;
}

function runningMaxScratch(n: number, r: number) {
  const len = n + 2 * r + 2 * r + 1;
  return { p: new Float32Array(len), g: new Float32Array(len), b: new Float32Array(len) };
}

function runningMax(src: Float32Array, n: number, r: number, out: Float32Array, s: ReturnType<typeof runningMaxScratch>): void {
  const k = 2 * r + 1;
  // Padded to whole blocks of k so the block loops need no bounds checks.
  const len = Math.ceil((n + 2 * r) / k) * k;
  const { p, g, b } = s;
  p.fill(-Infinity, 0, len);
  p.set(src.subarray(0, n), r);
  for (let s0 = 0; s0 < len; s0 += k) {
    let m = -Infinity;
    for (let t = s0; t < s0 + k; t++) {
      const v = p[t];
      if (v > m) m = v;
      g[t] = m;
    }
    m = -Infinity;
    for (let t = s0 + k - 1; t >= s0; t--) {
      const v = p[t];
      if (v > m) m = v;
      b[t] = m;
    }
  }
  for (let i = 0; i < n; i++) {
    const x = b[i];
    const y = g[i + 2 * r];
    out[i] = x > y ? x : y;
  }
}

const FAR = 1e20;

/**
 * Exact Euclidean distance from every mask pixel to the nearest non-mask pixel *inside* the image
 * (Felzenszwalb & Huttenlocher). Outside the image is not background, so a nucleus cut by the edge keeps
 * its true thickness. A mask with no background at all gets max(w, h) everywhere.
 */
export function distanceTransform(mask: Uint8Array, w: number, h: number): Float32Array {
  const n = Math.max(w, h);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const g = new Float64Array(w * h);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = mask[y * w + x] ? FAR : 0;
    dt1(f, h, d, v, z);
    for (let y = 0; y < h; y++) g[y * w + x] = d[y];
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) f[x] = g[y * w + x];
    dt1(f, w, d, v, z);
    for (let x = 0; x < w; x++) out[y * w + x] = d[x] >= FAR / 2 ? n : Math.sqrt(d[x]);
  }
  return out;
}

function dt1(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
  }
}

/** Otsu's threshold of values in [lo, hi] (256 bins); values outside are clamped into the end bins. */
export function otsuRange(values: Float32Array, lo: number, hi: number): number {
  const bins = 256;
  const hist = new Float64Array(bins);
  const span = hi - lo || 1;
  for (let i = 0; i < values.length; i++) {
    hist[Math.min(bins - 1, Math.max(0, Math.floor(((values[i] - lo) / span) * bins)))]++;
  }
  let total = 0;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) {
    total += hist[b];
    sumAll += b * hist[b];
  }
  let w0 = 0;
  let sum0 = 0;
  let best = -1;
  let bestB = 0;
  for (let b = 0; b < bins - 1; b++) {
    w0 += hist[b];
    sum0 += b * hist[b];
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const dm = sum0 / w0 - (sumAll - sum0) / w1;
    const between = w0 * w1 * dm * dm;
    if (between > best) {
      best = between;
      bestB = b;
    }
  }
  return lo + ((best < 0 ? 0 : bestB + 1) / bins) * span;
}

/** The q-quantile (0…1) of values, from a 4096-bin histogram over [0, max]. */
export function quantile(values: Float32Array, q: number): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  if (!(max > 0)) return 0;
  const bins = 4096;
  const hist = new Uint32Array(bins);
  for (let i = 0; i < values.length; i++) hist[Math.min(bins - 1, Math.max(0, Math.floor((values[i] / max) * bins)))]++;
  const target = q * values.length;
  let cum = 0;
  for (let b = 0; b < bins; b++) {
    cum += hist[b];
    if (cum >= target) return ((b + 0.5) / bins) * max;
  }
  return max;
}

/** Area average over f×f blocks (the last partial row/column of blocks dropped). */
export function binImage(src: Float32Array, w: number, h: number, f: number): { data: Float32Array; w: number; h: number } {
  if (f <= 1) return { data: src, w, h };
  const bw = Math.floor(w / f);
  const bh = Math.floor(h / f);
  const data = new Float32Array(bw * bh);
  const inv = 1 / (f * f);
  for (let by = 0; by < bh; by++) {
    for (let y = by * f; y < (by + 1) * f; y++) {
      const row = y * w;
      for (let bx = 0; bx < bw; bx++) {
        let s = 0;
        for (let x = bx * f, e = x + f; x < e; x++) s += src[row + x];
        data[by * bw + bx] += s;
      }
    }
    for (let bx = 0; bx < bw; bx++) data[by * bw + bx] *= inv;
  }
  return { data, w: bw, h: bh };
}
