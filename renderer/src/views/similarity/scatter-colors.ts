// How the profile map colours and places its points: a category per point (mechanism, compound,
// source, batch or plate; DMSO apart), colours for the biggest categories, and data → pixel scales.
import type { ProfileMap } from '@contract';

export type ColorBy = 'moa' | 'compound' | 'source' | 'batch' | 'plate';
export type Point = ProfileMap['points'][number];

// Tableau 10 plus two: distinguishable, and readable on white.
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#17becf', '#8c564b', '#bcbd22'];
export const OTHER = '#c4cad1';
export const CONTROL = '#8a94a0';

export function category(p: Point, by: ColorBy): string {
  if (p.pertType === 'negcon') return 'DMSO';
  if (by === 'moa') return p.moa ?? 'unannotated';
  if (by === 'compound') return p.compound ?? 'unknown';
  if (by === 'source') return p.source;
  if (by === 'batch') return p.batch;
  return p.plate;
}

export interface Colors {
  map: Map<string, string>;
  legend: { c: string; n: number; color: string }[];
  /** Categories left grey. */
  others: number;
}

export function categoryColors(points: Point[], colorBy: ColorBy): Colors {
  const counts = new Map<string, number>();
  for (const p of points) {
    const c = category(p, colorBy);
    if (c !== 'DMSO') counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  // The biggest categories get colours; the rest share grey, said so in the legend.
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, PALETTE.length);
  const m = new Map<string, string>(top.map(([c], i) => [c, PALETTE[i]]));
  return { map: m, legend: top.map(([c, n]) => ({ c, n, color: m.get(c)! })), others: counts.size - top.length };
}

const PAD = 12;

export interface Scale {
  x(v: number): number;
  y(v: number): number;
}

/** Data → canvas pixels, the points filling a w×h box less a margin (y up). */
export function pointScale(points: Point[], size: { w: number; h: number }): Scale {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (size.w - 2 * PAD) / (x1 - x0 || 1);
  const sy = (size.h - 2 * PAD) / (y1 - y0 || 1);
  return { x: (v: number) => PAD + (v - x0) * sx, y: (v: number) => size.h - PAD - (v - y0) * sy };
}

/** The point within 8 px of (mx, my) nearest to it, or null. */
export function nearestPoint(points: Point[], scale: Scale, mx: number, my: number): Point | null {
  let best: Point | null = null;
  let bd = 64;
  for (const p of points) {
    const d = (scale.x(p.x) - mx) ** 2 + (scale.y(p.y) - my) ** 2;
    if (d < bd) {
      bd = d;
      best = p;
    }
  }
  return best;
}
