import { describe, expect, it } from 'vitest';
import { bootstrapCi, bootstrapDraws, compoundSums } from '../../../../main/core/eval/bootstrap.js';
import { evaluate } from '../../../../main/core/eval/report.js';
import { retrievalTopK } from '../../../../main/core/eval/retrieval.js';
import { seededRandom } from '../../../../main/core/eval/rng.js';
import { matrixFromRows } from '../../../../main/core/profiles/matrix.js';
import type { WellMeta } from '../../../../main/core/profiles/well-meta.js';
import { angle, ctrl, trt } from './fixtures.js';

describe('copairs-style activity and consistency', () => {
  it('activity ranks replicates against DMSO only; the headline mAP also counts other compounds', () => {
    // A's two wells at 0° and 20°; B at 10° sits between them; DMSO far away at 90°/100°.
    // Replicate mAP (B's wells negatives): both B wells (10° off) rank ahead of the other A well (20°) → AP 1/3.
    // Activity: only DMSO wells are negatives, all further away → AP 1.
    const meta: WellMeta[] = [trt('A', 'b1'), trt('A', 'b2'), trt('B', 'b1'), trt('B', 'b2'), ctrl('b1'), ctrl('b2')];
    const m = matrixFromRows([angle(0), angle(20), angle(10), angle(10), angle(90), angle(100)]);
    const r = evaluate(m, meta, { heldoutCompounds: new Set(['A']), permutations: 200, seed: 1 });
    expect(r.heldout.map).toBeCloseTo(1 / 3, 6);
    expect(r.heldout.mapActivity.map).toBe(1);
    expect(r.heldout.mapActivity.groups).toBe(1);
    // 1 positive among 3 → null AP = 1 with p 1/3: never significant at one compound.
    expect(r.heldout.mapActivity.fractionRetrieved).toBe(0);
  });

  it('activity is significant for a compound clearly apart from many DMSO wells', () => {
    const meta: WellMeta[] = [];
    const rows: number[][] = [];
    for (let i = 0; i < 4; i++) {
      meta.push(trt('A', `b${i}`));
      rows.push(angle(i));
    }
    for (let i = 0; i < 40; i++) {
      meta.push(ctrl(`b${i % 4}`));
      rows.push(angle(60 + i));
    }
    const r = evaluate(matrixFromRows(rows), meta, { heldoutCompounds: new Set(['A']), permutations: 500, seed: 2 });
    expect(r.heldout.mapActivity.map).toBe(1);
    expect(r.heldout.mapActivity.fractionRetrieved).toBe(1);
  });

  it('consistency: other compounds of the mechanism against other annotated compounds (DMSO not a negative)', () => {
    const meta: WellMeta[] = [
      trt('A', 'b1', { moa: 'X' }), trt('B', 'b1', { moa: 'X' }), trt('C', 'b1', { moa: 'Y' }), trt('D', 'b1', { moa: 'Y' }), ctrl('b1'),
    ];
    // A's nearest: DMSO (5°), then B (10°), then C/D. With DMSO ignored, B ranks first → AP 1.
    const m = matrixFromRows([angle(0), angle(10), angle(60), angle(70), angle(5)]);
    const r = evaluate(m, meta, { heldoutCompounds: new Set(['A', 'B', 'C', 'D']), permutations: 0 });
    expect(r.heldout.mapConsistency).toBeDefined();
    // A → B first: 1. B → A first: 1. C → D (10°) before A/B: 1. D → C first: 1.
    expect(r.heldout.mapConsistency!.map).toBe(1);
    // The older mechanism figure counts DMSO as a negative: A's DMSO at 5° pushes B to rank 2.
    expect(r.heldout.mechanism!.map!).toBeLessThan(1);
  });
});

describe('same-plate neighbour rate', () => {
  it('is 1 when a plate offset dominates, near chance when it does not', () => {
    const meta: WellMeta[] = [];
    const shifted: number[][] = [];
    const clean: number[][] = [];
    const rnd = seededRandom(4);
    for (let p = 0; p < 4; p++) {
      for (let c = 0; c < 6; c++) {
        meta.push(trt(`C${c}`, `b${p}`, { plate: `P${p}` }));
        const v = [rnd() - 0.5, rnd() - 0.5, rnd() - 0.5, 0, 0, 0, 0];
        clean.push([...v]);
        v[3 + p] = 5; // the plate's own direction
        shifted.push(v);
      }
    }
    const all = new Set(meta.map((m) => m.compound!));
    const a = evaluate(matrixFromRows(shifted), meta, { heldoutCompounds: all, permutations: 0 });
    const b = evaluate(matrixFromRows(clean), meta, { heldoutCompounds: all, permutations: 0 });
    expect(a.heldout.samePlateNeighbourRate).toBe(1);
    expect(a.heldout.samePlateChance).toBeCloseTo(5 / 23, 6);
    expect(b.heldout.samePlateNeighbourRate!).toBeLessThan(0.6);
  });
});

