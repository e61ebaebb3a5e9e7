// What a replicate mAP reports, summarised from per-query APs: shared by evaluate() (report.ts) and
// the meanAveragePrecision() view of it (map.ts).
import { seededRandom } from './rng.js';
import { benjaminiHochberg, mapPValue, NullPool } from './significance.js';

export interface QueryAp {
  well: number;
  compound: string;
  ap: number;
  positives: number;
  negatives: number;
}

export interface CompoundMap {
  compound: string;
  map: number;
  queries: number;
  pValue: number;
  qValue: number;
  significant: boolean;
}

export interface MapSummary {
  /** Mean over compounds of each compound's mean AP (the copairs convention); null without queries. */
  map: number | null;
  /** Fraction of compounds with BH q < alpha under the permutation null; null when not computed. */
  significantFraction: number | null;
  compounds: number;
  significantCompounds: number;
  /** Query wells with at least one positive. */
  queries: number;
  /** Treated query wells with no positive left after exclusions. */
  skipped: number;
  /** Mean AP over query wells (not compound-weighted), for reference. */
  meanQueryAp: number | null;
  perCompound: CompoundMap[];
}

export interface SignificanceOptions {
  /** Permutations of the null per compound; 0 skips significance. Default 1000. */
  permutations?: number;
  seed?: number;
  /** FDR level. Default 0.05. */
  alpha?: number;
}

/** Per-compound mAP, permutation p-values and BH q-values from per-query APs. */
export function summarizeAps(aps: QueryAp[], skipped: number, opts: SignificanceOptions = {}): MapSummary {
  const permutations = opts.permutations ?? 1000;
  const alpha = opts.alpha ?? 0.05;
  const byCompound = new Map<string, QueryAp[]>();
  for (const a of aps) {
    let list = byCompound.get(a.compound);
    if (!list) byCompound.set(a.compound, (list = []));
    list.push(a);
  }
  // Sorted so the seeded null does not depend on query order.
  const names = [...byCompound.keys()].sort();
  const rnd = seededRandom(opts.seed ?? 0);
  const pool = new NullPool(permutations, seededRandom((opts.seed ?? 0) ^ 0x5bd1e995));
  const perCompound: CompoundMap[] = names.map((compound) => {
    const list = byCompound.get(compound)!;
    const map = list.reduce((s, a) => s + a.ap, 0) / list.length;
    const pValue = permutations > 0 ? mapPValue(map, list, permutations, rnd, pool) : NaN;
    return { compound, map, queries: list.length, pValue, qValue: NaN, significant: false };
  });
  const q = benjaminiHochberg(perCompound.map((c) => c.pValue));
  perCompound.forEach((c, i) => {
    c.qValue = q[i];
    c.significant = q[i] < alpha;
  });
  const significantCompounds = perCompound.filter((c) => c.significant).length;
  const n = perCompound.length;
  return {
    map: n ? perCompound.reduce((s, c) => s + c.map, 0) / n : null,
    significantFraction: n && permutations > 0 ? significantCompounds / n : null,
    compounds: n,
    significantCompounds,
    queries: aps.length,
    skipped,
    meanQueryAp: aps.length ? aps.reduce((s, a) => s + a.ap, 0) / aps.length : null,
    perCompound,
  };
}
