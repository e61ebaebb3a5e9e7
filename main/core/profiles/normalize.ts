import { createMatrix, type Matrix } from './matrix.js';
import { applySphering, fitSphering, type SpheringOptions, type SpheringTransform } from './sphering.js';
import type { WellMeta } from './well-meta.js';

export { applySphering, fitSphering, DEFAULT_SPHERING_EPSILON_REL, type SpheringOptions, type SpheringTransform } from './sphering.js';

/** 1.4826·MAD estimates σ for normal data. */
const MAD_TO_SD = 1.4826;
/** √(π/2)·mean|x − median| estimates σ for normal data; used only when the MAD is degenerate. */
const MEAN_ABS_TO_SD = Math.sqrt(Math.PI / 2);

export interface MadOptions {
  /**
   * Each plate's reference wells: its negcon wells (default; plates without any fall back to all
   * their wells) or all its non-empty wells. 'all' assumes most wells of a plate do little — true
   * of most screening plates, not of a plate of actives.
   */
  reference?: 'negcon' | 'all';
  /**
   * Scale floor relative to the plate: floor = epsilonRel × max(|median of the feature|, median
   * over the plate's features of their robust scale). Default 1e-6 — only ever reached by
   * features that are constant in the reference wells *and* on the whole plate.
   */
  epsilonRel?: number;
}

export interface PlateMadInfo {
  source: string;
  batch: string;
  plate: string;
  wells: number;
  /** negcon wells on the plate. */
  controls: number;
  reference: 'negcon' | 'all';
  /**
   * Features whose reference MAD was ~0 (e.g. integer counts where over half the controls share
   * one value). Their scale came from, in turn: mean absolute deviation of the reference wells,
   * then MAD / mean absolute deviation of all the plate's wells, then the floor.
   */
  scaleFallbackFeatures: number;
  /** Of those, features that ended on the floor. */
  flooredFeatures: number;
}

/** One plate's normalisation, by plate name: (x − center) / scale per feature. */
export interface PlateMadParams {
  center: Float64Array;
  scale: Float64Array;
}

export interface MadReport {
  plates: PlateMadInfo[];
  /** Plates without negcon wells, normalised against all their wells instead. */
  fallbackPlates: string[];
}

function median(xs: Float64Array): number {
  const n = xs.length;
  if (!n) return 0;
  xs.sort();
  return n % 2 ? xs[(n - 1) >> 1] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
}

function plateKey(m: WellMeta): string {
  return `${m.source}\u0000${m.batch}\u0000${m.plate}`;
}

/**
 * Per plate and feature: (x − median of the plate's negcon wells) / (1.4826·MAD of those wells).
 * Plates without negcon wells use all their non-empty wells as reference and are reported.
 */
