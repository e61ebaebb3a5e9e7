import type { Matrix } from '../profiles/matrix.js';
import type { WellMeta } from '../profiles/well-meta.js';
import { averagePrecision, classifyMechanism } from './ap.js';
import { encodeMeta, KIND_CONTROL, KIND_TREATED, treatedQueries, wellsOfKind, type Exclusion } from './labels.js';
import { forEachSimilarityRow } from './similarity.js';

export interface MechanismSummary {
  /** Mean over query wells of the AP of other compounds sharing the query's mechanism; null without queries. */
  map: number | null;
  /** Annotated query wells with at least one other compound of the same mechanism in the pool. */
  queries: number;
  /** Annotated query wells whose mechanism no other compound (in the pool) shares. */
  skipped: number;
  /** Treated query wells without an annotation (not scored). */
  unannotated: number;
}

/** Accumulates per-query mechanism APs. */
export class MechanismAccumulator {
  private sum = 0;
  private n = 0;
  private skip = 0;
  private unannotated = 0;

  add(annotated: boolean, ap: number | null): void {
    if (!annotated) this.unannotated++;
    else if (ap === null) this.skip++;
    else {
      this.sum += ap;
      this.n++;
    }
  }

  result(): MechanismSummary {
    return { map: this.n ? this.sum / this.n : null, queries: this.n, skipped: this.skip, unannotated: this.unannotated };
  }
}

/**
 * Mechanism consistency: does a well retrieve *other* compounds with its mechanism ahead of other
 * mechanisms and controls? Same-compound wells are left out of the ranking entirely. null when no
 * treated well carries an annotation.
 */
export function mechanismConsistency(
  profiles: Matrix,
  meta: WellMeta[],
  opts: { exclude?: Exclusion; queryCompounds?: Set<string> } = {},
): MechanismSummary | null {
  const enc = encodeMeta(meta);
  if (!enc.moa.some((m) => m !== null)) return null;
  const cands = wellsOfKind(enc, KIND_TREATED, KIND_CONTROL);
  const cls = new Int8Array(cands.length);
  const acc = new MechanismAccumulator();
  forEachSimilarityRow(profiles, treatedQueries(enc, opts.queryCompounds), cands, (q, sims) => {
    const annotated = classifyMechanism(enc, q, cands, opts.exclude ?? 'none', cls);
    acc.add(annotated, annotated ? (averagePrecision(sims, cls, cands.length)?.ap ?? null) : null);
  });
  return acc.result();
}
