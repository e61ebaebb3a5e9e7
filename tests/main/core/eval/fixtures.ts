import type { WellMeta } from '../../../../main/core/profiles/well-meta.js';

let nextId = 1;

/** A treated well; batch/source/plate default so tests only say what matters. */
export function trt(compound: string, batch = 'b1', extra: Partial<WellMeta> = {}): WellMeta {
  return { wellId: nextId++, plate: `${batch}-p1`, batch, source: 's1', compound, pertType: 'trt', moa: null, ...extra };
}

export function ctrl(batch = 'b1', extra: Partial<WellMeta> = {}): WellMeta {
  return { wellId: nextId++, plate: `${batch}-p1`, batch, source: 's1', compound: 'DMSO', pertType: 'negcon', moa: null, ...extra };
}

/** Unit vector at `deg` degrees in the plane: cosine between two of them is cos(Δangle). */
export function angle(deg: number): number[] {
  const r = (deg * Math.PI) / 180;
  return [Math.cos(r), Math.sin(r)];
}
