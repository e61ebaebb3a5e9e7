import { describe, expect, it } from 'vitest';
import { matrixFromRows } from '../../../../main/core/profiles/matrix.js';
import { retrievalTopK } from '../../../../main/core/eval/retrieval.js';
import { angle, ctrl, trt } from './fixtures.js';

describe('NSB / NSS retrieval', () => {
  it('replicates with identical vectors in two batches: top1 = 1 under NSB', () => {
    // A, B, C each once per batch, compounds orthogonal: every query's only cross-batch
    // neighbour with cosine 1 is its replicate, the others have cosine 0.
    const meta = ['A', 'B', 'C'].flatMap((c) => [trt(c, 'b1'), trt(c, 'b2')]);
    const rows = [
      [1, 0, 0], [1, 0, 0],
      [0, 1, 0], [0, 1, 0],
      [0, 0, 1], [0, 0, 1],
    ];
    const r = retrievalTopK(matrixFromRows(rows), meta, { exclude: 'batch' });
    expect(r).toEqual({ top1: 1, top5: 1, top10: 1, queries: 6, skipped: 0 });
  });

  it('a query without an eligible replicate is a miss, and counted apart', () => {
    // A1, A2 in b1 (identical); B, C in b2. Under NSB a query from b1 sees only b2, which holds
    // no A: a miss. B and C have no replicate at all: misses in every mode. Leaving them out of
    // the denominator (as before) would have scored plain retrieval 1.0 on two of four queries.
    const meta = [trt('A', 'b1'), trt('A', 'b1'), trt('B', 'b2'), trt('C', 'b2')];
    const m = matrixFromRows([angle(0), angle(0), angle(5), angle(90)]);
    expect(retrievalTopK(m, meta, { exclude: 'none' })).toEqual({ top1: 0.5, top5: 0.5, top10: 0.5, queries: 4, skipped: 2 });
    expect(retrievalTopK(m, meta, { exclude: 'batch' })).toEqual({ top1: 0, top5: 0, top10: 0, queries: 4, skipped: 4 });
  });

  it('NSB misses when the cross-batch replicate is far and plain retrieval hits via the same batch', () => {
    // A1 (b1, 0°), A2 (b1, 0°), A3 (b2, 60°); B (b2, 10°). Query A1: plain → A2 at cos 1 → rank 0.
    // NSB → candidates b2: B cos10 > A3 cos60 → rank 1: miss at top1, hit at top5.
    const meta = [trt('A', 'b1'), trt('A', 'b1'), trt('A', 'b2'), trt('B', 'b2')];
    const m = matrixFromRows([angle(0), angle(0), angle(60), angle(10)]);
    const only = new Set(['A']);
    const plain = retrievalTopK(m, meta, { exclude: 'none', queryCompounds: only });
    // A3 (60°): plain candidates A1/A2 at cos60, B at cos50 → B first → miss at top1.
    expect(plain).toEqual({ top1: 2 / 3, top5: 1, top10: 1, queries: 3, skipped: 0 });
    const nsb = retrievalTopK(m, meta, { exclude: 'batch', queryCompounds: only });
    // A1, A2: rank 1 (B ahead of A3). A3 (b2): candidates A1, A2 at cos60 → rank 0.
    expect(nsb).toEqual({ top1: 1 / 3, top5: 1, top10: 1, queries: 3, skipped: 0 });
  });

  it('NSS excludes the whole source, and controls are never retrieval candidates', () => {
    const meta = [
      trt('A', 'b1', { source: 's1' }), trt('A', 'b2', { source: 's1' }),
      trt('A', 'b3', { source: 's2' }), trt('B', 'b3', { source: 's2' }),
      ctrl('b3', { source: 's2' }),
    ];
    // Query A1 (s1): NSS candidates A3 (cos 30°) and B (cos 0° → ahead). Control at 0° too but ignored.
    const m = matrixFromRows([angle(0), angle(0), angle(30), angle(0), angle(0)]);
    const r = retrievalTopK(m, meta, { exclude: 'source', queryCompounds: new Set(['A']) });
    // A1, A2: rank 1. A3 (s2): candidates A1, A2 at cos30, B excluded (same source) → rank 0.
    expect(r).toEqual({ top1: 1 / 3, top5: 1, top10: 1, queries: 3, skipped: 0 });
  });

  it('ties count against the query: a collapsed embedding scores 0 at top1', () => {
    const meta = ['A', 'B', 'C'].flatMap((c) => [trt(c, 'b1'), trt(c, 'b2')]);
    const m = matrixFromRows(meta.map(() => [1, 1]));
    const r = retrievalTopK(m, meta, { exclude: 'batch' });
    // Cross-batch pool per query: 1 replicate + 2 others, all tied → rank 2.
    expect(r).toEqual({ top1: 0, top5: 1, top10: 1, queries: 6, skipped: 0 });
  });

  it('restricting queries to held-out compounds keeps all treated wells as candidates', () => {
    // Query A1 (b1): B2 (b2) sits closer than A2 (b2). B is not a query but is still a candidate.
    const meta = [trt('A', 'b1'), trt('A', 'b2'), trt('B', 'b1'), trt('B', 'b2')];
    const m = matrixFromRows([angle(0), angle(40), angle(70), angle(10)]);
    const r = retrievalTopK(m, meta, { exclude: 'batch', queryCompounds: new Set(['A']) });
    // A1: candidates A2 cos40, B2 cos10 → rank 1. A2 (40°): A1 cos40, B1 cos30 → rank 1.
    expect(r.queries).toBe(2);
    expect(r.top1).toBe(0);
    expect(r.top5).toBe(1);
  });
});
