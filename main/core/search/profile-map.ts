// A 2-D map of well profiles for the similarity explorer: PCA (exact, instant, reproducible) or UMAP
// (neighbourhoods, slower). Both work on L2-normalised profiles, the geometry search ranks by
// (cosine), so wells close on the map are wells close in search.
import { UMAP } from 'umap-js';
import type { DB } from '../db/open.js';
import { featureSetByName, featureSets, loadWellProfiles, wellInfo, type FeatureSetInfo } from '../feature-sets/store.js';
import { InputError } from '../types.js';
import { unitRows64 } from '../profiles/matrix.js';
import { mulberry32 } from '../util/random.js';

export type MapMethod = 'pca' | 'umap';

export interface MapPoint {
  wellId: number;
  plate: string;
  well: string;
  x: number;
  y: number;
  compound: string | null;
  moa: string | null;
  source: string;
  batch: string;
  pertType: string | null;
}

export interface ProfileMap {
  featureSet: string;
  method: MapMethod;
  points: MapPoint[];
  /** Wells with profiles; more than points when UMAP was given a sample. */
  wells: number;
  /** PCA: the fraction of variance each axis explains. */
  explained: [number, number] | null;
  seconds: number;
}

/** UMAP's neighbour search is quadratic here; beyond this many wells it maps a seeded sample. */
const UMAP_MAX_POINTS = 5000;

/** Top-2 principal components by power iteration on X (never forms the d×d covariance: d may be thousands). */
export function pca2(x: Float64Array, rows: number, cols: number, seed = 1): { coords: Float64Array; explained: [number, number] } {
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += x[r * cols + c] / rows;
  const xc = new Float64Array(x.length);
  let total = 0;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const v = x[r * cols + c] - mean[c];
      xc[r * cols + c] = v;
      total += v * v;
    }
  const rand = mulberry32(seed);
  const comps: Float64Array[] = [];
  const variances: number[] = [];
  const xv = new Float64Array(rows);
  for (let k = 0; k < 2; k++) {
    let v = Float64Array.from({ length: cols }, () => rand() - 0.5);
    let lambda = 0;
    for (let it = 0; it < 300; it++) {
      for (const u of comps) {
        let d = 0;
        for (let c = 0; c < cols; c++) d += v[c] * u[c];
        for (let c = 0; c < cols; c++) v[c] -= d * u[c];
      }
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += xc[r * cols + c] * v[c];
        xv[r] = s;
      }
      const next = new Float64Array(cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) next[c] += xc[r * cols + c] * xv[r];
      let n = 0;
      for (let c = 0; c < cols; c++) n += next[c] ** 2;
      n = Math.sqrt(n);
      if (n === 0) break;
      let delta = 0;
      for (let c = 0; c < cols; c++) {
        next[c] /= n;
        delta += Math.abs(next[c] - v[c]);
      }
      v = next;
      lambda = n;
      if (delta < 1e-9 * cols) break;
    }
    comps.push(v);
    variances.push(lambda);
  }
  const coords = new Float64Array(rows * 2);
  for (let r = 0; r < rows; r++)
    for (let k = 0; k < 2; k++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += xc[r * cols + c] * comps[k][c];
      coords[r * 2 + k] = s;
    }
  return { coords, explained: [total > 0 ? variances[0] / total : 0, total > 0 ? variances[1] / total : 0] };
}

function pickFeatureSet(db: DB, name: string | undefined): FeatureSetInfo {
  const have = featureSets(db).filter((f) => db.prepare('SELECT 1 FROM well_profiles WHERE feature_set_id = ? LIMIT 1').get(f.id));
  if (name !== undefined) {
    const fs = featureSetByName(db, name);
    if (!fs || !have.some((f) => f.id === fs.id)) throw new InputError(`no profiles for feature set "${name}"${have.length ? ` (have: ${have.map((f) => f.name).join(', ')})` : ''}`);
    return fs;
  }
  const fs = have.find((f) => f.name === 'micon') ?? have.find((f) => f.name === 'handcrafted') ?? have[0];
  if (!fs) throw new InputError('no well profiles yet: train and embed first');
  return fs;
}

export async function profileMap(db: DB, opts: { features?: string; method?: MapMethod; includeControls?: boolean; seed?: number } = {}): Promise<ProfileMap> {
  const t0 = performance.now();
  const method = opts.method ?? 'pca';
  const fs = pickFeatureSet(db, opts.features);
  const prof = loadWellProfiles(db, fs.id);
  const info = new Map(wellInfo(db).map((w) => [w.wellId, w]));
  let idx = prof.wellIds.map((_, i) => i).filter((i) => opts.includeControls !== false || info.get(prof.wellIds[i])?.pertType !== 'negcon');
  const wells = idx.length;
  if (method === 'umap' && idx.length > UMAP_MAX_POINTS) {
    const rand = mulberry32(opts.seed ?? 1);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    idx = idx.slice(0, UMAP_MAX_POINTS).sort((a, b) => a - b);
  }
  if (idx.length < 3) throw new InputError(`feature set "${fs.name}" has ${idx.length} wells to map; at least 3 are needed`);
  const sub = new Float32Array(idx.length * prof.cols);
  idx.forEach((i, j) => sub.set(prof.data.subarray(i * prof.cols, (i + 1) * prof.cols), j * prof.cols));
  const x = unitRows64(sub, idx.length, prof.cols);

  let coords: Float64Array;
  let explained: [number, number] | null = null;
  if (method === 'pca') {
    ({ coords, explained } = pca2(x, idx.length, prof.cols, opts.seed ?? 1));
  } else {
    const rowsArr = Array.from({ length: idx.length }, (_, r) => Array.from(x.subarray(r * prof.cols, (r + 1) * prof.cols)));
    const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(15, idx.length - 1), minDist: 0.1, random: mulberry32(opts.seed ?? 1) });
    // fitAsync yields between epochs, so the app answers other requests while the map is computed.
    const emb = await umap.fitAsync(rowsArr);
    coords = new Float64Array(idx.length * 2);
    emb.forEach((p, r) => {
      coords[r * 2] = p[0];
      coords[r * 2 + 1] = p[1];
    });
  }
  const points: MapPoint[] = idx.map((i, j) => {
    const w = info.get(prof.wellIds[i])!;
    return { wellId: w.wellId, plate: w.plate, well: w.well, x: coords[j * 2], y: coords[j * 2 + 1], compound: w.compound, moa: w.moa, source: w.source, batch: w.batch, pertType: w.pertType };
  });
  return { featureSet: fs.name, method, points, wells, explained, seconds: (performance.now() - t0) / 1000 };
}

/** Feature sets with profiles, as the explorer offers them. */
export function featureSetChoices(db: DB, smilesCapable: Set<number>) {
  return featureSets(db).flatMap((f) => {
    const n = (db.prepare('SELECT COUNT(*) n FROM well_profiles WHERE feature_set_id = ?').get(f.id) as { n: number }).n;
    return n ? [{ name: f.name, kind: f.kind, dim: f.dim, wells: n, smiles: smilesCapable.has(f.id) }] : [];
  });
}
