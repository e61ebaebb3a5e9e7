import type { DB } from '../db/open.js';
import { HANDCRAFTED_VERSION } from '../features/handcrafted.js';
import type { PlateCorrection } from '../features/site-scale.js';
import { IlluminationAccumulator } from '../images/illumination.js';
import { wellThumbnail } from '../images/thumbnail.js';
import { readPlateMeta, type PlateMeta } from '../platemap/plate-meta.js';
import { entriesForPlate, readPlatemap, type Platemap, type PlatemapEntry } from '../platemap/platemap.js';
import { plateFormat, wellPosition } from '../plates/wells.js';
import { scanFolder } from '../plates/scan.js';
import { CHANNELS, type ChannelName, InputError, type Layout, type Problem, type ScannedPlate, type SkippedPlates } from '../types.js';
import { mapPool } from '../util/pool.js';
import { resolveCompounds, upsertCompound, type ResolvedCompound } from './compounds.js';
import { checkStructureConflicts } from './structure-conflicts.js';
import { effectiveBitDepth, median, PercentileSampler } from './plate-scale.js';
import type { ProcessedSite } from './process-site.js';
import { SitePool } from './site-pool.js';
import { groupSites, type SiteFiles } from './sites.js';

export interface IngestOptions {
  platemap?: string;
  plateMeta?: string;
  source?: string;
  batch?: string;
  channels?: Record<string, ChannelName>;
  /**
   * Side of the cached square per-site array (thumbnails, heatmaps and the CNN input). Given, it becomes
   * the project's setting; otherwise the project's setting, else DEFAULT_CACHE_SIZE.
   */
  cacheSize?: number;
  concurrency?: number;
  /** Worker threads for decoding (default: one per core, up to 4; 0 = decode on the calling thread). */
  threads?: number;
  onProgress?: (p: { stage: string; done: number; total: number; plate?: string }) => void;
  /** Import a platemap that gives a compound id two structures (keeping the first); refused otherwise. */
  allowConflicts?: boolean;
}

export interface IngestSummary {
  plates: number;
  wells: number;
  sites: number;
  images: number;
  compounds: number;
  controls: number;
  layout: Layout;
  problems: Problem[];
  /** Plates that were already in the project and were replaced by this import. */
  replaced: string[];
  /** Plates refused whole (nothing of them written). */
  refused: string[];
  /** Plates of another layout in the folder that this import did not read (import them separately). */
  skipped: SkippedPlates[];
  /** Per plate: which instrument channel became which Cell Painting channel, and by which rule. */
  channelMappings: { plate: string; mapping: string }[];
  seconds: number;
}

// 5 channels × 64² × 2 bytes = 40 KB per site. The CNN reads 64² (ml/encoder-spec.ts); the hand-crafted
// features no longer come from the cache but from the full-resolution images. The MICON reference feeds
// 224 px: a project that wants that sets it once with --cache-size.
export const DEFAULT_CACHE_SIZE = 64;

/** The project's cache side (project_settings.cache_size), else DEFAULT_CACHE_SIZE. */
export function projectCacheSize(db: DB): number {
  const r = db.prepare("SELECT value FROM project_settings WHERE key = 'cache_size'").get() as { value: string } | undefined;
  const v = r ? Number(r.value) : NaN;
  return Number.isInteger(v) && v > 0 ? v : DEFAULT_CACHE_SIZE;
}

/**
 * Import every plate found under `folder`. Each plate is one transaction: either all of it (plate,
 * wells, sites, images, preprocessed arrays, thumbnails) is in the project afterwards, or none of it.
 */
