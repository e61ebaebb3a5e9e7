import { describe, expect, it } from 'vitest';
import { categoryColors, nearestPoint, pointScale, type Point } from '../../../../renderer/src/views/similarity/scatter-colors';

const pt = (wellId: number, x: number, y: number, moa: string | null, pertType = 'trt'): Point =>
  ({ wellId, x, y, moa, pertType, compound: `c${wellId}`, plate: 'P1', well: `A${wellId}`, source: 's1', batch: 'b1' }) as Point;

describe('profile map colours and geometry', () => {
  it('colours the biggest categories, leaves DMSO out of the legend and counts the rest as grey', () => {
    const points = [pt(1, 0, 0, 'tubulin'), pt(2, 1, 1, 'tubulin'), pt(3, 2, 2, 'HDAC'), pt(4, 3, 3, null), pt(5, 4, 4, null, 'negcon')];
    const c = categoryColors(points, 'moa');
    expect(c.legend.map((l) => [l.c, l.n])).toEqual([
      ['tubulin', 2],
      ['HDAC', 1],
      ['unannotated', 1],
    ]);
    expect(c.map.has('DMSO')).toBe(false);
    expect(c.others).toBe(0);
    const many = Array.from({ length: 15 }, (_, i) => pt(i, i, i, `moa${i}`));
    expect(categoryColors(many, 'moa').others).toBe(3);
  });

  it('maps the data box onto the canvas (y up) and finds the point under the cursor within 8 px', () => {
    const points = [pt(1, -1, -1, null), pt(2, 1, 1, null)];
    const s = pointScale(points, { w: 224, h: 124 });
    expect([s.x(-1), s.y(-1)]).toEqual([12, 112]);
    expect([s.x(1), s.y(1)]).toEqual([212, 12]);
    expect(nearestPoint(points, s, 215, 15)?.wellId).toBe(2);
    expect(nearestPoint(points, s, 112, 62)).toBeNull();
  });
});
