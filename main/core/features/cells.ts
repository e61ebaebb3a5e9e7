// Cells grown from the nuclei (CellProfiler's IdentifySecondaryObjects, simplified) and per-channel measures
// in nucleus vs cytoplasm, summarised per image.
import { CHANNELS } from '../types.js';
import { cracks, shape } from './shape.js';
import { boxBlur, meanStd, median, otsu } from './util.js';

const MIN_CYTO_THRESHOLD = 0.02;
const EPS = 0.01;

const CELL_SCALAR = [
  'cyto_far_fraction',
  'cell_area_mean',
  'cell_area_std',
  'cell_area_median',
  'cyto_area_mean',
  'cell_to_nuc_area_mean',
  'cell_formfactor_mean',
  'cell_eccentricity_mean',
  'cell_coverage',
  'cyto_mask_fraction',
];
const CELL_PER_CHANNEL = ['nuc_mean', 'cyto_mean', 'log_nuc_cyto_ratio', 'cell_integrated_mean', 'cell_mean_cv', 'cyto_std_mean', 'cyto_radial_mean', 'cyto_perinuclear_frac', 'background_mean'];

export const CELL_NAMES: readonly string[] = [...CELL_SCALAR, ...CHANNELS.flatMap((c) => CELL_PER_CHANNEL.map((f) => `${c}_${f}`))];

/** The nuclei a cell grows from: their label image and which labels are nuclei (not micronuclei or specks). */
export interface Seeds {
  labels: Int32Array;
  isNuc: Uint8Array;
  count: number;
  /** Typical nuclear radius in pixels: sets how far a cell may reach. */
  radius: number;
}

