// Nuclei on the DNA channel at the image's own scale (CellProfiler's IdentifyPrimaryObjects, in linear
// time): background removed, smoothed, thresholded by Otsu on log intensity and by local contrast,
// touching nuclei split by a marker-controlled watershed on shape × brightness. Every length is set by
// the typical nucleus diameter `d` (pixels), estimated from the image, so one set of rules serves 20×
// and 40× fields, sparse and confluent ones. Values are plate-scaled to [0, 1].
import { binImage, distanceTransform, maxFilter, otsuRange, quantile } from './filters.js';
import { label8 } from './shape.js';
import { boxBlur } from './util.js';

/** Below this (after background removal) nothing is a nucleus, whatever Otsu says: an empty field stays empty. */
const MIN_SIGNAL = 0.015;
/**
 * A pixel belongs to a nucleus only above half the brightest DNA within half a diameter: the edge of a
 * blurred nucleus sits at its half maximum (whatever its brightness, so dim nuclei keep their size), and
 * the faint cytoplasmic Hoechst around a nucleus stays out.
 */
const HALF_MAX = 0.5;

export interface NucleusSegmentation {
  /** Region per pixel (0 = background), 1..regions. */
  labels: Int32Array;
  regions: number;
  /** Distance to the background, for thickness. */
  dist: Float32Array;
  /** Background-corrected, smoothed DNA. */
  smooth: Float32Array;
}

/** Smoothed log-Otsu + local-contrast foreground of a DNA image, for a nucleus diameter d. */
function foreground(dna: Float32Array, w: number, h: number, d: number): { mask: Uint8Array; smooth: Float32Array } {
  const x = subtractBackground(dna, w, h, d);
  // Two box passes ≈ a Gaussian of σ ≈ d/10: fills the chromatin texture, keeps the gaps between nuclei.
  const r = Math.max(1, Math.round(d / 12));
  const tmp = new Float32Array(x.length);
  const s = boxBlur(boxBlur(x, w, h, r, new Float32Array(x.length), tmp), w, h, r, new Float32Array(x.length), tmp);
  // Otsu on log intensity: nuclei span a 3–5× range of Hoechst brightness over the cell cycle, and on a
  // linear scale the bright ones pull the threshold above the dim ones.
  // Histogram statistics: every 3rd pixel (an odd step, so no column aliasing) is as good as all of them.
  const step = s.length > 65536 ? 3 : 1;
  const sample = new Float32Array(Math.ceil(s.length / step));
  for (let i = 0, j = 0; i < s.length; i += step, j++) sample[j] = s[i];
  const eps = Math.max(1e-4, 1e-3 * quantile(sample, 0.999));
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < sample.length; j++) {
    const v = Math.log(sample[j] + eps);
    sample[j] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const thr = Math.max(Math.exp(otsuRange(sample, lo, hi)) - eps, MIN_SIGNAL);
  // The brightest DNA within about half a diameter, on d/8 blocks (a coarse quantity; full resolution costs 4×).
  const b = Math.max(1, Math.round(d / 8));
  const bw = Math.ceil(w / b);
  const blocks = blockMax(s, w, h, b);
  const local = maxFilter(blocks, bw, Math.ceil(h / b), Math.max(1, Math.round(d / 2 / b)));
  const mask = new Uint8Array(s.length);
  const col = Int32Array.from({ length: w }, (_, x) => (x / b) | 0);
  for (let y = 0; y < h; y++) {
    const row = ((y / b) | 0) * bw;
    for (let x = 0, i = y * w; x < w; x++, i++) mask[i] = s[i] > thr && s[i] > HALF_MAX * local[row + col[x]] ? 1 : 0;
  }
  return { mask, smooth: s };
}

function blockMax(img: Float32Array, w: number, h: number, b: number): Float32Array {
  const bw = Math.ceil(w / b);
  const out = new Float32Array(bw * Math.ceil(h / b)).fill(-Infinity);
  const col = Int32Array.from({ length: w }, (_, x) => (x / b) | 0);
  for (let y = 0; y < h; y++) {
    const row = ((y / b) | 0) * bw;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const k = row + col[x];
      if (img[i] > out[k]) out[k] = img[i];
    }
  }
  return out;
}

/**
 * Uneven background (vignetting left over, out-of-focus haze, a bright neighbour's glow) as a grey
 * opening wider than a nucleus, computed on d/2 blocks and interpolated back: it follows the background
 * and never a nucleus. Returns max(0, image − background).
 */
