import { describe, expect, it } from 'vitest';
import { mechanismConsistency } from '../../../../main/core/eval/mechanism.js';
import { matrixFromRows } from '../../../../main/core/profiles/matrix.js';
import { angle, ctrl, trt } from './fixtures.js';

describe('mechanism consistency', () => {
  // A (X) twice at 0°, B (X) at 30°, C (Y) at 10°, D (unannotated) at 5°, control at 90°.
  // Query A1: A2 left out (same compound), D left out (unannotated): C .985 -, B .866 + → 1/2.
  // Query A2: the same → 1/2.
  // Query B:  C (20° away, .940) -, A1, A2 (30°, .866) + +, ctrl (60°, .5) → (1/2 + 2/3)/2 = 7/12.
  // Query C:  no other compound with Y → skipped.  Query D: unannotated.
  // map = (1/2 + 1/2 + 7/12) / 3 = 19/36.
  const meta = [
    trt('A', 'b1', { moa: 'X' }),
    trt('A', 'b2', { moa: 'X' }),
    trt('B', 'b1', { moa: 'X' }),
    trt('C', 'b2', { moa: 'Y' }),
    trt('D', 'b1'),
    ctrl('b1'),
  ];
  const m = matrixFromRows([angle(0), angle(0), angle(30), angle(10), angle(5), angle(90)]);

  it('excludes same-compound wells and unannotated compounds from the ranking', () => {
    expect(mechanismConsistency(m, meta)).toEqual({ map: expect.closeTo(19 / 36, 6), queries: 3, skipped: 1, unannotated: 1 });
  });

  it('several mechanisms separated by | share if any one matches', () => {
    const meta2 = meta.map((w) => (w.compound === 'C' ? { ...w, moa: 'Y | X' } : w));
    const r = mechanismConsistency(m, meta2)!;
    // Now C is a positive for A and B, and B/A are positives for C: nothing skipped.
    expect(r.queries).toBe(4);
    expect(r.skipped).toBe(0);
  });

  it('is null when no compound is annotated', () => {
    expect(mechanismConsistency(m, meta.map((w) => ({ ...w, moa: null })))).toBeNull();
  });
});
