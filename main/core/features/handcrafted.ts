// A classical CellProfiler-like feature vector per site: the strong, interpretable baseline the MICON head builds on.
import { CHANNELS } from '../types.js';
import { CORRELATION_NAMES, correlationFeatures } from './correlation.js';
import { INTENSITY_NAMES, intensityFeatures } from './intensity.js';
import { CELL_NAMES, NUCLEUS_NAMES, objectFeatures } from './objects.js';
import { TEXTURE_NAMES, textureFeatures, textureScratch } from './texture.js';

/** Bump whenever any feature's definition, order or count changes: stored vectors from another version are stale. */
export const HANDCRAFTED_VERSION = 'handcrafted-1';

const NAMES: readonly string[] = [
  ...CHANNELS.flatMap((c) => [...INTENSITY_NAMES.map((f) => `${c}_int_${f}`), ...TEXTURE_NAMES.map((f) => `${c}_tex_${f}`)]),
  ...NUCLEUS_NAMES,
  ...CELL_NAMES,
  ...CORRELATION_NAMES,
];

export function handcraftedFeatureNames(): string[] {
  return [...NAMES];
}

/** Features of one site: uint16 [channel][y][x] in CHANNELS order, size × size per channel. Every value is finite. */
export function handcraftedFeatures(site: Uint16Array, size: number): Float32Array {
  const n = size * size;
  if (!Number.isInteger(size) || size < 3 || site.length !== CHANNELS.length * n) {
    throw new Error(`handcraftedFeatures: expected ${CHANNELS.length}×${size}×${size} = ${CHANNELS.length * n} values, got ${site.length}`);
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
    k += textureFeatures(ch, x, size, out, k, scratch);
  }
  const { written, masks } = objectFeatures(chans, size, out, k);
  k += written;
  k += correlationFeatures(chans, masks.cellMask, out, k);
  if (k !== NAMES.length) throw new Error(`handcraftedFeatures: wrote ${k} values for ${NAMES.length} names`);
  // Last line of defence: downstream normalisation and sphering cannot recover from a single NaN.
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) out[i] = 0;
  return out;
}
