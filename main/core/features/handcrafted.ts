// A classical CellProfiler-like feature vector per site: the strong, interpretable baseline the MICON head builds on.
import { CHANNELS } from '../types.js';
import { CORRELATION_NAMES, correlationFeatures } from './correlation.js';
import { INTENSITY_NAMES, intensityFeatures } from './intensity.js';
import { estimateNucleusDiameter } from './nuclei.js';
import { CELL_NAMES, NUCLEUS_NAMES, objectFeatures } from './objects.js';
import { TEXTURE_NAMES, textureFeatures, textureScratch } from './texture.js';

/** Bump whenever any feature's definition, order or count changes: stored vectors from another version are stale. */
export const HANDCRAFTED_VERSION = 'handcrafted-2';

const NAMES: readonly string[] = [
  ...CHANNELS.flatMap((c) => [...INTENSITY_NAMES.map((f) => `${c}_int_${f}`), ...TEXTURE_NAMES.map((f) => `${c}_tex_${f}`)]),
  ...NUCLEUS_NAMES,
  ...CELL_NAMES,
  ...CORRELATION_NAMES,
];

export function handcraftedFeatureNames(): string[] {
  return [...NAMES];
}

/** Features of one square site (a size × size cache array); see siteFeatures. */
export function handcraftedFeatures(site: Uint16Array, size: number): Float32Array {
  return siteFeatures(site, size, size);
}

export interface SiteFeatureOptions {
  /** Typical nucleus diameter in pixels of this image, when known (else estimated from the DNA channel). */
  nucleusDiameterPx?: number;
  /**
   * The DNA channel plate-scaled but not clipped at 1 (w × h). Segmentation uses it when given: on a
   * sparse field the plate's 99.9th percentile falls inside the nuclei, and clipped they are flat-topped,
   * so touching ones can no longer be told apart by brightness.
   */
  dna?: Float32Array;
}

/**
 * Features of one site: uint16 [channel][y][x] in CHANNELS order, w × h per channel, plate-scaled
 * (65535 ≈ the plate's 99.9th percentile). Every value is finite.
 */
export function siteFeatures(site: Uint16Array, w: number, h: number, opts: SiteFeatureOptions = {}): Float32Array {
  const n = w * h;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 3 || h < 3 || site.length !== CHANNELS.length * n) {
    throw new Error(`siteFeatures: expected ${CHANNELS.length}×${h}×${w} = ${CHANNELS.length * n} values, got ${site.length}`);
  }
  const out = new Float32Array(NAMES.length);
  const scratch = textureScratch(n);
  const chans: Float32Array[] = [];
  let k = 0;
  for (let c = 0; c < CHANNELS.length; c++) {
    const ch = site.subarray(c * n, (c + 1) * n);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = ch[i] / 65535;
    chans.push(x);
    k += intensityFeatures(ch, out, k);
    k += textureFeatures(ch, x, w, h, out, k, scratch);
  }
  if (opts.dna && opts.dna.length !== n) throw new Error(`siteFeatures: the unclipped DNA plane has ${opts.dna.length} values, expected ${n}`);
  const dna = opts.dna ?? chans[0];
  const diameter = opts.nucleusDiameterPx ?? estimateNucleusDiameter(dna, w, h);
  const { written, masks } = objectFeatures(chans, w, h, diameter, out, k, dna);
  k += written;
  k += correlationFeatures(chans, masks.cellMask, out, k);
  if (k !== NAMES.length) throw new Error(`siteFeatures: wrote ${k} values for ${NAMES.length} names`);
  // Last line of defence: downstream normalisation and sphering cannot recover from a single NaN.
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) out[i] = 0;
  return out;
}
