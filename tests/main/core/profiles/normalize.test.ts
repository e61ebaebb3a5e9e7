import { describe, expect, it } from 'vitest';
import { madNormalize, normalizeProfiles } from '../../../../main/core/profiles/normalize.js';
import { matrixFromRows, matrixToRows } from '../../../../main/core/profiles/matrix.js';
import type { WellMeta } from '../../../../main/core/profiles/well-meta.js';

const well = (plate: string, pertType: WellMeta['pertType'], compound: string | null = pertType === 'negcon' ? 'DMSO' : 'X'): WellMeta => ({
  wellId: 0, plate, batch: 'b1', source: 's1', compound, pertType, moa: null,
});

describe('per-plate robust MAD', () => {
  it('normalises a known plate against its negcon wells, and a plate without controls against all wells', () => {
    // P1 feature 0, controls 1,2,3,4,100: median 3, |dev| 2,1,0,1,97 → MAD 1 → scale 1.4826.
    //   treated 6 → 3 / 1.4826.
    // P1 feature 1, controls all 5 (MAD 0, mean |dev| 0) → all wells' |dev| 0,0,0,0,0,2: median 0,
    //   mean 1/3 → scale √(π/2)/3 → treated 7 → 2 / (1.2533/3) = 4.787.
    // P2 (no controls) feature 0: 0, 10, 20 → median 10, MAD 10 → ±10/14.826 = ±0.6745.
    const meta = [...Array(5)].map(() => well('P1', 'negcon')).concat([well('P1', 'trt'), well('P2', 'trt'), well('P2', 'trt'), well('P2', 'trt')]);
    const m = matrixFromRows([[1, 5], [2, 5], [3, 5], [4, 5], [100, 5], [6, 7], [0, 1], [10, 1], [20, 1]]);
    const { normalized, report } = madNormalize(m, meta);
    const rows = matrixToRows(normalized);
    expect(rows[0][0]).toBeCloseTo(-2 / 1.4826, 5);
    expect(rows[5][0]).toBeCloseTo(3 / 1.4826, 5);
    expect(rows[2]).toEqual([0, 0]);
    expect(rows[5][1]).toBeCloseTo(2 / (Math.sqrt(Math.PI / 2) / 3), 4);
    expect(rows[6][0]).toBeCloseTo(-10 / 14.826, 5);
    expect(rows[7][0]).toBe(0);
    expect(report.fallbackPlates).toEqual(['P2']);
    const p1 = report.plates.find((p) => p.plate === 'P1')!;
    expect(p1).toMatchObject({ controls: 5, reference: 'negcon', scaleFallbackFeatures: 1, flooredFeatures: 0 });
    // P2 feature 1 is constant on the whole plate: floored, and stays 0 rather than NaN.
    expect(report.plates.find((p) => p.plate === 'P2')).toMatchObject({ reference: 'all', flooredFeatures: 1 });
    expect(rows[8][1]).toBe(0);
  });

  it("reference 'all': every non-empty well of the plate is the reference, DMSO or not", () => {
    // Feature 0: controls 0, 0, 0; treated 10, 20, 30, 40 (and an empty well at 1000, ignored).
    // vs DMSO: median 0, MAD 0 → mean |dev| 0 → fallback to all wells' MAD around 0 (|dev| 0,0,0,10,20,30,40,1000 → median 15).
    // vs all: non-empty wells 0,0,0,10,20,30,40 → median 10, |dev| 10,10,10,0,10,20,30 → MAD 10 → scale 14.826.
    const meta = [well('P', 'negcon'), well('P', 'negcon'), well('P', 'negcon'), well('P', 'trt'), well('P', 'trt'), well('P', 'trt'), well('P', 'trt'), well('P', 'empty', null)];
    const m = matrixFromRows([[0], [0], [0], [10], [20], [30], [40], [1000]]);
    const all = madNormalize(m, meta, { reference: 'all' });
    expect(matrixToRows(all.normalized).map((r) => r[0])).toEqual([-10, -10, -10, 0, 10, 20, 30, 990].map((v) => expect.closeTo(v / 14.826, 4)));
    expect(all.report.plates[0]).toMatchObject({ reference: 'all', controls: 3 });
    expect(all.report.fallbackPlates).toEqual([]);
    const dmso = madNormalize(m, meta);
    expect(dmso.report.plates[0].reference).toBe('negcon');
    expect(matrixToRows(dmso.normalized)[3][0]).toBeCloseTo(10 / (1.4826 * 15), 6);
  });

  it('treats plates of the same name in different batches separately', () => {
    const meta = [well('P', 'negcon'), { ...well('P', 'negcon'), batch: 'b2' }, well('P', 'negcon'), { ...well('P', 'negcon'), batch: 'b2' }];
    const { report } = madNormalize(matrixFromRows([[0], [100], [2], [104]]), meta);
    expect(report.plates).toHaveLength(2);
  });

  it('full pipeline keeps raw-MAD and sphered profiles and reports the sphering reference', () => {
    const meta = [well('P', 'negcon'), well('P', 'negcon'), well('P', 'negcon'), well('P', 'trt')];
    const r = normalizeProfiles(matrixFromRows([[0, 1], [1, 0], [2, 3], [5, 5]]), meta);
    expect(r.spheringReference).toBe('negcon');
    expect(r.transform.controls).toBe(3);
    expect(r.sphered.rows).toBe(4);
    expect(r.sphered.data.every(Number.isFinite)).toBe(true);
  });
});
