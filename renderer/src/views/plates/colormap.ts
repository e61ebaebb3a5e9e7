// Heatmap colours: viridis (perceptually uniform, colour-blind safe, readable in greyscale),
// sampled at 9 stops from matplotlib's table and linearly interpolated between them.
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** Colour for t in 0..1 (clamped). */
export function viridis(t: number): string {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Where a value sits in a range; a flat range puts every value in the middle. */
export function position(value: number, range: { min: number; max: number }): number {
  const span = range.max - range.min;
  return span > 0 ? (value - range.min) / span : 0.5;
}

/** CSS gradient of the whole map, left (min) to right (max), for the colour bar. */
export function viridisGradient(): string {
  return `linear-gradient(to right, ${VIRIDIS.map((c, i) => `rgb(${c.join(', ')}) ${((i / (VIRIDIS.length - 1)) * 100).toFixed(1)}%`).join(', ')})`;
}

/** A metric value for labels: 3 significant digits, no exponent for everyday magnitudes. */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(+v.toPrecision(3));
}
