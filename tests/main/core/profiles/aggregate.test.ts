import { describe, expect, it } from 'vitest';
import { aggregateWells } from '../../../../main/core/profiles/aggregate.js';
import { matrixFromRows, matrixToRows } from '../../../../main/core/profiles/matrix.js';

describe('aggregateWells', () => {
  it('averages each well’s sites, rows in ascending well id whatever the site order', () => {
    const sites = matrixFromRows([[1, 2], [10, 20], [3, 4], [30, 40], [7, 7]]);
    const r = aggregateWells(sites, [5, 2, 5, 2, 9]);
    expect(r.wellIds).toEqual([2, 5, 9]);
    expect(r.siteCounts).toEqual([2, 2, 1]);
    expect(matrixToRows(r.profiles)).toEqual([[20, 30], [2, 3], [7, 7]]);
  });

  it('rejects a site→well list of the wrong length', () => {
    expect(() => aggregateWells(matrixFromRows([[1]]), [1, 2])).toThrow(RangeError);
  });
});
