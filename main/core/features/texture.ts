// Texture of one channel: edges, Haralick GLCM statistics, local binary patterns and a granularity spectrum.
import { histogram4096, histPercentiles } from './util.js';

const LEVELS = 16;
const DISTANCES = [1, 2] as const;
const GLCM_STATS = ['contrast', 'correlation', 'energy', 'homogeneity', 'entropy'] as const;
const LBP_BINS = 10;
const GRAN_BANDS = 5;

export const TEXTURE_NAMES: readonly string[] = [
  'grad_mean',
  'grad_std',
  'laplacian_abs_mean',
  ...DISTANCES.flatMap((d) => GLCM_STATS.map((s) => `glcm_${s}_d${d}`)),
  ...Array.from({ length: LBP_BINS }, (_, i) => (i === LBP_BINS - 1 ? 'lbp_nonuniform' : `lbp_u${i}`)),
  ...Array.from({ length: GRAN_BANDS }, (_, i) => `granularity_band${i}`),
];

// Rotation-invariant uniform LBP: patterns with ≤ 2 circular 0/1 transitions map to their bit count, the rest to one bin.
const LBP_TABLE = (() => {
  const t = new Uint8Array(256);
  for (let p = 0; p < 256; p++) {
    let transitions = 0;
    let ones = 0;
    for (let b = 0; b < 8; b++) {
      const bit = (p >> b) & 1;
      ones += bit;
      if (bit !== ((p >> ((b + 1) % 8)) & 1)) transitions++;
    }
    t[p] = transitions <= 2 ? ones : 9;
  }
  return t;
})();

/**
 * Sampling step (rows and columns) for the per-pixel texture statistics: every pixel on cache-sized
 * images, every other row and column on full fields (≥ 256 rows): a quarter of a 1080² field is still
 * 290,000 positions, more than the statistics need. Neighbours stay at their native distances.
 */
function rowStep(h: number): number {
  return h >= 256 ? 2 : 1;
}

export interface TextureScratch {
  q: Uint8Array;
}

export function textureScratch(n: number): TextureScratch {
  return { q: new Uint8Array(n) };
}

export function textureFeatures(ch: Uint16Array, x: Float32Array, w: number, h: number, out: Float32Array, off: number, s: TextureScratch): number {
  let k = off;
  k += edges(x, w, h, out, k);
  k += glcm(ch, w, h, out, k, s.q);
  k += lbp(ch, w, h, out, k);
  k += granularity(x, w, h, out, k);
  return k - off;
}

function edges(x: Float32Array, w: number, h: number, out: Float32Array, off: number): number {
  let sg = 0;
  let sg2 = 0;
  let sl = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y += rowStep(h)) {
    for (let xx = 1; xx < w - 1; xx += rowStep(h)) {
      const i = y * w + xx;
      const gx = (x[i + 1] - x[i - 1]) * 0.5;
      const gy = (x[i + w] - x[i - w]) * 0.5;
      const g = Math.sqrt(gx * gx + gy * gy);
      sg += g;
      sg2 += g * g;
      sl += Math.abs(x[i + 1] + x[i - 1] + x[i + w] + x[i - w] - 4 * x[i]);
      n++;
    }
  }
  const m = n ? sg / n : 0;
  out[off] = m;
  out[off + 1] = n ? Math.sqrt(Math.max(0, sg2 / n - m * m)) : 0;
  out[off + 2] = n ? sl / n : 0;
  return 3;
}

