import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_COLS, MAX_ROWS, normaliseWell, plateFormat, rowIndex, rowLetters, tryNormaliseWell, tryWellFromRowCol, wellFromRowCol, wellPosition } from '../../../../main/core/plates/wells.js';
import { InputError } from '../../../../main/core/types.js';

const FORMATS = [
  { wells: 96, rows: 8, cols: 12 },
  { wells: 384, rows: 16, cols: 24 },
  { wells: 1536, rows: 32, cols: 48 },
];

/** What a well name is, written independently of wells.ts: 1–2 letters, optional spaces, a column 1–999 with any leading zeros. */
function oracle(raw: string): { row: number; col: number } | null {
  const m = /^\s*([A-Za-z]{1,2})\s*0*(\d{1,3})\s*$/.exec(raw);
  if (!m || Number(m[2]) < 1) return null;
  const l = m[1].toUpperCase();
  const row = l.length === 1 ? l.charCodeAt(0) - 65 : 26 * (l.charCodeAt(0) - 64) + (l.charCodeAt(1) - 65);
  return { row, col: Number(m[2]) - 1 };
}

const wellish = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.stringMatching(/^\s?[A-Za-z]{0,3}\s?0{0,3}\d{0,5}\s?$/),
  fc.tuple(fc.constantFrom('A', 'p', 'AF', 'zz', 'é', 'Ⅻ', ''), fc.constantFrom('', ' ', '\t', '\u00a0', '0', '00'), fc.integer({ min: -5, max: 2000 })).map(([r, s, c]) => `${r}${s}${c}`),
);

describe('well names (fuzz)', () => {
  it('normaliseWell accepts exactly the well names: InputError naming the input otherwise, a canonical round-trip when valid', () => {
    fc.assert(
      fc.property(wellish, (raw) => {
        const want = oracle(raw);
        let got: string;
        try {
          got = normaliseWell(raw);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as Error).message).toContain(`"${raw}"`);
          expect(want).toBeNull();
          expect(tryNormaliseWell(raw)).toBeNull();
          return;
        }
        expect(want).not.toBeNull();
        expect(wellPosition(got)).toEqual(want);
        expect(got).toBe(wellFromRowCol(want!.row, want!.col));
        expect(normaliseWell(got)).toBe(got);
        expect(got).toMatch(/^[A-Z]{1,2}\d{2,3}$/);
      }),
      { seed: 0x3e11, numRuns: 5000 },
    );
  });

  it('every well of a 96/384/1536 plate, however spelt, reads back as its row and column, and fits that format', () => {
    for (const f of FORMATS) {
      const names: string[] = [];
      for (let r = 0; r < f.rows; r++) {
        for (let c = 0; c < f.cols; c++) {
          const w = wellFromRowCol(r, c);
          for (const spelt of [w, `${rowLetters(r)}${c + 1}`, `${rowLetters(r).toLowerCase()}${c + 1}`, ` ${rowLetters(r)}00${c + 1} `]) expect(normaliseWell(spelt)).toBe(w);
          expect(wellPosition(w)).toEqual({ row: r, col: c });
          names.push(w);
        }
      }
      expect(new Set(names).size).toBe(f.wells);
      expect(plateFormat(names)).toEqual({ rows: f.rows, cols: f.cols });
      // One row or column past the format takes the next one (or the wells' own extent past 1536).
      const past = [wellFromRowCol(f.rows, 0), wellFromRowCol(0, f.cols)];
      for (const w of past) expect(plateFormat([...names, w]).rows * plateFormat([...names, w]).cols).toBeGreaterThan(f.wells);
    }
  });

  it('row letters and indexes are inverse over A…ZZ; positions outside it are refused, never garbage', () => {
    for (let i = 0; i < MAX_ROWS; i++) {
      expect(rowLetters(i)).toMatch(/^[A-Z]{1,2}$/);
      expect(rowIndex(rowLetters(i))).toBe(i);
      expect(rowIndex(rowLetters(i).toLowerCase())).toBe(i);
    }
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -3, max: MAX_ROWS + 3 }), fc.double()), fc.oneof(fc.integer({ min: -3, max: MAX_COLS + 3 }), fc.double()), (row, col) => {
        const ok = Number.isInteger(row) && Number.isInteger(col) && row >= 0 && col >= 0 && row < MAX_ROWS && col < MAX_COLS;
        const w = tryWellFromRowCol(row, col);
        expect(w !== null).toBe(ok);
        if (w) expect(wellPosition(normaliseWell(w))).toEqual({ row: row + 0, col: col + 0 }); // + 0: -0 is a valid 0
        else expect(() => wellFromRowCol(row, col)).toThrow(InputError);
      }),
      { seed: 0x7c01, numRuns: 3000 },
    );
  });

  it('counterexample: row 0 / column 0 from an r00c00 name was turned into the well "@00"', () => {
    expect(tryWellFromRowCol(-1, -1)).toBeNull();
    expect(() => wellFromRowCol(-1, 0)).toThrow(/row 0, column 1 is not a well position/);
    expect(tryWellFromRowCol(MAX_ROWS, 0)).toBeNull();
  });
});
