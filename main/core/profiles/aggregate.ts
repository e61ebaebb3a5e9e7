import { createMatrix, type Matrix } from './matrix.js';

export interface WellProfiles {
  /** One row per well, in the order of `wellIds`. */
  profiles: Matrix;
  /** Ascending well ids. */
  wellIds: number[];
  /** Number of sites averaged into each well. */
  siteCounts: number[];
}

/**
 * Well profile = mean of its sites' embeddings. Sums in float64 so wells with many sites do
 * not lose precision; rows come out in ascending well id so the result is deterministic
 * whatever order the sites were read in.
 */
export function aggregateWells(sites: Matrix, siteWellIds: ArrayLike<number>): WellProfiles {
  if (siteWellIds.length !== sites.rows) throw new RangeError(`${siteWellIds.length} well ids for ${sites.rows} sites`);
  const wellIds = [...new Set(Array.from(siteWellIds))].sort((a, b) => a - b);
  const rowOf = new Map(wellIds.map((w, i) => [w, i]));
  const d = sites.cols;
  const sums = new Float64Array(wellIds.length * d);
  const siteCounts = new Array<number>(wellIds.length).fill(0);
  for (let s = 0; s < sites.rows; s++) {
    const r = rowOf.get(siteWellIds[s])!;
    siteCounts[r]++;
    const so = s * d;
    const ro = r * d;
    for (let k = 0; k < d; k++) sums[ro + k] += sites.data[so + k];
  }
  const profiles = createMatrix(wellIds.length, d);
  for (let r = 0; r < wellIds.length; r++) {
    const inv = 1 / siteCounts[r];
    for (let k = 0; k < d; k++) profiles.data[r * d + k] = sums[r * d + k] * inv;
  }
  return { profiles, wellIds, siteCounts };
}