describe('replicates by compound or compound and dose', () => {
  it('compound-dose: wells of another dose are not replicates', () => {
    // A at dose 1 in b1/b2 (identical), A at dose 10 in b1/b2 far away. B nearby.
    const meta: WellMeta[] = [
      trt('A', 'b1', { concentration: 1 }), trt('A', 'b2', { concentration: 1 }),
      trt('A', 'b1', { concentration: 10 }), trt('A', 'b2', { concentration: 10 }),
      trt('B', 'b1', { concentration: 1 }), trt('B', 'b2', { concentration: 1 }),
    ];
    const m = matrixFromRows([angle(0), angle(0), angle(80), angle(80), angle(40), angle(40)]);
    const byCompound = evaluate(m, meta, { heldoutCompounds: new Set(['A', 'B']), permutations: 0 });
    const byDose = evaluate(m, meta, { heldoutCompounds: new Set(['A', 'B']), permutations: 0, replicates: 'compound-dose' });
    // Under 'compound' an A@1 query's best NSB positive is A@1 in the other batch (cos 1): hit; the
    // two doses of A are one compound, so compounds = 2 either way.
    expect(byCompound.heldout.nsb.top1).toBe(1);
    expect(byDose.heldout.nsb.top1).toBe(1);
    expect(byDose.replicates).toBe('compound-dose');
    expect(byDose.heldout.compounds).toBe(2);
    // mAP: under 'compound', A@1's positives are A@1' (cos 1) and A@10' (cos 80°, behind B) → < 1.
    expect(byCompound.heldout.map!).toBeLessThan(1);
    expect(byDose.heldout.map).toBe(1);
    expect(byDose.heldout.mapActivity.groups).toBe(3);
  });
});

describe('compound bootstrap', () => {
  it('matches a loop that re-scores the resampled compounds from scratch', () => {
    const rnd = seededRandom(9);
    const C = 7;
    const perQuery: { c: number; hit: number }[] = [];
    for (let c = 0; c < C; c++) for (let k = 0; k < 2 + (c % 3); k++) perQuery.push({ c, hit: rnd() < 0.5 ? 1 : 0 });
    const s = compoundSums(C);
    for (const q of perQuery) {
      s.num[q.c] += q.hit;
      s.den[q.c] += 1;
    }
    const draws = bootstrapDraws(C, 400, 3);
    const ci = bootstrapCi(s, draws)!;
    // Loop: for each resample, list the queries of every drawn compound (repeats included) and average.
    const stats: number[] = [];
    for (let b = 0; b < draws.resamples; b++) {
      const qs: number[] = [];
      for (let c = 0; c < C; c++) for (let w = 0; w < draws.counts[b * C + c]; w++) qs.push(...perQuery.filter((q) => q.c === c).map((q) => q.hit));
      stats.push(qs.reduce((a, x) => a + x, 0) / qs.length);
    }
    stats.sort((a, b) => a - b);
    const q = (p: number) => {
      const h = (stats.length - 1) * p;
      const lo = Math.floor(h);
      return stats[lo] + (h - lo) * (stats[Math.min(lo + 1, stats.length - 1)] - stats[lo]);
    };
    expect(ci[0]).toBeCloseTo(q(0.025), 12);
    expect(ci[1]).toBeCloseTo(q(0.975), 12);
    expect(ci[0]).toBeLessThan(ci[1]);
    // Every resample draws C compounds.
    for (let b = 0; b < draws.resamples; b++) expect(draws.counts.subarray(b * C, (b + 1) * C).reduce((a, x) => a + x, 0)).toBe(C);
  });

  it('intervals bracket the point estimates and are identical for identical inputs (seeded)', () => {
    const meta: WellMeta[] = [];
    const rows: number[][] = [];
    const rnd = seededRandom(5);
    for (let c = 0; c < 12; c++) {
      for (let b = 0; b < 3; b++) {
        meta.push(trt(`C${c}`, `b${b}`, { source: `s${b}` }));
        rows.push([Math.cos(c) + 0.6 * (rnd() - 0.5), Math.sin(c) + 0.6 * (rnd() - 0.5), rnd() - 0.5]);
      }
    }
    for (let i = 0; i < 6; i++) {
      meta.push(ctrl(`b${i % 3}`, { source: `s${i % 3}` }));
      rows.push([rnd() - 0.5, rnd() - 0.5, 2]);
    }
    const all = new Set(meta.flatMap((m) => (m.pertType === 'trt' ? [m.compound!] : [])));
    const r1 = evaluate(matrixFromRows(rows), meta, { heldoutCompounds: all, permutations: 50, seed: 7 });
    const r2 = evaluate(matrixFromRows(rows), meta, { heldoutCompounds: all, permutations: 50, seed: 7 });
    expect(r1.heldout).toEqual(r2.heldout);
    const g = r1.heldout;
    for (const [v, ci] of [
      [g.nss.top1, g.nss.top1Ci95],
      [g.nsb.top5, g.nsb.top5Ci95],
      [g.map, g.mapCi95],
      [g.mapActivity.map, g.mapActivity.mapCi95],
      [g.samePlateNeighbourRate, g.samePlateNeighbourRateCi95],
    ] as const) {
      expect(ci).not.toBeNull();
      expect(ci![0]).toBeLessThanOrEqual(v! + 1e-12);
      expect(ci![1]).toBeGreaterThanOrEqual(v! - 1e-12);
    }
    expect(r1.bootstrap).toEqual({ unit: 'compound', resamples: 1000, seed: 7 });
  });
});

describe('one-dimensional profiles (cellcount)', () => {
  it('rank by −|difference|, not by the sign a cosine would see', () => {
    // Counts (already normalised): A = 1.0 / 1.1, B = 3.0 / 3.2, all positive → cosine ties everything.
    const meta = [trt('A', 'b1'), trt('A', 'b2'), trt('B', 'b1'), trt('B', 'b2')];
    const m = matrixFromRows([[1.0], [1.1], [3.0], [3.2]]);
    expect(retrievalTopK(m, meta, { exclude: 'batch' }).top1).toBe(1);
  });
});