export function cellFeatures(chans: Float32Array[], w: number, h: number, seeds: Seeds, out: Float32Array, off: number): Uint8Array {
  const { labels: nucLabels, isNuc, radius: nucRadius } = seeds;
  const n = w * h;
  const C = chans.length;
  // Cytoplasm stains (everything but DNA), pooled so the mask does not hinge on one channel's phenotype.
  const cyto = new Float32Array(n);
  for (let c = 1; c < C; c++) for (let i = 0; i < n; i++) cyto[i] += chans[c][i] / (C - 1);
  const cs = boxBlur(cyto, w, h, 2);
  const thr = Math.max(MIN_CYTO_THRESHOLD, 0.7 * otsu(cs));
  let maskCount = 0;
  const allowed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    allowed[i] = cs[i] > thr || isNuc[nucLabels[i]] ? 1 : 0;
    maskCount += cs[i] > thr ? 1 : 0;
  }

  // Seeded geodesic growth (breadth-first, 8-connected) inside the mask, capped at a few nuclear radii:
  // each cytoplasm pixel goes to the nucleus that reaches it first, i.e. a Voronoi split limited to the mask.
  const cellId = new Int32Array(n);
  const dist = new Int32Array(n);
  const remap = new Int32Array(isNuc.length);
  let nc = 0;
  for (let l = 1; l < isNuc.length; l++) if (isNuc[l]) remap[l] = ++nc;
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const l = nucLabels[i];
    if (l && isNuc[l]) {
      cellId[i] = remap[l];
      queue[tail++] = i;
    }
  }
  const maxDist = Math.max(3, Math.round(3 * nucRadius));
  while (head < tail) {
    const i = queue[head++];
    if (dist[i] >= maxDist) continue;
    const y = (i / w) | 0;
    const x = i - y * w;
    for (let dy = -1; dy <= 1; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= h) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        if (xx < 0 || xx >= w) continue;
        const j = yy * w + xx;
        if (allowed[j] && !cellId[j]) {
          cellId[j] = cellId[i];
          dist[j] = dist[i] + 1;
          queue[tail++] = j;
        }
      }
    }
  }

  const cellArea = new Float64Array(nc + 1);
  const nucArea = new Float64Array(nc + 1);
  const perim = new Float64Array(nc + 1);
  const mom = new Float64Array((nc + 1) * 5);
  const nucSum = new Float64Array((nc + 1) * C);
  const cytoSum = new Float64Array((nc + 1) * C);
  const cytoSq = new Float64Array((nc + 1) * C);
  const radialW = new Float64Array(C);
  const radialI = new Float64Array(C);
  const periI = new Float64Array(C);
  const bgSum = new Float64Array(C);
  let bgCount = 0;
  let farCount = 0;
  let cytoCount = 0;
  const cellMask = new Uint8Array(n);
  const periDist = maxDist / 3;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const id = cellId[i];
      if (!id) {
        bgCount++;
        for (let c = 0; c < C; c++) bgSum[c] += chans[c][i];
        continue;
      }
      cellMask[i] = 1;
      cellArea[id]++;
      const m = id * 5;
      mom[m] += x;
      mom[m + 1] += y;
      mom[m + 2] += x * x;
      mom[m + 3] += y * y;
      mom[m + 4] += x * y;
      perim[id] += cracks(cellId, i, x, y, w, h, id);
      const inNuc = dist[i] === 0;
      if (inNuc) nucArea[id]++;
      else {
        cytoCount++;
        if (dist[i] >= maxDist - 1) farCount++;
      }
      for (let c = 0; c < C; c++) {
        const v = chans[c][i];
        if (inNuc) nucSum[id * C + c] += v;
        else {
          cytoSum[id * C + c] += v;
          cytoSq[id * C + c] += v * v;
          radialW[c] += v * dist[i];
          radialI[c] += v;
          if (dist[i] <= periDist) periI[c] += v;
        }
      }
    }
  }

  const areas: number[] = [];
  const cytoAreas: number[] = [];
  const ratios: number[] = [];
  const ffs: number[] = [];
  const eccs: number[] = [];
  for (let id = 1; id <= nc; id++) {
    const a = cellArea[id];
    areas.push(a);
    cytoAreas.push(a - nucArea[id]);
    ratios.push(a / Math.max(1, nucArea[id]));
    const m = id * 5;
    const s = shape({ area: a, sx: mom[m], sy: mom[m + 1], sxx: mom[m + 2], syy: mom[m + 3], sxy: mom[m + 4], perimeter: perim[id] });
    ffs.push(s.formfactor);
    eccs.push(s.eccentricity);
  }
  let k = off;
  const put = (v: number) => (out[k++] = Number.isFinite(v) ? v : 0);
  let covered = 0;
  for (const a of areas) covered += a;
  // Share of cytoplasm reaching the growth cap: cells spread beyond the cap rather than bounded by the stain.
  put(cytoCount ? farCount / cytoCount : 0);
  const [am, as] = meanStd(areas);
  put(am);
  put(as);
  put(median(areas));
  put(meanStd(cytoAreas)[0]);
  put(meanStd(ratios)[0]);
  put(meanStd(ffs)[0]);
  put(meanStd(eccs)[0]);
  put(covered / n);
  put(maskCount / n);

  for (let c = 0; c < C; c++) {
    const nucMeans: number[] = [];
    const cytoMeans: number[] = [];
    const logRatios: number[] = [];
    const integ: number[] = [];
    const cellMeans: number[] = [];
    const cytoStds: number[] = [];
    for (let id = 1; id <= nc; id++) {
      const na = nucArea[id];
      const ca = cellArea[id] - na;
      const ns = nucSum[id * C + c];
      const cSum = cytoSum[id * C + c];
      const nm = na ? ns / na : 0;
      // A cell with no cytoplasm (grown into nothing) counts its nucleus as both, i.e. ratio 1.
      const cm = ca ? cSum / ca : nm;
      nucMeans.push(nm);
      cytoMeans.push(cm);
      logRatios.push(Math.log((nm + EPS) / (cm + EPS)));
      integ.push(ns + cSum);
      cellMeans.push((ns + cSum) / cellArea[id]);
      cytoStds.push(ca ? Math.sqrt(Math.max(0, cytoSq[id * C + c] / ca - cm * cm)) : 0);
    }
    put(meanStd(nucMeans)[0]);
    put(meanStd(cytoMeans)[0]);
    put(meanStd(logRatios)[0]);
    put(meanStd(integ)[0]);
    const [cmm, cms] = meanStd(cellMeans);
    put(cms / (cmm + EPS));
    put(meanStd(cytoStds)[0]);
    // Where the stain sits between nucleus and cell edge: spread vs perinuclear collapse (ER, Golgi, mitochondria).
    put(radialI[c] > 1e-9 ? radialW[c] / radialI[c] / maxDist : 0);
    put(radialI[c] > 1e-9 ? periI[c] / radialI[c] : 0);
    put(bgCount ? bgSum[c] / bgCount : 0);
  }
  return cellMask;
}
