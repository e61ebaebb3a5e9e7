// Compound-bootstrap intervals. Compounds, not wells, are the unit a screen samples: wells of one
// compound are correlated, so resampling wells would give intervals far too narrow. Each resample
// draws the group's compounds with replacement and recomputes a figure from per-compound sums that
// were computed once (the rankings are never recomputed), so 1,000 resamples cost O(1000 × compounds).
import { seededRandom } from './rng.js';

export const BOOTSTRAP_RESAMPLES = 1000;

/** Multiplicity of each compound in each resample: row b holds resample b (B × C, row-major). */
export interface BootstrapDraws {
  resamples: number;
  compounds: number;
  counts: Uint16Array;
}

/**
 * Seeded draws over `compounds` items. Callers sort their compounds by name first, so two feature
 * sets evaluated on the same wells get identical draws and their differences are paired.
 */
export function bootstrapDraws(compounds: number, resamples = BOOTSTRAP_RESAMPLES, seed = 0): BootstrapDraws {
  const counts = new Uint16Array(resamples * compounds);
  const rnd = seededRandom((seed ^ 0x2545f491) >>> 0);
  for (let b = 0; b < resamples; b++) {
    const o = b * compounds;
    for (let i = 0; i < compounds; i++) counts[o + Math.floor(rnd() * compounds)]++;
  }
  return { resamples, compounds, counts };
}

/** Per-compound numerator and denominator: the figure is Σ num / Σ den over the compounds drawn. */
export interface CompoundSums {
  num: Float64Array;
  den: Float64Array;
}

export function compoundSums(compounds: number): CompoundSums {
  return { num: new Float64Array(compounds), den: new Float64Array(compounds) };
}

/** Σ num / Σ den over all compounds (the point estimate), null when the denominator is 0. */
export function ratioOf(s: CompoundSums): number | null {
  let n = 0;
  let d = 0;
  for (let i = 0; i < s.num.length; i++) {
    n += s.num[i];
    d += s.den[i];
  }
  return d > 0 ? n / d : null;
}

/** Percentile (type 7, as numpy's default) of a sorted array. */
function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * 95 % percentile interval of Σ num / Σ den (or of a − b when `minus` is given: a paired difference)
 * over the resamples; resamples whose denominator is 0 are dropped. null without any usable one.
 */
export function bootstrapCi(s: CompoundSums, draws: BootstrapDraws, minus?: CompoundSums): [number, number] | null {
  if (s.num.length !== draws.compounds || (minus && minus.num.length !== draws.compounds)) throw new RangeError('bootstrap: compound counts differ');
  const stats: number[] = [];
  const C = draws.compounds;
  for (let b = 0; b < draws.resamples; b++) {
    const o = b * C;
    let n = 0;
    let d = 0;
    let n2 = 0;
    let d2 = 0;
    for (let i = 0; i < C; i++) {
      const w = draws.counts[o + i];
      if (!w) continue;
      n += w * s.num[i];
      d += w * s.den[i];
      if (minus) {
        n2 += w * minus.num[i];
        d2 += w * minus.den[i];
      }
    }
    if (d <= 0 || (minus && d2 <= 0)) continue;
    stats.push(minus ? n / d - n2 / d2 : n / d);
  }
  if (!stats.length) return null;
  const sorted = Float64Array.from(stats).sort();
  return [quantile(sorted, 0.025), quantile(sorted, 0.975)];
}
