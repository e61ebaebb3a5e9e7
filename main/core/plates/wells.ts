import { InputError } from '../types.js';

const WELL_RE = /^([A-Za-z]{1,2})\s*0*(\d{1,3})$/;

/** Row letters to a 0-based index: A=0 … Z=25, AA=26 … AF=31 (1536-well plates). */
export function rowIndex(letters: string): number {
  const u = letters.toUpperCase();
  if (u.length === 1) return u.charCodeAt(0) - 65;
  return 26 + (u.charCodeAt(1) - 65) + 26 * (u.charCodeAt(0) - 65);
}

export function rowLetters(index: number): string {
  if (index < 26) return String.fromCharCode(65 + index);
  const i = index - 26;
  return String.fromCharCode(65 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26));
}

/** Canonical well name, zero-padded to two digits: a1, A1, A01, a001 -> A01; AA4 -> AA04. */
export function normaliseWell(raw: string): string {
  const m = WELL_RE.exec(raw.trim());
  if (!m) throw new InputError(`"${raw}" is not a well name (expected e.g. A01, A1 or a1)`);
  const col = Number(m[2]);
  if (col < 1) throw new InputError(`"${raw}" is not a well name (columns start at 1)`);
  return `${m[1].toUpperCase()}${String(col).padStart(2, '0')}`;
}

export function tryNormaliseWell(raw: string): string | null {
  try {
    return normaliseWell(raw);
  } catch {
    return null;
  }
}

/** 0-based row/col of a canonical well name. */
export function wellPosition(well: string): { row: number; col: number } {
  const m = WELL_RE.exec(well);
  if (!m) throw new InputError(`"${well}" is not a well name`);
  return { row: rowIndex(m[1]), col: Number(m[2]) - 1 };
}

/** Rows A…ZZ and columns 1…999: what a well name (and so the project) can hold. */
export const MAX_ROWS = 26 + 26 * 26;
export const MAX_COLS = 999;

/** Canonical name of the well at 0-based row/col; InputError when no well name can say it (row/col outside A…ZZ, 1…999). */
export function wellFromRowCol(row: number, col: number): string {
  const well = tryWellFromRowCol(row, col);
  if (!well) throw new InputError(`row ${row + 1}, column ${col + 1} is not a well position (rows 1–${MAX_ROWS}, columns 1–${MAX_COLS})`);
  return well;
}

export function tryWellFromRowCol(row: number, col: number): string | null {
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= MAX_ROWS || col >= MAX_COLS) return null;
  return `${rowLetters(row)}${String(col + 1).padStart(2, '0')}`;
}

/** Smallest standard plate format that holds every well given. */
export function plateFormat(wells: string[]): { rows: number; cols: number } {
  let maxR = 0;
  let maxC = 0;
  for (const w of wells) {
    const p = wellPosition(w);
    maxR = Math.max(maxR, p.row);
    maxC = Math.max(maxC, p.col);
  }
  for (const f of [
    { rows: 8, cols: 12 },
    { rows: 16, cols: 24 },
    { rows: 32, cols: 48 },
  ]) {
    if (maxR < f.rows && maxC < f.cols) return f;
  }
  return { rows: maxR + 1, cols: maxC + 1 };
}
