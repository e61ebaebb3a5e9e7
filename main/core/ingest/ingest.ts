import type { DB } from '../db/open.js';
import { readPlateMeta, type PlateMeta } from '../platemap/plate-meta.js';
import { entriesForPlate, readPlatemap, type Platemap, type PlatemapEntry } from '../platemap/platemap.js';
import { plateFormat } from '../plates/wells.js';
import { scanFolder } from '../plates/scan.js';
import { CHANNELS, type ChannelName, InputError, type Layout, type Problem, type ScannedPlate, type SkippedPlates } from '../types.js';
import { resolveCompounds, type ResolvedCompound } from './compounds.js';
import { clearTempTables, decodePlate } from './plate-decode.js';
import { writePlate } from './plate-write.js';
import { checkStructureConflicts } from './structure-conflicts.js';
import { SitePool } from './site-pool.js';
import { groupSites } from './sites.js';

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
  const format = plate.rows && plate.cols ? { rows: plate.rows, cols: plate.cols } : plateFormat([...imagedWells]);

  opts.onProgress?.({ stage: 'decode', done: 0, total: grouped.sites.length, plate: plate.name });
  try {
    // Decoding takes the time and holds no lock; only writePlate's transaction does.
    const decoded = await decodePlate(db, grouped.sites, { pool: ctx.pool, size, opts, plate: plate.name, pixelSizeUm: plate.pixelSizeUm, problems });
    if (!decoded) {
      const msg = `plate ${plate.name}: no site could be decoded; plate not imported`;
      throw new InputError(msg, [{ file: plate.folder, message: msg, severity: 'error' }]);
    }
    // Wells whose every site was rejected carry no data and are not imported; say so per well (the
    // per-site warnings alone hide that a whole well is gone).
    const readable = new Set(decoded.sites.map((s) => s.well));
    for (const w of [...imagedWells].sort()) {
      if (readable.has(w)) continue;
      const tried = grouped.sites.filter((s) => s.well === w).length;
      problems.push({ file: plate.folder, well: w, message: `plate ${plate.name} well ${w}: none of its ${tried} site(s) could be read (see the warnings per site); well not imported`, severity: 'warning' });
    }
    const written = await writePlate(db, { plate, format, size, plateMeta: ctx.plateMeta, opts, byWell, compounds, decoded });
    if (written.replaced) {
      problems.push({ file: plate.folder, message: `plate ${plate.name} was already in the project; replaced it with this import`, severity: 'warning' });
    }
    return { wells: written.wells, sites: decoded.sites.length, images: decoded.sites.length * CHANNELS.length, controls: written.controls, compounds: written.compounds, replaced: written.replaced };
  } finally {
    clearTempTables(db);
  }
}

export type { ResolvedCompound };
