/**
 * Per-plate illumination correction, as Cell Painting pipelines do it (CellProfiler's
 * CorrectIlluminationCalculate "Regular"/"All" mode): average every site of the plate for a channel,
 * smooth heavily so only the optical falloff remains, normalise to mean 1, divide it out.
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
  get count(): number {
    return this.n;
  }
  /** Smoothed, mean-1 illumination function; flat (all ones) when there are too few sites to estimate it. */
  finish(sigmaFraction = 1 / 8): Float32Array {
    const s = this.size;
    const out = new Float32Array(s * s);
    if (this.n < 3) return out.fill(1);
    const mean = new Float32Array(s * s);
    for (let i = 0; i < mean.length; i++) mean[i] = this.sum[i] / this.n;
    const smooth = gaussianBlur(mean, s, Math.max(1, s * sigmaFraction));
    let m = 0;
    for (const v of smooth) m += v;
    m /= smooth.length;
    if (!(m > 0)) return out.fill(1);
    for (let i = 0; i < out.length; i++) out[i] = Math.max(smooth[i] / m, 0.05);
    return out;
  }
}

/** Separable Gaussian blur with mirrored edges. */
export function gaussianBlur(img: Float32Array, size: number, sigma: number): Float32Array {
  const r = Math.ceil(3 * sigma);
  const k = new Float32Array(2 * r + 1);
  let ks = 0;
  for (let i = -r; i <= r; i++) ks += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= ks;
  const mirror = (i: number) => {
    let j = i;
    while (j < 0 || j >= size) j = j < 0 ? -j - 1 : 2 * size - j - 1;
    return j;
  };
  const tmp = new Float32Array(size * size);
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let a = 0;
      for (let i = -r; i <= r; i++) a += k[i + r] * img[y * size + mirror(x + i)];
      tmp[y * size + x] = a;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let a = 0;
      for (let i = -r; i <= r; i++) a += k[i + r] * tmp[mirror(y + i) * size + x];
      out[y * size + x] = a;
    }
  }
  return out;
}
