// Precomputed randomness for the pixel loops: periodic smooth-noise tiles (sampled at a random offset
// per site, so drawing never calls the PRNG per pixel) and a table of normal deviates for sensor noise.
import { Rng } from './random.js';

export const TILE = 1024;

export interface NoiseBank {
  /** Chromatin texture, scale ~1 µm. */
  fine: Float32Array;
  /** Mitochondrial puncta, independent of `fine`. */
  fine2: Float32Array;
  /** ER reticulum ridges, scale ~2.5 µm. */
  mid: Float32Array;
  /** Mitochondrial filaments and stress-fibre waviness. */
  mid2: Float32Array;
  /** Background and illumination unevenness, scale ~25 µm. */
  coarse: Float32Array;
}

/** Periodic value noise in [0, 1] with cells of about `spacingPx`, smoothstep-interpolated. */
function valueNoise(rng: Rng, spacingPx: number): Float32Array {
  const g = Math.max(2, Math.round(TILE / spacingPx));
  const grid = new Float32Array(g * g);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.next();
  const out = new Float32Array(TILE * TILE);
  const step = g / TILE;
  // Column weights are the same for every row: compute once.
  const x0s = new Int32Array(TILE);
  const x1s = new Int32Array(TILE);
  const wxs = new Float32Array(TILE);
  for (let x = 0; x < TILE; x++) {
    const gx = x * step;
    const i0 = Math.floor(gx);
    const t = gx - i0;
    x0s[x] = i0 % g;
    x1s[x] = (i0 + 1) % g;
    wxs[x] = t * t * (3 - 2 * t);
  }
  for (let y = 0; y < TILE; y++) {
    const gy = y * step;
    const j0 = Math.floor(gy);
    let t = gy - j0;
    t = t * t * (3 - 2 * t);
    const r0 = (j0 % g) * g;
    const r1 = ((j0 + 1) % g) * g;
    const row = y * TILE;
    for (let x = 0; x < TILE; x++) {
      const wx = wxs[x];
      const a = grid[r0 + x0s[x]] * (1 - wx) + grid[r0 + x1s[x]] * wx;
      const b = grid[r1 + x0s[x]] * (1 - wx) + grid[r1 + x1s[x]] * wx;
      out[row + x] = a * (1 - t) + b * t;
    }
  }
  return out;
}

/** Mean 0.5, standard deviation 0.18, clipped to [0, 1]: every field has the same statistics. */
function standardise(f: Float32Array): Float32Array {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < f.length; i++) {
    sum += f[i];
    sq += f[i] * f[i];
  }
  const mean = sum / f.length;
  const k = 0.18 / Math.sqrt(Math.max(sq / f.length - mean * mean, 1e-12));
  for (let i = 0; i < f.length; i++) f[i] = Math.min(1, Math.max(0, 0.5 + (f[i] - mean) * k));
  return f;
}

/** Sum of octaves (each half the spacing and amplitude of the last). */
function fractal(rng: Rng, spacingPx: number, octaves: number): Float32Array {
  const out = new Float32Array(TILE * TILE);
  let amp = 1;
  for (let o = 0; o < octaves; o++) {
    const n = valueNoise(rng, Math.max(1.5, spacingPx / 2 ** o));
    for (let i = 0; i < out.length; i++) out[i] += amp * n[i];
    amp *= 0.5;
  }
  return standardise(out);
}

export function makeNoiseBank(rng: Rng, pixelSizeUm: number): NoiseBank {
  const px = (um: number) => um / pixelSizeUm;
  return {
    fine: fractal(rng, px(1.1), 2),
    fine2: standardise(valueNoise(rng, px(0.9))),
    mid: fractal(rng, px(2.6), 2),
    mid2: fractal(rng, px(2.0), 2),
    coarse: standardise(valueNoise(rng, px(28))),
  };
}

/** 65,536 standard normal deviates, indexed by the top 16 bits of a per-pixel xorshift state. */
export function gaussTable(rng: Rng): Float32Array {
  const t = new Float32Array(65536);
  for (let i = 0; i < t.length; i++) t[i] = rng.normal();
  return t;
}

/** Separable [1 2 1]/4 blur: the optics' point spread, so drawn edges are not one-pixel sharp. */
export function psfBlur(f: Float32Array, w: number, h: number, tmp: Float32Array): void {
  for (let y = 0; y < h; y++) {
    const r = y * w;
    tmp[r] = (3 * f[r] + f[r + 1]) * 0.25;
    for (let x = 1; x < w - 1; x++) tmp[r + x] = (f[r + x - 1] + 2 * f[r + x] + f[r + x + 1]) * 0.25;
    tmp[r + w - 1] = (f[r + w - 2] + 3 * f[r + w - 1]) * 0.25;
  }
  // Row by row, so memory is read in order.
  for (let y = 0; y < h; y++) {
    const r = y * w;
    const up = y > 0 ? r - w : r;
    const down = y < h - 1 ? r + w : r;
    for (let x = 0; x < w; x++) f[r + x] = (tmp[up + x] + 2 * tmp[r + x] + tmp[down + x]) * 0.25;
  }
}

function boxPass(src: Float32Array, dst: Float32Array, n: number, stride: number, count: number, lineStride: number, r: number): void {
  const inv = 1 / (2 * r + 1);
  for (let l = 0; l < count; l++) {
    const base = l * lineStride;
    const at = (i: number) => src[base + Math.min(n - 1, Math.max(0, i)) * stride];
    let acc = 0;
    for (let i = -r; i <= r; i++) acc += at(i);
    for (let i = 0; i < n; i++) {
      dst[base + i * stride] = acc * inv;
      acc += at(i + r + 1) - at(i - r);
    }
  }
}

/** Gaussian blur of about `sigma` px (three box passes per axis): defocus. */
export function defocus(f: Float32Array, w: number, h: number, sigma: number, tmp: Float32Array): void {
  const r = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  for (let k = 0; k < 3; k++) {
    boxPass(f, tmp, w, 1, h, w, r);
    boxPass(tmp, f, h, w, w, 1, r);
  }
}
