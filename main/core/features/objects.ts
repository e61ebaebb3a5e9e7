// Nuclei segmented on DNA (CellProfiler's IdentifyPrimaryObjects; nuclei.ts), summarised per image; cells grow from them.
import { CELL_NAMES, cellFeatures } from './cells.js';
import { segmentNuclei } from './nuclei.js';
import { cracks, shape } from './shape.js';
import { meanStd, median } from './util.js';

export { CELL_NAMES };

const MIN_AREA = 3;
const EPS = 0.01;

export const NUCLEUS_NAMES: readonly string[] = [
  'nuc_count',
  'nuc_area_mean',
  'nuc_area_std',
  'nuc_area_median',
  'nuc_area_fraction',
  'nuc_perimeter_mean',
  'nuc_formfactor_mean',
  'nuc_formfactor_std',
  'nuc_eccentricity_mean',
  'nuc_eccentricity_std',
  'nuc_major_axis_mean',
  'nuc_minor_axis_mean',
  'nuc_ellipse_fill_mean',
  'nuc_dna_integrated_mean',
  'nuc_dna_integrated_std',
  'nuc_dna_integrated_median',
  'nuc_dna_mean_mean',
  'nuc_dna_mean_std',
  'nuc_dna_max_mean',
  'nuc_dna_cv_mean',
  'nuc_frac_bright',
  'nuc_frac_small',
  'nuc_frac_large',
  'micronuclei_per_nucleus',
  'nuc_nn_distance_mean',
  'nuc_frac_close_pair',
  'nuc_border_fraction',
  // Nuclei not touching the field's edge (CellProfiler's default of discarding border objects).
  'nuc_count_interior',
];

interface Component {
  area: number;
  sx: number;
  sy: number;
  sxx: number;
  syy: number;
  sxy: number;
  perimeter: number;
  border: boolean;
  dnaSum: number;
  dnaSq: number;
  dnaMax: number;
  thick: number;
}

export interface ObjectMasks {
  /** 1 where a pixel belongs to some cell; the within-cell channel correlations use it. */
  cellMask: Uint8Array;
}

