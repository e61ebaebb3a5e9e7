import type { Matrix } from '../profiles/matrix.js';
import type { WellMeta } from '../profiles/well-meta.js';
import type { Exclusion } from './labels.js';
import type { MapSummary, SignificanceOptions } from './map-summary.js';
import { allCompounds, evaluate, variantKey } from './report.js';

export { averagePrecision, averagePrecisionOfRanking } from './ap.js';
export { summarizeAps, type CompoundMap, type MapSummary, type QueryAp, type SignificanceOptions } from './map-summary.js';
export { benjaminiHochberg, mapPValue, NullPool, randomAveragePrecision } from './significance.js';
export { mechanismConsistency, type MechanismSummary } from './mechanism.js';

export interface MapOptions extends SignificanceOptions {
  /** 'batch' / 'source' drop same-batch / same-source wells from positives and negatives alike. */
  exclude?: Exclusion;
  queryCompounds?: Set<string>;
}

/**
 * copairs-style replicate mAP: per treated query well, AP of its same-compound wells ranked by
 * cosine against other compounds' treated wells and negcon wells. One variant of what `evaluate`
 * (the code `micon eval` runs) reports, read off its held-out group: the queries of
 * `queryCompounds` (default every compound); the other compounds stay candidates.
 */
export function meanAveragePrecision(profiles: Matrix, meta: WellMeta[], opts: MapOptions = {}): MapSummary {
  const r = evaluate(profiles, meta, {
    heldoutCompounds: opts.queryCompounds ?? allCompounds(meta),
    permutations: opts.permutations ?? 1000,
    seed: opts.seed,
    alpha: opts.alpha,
    perCompound: true,
    resamples: 0,
  });
  return r.heldout.mapDetail[variantKey(opts.exclude ?? 'none', 'map')] as MapSummary;
}
