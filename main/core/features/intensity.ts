// Whole-image intensity distribution of one channel (CellProfiler's MeasureImageIntensity, extended).
import { histogram4096, histPercentiles } from './util.js';

const PCTS = [0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;
// Values are plate-scaled to [0, 1] (1 ≈ the plate's 99.9th percentile), so fixed cut-offs are comparable across plates.
const FRACTIONS = [0.1, 0.25, 0.5, 0.9] as const;

export const INTENSITY_NAMES: readonly string[] = [
  'mean',
  'std',
  ...PCTS.map((q) => `p${String(Math.round(q * 100)).padStart(2, '0')}`),
  'skew',
  'kurtosis',
  ...FRACTIONS.map((f) => `frac_gt_${f}`),
];

export function intensityFeatures(ch: Uint16Array, out: Float32Array, off: number): number {
  const n = ch.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += ch[i];
  const mean = s / n / 65535;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = ch[i] / 65535 - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  // Fractions above the cut-offs from the 4096-bin histogram (bins of 16 grey levels, 0.02 % of the range).
  const hist = histogram4096(ch);
  const counts = FRACTIONS.map((f) => {
    let c = 0;
    for (let b = Math.ceil((f * 65535) / 16); b < 4096; b++) c += hist[b];
    return c;
  });
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const sd = Math.sqrt(m2);
  // A flat image has no shape to its distribution; 0 keeps the vector finite.
  const flat = sd < 1e-6;
  let k = off;
  out[k++] = mean;
  out[k++] = sd;
  for (const p of histPercentiles(hist, n, PCTS)) out[k++] = p;
  out[k++] = flat ? 0 : m3 / (sd * sd * sd);
  out[k++] = flat ? 0 : m4 / (m2 * m2) - 3;
  for (let f = 0; f < FRACTIONS.length; f++) out[k++] = counts[f] / n;
  return k - off;
}
