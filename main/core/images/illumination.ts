/**
 * Per-plate illumination correction, as Cell Painting pipelines do it (CellProfiler's
 * CorrectIlluminationCalculate over all images of a plate): average every site of the plate for a
 * channel, keep only the smooth optical falloff, normalise to mean 1, divide it out.
 * The smooth part is a least-squares degree-4 polynomial surface rather than a large blur: a blur
 * flattens the falloff towards the corners (where vignetting is strongest), a low-order surface does not.
 * Estimated at cache resolution: the function is smooth, so dividing after area-averaging is the
 * same as dividing before, to well under a percent.
 */
export class IlluminationAccumulator {
  private sum: Float64Array;
  private n = 0;
  constructor(readonly size: number) {
    this.sum = new Float64Array(size * size);
  }
  add(img: ArrayLike<number>): void {
    for (let i = 0; i < this.sum.length; i++) this.sum[i] += img[i];
    this.n++;
  }
  /** Take back a site added earlier (one rejected after decoding). */
  remove(img: ArrayLike<number>): void {
    for (let i = 0; i < this.sum.length; i++) this.sum[i] -= img[i];
    this.n--;
  }
  get count(): number {
    return this.n;
  }
  /** Smooth, mean-1 illumination function; flat (all ones) when there are too few sites to estimate it. */
  finish(degree = 4): Float32Array {
    const s = this.size;
    const out = new Float32Array(s * s);
    if (this.n < 3) return out.fill(1);
    const mean = new Float64Array(s * s);
    for (let i = 0; i < mean.length; i++) mean[i] = this.sum[i] / this.n;
    const surface = fitPolynomialSurface(mean, s, degree);
    let m = 0;
    for (const v of surface) m += v;
    m /= surface.length;
    if (!(m > 0)) return out.fill(1);
    for (let i = 0; i < out.length; i++) out[i] = Math.max(surface[i] / m, 0.05);
    return out;
  }
}

/** Least-squares fit of sum c_ij x^i y^j (i+j <= degree) over a size×size image, coordinates in [-1, 1]. */
function fitPolynomialSurface(img: ArrayLike<number>, size: number, degree: number): Float64Array {
  const terms: [number, number][] = [];
  for (let d = 0; d <= degree; d++) for (let i = 0; i <= d; i++) terms.push([i, d - i]);
  const k = terms.length;
  const ata = new Float64Array(k * k);
  const atb = new Float64Array(k);
  const row = new Float64Array(k);
  const coord = (i: number) => (2 * i + 1) / size - 1;
  const basis = (x: number, y: number) => {
    for (let t = 0; t < k; t++) row[t] = x ** terms[t][0] * y ** terms[t][1];
  };
  // A degree-4 surface is fixed by far fewer points than a 128² image has; every 2nd row/column will do.
  const step = size > 64 ? 2 : 1;
  for (let y = 0; y < size; y += step) {
    for (let x = 0; x < size; x += step) {
      basis(coord(x), coord(y));
      const v = img[y * size + x];
      for (let a = 0; a < k; a++) {
        atb[a] += row[a] * v;
        for (let b = a; b < k; b++) ata[a * k + b] += row[a] * row[b];
      }
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) ata[a * k + b] = ata[b * k + a];
  const c = solveSymmetric(ata, atb, k);
  const out = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      basis(coord(x), coord(y));
      let v = 0;
      for (let t = 0; t < k; t++) v += c[t] * row[t];
      out[y * size + x] = v;
    }
  }
  return out;
}

/** Gaussian elimination with partial pivoting (k is ~15; no library needed for that). */
function solveSymmetric(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r * k + col]) > Math.abs(m[piv * k + col])) piv = r;
    if (piv !== col) {
      for (let c = 0; c < k; c++) [m[col * k + c], m[piv * k + c]] = [m[piv * k + c], m[col * k + c]];
      [x[col], x[piv]] = [x[piv], x[col]];
    }
    const d = m[col * k + col] || 1e-12;
    for (let r = col + 1; r < k; r++) {
      const f = m[r * k + col] / d;
      if (!f) continue;
      for (let c = col; c < k; c++) m[r * k + c] -= f * m[col * k + c];
      x[r] -= f * x[col];
    }
  }
  for (let r = k - 1; r >= 0; r--) {
    let v = x[r];
    for (let c = r + 1; c < k; c++) v -= m[r * k + c] * x[c];
    x[r] = v / (m[r * k + r] || 1e-12);
  }
  return x;
}