function glcm(ch: Uint16Array, w: number, h: number, out: Float32Array, off: number, q: Uint8Array): number {
  const n = ch.length;
  // Quantise between the image's own 1st/99th percentiles so GLCM describes spatial pattern, not brightness.
  const [lo, hi] = histPercentiles(histogram4096(ch), n, [0.01, 0.99]).map((v) => v * 65535);
  const span = hi - lo;
  // One lookup per pixel instead of a division: the table covers every uint16 value.
  const lut = new Uint8Array(65536);
  if (span > 1) for (let v = 0; v < 65536; v++) lut[v] = Math.min(LEVELS - 1, Math.max(0, Math.floor(((v - lo) / span) * LEVELS)));
  for (let i = 0; i < n; i++) q[i] = lut[ch[i]];
  const counts = new Int32Array(LEVELS * LEVELS);
  const P = new Float64Array(LEVELS * LEVELS);
  let k = off;
  for (const d of DISTANCES) {
    counts.fill(0);
    // Four directions (0°, 45°, 90°, 135°) pooled for rotation invariance; symmetrised after counting.
    // Every rowStep-th row and column: a 1080² field still gives > 1 million pairs per distance.
    let total = 0;
    for (let y = 0; y < h; y += rowStep(h)) {
      const r = y * w;
      const below = y + d < h;
      for (let xx = 0; xx < w; xx += rowStep(h)) {
        const a = q[r + xx] * LEVELS;
        if (xx + d < w) {
          counts[a + q[r + xx + d]]++;
          total++;
        }
        if (!below) continue;
        const r2 = r + d * w + xx;
        counts[a + q[r2]]++;
        total++;
        if (xx + d < w) {
          counts[a + q[r2 + d]]++;
          total++;
        }
        if (xx >= d) {
          counts[a + q[r2 - d]]++;
          total++;
        }
      }
    }
    for (let i = 0; i < LEVELS; i++) for (let j = 0; j < LEVELS; j++) P[i * LEVELS + j] = (counts[i * LEVELS + j] + counts[j * LEVELS + i]) / (2 * total);
    let mu = 0;
    for (let i = 0; i < LEVELS; i++) for (let j = 0; j < LEVELS; j++) mu += i * P[i * LEVELS + j];
    let contrast = 0;
    let cov = 0;
    let varI = 0;
    let energy = 0;
    let homog = 0;
    let entropy = 0;
    for (let i = 0; i < LEVELS; i++) {
      for (let j = 0; j < LEVELS; j++) {
        const p = P[i * LEVELS + j];
        if (p === 0) continue;
        const dd = (i - j) * (i - j);
        contrast += p * dd;
        cov += p * (i - mu) * (j - mu);
        varI += p * (i - mu) * (i - mu);
        energy += p * p;
        homog += p / (1 + dd);
        entropy -= p * Math.log(p);
      }
    }
    out[k++] = contrast;
    out[k++] = varI > 1e-12 ? cov / varI : 0;
    out[k++] = energy;
    out[k++] = homog;
    out[k++] = entropy;
  }
  return k - off;
}

function lbp(ch: Uint16Array, w: number, h: number, out: Float32Array, off: number): number {
  const hist = new Float64Array(LBP_BINS);
  let n = 0;
  for (let y = 1; y < h - 1; y += rowStep(h)) {
    for (let x = 1; x < w - 1; x += rowStep(h)) {
      const i = y * w + x;
      const c = ch[i];
      const p =
        (ch[i - w - 1] >= c ? 1 : 0) |
        (ch[i - w] >= c ? 2 : 0) |
        (ch[i - w + 1] >= c ? 4 : 0) |
        (ch[i + 1] >= c ? 8 : 0) |
        (ch[i + w + 1] >= c ? 16 : 0) |
        (ch[i + w] >= c ? 32 : 0) |
        (ch[i + w - 1] >= c ? 64 : 0) |
        (ch[i - 1] >= c ? 128 : 0);
      hist[LBP_TABLE[p]]++;
      n++;
    }
  }
  for (let b = 0; b < LBP_BINS; b++) out[off + b] = n ? hist[b] / n : 0;
  return LBP_BINS;
}

// Share of energy in each band of a Laplacian pyramid (fine → coarse): a cheap stand-in for CellProfiler's
// morphological granularity spectrum; each level halves the size, so all bands together cost ~1.3 passes.
function granularity(x: Float32Array, w: number, h: number, out: Float32Array, off: number): number {
  const e = new Float64Array(GRAN_BANDS);
  let cur = x;
  let sw = w;
  let sh = h;
  for (let b = 0; b < GRAN_BANDS && sw >= 2 && sh >= 2; b++) {
    const hw = sw >> 1;
    const hh = sh >> 1;
    const down = new Float32Array(hw * hh);
    for (let y = 0; y < hh; y++) {
      const r0 = 2 * y * sw;
      const r1 = r0 + sw;
      for (let xx = 0; xx < hw; xx++) down[y * hw + xx] = 0.25 * (cur[r0 + 2 * xx] + cur[r0 + 2 * xx + 1] + cur[r1 + 2 * xx] + cur[r1 + 2 * xx + 1]);
    }
    let acc = 0;
    for (let y = 0; y < 2 * hh; y++) {
      const dr = (y >> 1) * hw;
      for (let xx = 0; xx < 2 * hw; xx++) {
        const d = cur[y * sw + xx] - down[dr + (xx >> 1)];
        acc += d * d;
      }
    }
    // Weighted by level area so each band is energy per original pixel, comparable across scales.
    e[b] = (acc / (w * h)) * (1 << (2 * b));
    cur = down;
    sw = hw;
    sh = hh;
  }
  let total = 0;
  for (const v of e) total += v;
  for (let b = 0; b < GRAN_BANDS; b++) out[off + b] = total > 1e-14 ? e[b] / total : 0;
  return GRAN_BANDS;
}