export function madNormalize(profiles: Matrix, meta: WellMeta[], opts: MadOptions = {}): { normalized: Matrix; report: MadReport; params: Map<string, PlateMadParams> } {
  if (meta.length !== profiles.rows) throw new RangeError(`${meta.length} metadata rows for ${profiles.rows} profiles`);
  const epsilonRel = opts.epsilonRel ?? 1e-6;
  const d = profiles.cols;
  const X = profiles.data;
  const out = createMatrix(profiles.rows, d);
  const byPlate = new Map<string, number[]>();
  meta.forEach((m, i) => {
    const k = plateKey(m);
    let list = byPlate.get(k);
    if (!list) byPlate.set(k, (list = []));
    list.push(i);
  });
  const report: MadReport = { plates: [], fallbackPlates: [] };
  const params = new Map<string, PlateMadParams>();
  for (const wells of byPlate.values()) {
    const first = meta[wells[0]];
    const controls = wells.filter((i) => meta[i].pertType === 'negcon');
    const nonEmpty = wells.filter((i) => meta[i].pertType !== 'empty');
    const fallback = controls.length === 0 && opts.reference !== 'all';
    const ref = controls.length === 0 || opts.reference === 'all' ? (nonEmpty.length ? nonEmpty : wells) : controls;
    if (fallback) report.fallbackPlates.push(first.plate);

    const center = new Float64Array(d);
    const scale = new Float64Array(d);
    const buf = new Float64Array(ref.length);
    for (let k = 0; k < d; k++) {
      for (let r = 0; r < ref.length; r++) buf[r] = X[ref[r] * d + k];
      const m = median(buf);
      for (let r = 0; r < ref.length; r++) buf[r] = Math.abs(X[ref[r] * d + k] - m);
      center[k] = m;
      scale[k] = MAD_TO_SD * median(buf);
    }
    const positive = Float64Array.from(scale.filter((s) => s > 0));
    const plateTypical = median(positive);

    let scaleFallbackFeatures = 0;
    let flooredFeatures = 0;
    const allBuf = new Float64Array(wells.length);
    for (let k = 0; k < d; k++) {
      const floor = Math.max(epsilonRel * Math.max(Math.abs(center[k]), plateTypical), Number.MIN_VALUE);
      if (scale[k] >= floor) continue;
      scaleFallbackFeatures++;
      let s = 0;
      for (const r of ref) s += Math.abs(X[r * d + k] - center[k]);
      s = (MEAN_ABS_TO_SD * s) / ref.length;
      if (s < floor) {
        for (let r = 0; r < wells.length; r++) allBuf[r] = Math.abs(X[wells[r] * d + k] - center[k]);
        let mean = 0;
        for (let r = 0; r < wells.length; r++) mean += allBuf[r];
        mean /= wells.length;
        s = MAD_TO_SD * median(allBuf);
        if (s < floor) s = MEAN_ABS_TO_SD * mean;
      }
      if (s < floor) {
        flooredFeatures++;
        s = floor;
      }
      scale[k] = s;
    }
    for (const i of wells) {
      const o = i * d;
      for (let k = 0; k < d; k++) out.data[o + k] = (X[o + k] - center[k]) / scale[k];
    }
    params.set(first.plate, { center, scale });
    report.plates.push({
      source: first.source,
      batch: first.batch,
      plate: first.plate,
      wells: wells.length,
      controls: controls.length,
      reference: ref === controls ? 'negcon' : 'all',
      scaleFallbackFeatures,
      flooredFeatures,
    });
  }
  return { normalized: out, report, params };
}

/** Apply one plate's MAD parameters to new rows (e.g. predicted profiles): (x − center) / scale. */
export function applyMad(x: Matrix, p: PlateMadParams): Matrix {
  if (x.cols !== p.center.length) throw new RangeError(`MAD parameters have ${p.center.length} features, rows have ${x.cols}`);
  const out = createMatrix(x.rows, x.cols);
  for (let i = 0; i < x.data.length; i++) {
    const k = i % x.cols;
    out.data[i] = (x.data[i] - p.center[k]) / p.scale[k];
  }
  return out;
}

export interface NormalizeOptions {
  mad?: MadOptions;
  sphering?: SpheringOptions;
}

export interface NormalizedProfiles {
  /** After per-plate robust MAD only. */
  mad: Matrix;
  /** After MAD and ZCA sphering: the profiles evaluation and search use. */
  sphered: Matrix;
  transform: SpheringTransform;
  madReport: MadReport;
  /** 'negcon' normally; 'all' when the screen has no negcon wells at all. */
  spheringReference: 'negcon' | 'all';
}

/** The whole DESIGN.md pipeline after aggregation: per-plate MAD, then ZCA fitted on the screen's controls. */
export function normalizeProfiles(profiles: Matrix, meta: WellMeta[], opts: NormalizeOptions = {}): NormalizedProfiles {
  const { normalized, report } = madNormalize(profiles, meta, opts.mad);
  let ref = meta.flatMap((m, i) => (m.pertType === 'negcon' ? [i] : []));
  const spheringReference = ref.length ? 'negcon' : 'all';
  if (!ref.length) ref = meta.flatMap((m, i) => (m.pertType !== 'empty' ? [i] : []));
  const transform = fitSphering(normalized, ref, opts.sphering);
  return { mad: normalized, sphered: applySphering(normalized, transform), transform, madReport: report, spheringReference };
}
