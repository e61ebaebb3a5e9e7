// Everything an import computes for one plate before it writes anything to the project: decoding,
// illumination, scaling, QC, thumbnails and hand-crafted features. None of it holds the project's
// write lock (the working arrays live in this connection's temp tables, which take no lock on the
// project file), so the app, browser mode and other commands keep writing while a large plate decodes;
// plate-write.ts then stores the result in one short transaction.
import type { DB } from '../db/open.js';
import type { PlateCorrection } from '../features/site-scale.js';
import { IlluminationAccumulator } from '../images/illumination.js';
import { wellThumbnail } from '../images/thumbnail.js';
import { CHANNELS, type Problem } from '../types.js';
import { mapPool } from '../util/pool.js';
import type { IngestOptions } from './ingest.js';
import { effectiveBitDepth, median, PercentileSampler } from './plate-scale.js';
import type { ProcessedSite } from './process-site.js';
import type { SitePool } from './site-pool.js';
import type { SiteFiles } from './sites.js';

// Pass 1's float arrays (4 bytes a value) and pass 3's final uint16 ones wait in temporary tables: in
// the project file a plate's worth of working arrays would leave as many free pages behind (a 1536-well,
// 9-site plate of 128² sites left a 4.3 GB file for 2.2 GB of arrays).
const RAW_TABLE = 'temp.raw_site_arrays';
export const FINAL_TABLE = 'temp.final_site_arrays';

export interface DecodedSite {
  /** Index of the site in the plate's site list (the temp tables' key). */
  idx: number;
  well: string;
  site: number;
  files: SiteFiles;
  result: Omit<ProcessedSite, 'raw'>;
  qc: { saturation: number; foreground: number; flags: string };
  features: { scale: number; nucleusPx: number; vec: Float32Array } | null;
}

export interface DecodedPlate {
  /** Sites that decoded consistently, in plate order (well, then site). */
  sites: DecodedSite[];
  width: number;
  height: number;
  bitDepth: number;
  scale: Record<string, { illumMin: number; illumMax: number; low: number; high: number }>;
  illum: Float32Array[];
  /** One PNG per well: its first site's corrected image. */
  thumbnails: Map<string, Buffer>;
}

export interface DecodeContext {
  pool: SitePool;
  size: number;
  opts: IngestOptions;
  plate: string;
  pixelSizeUm?: number;
  problems: Problem[];
}

export function prepareTempTables(db: DB): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${RAW_TABLE.slice(5)} (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)`);
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${FINAL_TABLE.slice(5)} (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)`);
}

export function clearTempTables(db: DB): void {
  if (!db.open) return;
  db.exec(`DELETE FROM ${RAW_TABLE}`);
  db.exec(`DELETE FROM ${FINAL_TABLE}`);
}

/** Decode, correct and measure every site of a plate; null when no site could be decoded. */
export async function decodePlate(db: DB, sites: SiteFiles[], ctx: DecodeContext): Promise<DecodedPlate | null> {
  prepareTempTables(db);
  clearTempTables(db);
  const illumAcc = CHANNELS.map(() => new IlluminationAccumulator(ctx.size));
  const decoded = await decodeSites(db, sites, ctx, illumAcc);
  if (!decoded.length) return null;
  const plate = await correctSites(db, decoded, illumAcc, ctx);
  await measureSites(plate, ctx);
  return plate;
}

