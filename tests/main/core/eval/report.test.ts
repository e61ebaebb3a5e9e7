import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../../main/core/eval/report.js';
import { seededRandom } from '../../../../main/core/eval/rng.js';
import { createMatrix, matrixFromRows } from '../../../../main/core/profiles/matrix.js';
import type { WellMeta } from '../../../../main/core/profiles/well-meta.js';
import { angle, ctrl, trt } from './fixtures.js';

describe('evaluate', () => {
  it('reports held-out and trained queries apart, in the DESIGN.md eval shape', () => {
    // A held out, B trained; two batches, one source each batch. Replicates identical.
    const meta: WellMeta[] = [
      trt('A', 'b1', { source: 's1', moa: 'X' }), trt('A', 'b2', { source: 's2', moa: 'X' }),
      trt('B', 'b1', { source: 's1', moa: 'X' }), trt('B', 'b2', { source: 's2', moa: 'X' }),
      ctrl('b1', { source: 's1' }), ctrl('b2', { source: 's2' }),
    ];
    const m = matrixFromRows([angle(0), angle(0), angle(30), angle(30), angle(90), angle(90)]);
    const r = evaluate(m, meta, { heldoutCompounds: new Set(['A']), permutations: 50, seed: 3 });
    for (const g of [r.heldout, r.trained]) {
      expect(g.queries).toBe(2);
      expect(g.compounds).toBe(1);
      expect(g.nsb).toMatchObject({ top1: 1, top5: 1, top10: 1, queries: 2, skipped: 0 });
      expect(g.nss).toMatchObject({ top1: 1, top5: 1, top10: 1, queries: 2, skipped: 0 });
      // One compound per group: every resample draws it, so the interval is the point.
      expect(g.nss.top1Ci95).toEqual([1, 1]);
      expect(g.map).toBe(1);
      expect(g.mapQueries).toBe(2);
      // Mechanism: A's only positive is B's cross-batch well or same-batch one, ranked first of all → 1.
      expect(g.mechanism).toEqual({ map: 1, queries: 2, skipped: 0, unannotated: 0, mapCi95: [1, 1] });
      expect(g.mapDetail.all).not.toHaveProperty('perCompound');
    }
    const json = JSON.parse(JSON.stringify(r));
    expect(Object.keys(json.heldout)).toEqual(expect.arrayContaining(['nsb', 'nss', 'map']));
    expect(Object.keys(json.heldout.nsb)).toEqual(expect.arrayContaining(['top1', 'top5', 'top10', 'queries']));
  });

  // retrievalTopK and meanAveragePrecision now read their numbers off evaluate() (retrieval.test.ts and
  // map.test.ts check those against hand-computed rankings), so comparing them here would compare
  // evaluate() with itself; mechanism consistency is still computed apart.
  it('puts every query in the held-out group when every compound is held out, and agrees with the standalone mechanism consistency', async () => {
    const { mechanismConsistency } = await import('../../../../main/core/eval/map.js');
    const { x, meta } = randomScreen(120, 12, 4);
    const all = new Set(meta.flatMap((m) => (m.compound ? [m.compound] : [])));
    const r = evaluate(x, meta, { heldoutCompounds: all, permutations: 20, seed: 5, perCompound: true });
    expect(r.trained.queries).toBe(0);
    expect(r.trained.map).toBeNull();
    expect(r.heldout.queries).toBe(meta.filter((m) => m.pertType === 'trt').length);
    expect(r.heldout.mechanism).toMatchObject(mechanismConsistency(x, meta)!);
  });

  it('runs on 2,000 wells × 256 dims (performance sanity; timings belong in benchmarks)', () => {
    const { x, meta } = randomScreen(2000, 256, 5);
    const heldout = new Set(Array.from({ length: 40 }, (_, i) => `C${i}`));
    const r = evaluate(x, meta, { heldoutCompounds: heldout, permutations: 100 });
    const treated = meta.filter((m) => m.pertType === 'trt').length;
    expect(r.heldout.queries + r.trained.queries).toBe(treated);
    expect(r.heldout.nsb.queries).toBe(r.heldout.queries);
  });
});

/** Random profiles: `n` wells, 10% negcon, compounds with ~5 replicates spread over 4 batches in 2 sources. */
function randomScreen(n: number, d: number, seed: number): { x: ReturnType<typeof createMatrix>; meta: WellMeta[] } {
  const rnd = seededRandom(seed);
  const x = createMatrix(n, d);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rnd() - 0.5;
  const meta: WellMeta[] = [];
  for (let i = 0; i < n; i++) {
    const batch = `b${i % 4}`;
    const extra = { source: `s${i % 2}`, plate: `${batch}-p${i % 3}` };
    meta.push(i % 10 === 0 ? ctrl(batch, extra) : trt(`C${Math.floor(i / 5) % Math.ceil(n / 25)}`, batch, { ...extra, moa: i % 3 ? `M${i % 7}` : null }));
  }
  return { x, meta };
}
