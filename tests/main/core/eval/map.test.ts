import { describe, expect, it } from 'vitest';
import { IGNORE, NEG_CONTROL, NEG_TREATED, POS } from '../../../../main/core/eval/ap.js';
import {
  averagePrecision,
  averagePrecisionOfRanking,
  benjaminiHochberg,
  mapPValue,
  meanAveragePrecision,
  randomAveragePrecision,
} from '../../../../main/core/eval/map.js';
import { seededRandom } from '../../../../main/core/eval/rng.js';
import { createMatrix, matrixFromRows } from '../../../../main/core/profiles/matrix.js';
import type { WellMeta } from '../../../../main/core/profiles/well-meta.js';
import { angle, ctrl, trt } from './fixtures.js';

describe('average precision', () => {
  it('ranking [+, -, +] = (1/1 + 2/3) / 2', () => {
    expect(averagePrecisionOfRanking([true, false, true])).toBeCloseTo((1 + 2 / 3) / 2, 12);
  });

  it('from scores matches the explicit ranking, counting controls as negatives and skipping ignored', () => {
    const sims = [0.9, 0.5, 0.1, 0.95, 0.2];
    const cls = Int8Array.from([POS, NEG_CONTROL, POS, IGNORE, NEG_TREATED]);
    // ranked (ignoring 0.95): + (0.9), - (0.5), - (0.2), + (0.1) → (1 + 2/4) / 2
    const r = averagePrecision(sims, cls, sims.length)!;
    expect(r.ap).toBeCloseTo(0.75, 12);
    expect(r.positives).toBe(2);
    expect(r.negatives).toBe(2);
  });

  it('puts a negative tied with a positive first, and returns null without positives', () => {
    expect(averagePrecision([0.5, 0.5], Int8Array.from([POS, NEG_TREATED]), 2)!.ap).toBe(0.5);
    expect(averagePrecision([0.5], Int8Array.from([NEG_TREATED]), 1)).toBeNull();
  });
});

describe('replicate mAP', () => {
  // Angles in the plane; cosine = cos(difference). A1 0°, B1 10°, A2 20°, B2 30°, control 90°.
  // Query A1: B1 (.985) -, A2 (.940) +            → AP 1/2
  // Query A2: B1, B2 (.985) -, A1 (.940) +        → AP 1/3     → A: 5/12
  // Query B1: A1, A2 (.985) -, B2 (.940) +        → AP 1/3
  // Query B2: A2 (.985) -, B1 (.940) +            → AP 1/2     → B: 5/12
  const meta: WellMeta[] = [trt('A', 'b1'), trt('B', 'b1'), trt('A', 'b2'), trt('B', 'b2'), ctrl('b2')];
  const m = matrixFromRows([angle(0), angle(10), angle(20), angle(30), angle(90)]);

  it('hand-computed per-query APs and compound mean', () => {
    const r = meanAveragePrecision(m, meta, { permutations: 0 });
    expect(r.map).toBeCloseTo(5 / 12, 6);
    expect(r.queries).toBe(4);
    expect(r.compounds).toBe(2);
    expect(r.significantFraction).toBeNull();
  });

  it('NSB variant drops same-batch wells from positives and negatives', () => {
    // A1 (b1) vs b2: A2 .940 +, B2 .866, ctrl 0 → 1.   A2 (b2) vs b1: B1 .985, A1 .940 → 1/2.  A: 3/4
    // B1 (b1) vs b2: A2 .985, B2 .940 +, ctrl → 1/2.   B2 (b2) vs b1: B1 .940 +, A1 .866 → 1.  B: 3/4
    const r = meanAveragePrecision(m, meta, { exclude: 'batch', permutations: 0 });
    expect(r.map).toBeCloseTo(0.75, 6);
    expect(r.perCompound.map((c) => c.map)).toEqual([0.75, 0.75]);
  });

  it('skips queries whose compound has no other well, and counts them', () => {
    const r = meanAveragePrecision(matrixFromRows([angle(0), angle(5), angle(50)]), [trt('A'), trt('A'), trt('Z')], { permutations: 0 });
    expect(r.queries).toBe(2);
    expect(r.skipped).toBe(1);
    expect(r.map).toBe(1);
  });

  it('perfectly clustered compounds are all significant; random profiles mostly are not', () => {
    const rnd = seededRandom(7);
    const compounds = 12;
    const reps = 4;
    const d = 16;
    const meta: WellMeta[] = [];
    const clustered = createMatrix(compounds * reps + 8, d);
    const random = createMatrix(compounds * reps + 8, d);
    for (let c = 0; c < compounds; c++) {
      for (let r = 0; r < reps; r++) {
        const i = meta.length;
        meta.push(trt(`C${c}`, `b${r}`));
        for (let k = 0; k < d; k++) {
          clustered.data[i * d + k] = (k === c ? 5 : 0) + 0.1 * (rnd() - 0.5);
          random.data[i * d + k] = rnd() - 0.5;
        }
      }
    }
    for (let j = 0; j < 8; j++) {
      const i = meta.length;
      meta.push(ctrl(`b${j % reps}`));
      for (let k = 0; k < d; k++) {
        clustered.data[i * d + k] = (k >= 12 ? 5 : 0) + 0.1 * (rnd() - 0.5);
        random.data[i * d + k] = rnd() - 0.5;
      }
    }
    const good = meanAveragePrecision(clustered, meta, { permutations: 500, seed: 1 });
    expect(good.map).toBe(1);
    expect(good.significantFraction).toBe(1);
    expect(good.perCompound.every((c) => c.pValue <= 2 / 501)).toBe(true);
    const bad = meanAveragePrecision(random, meta, { permutations: 500, seed: 1 });
    expect(bad.significantFraction!).toBeLessThan(0.34);
    // Same seed, same answer.
    expect(meanAveragePrecision(random, meta, { permutations: 500, seed: 1 })).toEqual(bad);
  });
});

describe('permutation null and FDR', () => {
  it('random-ranking AP has the expected mean H_N / N for one positive', () => {
    const rnd = seededRandom(3);
    let s = 0;
    const draws = 20000;
    for (let i = 0; i < draws; i++) s += randomAveragePrecision(1, 99, rnd);
    let h = 0;
    for (let k = 1; k <= 100; k++) h += 1 / k;
    expect(s / draws).toBeCloseTo(h / 100, 2);
  });

  it('a perfect ranking gets the smallest possible p; a chance-level one does not', () => {
    const configs = Array.from({ length: 5 }, () => ({ positives: 1, negatives: 99 }));
    expect(mapPValue(1, configs, 1000, seededRandom(1))).toBeCloseTo(1 / 1001, 12);
    // Observed = the null's own expectation (≈0.052): about half the null lies above it.
    const p = mapPValue(0.052, configs, 1000, seededRandom(1));
    expect(p).toBeGreaterThan(0.2);
  });

  it('Benjamini–Hochberg on known p-values', () => {
    // sorted 0.005, 0.01, 0.03, 0.04 (m = 4): raw 0.02, 0.02, 0.04, 0.04 → already monotone.
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    [0.02, 0.04, 0.04, 0.02].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 12));
    // 0.02·2/1 = 0.04 > 0.021·2/2 = 0.021 → the step-up minimum carries down: both 0.021.
    const q2 = benjaminiHochberg([0.02, 0.021]);
    expect(q2[0]).toBeCloseTo(0.021, 12);
    expect(q2[1]).toBeCloseTo(0.021, 12);
    expect(benjaminiHochberg([NaN, 0.5])).toEqual([NaN, 0.5]);
  });
});