function readRaw(db: DB, idx: number): Float32Array {
  const b = (db.prepare(`SELECT data FROM ${RAW_TABLE} WHERE idx = ?`).get(idx) as { data: Buffer }).data;
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Pass 1: decode each site's files on the worker threads, reduce them to the cache size, sum illumination. */
async function decodeSites(db: DB, sites: SiteFiles[], ctx: DecodeContext, illumAcc: IlluminationAccumulator[]): Promise<DecodedSite[]> {
  const { pool, size, opts, plate, problems } = ctx;
  const insRaw = db.prepare(`INSERT INTO ${RAW_TABLE} (idx, data) VALUES (?, ?)`);
  const out: DecodedSite[] = [];
  let done = 0;
  await mapPool(sites, opts.concurrency ?? 4 + 4 * pool.threads, async (s, idx) => {
    let p: ProcessedSite;
    try {
      p = await pool.run(s, size);
    } catch (e) {
      const file = (e as { file?: string }).file;
      problems.push({ file, well: s.well, message: `plate ${plate} well ${s.well} site ${s.site}: ${(e as Error).message}; site skipped`, severity: 'warning' });
      return;
    }
    // Raw area averages stay float until the plate's illumination function is known.
    insRaw.run(idx, Buffer.from(p.raw.buffer, p.raw.byteOffset, p.raw.byteLength));
    const n = size * size;
    CHANNELS.forEach((_, c) => illumAcc[c].add(p.raw.subarray(c * n, (c + 1) * n)));
    out.push({ idx, well: s.well, site: s.site, files: s, result: { channels: p.channels, focus: p.focus }, qc: { saturation: 0, foreground: 0, flags: '' }, features: null });
    opts.onProgress?.({ stage: 'decode', done: ++done, total: sites.length, plate });
  });
  // Worker threads finish in any order; a fixed order keeps percentile sampling (and so the stored
  // arrays) identical from one import of the same plate to the next.
  out.sort((a, b) => (a.well === b.well ? a.site - b.site : a.well < b.well ? -1 : 1));
  return rejectInconsistent(db, out, ctx, illumAcc);
}

/** Sites whose bit depth or image size differs from the rest of the plate are removed with a warning. */
function rejectInconsistent(db: DB, sites: DecodedSite[], ctx: DecodeContext, illumAcc: IlluminationAccumulator[]): DecodedSite[] {
  const mode = (key: (w: DecodedSite) => string) => {
    const counts = new Map<string, number>();
    for (const w of sites) counts.set(key(w), (counts.get(key(w)) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  };
  const bitsMode = mode((w) => CHANNELS.map((c) => w.result.channels[c].storedBits).join(','));
  const sizeMode = mode((w) => CHANNELS.map((c) => `${w.result.channels[c].width}x${w.result.channels[c].height}`).join(','));
  const keep: DecodedSite[] = [];
  for (const w of sites) {
    const odd = CHANNELS.find((c, i) => String(w.result.channels[c].storedBits) !== bitsMode?.split(',')[i]);
    const oddSize = CHANNELS.find((c, i) => `${w.result.channels[c].width}x${w.result.channels[c].height}` !== sizeMode?.split(',')[i]);
    if (!odd && !oddSize) {
      keep.push(w);
      continue;
    }
    const c = (odd ?? oddSize)!;
    const r = w.result.channels[c];
    const file = w.files.files[c].file;
    const why = odd
      ? `is ${r.storedBits}-bit but the plate's other ${c} images are ${bitsMode!.split(',')[CHANNELS.indexOf(c)]}-bit`
      : `is ${r.width}×${r.height} but the plate's other images are ${sizeMode!.split(',')[CHANNELS.indexOf(c)].replace('x', '×')}`;
    ctx.problems.push({ file, well: w.well, message: `plate ${ctx.plate} well ${w.well} site ${w.site}: ${file} ${why}; site skipped`, severity: 'warning' });
    const raw = readRaw(db, w.idx);
    const n = ctx.size * ctx.size;
    CHANNELS.forEach((_, ch) => illumAcc[ch].remove(raw.subarray(ch * n, (ch + 1) * n)));
    db.prepare(`DELETE FROM ${RAW_TABLE} WHERE idx = ?`).run(w.idx);
  }
  return keep;
}

/**
 * Passes 2 and 3: fit the illumination surfaces, sample intensity percentiles, then make the corrected,
 * scaled uint16 arrays (into the final temp table), QC flags and thumbnails.
 */
async function correctSites(db: DB, sites: DecodedSite[], acc: IlluminationAccumulator[], ctx: DecodeContext): Promise<DecodedPlate> {
  const { size, opts, plate } = ctx;
  const n = size * size;
  const illum = acc.map((a) => a.finish());

  const samplers = CHANNELS.map(() => new PercentileSampler());
  // Plate-wide percentiles are stable from a spread of up to 64 sites; reading every site again would double the I/O.
  const stride = Math.max(1, Math.floor(sites.length / 64));
  for (const w of sites.filter((_, i) => i % stride === 0)) {
    const a = readRaw(db, w.idx);
    CHANNELS.forEach((_, c) => {
      const ch = a.subarray(c * n, (c + 1) * n);
      const il = illum[c];
      const corrected = new Float32Array(n);
      for (let i = 0; i < n; i++) corrected[i] = ch[i] / il[i];
      samplers[c].add(corrected);
    });
  }
  const bounds = samplers.map((s) => {
    const [low, high] = s.quantiles([0.001, 0.999]);
    return { low, high: Math.max(high, low + 1) };
  });

  let maxValue = 0;
  let storedBits = 16;
  let width = 0;
  let height = 0;
  for (const w of sites) {
    for (const c of CHANNELS) {
      const r = w.result.channels[c];
      maxValue = Math.max(maxValue, r.maxValue);
      storedBits = r.storedBits;
      width = r.width;
      height = r.height;
    }
  }
  const bitDepth = effectiveBitDepth(storedBits, maxValue);
  const ceiling = 2 ** bitDepth - 1;

  const insFinal = db.prepare(`INSERT INTO ${FINAL_TABLE} (idx, data) VALUES (?, ?)`);
  const delRaw = db.prepare(`DELETE FROM ${RAW_TABLE} WHERE idx = ?`);
  const thumbnails = new Map<string, Buffer>();
  let done = 0;
  for (const w of sites) {
    const a = readRaw(db, w.idx);
    const scaled = new Float32Array(a.length);
    const u16 = new Uint16Array(a.length);
    CHANNELS.forEach((_, c) => {
      const { low, high } = bounds[c];
      const il = illum[c];
      const span = high - low;
      for (let i = 0, o = c * n; i < n; i++, o++) {
        const v = Math.min(1, Math.max(0, (a[o] / il[i] - low) / span));
        scaled[o] = v;
        u16[o] = Math.round(v * 65535);
      }
    });
    insFinal.run(w.idx, Buffer.from(u16.buffer));
    delRaw.run(w.idx);
    let above = 0;
    for (let i = 0; i < n; i++) if (scaled[i] > 0.2) above++;
    w.qc.foreground = above / n;
    let worst = 0;
    for (const c of CHANNELS) {
      const r = w.result.channels[c];
      if (r.maxValue >= ceiling) worst = Math.max(worst, r.countAtMax / (r.width * r.height));
    }
    w.qc.saturation = worst;
    if (!thumbnails.has(w.well)) thumbnails.set(w.well, await wellThumbnail(scaled, size));
    opts.onProgress?.({ stage: 'correct', done: ++done, total: sites.length, plate });
  }
  const medFocus = median(sites.map((w) => w.result.focus));
  const medFg = median(sites.map((w) => w.qc.foreground));
  for (const w of sites) {
    const flags: string[] = [];
    if (medFocus > 0 && w.result.focus < 0.35 * medFocus) flags.push('blur');
    if (w.qc.saturation > 0.005) flags.push('saturated');
    if (medFg > 0 && w.qc.foreground < 0.2 * medFg) flags.push('empty');
    w.qc.flags = flags.join(',');
  }
  const scale: DecodedPlate['scale'] = {};
  CHANNELS.forEach((c, i) => {
    scale[c] = { illumMin: Math.min(...illum[i]), illumMax: Math.max(...illum[i]), low: bounds[i].low, high: bounds[i].high };
  });
  return { sites, width, height, bitDepth, scale, illum, thumbnails };
}

/**
 * Pass 4: hand-crafted features of every site at the image's own scale, on the worker threads (each
 * decodes the site's files again; one site's planes at a time per thread bounds the memory). A site
 * whose features fail keeps its data and gets a warning; `micon embed` computes what is missing.
 */
async function measureSites(plate: DecodedPlate, ctx: DecodeContext): Promise<void> {
  const { pool, opts, problems } = ctx;
  const correction: PlateCorrection = { size: ctx.size, illum: plate.illum, bounds: CHANNELS.map((c) => plate.scale[c]), pixelSizeUm: ctx.pixelSizeUm };
  const sites = plate.sites;
  let done = 0;
  opts.onProgress?.({ stage: 'features', done, total: sites.length, plate: ctx.plate });
  await mapPool(sites, 2 * Math.max(1, pool.threads), async (w) => {
    try {
      const r = await pool.features(w.files, correction);
      w.features = { scale: r.scale, nucleusPx: r.nucleusPx, vec: r.vec };
    } catch (e) {
      const file = (e as { file?: string }).file;
      problems.push({ file, well: w.well, message: `plate ${ctx.plate} well ${w.well} site ${w.site}: hand-crafted features not computed (${(e as Error).message}); micon embed will try again`, severity: 'warning' });
    }
    opts.onProgress?.({ stage: 'features', done: ++done, total: sites.length, plate: ctx.plate });
  });
}