export async function ingestFolder(db: DB, folder: string, opts: IngestOptions = {}): Promise<IngestSummary> {
  const t0 = performance.now();
  if (opts.cacheSize !== undefined && !(Number.isInteger(opts.cacheSize) && opts.cacheSize >= 8 && opts.cacheSize <= 1024)) {
    throw new InputError(`--cache-size ${opts.cacheSize}: expected a whole number of pixels from 8 to 1024`);
  }
  const size = opts.cacheSize ?? projectCacheSize(db);
  if (opts.cacheSize !== undefined) db.prepare("INSERT INTO project_settings (key, value) VALUES ('cache_size', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(size));
  const scan = await scanFolder(folder, { channels: opts.channels });
  const problems: Problem[] = [...scan.problems];
  const platemap = opts.platemap ? readPlatemap(opts.platemap) : null;
  if (platemap) problems.push(...platemap.problems, ...(await checkStructureConflicts(db, platemap, !!opts.allowConflicts)));
  const meta = opts.plateMeta ? readPlateMeta(opts.plateMeta) : null;
  if (meta) problems.push(...meta.problems);
  if (!platemap) problems.push({ message: 'no platemap given (--platemap): wells are imported without compounds or controls', severity: 'warning' });

  const summary: IngestSummary = {
    plates: 0,
    wells: 0,
    sites: 0,
    images: 0,
    compounds: 0,
    controls: 0,
    layout: scan.layout,
    problems,
    replaced: [],
    refused: [...(scan.refused ?? [])],
    skipped: scan.skipped ?? [],
    channelMappings: scan.plates.filter((p) => p.channelMapping).map((p) => ({ plate: p.name, mapping: p.channelMapping! })),
    seconds: 0,
  };
  const compoundsSeen = new Set<string>();
  const pool = new SitePool(opts.threads);
  try {
  for (const plate of scan.plates) {
    const plateMeta = meta?.plates.get(plate.name) ?? null;
    if (meta && !plateMeta) {
      problems.push({ file: meta ? opts.plateMeta : undefined, message: `plate ${plate.name} is not in the plate metadata file; using --source/--batch or defaults`, severity: 'warning' });
    }
    try {
      const r = await ingestPlate(db, plate, { platemap, plateMeta, opts, size, problems, pool });
      summary.plates++;
      summary.wells += r.wells;
      summary.sites += r.sites;
      summary.images += r.images;
      summary.controls += r.controls;
      r.compounds.forEach((c) => compoundsSeen.add(c));
      if (r.replaced) summary.replaced.push(plate.name);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      summary.refused.push(plate.name);
      problems.push(...(e.problems.length ? e.problems : [{ message: e.message, severity: 'error' as const }]));
    }
  }
  } finally {
    await pool.close();
  }
  summary.compounds = compoundsSeen.size;
  summary.seconds = (performance.now() - t0) / 1000;
  db.prepare('INSERT INTO ingest_log (at, folder, layout, summary) VALUES (?, ?, ?, ?)').run(
    new Date().toISOString(),
    folder,
    scan.layout,
    JSON.stringify({ ...summary, problems: summary.problems.length }),
  );
  return summary;
}

interface PlateContext {
  platemap: Platemap | null;
  plateMeta: PlateMeta | null;
  opts: IngestOptions;
  size: number;
  problems: Problem[];
  pool: SitePool;
}

interface PlateResult {
  wells: number;
  sites: number;
  images: number;
  controls: number;
  compounds: string[];
  replaced: boolean;
}

async function ingestPlate(db: DB, plate: ScannedPlate, ctx: PlateContext): Promise<PlateResult> {
  const { size, opts, problems } = ctx;
  const grouped = groupSites(plate.images, plate.name);
  problems.push(...grouped.problems);
  const entries = ctx.platemap ? entriesForPlate(ctx.platemap, plate.name) : [];
  const byWell = new Map<string, PlatemapEntry>(entries.map((e) => [e.well, e]));
  const imagedWells = new Set(grouped.sites.map((s) => s.well));
  if (ctx.platemap) {
    for (const w of [...imagedWells].sort()) {
      if (!byWell.has(w)) {
        problems.push({ file: ctx.platemap.file, well: w, message: `plate ${plate.name} well ${w} has images but no platemap row; imported without compound`, severity: 'warning' });
      }
    }
    for (const e of entries) {
      if (!imagedWells.has(e.well)) {
        problems.push({ file: ctx.platemap.file, row: e.line, well: e.well, message: `platemap line ${e.line}: plate ${plate.name} well ${e.well} has no images; row not imported`, severity: 'warning' });
      }
    }
  }
  if (!grouped.sites.length) {
    const msg = `plate ${plate.name} (${plate.folder}): no complete 5-channel site (${grouped.incomplete} site(s) lack channels, see the warnings per well and site); plate not imported`;
    throw new InputError(msg, [{ file: plate.folder, message: msg, severity: 'error' }]);
  }
  // Rows whose wells have no images are not imported, and neither are their compounds.
  const compounds = await resolveCompounds(entries.filter((e) => imagedWells.has(e.well)), problems, ctx.platemap?.file);
  const fmt = plate.rows && plate.cols ? { rows: plate.rows, cols: plate.cols } : plateFormat([...imagedWells]);

  opts.onProgress?.({ stage: 'decode', done: 0, total: grouped.sites.length, plate: plate.name });
  // Pass 1's float arrays (4 bytes a value) live in a temporary table until pass 3 writes the final
  // uint16 ones: in the project file they would leave a plate's worth of free pages behind (a
  // 1536-well, 9-site plate of 128² sites left a 4.3 GB file for 2.2 GB of arrays; now 2.2 GB).
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${RAW_TABLE} (site_id INTEGER PRIMARY KEY, data BLOB NOT NULL)`);
  db.exec('BEGIN IMMEDIATE');
  try {
    const existing = db.prepare('SELECT id FROM plates WHERE name = ?').get(plate.name) as { id: number } | undefined;
    if (existing) db.prepare('DELETE FROM plates WHERE id = ?').run(existing.id);
    const source = ctx.plateMeta?.source ?? opts.source ?? 'default';
    const batch = ctx.plateMeta?.batch ?? opts.batch ?? 'default';
    db.prepare('INSERT OR IGNORE INTO sources (name) VALUES (?)').run(source);
    const sourceId = (db.prepare('SELECT id FROM sources WHERE name = ?').get(source) as { id: number }).id;
    db.prepare('INSERT OR IGNORE INTO batches (source_id, name) VALUES (?, ?)').run(sourceId, batch);
    const batchId = (db.prepare('SELECT id FROM batches WHERE source_id = ? AND name = ?').get(sourceId, batch) as { id: number }).id;
    const plateId = Number(
      db
        .prepare(
          `INSERT INTO plates (name, batch_id, replicate, layout, folder, rows, cols, pixel_size_um, channel_map, cache_size, channel_scale, ingested_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?)`,
        )
        .run(plate.name, batchId, ctx.plateMeta?.replicate ?? null, plate.layout, plate.folder, fmt.rows, fmt.cols, plate.pixelSizeUm ?? null, JSON.stringify(plate.channelMap), size, new Date().toISOString())
        .lastInsertRowid,
    );
    const insChannel = db.prepare('INSERT INTO channels (plate_id, name, raw_id, instrument_name) VALUES (?, ?, ?, ?)');
    for (const [raw, ch] of Object.entries(plate.channelMap)) insChannel.run(plateId, ch, raw, plate.channelNames[raw] ?? null);

    const compoundRowIds = new Map<string, number>();
    const known = db.prepare('SELECT 1 FROM compounds WHERE compound_id = ?').pluck();
    const newCompounds: number[] = [];
    for (const c of compounds.values()) {
      const isNew = !known.get(c.compoundId);
      const id = upsertCompound(db, c);
      compoundRowIds.set(c.compoundId, id);
      if (isNew) newCompounds.push(id);
    }
    const insWell = db.prepare('INSERT INTO wells (plate_id, well, row, col, compound_id, concentration, concentration_unit, pert_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const wellIds = new Map<string, number>();
    for (const w of [...imagedWells].sort()) {
      const e = byWell.get(w);
      const pos = wellPosition(w);
      const cid = e?.compoundId ? (compoundRowIds.get(e.compoundId) ?? null) : null;
      wellIds.set(w, Number(insWell.run(plateId, w, pos.row, pos.col, cid, e?.concentration ?? null, e?.concentration != null ? 'uM' : null, e?.pertType ?? null).lastInsertRowid));
    }

    const illumAcc = CHANNELS.map(() => new IlluminationAccumulator(size));
    const written = await decodeAndStore(db, ctx.pool, grouped.sites, wellIds, size, opts, plate.name, problems, illumAcc);
    if (!written.length) throw new InputError(`plate ${plate.name}: no site could be decoded; plate not imported`, [{ file: plate.folder, message: `plate ${plate.name}: no site could be decoded; plate not imported`, severity: 'error' }]);
    const finish = await correctAndFinish(db, plateId, written, illumAcc, size, opts, plate.name);
    await storeFeatures(db, ctx.pool, written, { size, illum: finish.illum, bounds: CHANNELS.map((c) => finish.scale[c]), pixelSizeUm: plate.pixelSizeUm }, opts, plate.name, problems);
    // Wells whose every site was rejected carry no data; drop them so counts match what is usable, say
    // so per well (the per-site warnings alone hide that a whole well is gone), and drop the compounds
    // this import added only for them.
    const unreadable = db.prepare('SELECT id, well FROM wells WHERE plate_id = ? AND id NOT IN (SELECT well_id FROM sites) ORDER BY well').all(plateId) as { id: number; well: string }[];
    for (const w of unreadable) {
      const tried = grouped.sites.filter((s) => s.well === w.well).length;
      problems.push({ file: plate.folder, well: w.well, message: `plate ${plate.name} well ${w.well}: none of its ${tried} site(s) could be read (see the warnings per site); well not imported`, severity: 'warning' });
    }
    db.prepare('DELETE FROM wells WHERE plate_id = ? AND id NOT IN (SELECT well_id FROM sites)').run(plateId);
    if (unreadable.length && newCompounds.length) {
      db.prepare(`DELETE FROM compounds WHERE id IN (${newCompounds.join(',')}) AND NOT EXISTS (SELECT 1 FROM wells w WHERE w.compound_id = compounds.id)`).run();
    }
    const wells = (db.prepare('SELECT COUNT(*) n FROM wells WHERE plate_id = ?').get(plateId) as { n: number }).n;
    const treatedKept = db.prepare("SELECT DISTINCT c.compound_id FROM wells w JOIN compounds c ON c.id = w.compound_id WHERE w.plate_id = ? AND w.pert_type = 'trt'").pluck().all(plateId) as string[];
    const ctrlWells = (db.prepare("SELECT COUNT(*) n FROM wells WHERE plate_id = ? AND pert_type = 'negcon'").get(plateId) as { n: number }).n;
    db.prepare('UPDATE plates SET image_width = ?, image_height = ?, bit_depth = ?, channel_scale = ? WHERE id = ?').run(
      finish.width,
      finish.height,
      finish.bitDepth,
      JSON.stringify(finish.scale),
      plateId,
    );
    db.exec('COMMIT');
    if (existing) {
      problems.push({ file: plate.folder, message: `plate ${plate.name} was already in the project; replaced it with this import`, severity: 'warning' });
    }
    return { wells, sites: written.length, images: written.length * CHANNELS.length, controls: ctrlWells, compounds: treatedKept, replaced: !!existing };
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  } finally {
    db.exec(`DELETE FROM ${RAW_TABLE}`);
  }
}

const RAW_TABLE = 'temp.raw_site_arrays';

function readRaw(db: DB, siteId: number): Float32Array {
  const b = (db.prepare(`SELECT data FROM ${RAW_TABLE} WHERE site_id = ?`).get(siteId) as { data: Buffer }).data;
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

interface WrittenSite {
  siteId: number;
  well: string;
  site: number;
  files: SiteFiles;
  result: Omit<ProcessedSite, 'raw'>;
}

async function decodeAndStore(
  db: DB,
  pool: SitePool,
  sites: SiteFiles[],
  wellIds: Map<string, number>,
  size: number,
  opts: IngestOptions,
  plate: string,
  problems: Problem[],
  illumAcc: IlluminationAccumulator[],
): Promise<WrittenSite[]> {
  const insSite = db.prepare('INSERT INTO sites (well_id, site) VALUES (?, ?)');
  const setFocus = db.prepare('UPDATE sites SET qc_focus = ? WHERE id = ?');
  const delSite = db.prepare('DELETE FROM sites WHERE id = ?');
  const insImage = db.prepare('INSERT INTO images (site_id, channel, path, width, height, max_value) VALUES (?, ?, ?, ?, ?, ?)');
  const insRaw = db.prepare(`INSERT INTO ${RAW_TABLE} (site_id, data) VALUES (?, ?)`);
  const written: WrittenSite[] = [];
  let done = 0;
  // Site rows first, in plate order: ids must not depend on which worker finishes first.
  const ids = sites.map((s) => Number(insSite.run(wellIds.get(s.well), s.site).lastInsertRowid));
  await mapPool(sites, opts.concurrency ?? 4 + 4 * pool.threads, async (s, i) => {
    const siteId = ids[i];
    let p: ProcessedSite;
    try {
      p = await pool.run(s, size);
    } catch (e) {
      const file = (e as { file?: string }).file;
      problems.push({ file, well: s.well, message: `plate ${plate} well ${s.well} site ${s.site}: ${(e as Error).message}; site skipped`, severity: 'warning' });
      delSite.run(siteId);
      return;
    }
    setFocus.run(p.focus, siteId);
    for (const c of CHANNELS) {
      const r = p.channels[c];
      insImage.run(siteId, c, s.files[c].file, r.width, r.height, r.maxValue);
    }
    // Raw area averages stay float until the plate's illumination function is known.
    insRaw.run(siteId, Buffer.from(p.raw.buffer, p.raw.byteOffset, p.raw.byteLength));
    const n = size * size;
    CHANNELS.forEach((_, c) => illumAcc[c].add(p.raw.subarray(c * n, (c + 1) * n)));
    written.push({ siteId, well: s.well, site: s.site, files: s, result: { channels: p.channels, focus: p.focus } });
    opts.onProgress?.({ stage: 'decode', done: ++done, total: sites.length, plate });
  });
  // Worker threads finish in any order; a fixed order keeps percentile sampling (and so the stored
  // arrays) identical from one import of the same plate to the next.
  written.sort((a, b) => (a.well === b.well ? a.site - b.site : a.well < b.well ? -1 : 1));
  return rejectInconsistent(db, written, plate, problems, illumAcc, size);
}

/** Sites whose bit depth or image size differs from the rest of the plate are removed with a warning. */
function rejectInconsistent(db: DB, written: WrittenSite[], plate: string, problems: Problem[], illumAcc: IlluminationAccumulator[], size: number): WrittenSite[] {
  const mode = (key: (w: WrittenSite) => string) => {
    const counts = new Map<string, number>();
    for (const w of written) counts.set(key(w), (counts.get(key(w)) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  };
  const bitsKey = (w: WrittenSite) => CHANNELS.map((c) => w.result.channels[c].storedBits).join(',');
  const sizeKey = (w: WrittenSite) => CHANNELS.map((c) => `${w.result.channels[c].width}x${w.result.channels[c].height}`).join(',');
  const bitsMode = mode(bitsKey);
  const sizeMode = mode(sizeKey);
  const del = db.prepare('DELETE FROM sites WHERE id = ?');
  const keep: WrittenSite[] = [];
  for (const w of written) {
    const odd = CHANNELS.find((c, i) => String(w.result.channels[c].storedBits) !== bitsMode?.split(',')[i]);
    const oddSize = CHANNELS.find((c, i) => `${w.result.channels[c].width}x${w.result.channels[c].height}` !== sizeMode?.split(',')[i]);
    if (odd || oddSize) {
      const c = (odd ?? oddSize)!;
      const r = w.result.channels[c];
      const file = (db.prepare('SELECT path FROM images WHERE site_id = ? AND channel = ?').get(w.siteId, c) as { path: string }).path;
      const why = odd
        ? `is ${r.storedBits}-bit but the plate's other ${c} images are ${bitsMode!.split(',')[CHANNELS.indexOf(c)]}-bit`
        : `is ${r.width}×${r.height} but the plate's other images are ${sizeMode!.split(',')[CHANNELS.indexOf(c)].replace('x', '×')}`;
      problems.push({ file, well: w.well, message: `plate ${plate} well ${w.well} site ${w.site}: ${file} ${why}; site skipped`, severity: 'warning' });
      const raw = readRaw(db, w.siteId);
      const n = size * size;
      CHANNELS.forEach((_, ch) => illumAcc[ch].remove(raw.subarray(ch * n, (ch + 1) * n)));
      del.run(w.siteId);
    } else keep.push(w);
  }
  return keep;
}

