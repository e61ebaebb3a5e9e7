/** Dense row-major float matrix: one row per site or well, one column per feature. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export function createMatrix(rows: number, cols: number, data?: Float32Array): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) throw new RangeError(`bad matrix shape ${rows}x${cols}`);
  if (data && data.length !== rows * cols) throw new RangeError(`matrix data has ${data.length} values, expected ${rows * cols}`);
  return { rows, cols, data: data ?? new Float32Array(rows * cols) };
}

/** Build from nested arrays (tests, small imports). All rows must have the same length. */
export function matrixFromRows(rows: ArrayLike<number>[], cols?: number): Matrix {
  const c = cols ?? (rows.length ? rows[0].length : 0);
  const m = createMatrix(rows.length, c);
  rows.forEach((r, i) => {
    if (r.length !== c) throw new RangeError(`row ${i} has ${r.length} values, expected ${c}`);
    m.data.set(r, i * c);
  });
  return m;
}

/** A view (no copy) of row i. */
export function rowView(m: Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

export function matrixToRows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(rowView(m, i)));
}

/** Copy of the given rows, in the given order. */
export function selectRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const out = createMatrix(idx.length, m.cols);
  for (let k = 0; k < idx.length; k++) out.data.set(rowView(m, idx[k]), k * m.cols);
  return out;
}

/** Rows scaled to unit length in float64 (zero rows stay zero): cosine geometry for Harmony and the profile map. */
export function unitRows64(data: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += data[r * cols + c] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let c = 0; c < cols; c++) out[r * cols + c] = data[r * cols + c] * inv;
  }
  return out;
}
