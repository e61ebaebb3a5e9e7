/** Intensity normalisation per plate and channel: robust low/high percentiles of corrected pixels. */
export class PercentileSampler {
  private values: number[] = [];
  private seen = 0;
  // Fixed-seed LCG: the same plate must always get the same scale.
  private rng = 0x9e3779b9;
  constructor(
    private readonly cap = 400_000,
    private readonly stride = 7,
  ) {}
  /** Reservoir-sample every `stride`-th pixel so memory stays bounded on huge plates. */
  add(a: ArrayLike<number>): void {
    for (let i = 0; i < a.length; i += this.stride) {
      this.seen++;
      if (this.values.length < this.cap) this.values.push(a[i]);
      else {
        this.rng = (Math.imul(this.rng, 1664525) + 1013904223) >>> 0;
        const j = Math.floor((this.rng / 2 ** 32) * this.seen);
        if (j < this.cap) this.values[j] = a[i];
      }
    }
  }
  quantiles(qs: number[]): number[] {
    const s = Float64Array.from(this.values).sort();
    if (!s.length) return qs.map(() => 0);
    return qs.map((q) => s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]);
  }
}

export function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Bits actually used by the camera: 12-bit cameras write 16-bit TIFFs that top out at 4095. Only
 * 12-bit is inferred; a dim 16-bit plate could look like 14-bit data, and guessing would misplace
 * the saturation ceiling.
 */
export function effectiveBitDepth(storedBits: number, maxValue: number): number {
  if (storedBits <= 8) return 8;
  return maxValue <= 4095 ? 12 : 16;
}
