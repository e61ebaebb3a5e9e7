import type { Matrix } from '../profiles/matrix.js';
import type { WellMeta } from '../profiles/well-meta.js';
import { bestPositiveRank, classifyReplicates } from './ap.js';
import { encodeMeta, KIND_TREATED, treatedQueries, wellsOfKind, type Exclusion } from './labels.js';
import { forEachSimilarityRow } from './similarity.js';

export type { Exclusion } from './labels.js';

export interface TopK {
  /** Fractions of queries with a same-compound well among the top k; null when there was no query. */
  top1: number | null;
  top5: number | null;
  top10: number | null;
  /** Queries the fractions rest on (every query, including those counted as misses below). */
  queries: number;
  /**
   * Queries with no same-compound well left in the candidate pool (e.g. every replicate in the
   * same source under NSS). They count as misses: leaving them out of the denominator would let a
   * set look better on a screen where fewer compounds can be judged.
   */
  skipped: number;
}

/** Counts hits from best-positive ranks (−1 = no eligible replicate: a miss, also counted apart). */
export class TopKCounter {
  private hits = [0, 0, 0];
  private n = 0;
  private skip = 0;

  add(rank: number): void {
    this.n++;
    if (rank < 0) {
      this.skip++;
      return;
    }
    if (rank < 1) this.hits[0]++;
    if (rank < 5) this.hits[1]++;
    if (rank < 10) this.hits[2]++;
  }

  result(): TopK {
    const f = (h: number) => (this.n ? h / this.n : null);
    return { top1: f(this.hits[0]), top5: f(this.hits[1]), top10: f(this.hits[2]), queries: this.n, skipped: this.skip };
  }
}

export interface RetrievalOptions {
  /** 'batch' = Not-Same-Batch, 'source' = Not-Same-Source, 'none' = any other well. */
  exclude: Exclusion;
  /** Only queries of these compounds (e.g. held-out ones); candidates are still all treated wells. */
  queryCompounds?: Set<string>;
}

/**
 * Replicate retrieval: each treated query well ranks the other treated wells (outside its batch or
 * source) by cosine similarity; a hit at k is a same-compound well among the first k.
 */
export function retrievalTopK(profiles: Matrix, meta: WellMeta[], opts: RetrievalOptions): TopK {
  const enc = encodeMeta(meta);
  const cands = wellsOfKind(enc, KIND_TREATED);
  const cls = new Int8Array(cands.length);
  const counter = new TopKCounter();
  forEachSimilarityRow(profiles, treatedQueries(enc, opts.queryCompounds), cands, (q, sims) => {
    classifyReplicates(enc, q, cands, opts.exclude, cls);
    counter.add(bestPositiveRank(sims, cls, cands.length));
  });
  return counter.result();
}
