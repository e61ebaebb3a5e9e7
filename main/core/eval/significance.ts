/**
 * AP of a uniformly random ranking of `positives` among `positives + negatives` items (the
 * copairs null). Positions are drawn without replacement by Floyd's algorithm: O(P), no shuffle.
 */
export function randomAveragePrecision(positives: number, negatives: number, rnd: () => number): number {
  const N = positives + negatives;
  const P = positives;
  if (P <= 0) return NaN;
  const chosen: number[] = [];
  const big = P > 64 ? new Set<number>() : null;
  const has = (v: number) => (big ? big.has(v) : chosen.includes(v));
  for (let j = N - P; j < N; j++) {
    const t = Math.floor(rnd() * (j + 1));
    const v = has(t) ? j : t;
    chosen.push(v);
    big?.add(v);
  }
  chosen.sort((a, b) => a - b);
  let sum = 0;
  for (let i = 0; i < P; i++) sum += (i + 1) / (chosen[i] + 1);
  return sum / P;
}

/**
 * One-sided permutation p-value of a compound's mAP: the null keeps, for each of its query wells,
 * the same numbers of positives and negatives and ranks them at random. p = (1 + #{null ≥ observed})
 * / (1 + permutations), so it is never 0 (smallest ≈ 1/(permutations+1)).
 */
export function mapPValue(
  observed: number,
  configs: { positives: number; negatives: number }[],
  permutations: number,
  rnd: () => number,
  pool?: NullPool,
): number {
  if (!configs.length || permutations <= 0) return NaN;
  const samples = pool ? configs.map((c) => pool.get(c.positives, c.negatives)) : null;
  let atLeast = 0;
  const tol = 1e-12;
  for (let p = 0; p < permutations; p++) {
    let s = 0;
    for (let i = 0; i < configs.length; i++) {
      const drawn = samples ? samples[i][Math.floor(rnd() * samples[i].length)] : randomAveragePrecision(configs[i].positives, configs[i].negatives, rnd);
      s += drawn;
    }
    if (s / configs.length >= observed - tol) atLeast++;
  }
  return (1 + atLeast) / (1 + permutations);
}

/**
 * Null APs per (positives, negatives) configuration, drawn once and resampled per compound — the
 * copairs approach. Screens have few distinct configurations, so this turns the null from
 * O(queries × permutations × P) random rankings into O(configurations × permutations × P).
 */
export class NullPool {
  private cache = new Map<string, Float64Array>();

  constructor(
    private readonly size: number,
    private readonly rnd: () => number,
  ) {}

  get(positives: number, negatives: number): Float64Array {
    const key = `${positives}/${negatives}`;
    let s = this.cache.get(key);
    if (!s) {
      s = new Float64Array(this.size);
      for (let i = 0; i < this.size; i++) s[i] = randomAveragePrecision(positives, negatives, this.rnd);
      this.cache.set(key, s);
    }
    return s;
  }
}

/** Benjamini–Hochberg adjusted p-values (q-values), in input order; NaN stays NaN and is not counted. */
export function benjaminiHochberg(pValues: number[]): number[] {
  const idx = pValues.map((p, i) => [p, i] as const).filter(([p]) => !Number.isNaN(p));
  const m = idx.length;
  idx.sort((a, b) => a[0] - b[0]);
  const q = pValues.map(() => NaN);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const [p, i] = idx[r];
    running = Math.min(running, (p * m) / (r + 1));
    q[i] = running;
  }
  return q;
}
