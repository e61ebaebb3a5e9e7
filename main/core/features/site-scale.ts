// From a site's decoded full-resolution planes to its hand-crafted feature vector: the plate's
// illumination correction and intensity scale applied per pixel, at a working scale where a typical
// nucleus is still ≥ MIN_NUCLEUS_PX across (native resolution unless nuclei are bigger than twice that).
import { CHANNELS } from '../types.js';
import { siteFeatures } from './handcrafted.js';
import { estimateNucleusDiameter } from './nuclei.js';

/** What ingest learnt about a plate that the features of each of its sites need. */
export interface PlateCorrection {
  /** Side of the illumination functions (the cache side): they describe the field's centred square. */
  size: number;
  /** Per channel in CHANNELS order, size × size, mean 1. */
  illum: Float32Array[];
  /** Per channel: the plate's 0.1 / 99.9 percentiles after illumination correction (raw units). */
  bounds: { low: number; high: number }[];
  /** Microns per pixel when the instrument wrote it. */
  pixelSizeUm?: number;
}

export interface Plane {
  data: Uint16Array;
  width: number;
  height: number;
}

export interface SiteFeatureResult {
  vec: Float32Array;
  /** Working-scale bin factor (1 = native). */
  scale: number;
  /** Typical nucleus diameter, native pixels. */
  nucleusPx: number;
}

/** A working scale keeps the typical nucleus at least this many pixels across. */
export const MIN_NUCLEUS_PX = 16;
/**
 * Prior nucleus diameter (µm) where the pixel size is known: it bounds the image's own estimate to
 * half to twice this (U2OS / A549 / MCF-7 interphase nuclei are ~10–25 µm long).
 */
const NUCLEUS_UM = 15;

/** Hand-crafted features of one site from its five decoded planes (CHANNELS order) and its plate's correction. */
export function featuresFromPlanes(planes: Plane[], corr: PlateCorrection): SiteFeatureResult {
  const { width: w, height: h } = planes[0];
  for (const p of planes) {
    if (p.width !== w || p.height !== h) throw new Error(`channel planes differ in size (${p.width}×${p.height} vs ${w}×${h})`);
  }
  const dnaNative0 = correctedPlane(planes[0], 1, corr, 0);
  const dnaNative = dnaNative0.float;
  const prior = corr.pixelSizeUm ? NUCLEUS_UM / corr.pixelSizeUm : undefined;
  const nucleusPx = estimateNucleusDiameter(dnaNative.data, dnaNative.w, dnaNative.h, prior);
  const f = Math.max(1, Math.floor(nucleusPx / MIN_NUCLEUS_PX));
  const ww = Math.floor(w / f);
  const hh = Math.floor(h / f);
  const n = ww * hh;
  const site = new Uint16Array(CHANNELS.length * n);
  let dna: Float32Array | undefined;
  for (let c = 0; c < CHANNELS.length; c++) {
    const r = c === 0 && f === 1 ? dnaNative0 : correctedPlane(planes[c], f, corr, c);
    site.set(r.u16, c * n);
    if (c === 0) dna = r.float.data;
  }
  const vec = siteFeatures(site, ww, hh, { nucleusDiameterPx: nucleusPx / f, dna });
  return { vec, scale: f, nucleusPx };
}

/**
 * One channel binned by f (area average), divided by the illumination function and scaled between the
 * plate's percentiles: uint16 clipped to [0, 1] as the cache stores it, and float unclipped (for segmentation).
 * The illumination function covers the centred square the cache is cut from; beyond it (the long side of a
 * rectangular field) it is continued from its edge.
 */
function correctedPlane(p: Plane, f: number, corr: PlateCorrection, c: number): { u16: Uint16Array; float: { data: Float32Array; w: number; h: number } } {
  const { width: w, height: h, data } = p;
  const ww = Math.floor(w / f);
  const hh = Math.floor(h / f);
  const side = Math.min(w, h);
  const x0 = (w - side) / 2;
  const y0 = (h - side) / 2;
  const S = corr.size;
  const toCache = (v: number, o: number) => Math.min(S - 1, Math.max(0, Math.floor(((v - o) * S) / side)));
  const cx = Int32Array.from({ length: ww }, (_, x) => toCache(x * f + f / 2, x0));
  const cy = Int32Array.from({ length: hh }, (_, y) => toCache(y * f + f / 2, y0));
  const il = corr.illum[c];
  const { low, high } = corr.bounds[c];
  const span = Math.max(high - low, 1e-9);
  const inv = 1 / (f * f);
  const u16 = new Uint16Array(ww * hh);
  const float = new Float32Array(ww * hh);
  for (let y = 0; y < hh; y++) {
    const ilRow = cy[y] * S;
    if (f === 1) {
      // Native resolution (the usual case): no block sums.
      for (let x = 0, i = y * w; x < ww; x++, i++) {
        const v = Math.max(0, data[i] / il[ilRow + cx[x]] - low) / span;
        float[i] = v;
        u16[i] = v >= 1 ? 65535 : Math.round(v * 65535);
      }
      continue;
    }
    for (let x = 0; x < ww; x++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) {
        const row = (y * f + dy) * w + x * f;
        for (let dx = 0; dx < f; dx++) s += data[row + dx];
      }
      const v = Math.max(0, (s * inv) / il[ilRow + cx[x]] - low) / span;
      float[y * ww + x] = v;
      u16[y * ww + x] = v >= 1 ? 65535 : Math.round(v * 65535);
    }
  }
  return { u16, float: { data: float, w: ww, h: hh } };
}
