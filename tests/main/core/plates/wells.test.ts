import { describe, expect, it } from 'vitest';
import { normaliseWell, plateFormat, wellFromRowCol, wellPosition } from '../../../../main/core/plates/wells.js';

describe('wells', () => {
  it.each([
    ['A1', 'A01'],
    ['A01', 'A01'],
    ['a1', 'A01'],
    ['a001', 'A01'],
    ['p24', 'P24'],
    ['AF48', 'AF48'],
    ['af1', 'AF01'],
  ])('%s -> %s', (raw, well) => expect(normaliseWell(raw)).toBe(well));

  it('rejects non-wells', () => {
    expect(() => normaliseWell('A0')).toThrow(/columns start at 1/);
    expect(() => normaliseWell('01A')).toThrow(/not a well name/);
  });

  it('round-trips 1536-well two-letter rows', () => {
    expect(wellPosition('AF48')).toEqual({ row: 31, col: 47 });
    expect(wellFromRowCol(31, 47)).toBe('AF48');
    expect(plateFormat(['A01', 'AF48'])).toEqual({ rows: 32, cols: 48 });
  });
});
