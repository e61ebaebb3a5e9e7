// Co-localisation of stains: Pearson correlation for every channel pair, over the whole field and within cells.
import { CHANNELS } from '../types.js';
import { pearsonPairs } from './util.js';

const PAIRS: [number, number][] = [];
for (let a = 0; a < CHANNELS.length; a++) for (let b = a + 1; b < CHANNELS.length; b++) PAIRS.push([a, b]);

export const CORRELATION_NAMES: readonly string[] = [
  ...PAIRS.map(([a, b]) => `corr_${CHANNELS[a]}_${CHANNELS[b]}`),
  ...PAIRS.map(([a, b]) => `corr_cells_${CHANNELS[a]}_${CHANNELS[b]}`),
];

export function correlationFeatures(chans: Float32Array[], cellMask: Uint8Array, out: Float32Array, off: number): number {
  let k = off;
  // pearsonPairs walks the pairs in the same (a < b) order as PAIRS.
  // Every third pixel on full fields (an odd step does not alias onto whole columns).
  const step = chans[0].length >= 65536 ? 3 : 1;
  for (const r of pearsonPairs(chans, undefined, step)) out[k++] = r;
  // Within cells the background no longer dominates, so this measures where stains sit relative to each other.
  for (const r of pearsonPairs(chans, cellMask, step)) out[k++] = r;
  return k - off;
}
