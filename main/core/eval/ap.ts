import { KIND_CONTROL as CONTROL_KIND, KIND_TREATED as TREATED_KIND, type EncodedMeta, type Exclusion } from './labels.js';

// Imported bindings compile to live getters under some loaders (tsx, vitest); the per-candidate
// loops read module-local copies instead.
const KIND_TREATED = TREATED_KIND;
const KIND_CONTROL = CONTROL_KIND;

/** Candidate classes for one query, filled per query into a reusable Int8Array. */
export const IGNORE = -1;
export const NEG_TREATED = 0;
export const POS = 1;
export const NEG_CONTROL = 2;

/**
 * Replicate classes: same compound → POS; other compounds' treated wells → NEG_TREATED; negcon
 * wells → NEG_CONTROL; the query itself, excluded (same batch/source) and other wells → IGNORE.
 * Retrieval ranks among treated wells only (ignores NEG_CONTROL); mAP counts controls as negatives.
 */
export function classifyReplicates(enc: EncodedMeta, q: number, cands: ArrayLike<number>, exclude: Exclusion, cls: Int8Array): void {
  const cq = enc.compound[q];
  const { kind, compound } = enc;
  const group = groupOf(enc, exclude);
  const gq = group ? group[q] : -1;
  for (let j = 0; j < cands.length; j++) {
    const c = cands[j];
    const k = kind[c];
    if (c === q || (group !== null && group[c] === gq)) cls[j] = IGNORE;
    else if (k === KIND_TREATED) cls[j] = compound[c] === cq ? POS : NEG_TREATED;
    else if (k === KIND_CONTROL) cls[j] = NEG_CONTROL;
    else cls[j] = IGNORE;
  }
}

/** The code array whose equality excludes a candidate (same batch / same source), or null. */
function groupOf(enc: EncodedMeta, exclude: Exclusion): Int32Array | null {
  return exclude === 'batch' ? enc.batch : exclude === 'source' ? enc.source : null;
}

function shareAny(a: Int32Array, b: Int32Array): boolean {
  // both sorted ascending
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) return true;
    if (a[i] < b[j]) i++;
    else j++;
  }
  return false;
}

/**
 * Mechanism classes: other compounds sharing a mechanism → POS; other compounds with another
 * annotated mechanism → NEG_TREATED; negcon → NEG_CONTROL. The query's own compound is ignored
 * entirely (otherwise replicate memory would pass for biology), and so are unannotated
 * compounds (they may well share the mechanism). Returns false when the query has no annotation.
 */
export function classifyMechanism(enc: EncodedMeta, q: number, cands: ArrayLike<number>, exclude: Exclusion, cls: Int8Array): boolean {
  const mq = enc.moa[q];
  if (!mq) {
    cls.fill(IGNORE, 0, cands.length);
    return false;
  }
  const cq = enc.compound[q];
  const group = groupOf(enc, exclude);
  const gq = group ? group[q] : -1;
  for (let j = 0; j < cands.length; j++) {
    const c = cands[j];
    const kind = enc.kind[c];
    if (c === q || (group !== null && group[c] === gq)) cls[j] = IGNORE;
    else if (kind === KIND_CONTROL) cls[j] = NEG_CONTROL;
    else if (kind !== KIND_TREATED || enc.compound[c] === cq) cls[j] = IGNORE;
    else {
      const mc = enc.moa[c];
      cls[j] = mc === null ? IGNORE : shareAny(mq, mc) ? POS : NEG_TREATED;
    }
  }
  return true;
}

/** Turn every candidate of class `k` into IGNORE (e.g. NEG_TREATED: rank against DMSO only). */
export function dropClass(cls: Int8Array, n: number, k: number): void {
  for (let j = 0; j < n; j++) if (cls[j] === k) cls[j] = IGNORE;
}

/**
 * Rank (0-based) of the best positive among the retrieval pool (POS and NEG_TREATED), i.e. the
 * number of negatives scoring at least as high — ties count against the query, so a collapsed
 * embedding cannot score. −1 when there is no positive.
 */
export function bestPositiveRank(sims: ArrayLike<number>, cls: Int8Array, n: number): number {
  let best = -Infinity;
  let any = false;
  for (let j = 0; j < n; j++) {
    if (cls[j] === POS) {
      any = true;
      if (sims[j] > best) best = sims[j];
    }
  }
  if (!any) return -1;
  let rank = 0;
  for (let j = 0; j < n; j++) if (cls[j] === NEG_TREATED && sims[j] >= best) rank++;
  return rank;
}

export interface ApResult {
  ap: number;
  positives: number;
  negatives: number;
}

/**
 * Average precision of the POS candidates ranked by similarity against NEG_TREATED and
 * NEG_CONTROL ones: mean over positives of precision at each positive's rank. Ties between a
 * positive and a negative put the negative first (pessimistic). null when there is no positive.
 * O(n log P): only the P positives are sorted.
 */
export function averagePrecision(sims: ArrayLike<number>, cls: Int8Array, n: number): ApResult | null {
  const pos: number[] = [];
  for (let j = 0; j < n; j++) if (cls[j] === POS) pos.push(sims[j]);
  const P = pos.length;
  if (!P) return null;
  pos.sort((a, b) => b - a);
  const lowest = pos[P - 1];
  const ahead = new Int32Array(P + 1);
  let negatives = 0;
  for (let j = 0; j < n; j++) {
    const k = cls[j];
    if (k !== NEG_TREATED && k !== NEG_CONTROL) continue;
    negatives++;
    const s = sims[j];
    if (s < lowest) continue;
    // first positive index i with pos[i] <= s: this negative is ranked ahead of positives i..P-1
    let lo = 0;
    let hi = P;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pos[mid] <= s) hi = mid;
      else lo = mid + 1;
    }
    ahead[lo]++;
  }
  let sum = 0;
  let negAbove = 0;
  for (let i = 0; i < P; i++) {
    negAbove += ahead[i];
    sum += (i + 1) / (i + 1 + negAbove);
  }
  return { ap: sum / P, positives: P, negatives };
}

/** AP of an explicit ranking, best first (true = positive). For tests and small callers. */
export function averagePrecisionOfRanking(ranking: ArrayLike<boolean>): number {
  let hits = 0;
  let sum = 0;
  for (let r = 0; r < ranking.length; r++) {
    if (ranking[r]) {
      hits++;
      sum += hits / (r + 1);
    }
  }
  return hits ? sum / hits : NaN;
}
