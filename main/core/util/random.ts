// mulberry32, the one seeded generator the project uses (demo screen, weight init, training sampler,
// permutation nulls): small, fast, and its whole state is one uint32, so a run can save and resume it.

/** The state after one step. */
export function mulberry32Advance(state: number): number {
  return (state + 0x6d2b79f5) >>> 0;
}

/** The uniform [0, 1) value a (just advanced) state yields. */
export function mulberry32Value(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A generator of uniform [0, 1) numbers from a seed. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => mulberry32Value((s = mulberry32Advance(s)));
}