interface FinishResult {
  width: number;
  height: number;
  bitDepth: number;
  scale: Record<string, { illumMin: number; illumMax: number; low: number; high: number }>;
  illum: Float32Array[];
}

/**
 * After every site is decoded (illumination summed on the way), inside the plate's transaction:
 * fit the illumination surfaces, sample intensity percentiles, then write corrected, scaled uint16
 * arrays, QC flags and thumbnails.
 */
async function correctAndFinish(
  db: DB,
  plateId: number,
  written: WrittenSite[],
  acc: IlluminationAccumulator[],
  size: number,
  opts: IngestOptions,
  plate: string,
): Promise<FinishResult> {
  const n = size * size;
  const read = (id: number) => readRaw(db, id);
  const illum = acc.map((a) => a.finish());
  const insIllum = db.prepare('INSERT INTO illumination (plate_id, channel, size, data) VALUES (?, ?, ?, ?)');
  CHANNELS.forEach((c, i) => insIllum.run(plateId, c, size, Buffer.from(illum[i].buffer)));

  const samplers = CHANNELS.map(() => new PercentileSampler());
  // Plate-wide percentiles are stable from a spread of up to 64 sites; reading every site again would double the I/O.
  const stride = Math.max(1, Math.floor(written.length / 64));
  for (const w of written.filter((_, i) => i % stride === 0)) {
    const a = read(w.siteId);
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
  for (const w of written) {
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

  const insArray = db.prepare('INSERT INTO site_arrays (site_id, size, data) VALUES (?, ?, ?)');
  const updSite = db.prepare('UPDATE sites SET qc_saturation = ?, qc_foreground = ?, qc_flags = ? WHERE id = ?');
  const insThumb = db.prepare('INSERT OR REPLACE INTO well_thumbnails (well_id, png) VALUES ((SELECT well_id FROM sites WHERE id = ?), ?)');
  const thumbDone = new Set<string>();
  const fg: number[] = [];
  const sat: number[] = [];
  let done = 0;
  for (const w of written) {
    const a = read(w.siteId);
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
    insArray.run(w.siteId, size, Buffer.from(u16.buffer));
    let above = 0;
    for (let i = 0; i < n; i++) if (scaled[i] > 0.2) above++;
    fg.push(above / n);
    let worst = 0;
    for (const c of CHANNELS) {
      const r = w.result.channels[c];
      if (r.maxValue >= ceiling) worst = Math.max(worst, r.countAtMax / (r.width * r.height));
    }
    sat.push(worst);
    if (!thumbDone.has(w.well)) {
      thumbDone.add(w.well);
      insThumb.run(w.siteId, await wellThumbnail(scaled, size));
    }
    opts.onProgress?.({ stage: 'correct', done: ++done, total: written.length, plate });
  }
  const medFocus = median(written.map((w) => w.result.focus));
  const medFg = median(fg);
  written.forEach((w, i) => {
    const flags: string[] = [];
    if (medFocus > 0 && w.result.focus < 0.35 * medFocus) flags.push('blur');
    if (sat[i] > 0.005) flags.push('saturated');
    if (medFg > 0 && fg[i] < 0.2 * medFg) flags.push('empty');
    updSite.run(sat[i], fg[i], flags.join(','), w.siteId);
  });
  const scale: FinishResult['scale'] = {};
  CHANNELS.forEach((c, i) => {
    scale[c] = { illumMin: Math.min(...illum[i]), illumMax: Math.max(...illum[i]), low: bounds[i].low, high: bounds[i].high };
  });
  return { width, height, bitDepth, scale, illum };
}

/**
 * Pass 4, still inside the plate's transaction: hand-crafted features of every site at the image's own
 * scale, on the worker threads (each decodes the site's files again; one site's planes at a time per
 * thread bounds the memory). A site whose features fail keeps its data and gets a warning; `micon embed`
 * computes what is missing.
 */
async function storeFeatures(db: DB, pool: SitePool, written: WrittenSite[], correction: PlateCorrection, opts: IngestOptions, plate: string, problems: Problem[]): Promise<void> {
  const ins = db.prepare('INSERT OR REPLACE INTO site_handcrafted (site_id, version, scale, nucleus_px, vec) VALUES (?, ?, ?, ?, ?)');
  let done = 0;
  opts.onProgress?.({ stage: 'features', done, total: written.length, plate });
  await mapPool(written, 2 * Math.max(1, pool.threads), async (w) => {
    try {
      const r = await pool.features(w.files, correction);
      ins.run(w.siteId, HANDCRAFTED_VERSION, r.scale, r.nucleusPx, Buffer.from(r.vec.buffer, r.vec.byteOffset, r.vec.byteLength));
    } catch (e) {
      const file = (e as { file?: string }).file;
      problems.push({ file, well: w.well, message: `plate ${plate} well ${w.well} site ${w.site}: hand-crafted features not computed (${(e as Error).message}); micon embed will try again`, severity: 'warning' });
    }
    opts.onProgress?.({ stage: 'features', done: ++done, total: written.length, plate });
  });
}

export type { ResolvedCompound };
