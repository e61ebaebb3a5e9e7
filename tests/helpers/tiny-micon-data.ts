/** A seeded LCG in [0, 1): the same numbers on every machine and backend. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/**
 * Tiny MICON training data: `compounds` × 2 treated sites (a per-compound pattern plus noise) and a
 * control for each, 5 × size × size, with a sparse fingerprint per compound. Raw arrays, so a test
 * can make tfjs tensors or a Trainer's HostTensors from them.
 */
export function tinyMiconData(o: { seed: number; compounds: number; size: number; bits: number }): {
  treated: Float32Array;
  controls: Float32Array;
  fps: Float32Array;
  labels: number[];
} {
  const r = lcg(o.seed);
  const per = 5 * o.size * o.size;
  const patterns = Array.from({ length: o.compounds }, () => Float32Array.from({ length: per }, r));
  const fpOf = Array.from({ length: o.compounds }, () => Float32Array.from({ length: o.bits }, () => (r() < 0.2 ? 1 : 0)));
  const n = 2 * o.compounds;
  const treated = new Float32Array(n * per);
  const controls = new Float32Array(n * per);
  const fps = new Float32Array(n * o.bits);
  const labels: number[] = [];
  for (let k = 0; k < n; k++) {
    const c = k % o.compounds;
    labels.push(c);
    for (let i = 0; i < per; i++) {
      treated[k * per + i] = 0.6 * patterns[c][i] + 0.4 * r();
      controls[k * per + i] = r();
    }
    fps.set(fpOf[c], k * o.bits);
  }
  return { treated, controls, fps, labels };
}