/** Object features of a w×h site whose typical nucleus is `diameter` pixels across. */
export function objectFeatures(
  chans: Float32Array[],
  w: number,
  h: number,
  diameter: number,
  out: Float32Array,
  off: number,
  segmentOn: Float32Array = chans[0],
): { written: number; masks: ObjectMasks } {
  const n = w * h;
  const dna = chans[0];
  const seg = segmentNuclei(segmentOn, w, h, diameter);
  const { labels, regions: k, dist } = seg;

  const comps: Component[] = Array.from({ length: k + 1 }, () => ({ area: 0, sx: 0, sy: 0, sxx: 0, syy: 0, sxy: 0, perimeter: 0, border: false, dnaSum: 0, dnaSq: 0, dnaMax: 0, thick: 0 }));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const l = labels[i];
      if (!l) continue;
      const c = comps[l];
      const v = dna[i];
      c.area++;
      c.sx += x;
      c.sy += y;
      c.sxx += x * x;
      c.syy += y * y;
      c.sxy += x * y;
      c.dnaSum += v;
      c.dnaSq += v * v;
      if (v > c.dnaMax) c.dnaMax = v;
      if (dist[i] > c.thick) c.thick = dist[i];
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) c.border = true;
      c.perimeter += cracks(labels, i, x, y, w, h, l);
    }
  }

  // Nuclei vs micronuclei and debris, relative to this image's typical object so it works at any pixel
  // size: a nucleus is thick (inscribed radius ≥ 30 % of the typical one: thin threads of cytoplasmic
  // Hoechst are not) and not small (≥ 25 % of the typical area, or 10 % when the field's edge cuts it).
  const sizable = comps.slice(1).filter((c) => c.area >= MIN_AREA);
  const typicalThick = median(sizable.map((c) => c.thick));
  const thickEnough = (c: Component) => c.thick >= 0.3 * typicalThick;
  const typical = median(sizable.filter(thickEnough).map((c) => c.area));
  const minNuc = Math.max(MIN_AREA, 0.25 * typical);
  const minCut = Math.max(MIN_AREA, 0.1 * typical);
  const dimBelow = dimGroup(comps.slice(1).filter((c) => thickEnough(c) && c.area >= minCut).map((c) => c.dnaSum / c.area));
  const isNuc = new Uint8Array(k + 1);
  const nuclei: Component[] = [];
  let micro = 0;
  for (let l = 1; l <= k; l++) {
    const c = comps[l];
    if (thickEnough(c) && c.area >= (c.border ? minCut : minNuc) && c.dnaSum / c.area >= dimBelow) {
      isNuc[l] = 1;
      nuclei.push(c);
    } else if (c.area >= 1 && c.area < minNuc && c.dnaSum / c.area >= dimBelow) micro++;
  }
  const nn = nuclei.length;

  const areas = nuclei.map((c) => c.area);
  const shapes = nuclei.map(shape);
  const integrated = nuclei.map((c) => c.dnaSum);
  const means = nuclei.map((c) => c.dnaSum / c.area);
  const cvs = nuclei.map((c) => {
    const m = c.dnaSum / c.area;
    return Math.sqrt(Math.max(0, c.dnaSq / c.area - m * m)) / (m + EPS);
  });
  const [areaMean, areaStd] = meanStd(areas);
  const areaMed = median(areas);
  const meanMed = median(means);
  const [ffMean, ffStd] = meanStd(shapes.map((s) => s.formfactor));
  const [eccMean, eccStd] = meanStd(shapes.map((s) => s.eccentricity));
  const [intMean, intStd] = meanStd(integrated);
  const [dmMean, dmStd] = meanStd(means);
  const frac = (pred: (i: number) => boolean) => (nn ? nuclei.reduce((acc, _c, i) => acc + (pred(i) ? 1 : 0), 0) / nn : 0);

  // Nearest-neighbour spacing in units of the typical nuclear radius: density, clumping and binucleate cells.
  const radius = Math.sqrt(Math.max(areaMed, 1) / Math.PI);
  const cx = nuclei.map((c) => c.sx / c.area);
  const cy = nuclei.map((c) => c.sy / c.area);
  const nnDist: number[] = [];
  for (let a = 0; a < nn; a++) {
    let best = Infinity;
    for (let b = 0; b < nn; b++) if (a !== b) best = Math.min(best, (cx[a] - cx[b]) ** 2 + (cy[a] - cy[b]) ** 2);
    nnDist.push(Number.isFinite(best) ? Math.sqrt(best) / radius : 0);
  }

  let kk = off;
  const put = (v: number) => (out[kk++] = Number.isFinite(v) ? v : 0);
  put(nn);
  put(areaMean);
  put(areaStd);
  put(areaMed);
  put(areas.reduce((a, b) => a + b, 0) / n);
  put(meanStd(nuclei.map((c) => c.perimeter))[0]);
  put(ffMean);
  put(ffStd);
  put(eccMean);
  put(eccStd);
  put(meanStd(shapes.map((s) => s.major))[0]);
  put(meanStd(shapes.map((s) => s.minor))[0]);
  put(meanStd(shapes.map((s) => s.ellipseFill))[0]);
  put(intMean);
  put(intStd);
  put(median(integrated));
  put(dmMean);
  put(dmStd);
  put(meanStd(nuclei.map((c) => c.dnaMax))[0]);
  put(meanStd(cvs)[0]);
  put(frac((i) => means[i] > 1.5 * meanMed));
  put(frac((i) => areas[i] < 0.5 * areaMed));
  put(frac((i) => areas[i] > 2 * areaMed));
  put(nn ? micro / nn : micro);
  put(nn > 1 ? meanStd(nnDist)[0] : 0);
  put(nn > 1 ? frac((i) => nnDist[i] < 2.5) : 0);
  put(frac((i) => nuclei[i].border));
  put(nuclei.reduce((a, c) => a + (c.border ? 0 : 1), 0));

  const cellMask = cellFeatures(chans, w, h, { labels, isNuc, count: nn, radius }, out, kk);
  kk += CELL_NAMES.length;
  return { written: kk - off, masks: { cellMask } };
}


/**
 * Hoechst also stains cytoplasm faintly (strongly so in some JUMP fields): pieces of it pass the
 * threshold on a sparse field. Nuclei are several times brighter, so when the objects' mean intensities
 * fall into two groups with a ≥ 5× gap between them, the lower group is not nuclei. Returns the cut-off
 * (0 when there is no such gap: dim and bright nuclei of one field differ by less).
 */
function dimGroup(means: number[]): number {
  const s = means.filter((v) => v > 0).sort((a, b) => a - b);
  let cut = 0;
  let best = Math.log(5);
  for (let i = 1; i < s.length; i++) {
    const gap = Math.log(s[i] / s[i - 1]);
    if (gap > best) {
      best = gap;
      cut = s[i];
    }
  }
  return cut;
}