function subtractBackground(img: Float32Array, w: number, h: number, d: number): Float32Array {
  const b = Math.max(2, Math.round(d / 2));
  const bw = Math.ceil(w / b);
  const bh = Math.ceil(h / b);
  const blockMin = new Float32Array(bw * bh).fill(Infinity);
  const col = Int32Array.from({ length: w }, (_, x) => (x / b) | 0);
  for (let y = 0; y < h; y++) {
    const by = ((y / b) | 0) * bw;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const v = img[i];
      const k = by + col[x];
      if (v < blockMin[k]) blockMin[k] = v;
    }
  }
  const k = Math.max(1, Math.ceil((1.25 * d) / b));
  const neg = blockMin.map((v) => -v);
  const eroded = maxFilter(neg, bw, bh, k).map((v) => -v);
  const opened = maxFilter(eroded, bw, bh, k);
  const bg = boxBlur(opened, bw, bh, k);
  // Bilinear weights per column and per row, computed once (not per pixel).
  const axis = (len: number, blocks: number) => {
    const i0 = new Int32Array(len);
    const i1 = new Int32Array(len);
    const t = new Float32Array(len);
    for (let p = 0; p < len; p++) {
      const fp = Math.min(blocks - 1, Math.max(0, (p + 0.5) / b - 0.5));
      i0[p] = Math.floor(fp);
      i1[p] = Math.min(blocks - 1, i0[p] + 1);
      t[p] = fp - i0[p];
    }
    return { i0, i1, t };
  };
  const ax = axis(w, bw);
  const ay = axis(h, bh);
  const out = new Float32Array(w * h);
  const rowA = new Float32Array(bw);
  for (let y = 0; y < h; y++) {
    const r0 = ay.i0[y] * bw;
    const r1 = ay.i1[y] * bw;
    const ty = ay.t[y];
    for (let j = 0; j < bw; j++) rowA[j] = bg[r0 + j] * (1 - ty) + bg[r1 + j] * ty;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const tx = ax.t[x];
      const v = img[i] - (rowA[ax.i0[x]] * (1 - tx) + rowA[ax.i1[x]] * tx);
      out[i] = v > 0 ? v : 0;
    }
  }
  return out;
}

/**
 * Typical nucleus diameter in pixels: twice the median over objects of their largest inscribed radius
 * (touching nuclei do not inflate it, unlike areas). Found with provisional parameters on a copy binned
 * so that it takes ~50 ms at any size; `priorPx` (from the plate's pixel size) bounds it to 0.5–2×.
 */
export function estimateNucleusDiameter(dna: Float32Array, w: number, h: number, priorPx?: number): number {
  const f = Math.max(1, Math.floor(Math.min(w, h) / 512));
  const img = binImage(dna, w, h, f);
  const guess = (priorPx ?? 24) / f;
  const { mask } = foreground(img.data, img.w, img.h, Math.max(4, guess));
  const labels = new Int32Array(mask.length);
  const k = label8(mask, img.w, img.h, labels);
  const dist = distanceTransform(mask, img.w, img.h);
  const maxDist = new Float32Array(k + 1);
  for (let i = 0; i < labels.length; i++) if (labels[i] && dist[i] > maxDist[labels[i]]) maxDist[labels[i]] = dist[i];
  const radii = Array.from(maxDist.subarray(1)).filter((r) => r >= 1.5).sort((a, b) => a - b);
  let d = radii.length ? 2 * radii[radii.length >> 1] * f : (priorPx ?? 24);
  if (priorPx) d = Math.min(2 * priorPx, Math.max(0.5 * priorPx, d));
  return Math.max(4, d);
}

/** Segment nuclei in a DNA image whose typical nucleus is d pixels across. */
export function segmentNuclei(dna: Float32Array, w: number, h: number, d: number): NucleusSegmentation {
  const n = w * h;
  const { mask, smooth } = foreground(dna, w, h, d);
  const dist = distanceTransform(mask, w, h);
  // Marker function: thick (distance to background, capped at a radius) and bright (de-noised over d/5
  // windows; wider, a bright neighbour's glow would swallow a dimmer nucleus's peak):
  // two touching nuclei each have a peak, the line where they touch has neither.
  const bright = boxBlur(smooth, w, h, Math.max(1, Math.round(d / 10)));
  const cap = d / 2;
  const m = new Float32Array(n);
  let mMax = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    m[i] = (Math.min(dist[i], cap) / cap) * bright[i];
    if (m[i] > mMax) mMax = m[i];
  }
  const peaks = new Uint8Array(n);
  if (mMax > 0) {
    const mx = maxFilter(m, w, h, Math.max(2, Math.round(d / 3)));
    for (let i = 0; i < n; i++) peaks[i] = mask[i] && m[i] > 0 && m[i] >= mx[i] ? 1 : 0;
  }
  const labels = new Int32Array(n);
  // A plateau of equal maxima is one marker.
  let regions = label8(peaks, w, h, labels);
  flood(labels, mask, m, mMax, w, h);
  regions = mergeShallow(labels, regions, m, dist, cap, w, h);
  // Objects with no marker of their own (flat specks) are regions too.
  const rest = new Uint8Array(n);
  for (let i = 0; i < n; i++) rest[i] = mask[i] && !labels[i] ? 1 : 0;
  const restLabels = new Int32Array(n);
  const extra = label8(rest, w, h, restLabels);
  for (let i = 0; i < n; i++) if (restLabels[i]) labels[i] = regions + restLabels[i];
  regions += extra;
  return { labels, regions, dist, smooth };
}

/**
 * Marker-controlled watershed: every mask pixel joins the marker that reaches it first when flooding
 * down m from its maxima (a FIFO bucket queue over 256 levels; linear time).
 */
