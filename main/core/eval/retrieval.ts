import type { Matrix } from '../profiles/matrix.js';
import type { WellMeta } from '../profiles/well-meta.js';
import type { Exclusion } from './labels.js';
import { allCompounds, evaluate, variantKey, type TopK } from './report.js';

export type { Exclusion } from './labels.js';
export type { TopK } from './report.js';

export interface RetrievalOptions {
  /** 'batch' = Not-Same-Batch, 'source' = Not-Same-Source, 'none' = any other well. */
  exclude: Exclusion;
  /** Only queries of these compounds (e.g. held-out ones); candidates are still all treated wells. */
  queryCompounds?: Set<string>;
}

/**
 * Replicate retrieval: each treated query well ranks the other treated wells (outside its batch or
 * source) by cosine similarity; a hit at k is a same-compound well among the first k. One variant
 * of what `evaluate` (the code `micon eval` runs) reports, read off its held-out group: the queries
 * of `queryCompounds` (default every compound), without intervals.
 */
export function retrievalTopK(profiles: Matrix, meta: WellMeta[], opts: RetrievalOptions): TopK {
  const r = evaluate(profiles, meta, { heldoutCompounds: opts.queryCompounds ?? allCompounds(meta), permutations: 0, resamples: 0 });
  const { top1, top5, top10, queries, skipped } = r.heldout[variantKey(opts.exclude, 'topk')];
  return { top1, top5, top10, queries, skipped };
}