function flood(labels: Int32Array, mask: Uint8Array, m: Float32Array, mMax: number, w: number, h: number): void {
  const L = 256;
  const n = w * h;
  const head = new Int32Array(L).fill(-1);
  const tail = new Int32Array(L).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const queued = new Uint8Array(n);
  const level = (i: number) => (mMax > 0 ? Math.min(L - 1, Math.floor((m[i] / mMax) * (L - 1))) : 0);
  const push = (i: number, lv: number) => {
    queued[i] = 1;
    if (tail[lv] < 0) head[lv] = i;
    else next[tail[lv]] = i;
    tail[lv] = i;
  };
  const visit = (i: number, cur: number) => {
    const y = (i / w) | 0;
    const x = i - y * w;
    if (x > 0 && mask[i - 1] && !labels[i - 1] && !queued[i - 1]) push(i - 1, Math.min(cur, level(i - 1)));
    if (x < w - 1 && mask[i + 1] && !labels[i + 1] && !queued[i + 1]) push(i + 1, Math.min(cur, level(i + 1)));
    if (y > 0 && mask[i - w] && !labels[i - w] && !queued[i - w]) push(i - w, Math.min(cur, level(i - w)));
    if (y < h - 1 && mask[i + w] && !labels[i + w] && !queued[i + w]) push(i + w, Math.min(cur, level(i + w)));
  };
  for (let i = 0; i < n; i++) if (labels[i]) visit(i, L - 1);
  for (let cur = L - 1; cur >= 0; ) {
    const i = head[cur];
    if (i < 0) {
      cur--;
      continue;
    }
    head[cur] = next[i];
    if (head[cur] < 0) tail[cur] = -1;
    // Join the labelled 4-neighbour with the highest marker value.
    const y = (i / w) | 0;
    const x = i - y * w;
    let best = -1;
    let lab = 0;
    if (x > 0 && labels[i - 1] && m[i - 1] > best) [best, lab] = [m[i - 1], labels[i - 1]];
    if (x < w - 1 && labels[i + 1] && m[i + 1] > best) [best, lab] = [m[i + 1], labels[i + 1]];
    if (y > 0 && labels[i - w] && m[i - w] > best) [best, lab] = [m[i - w], labels[i - w]];
    if (y < h - 1 && labels[i + w] && m[i + w] > best) lab = labels[i + w];
    labels[i] = lab;
    visit(i, cur);
  }
}

/** Two regions are one nucleus when the marker function dips by less than this between their peaks. */
const MIN_DIP = 0.15;
/** …and when the object is at least this share of its thickness where they meet (no neck). */
const NECK = 0.75;

/**
 * Merge watershed regions of one nucleus (the h-maxima criterion, relative, with a shape check): rounding
 * noise on a saturated or flat-topped nucleus makes several maxima with a shallow saddle deep inside the
 * object; two touching nuclei meet at a neck, thinner than either, even where a bright one's glow fills
 * the dip. Highest saddles first, so chains merge as they should. Labels are renumbered 1..k.
 */
function mergeShallow(labels: Int32Array, regions: number, m: Float32Array, dist: Float32Array, cap: number, w: number, h: number): number {
  if (regions < 2) return regions;
  const peak = new Float32Array(regions + 1);
  const thick = new Float32Array(regions + 1);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!l) continue;
    if (m[i] > peak[l]) peak[l] = m[i];
    if (dist[i] > thick[l]) thick[l] = Math.min(cap, dist[i]);
  }
  const saddle = new Map<number, { v: number; d: number }>();
  const note = (a: number, b: number, i: number, j: number) => {
    if (!a || !b || a === b) return;
    const v = Math.min(m[i], m[j]);
    const key = a < b ? a * (regions + 1) + b : b * (regions + 1) + a;
    const cur = saddle.get(key);
    if (!cur || cur.v < v) saddle.set(key, { v, d: Math.min(dist[i], dist[j]) });
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const a = labels[i];
      if (!a) continue;
      if (x < w - 1 && labels[i + 1] !== a) note(a, labels[i + 1], i, i + 1);
      if (y < h - 1 && labels[i + w] !== a) note(a, labels[i + w], i, i + w);
    }
  }
  const parent = Int32Array.from({ length: regions + 1 }, (_, i) => i);
  const top = Float32Array.from(peak);
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]];
    return a;
  };
  const pairs = [...saddle].map(([key, s]) => ({ a: Math.floor(key / (regions + 1)), b: key % (regions + 1), ...s })).sort((p, q) => q.v - p.v);
  for (const { a, b, v, d } of pairs) {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) continue;
    if (v >= (1 - MIN_DIP) * Math.min(top[ra], top[rb]) && d >= NECK * Math.min(thick[ra], thick[rb])) {
      parent[rb] = ra;
      top[ra] = Math.max(top[ra], top[rb]);
      thick[ra] = Math.max(thick[ra], thick[rb]);
    }
  }
  const renum = new Int32Array(regions + 1);
  let k = 0;
  for (let l = 1; l <= regions; l++) if (find(l) === l) renum[l] = ++k;
  for (let i = 0; i < labels.length; i++) if (labels[i]) labels[i] = renum[find(labels[i])];
  return k;
}
