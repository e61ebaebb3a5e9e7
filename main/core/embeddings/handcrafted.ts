// The `handcrafted` feature set. Ingest computes every site's vector at the image's own scale
// (site_handcrafted); embedding gathers those of the current HANDCRAFTED_VERSION into the feature set,
// after `refreshHandcrafted` has recomputed missing or outdated ones from the original images with the
// plate's stored illumination functions and intensity scale.
import type { DB } from '../db/open.js';
import { HANDCRAFTED_VERSION, handcraftedFeatureNames } from '../features/handcrafted.js';
import type { PlateCorrection } from '../features/site-scale.js';
import { SitePool } from '../ingest/site-pool.js';
import type { SiteFiles } from '../ingest/sites.js';
import { throwIfCancelled } from '../util/cancel.js';
import { CHANNELS, type ChannelName, type ImageRecord, InputError } from '../types.js';
import { mapPool } from '../util/pool.js';
import { insertSiteVector, replaceFeatureSet } from '../feature-sets/store.js';

export const HANDCRAFTED = 'handcrafted';

interface Progress {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Sites with no hand-crafted vector of the current version. */
function staleSites(db: DB): number[] {
  return (
    db.prepare('SELECT s.id FROM sites s LEFT JOIN site_handcrafted h ON h.site_id = s.id AND h.version = ? WHERE h.site_id IS NULL ORDER BY s.id').all(HANDCRAFTED_VERSION) as { id: number }[]
  ).map((r) => r.id);
}

/** The hand-crafted features of every site, as the `handcrafted` feature set (one transaction). */
export function embedHandcrafted(db: DB, opts: Progress = {}): { featureSetId: number; sites: number; dim: number } {
  const stale = staleSites(db);
  if (stale.length) {
    throw new InputError(
      `${stale.length} site(s) have no hand-crafted features of version ${HANDCRAFTED_VERSION} (ingested with an older version, or their images could not be read then): ` +
        'run micon embed, which computes them from the original images',
    );
  }
  const rows = db.prepare('SELECT h.site_id, h.vec FROM site_handcrafted h JOIN sites s ON s.id = h.site_id ORDER BY h.site_id').all() as { site_id: number; vec: Buffer }[];
  const dim = handcraftedFeatureNames().length;
  return db.transaction(() => {
    const fsId = replaceFeatureSet(db, { name: HANDCRAFTED, kind: 'handcrafted', dim, version: HANDCRAFTED_VERSION, modelId: null });
    rows.forEach((r, i) => {
      insertSiteVector(db, fsId, r.site_id, new Float32Array(r.vec.buffer.slice(r.vec.byteOffset, r.vec.byteOffset + r.vec.byteLength)));
      if (opts.signal && i % 256 === 0) throwIfCancelled(opts.signal);
      opts.onProgress?.(i + 1, rows.length);
    });
    return { featureSetId: fsId, sites: rows.length, dim };
  })();
}

/** A plate's correction as ingest stored it: illumination functions, channel scale, pixel size. */
function plateCorrection(db: DB, plateId: number): PlateCorrection {
  const p = db.prepare('SELECT name, channel_scale, pixel_size_um FROM plates WHERE id = ?').get(plateId) as { name: string; channel_scale: string; pixel_size_um: number | null };
  const scale = JSON.parse(p.channel_scale) as Record<string, { low: number; high: number }>;
  const illum = db.prepare('SELECT channel, size, data FROM illumination WHERE plate_id = ?').all(plateId) as { channel: ChannelName; size: number; data: Buffer }[];
  const by = new Map(illum.map((r) => [r.channel, r]));
  if (!CHANNELS.every((c) => by.has(c) && scale[c])) throw new InputError(`plate ${p.name}: its illumination correction is not in the project; ingest the plate again`);
  return {
    size: by.get('DNA')!.size,
    illum: CHANNELS.map((c) => {
      const b = by.get(c)!.data;
      return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    }),
    bounds: CHANNELS.map((c) => ({ low: scale[c].low, high: scale[c].high })),
    ...(p.pixel_size_um ? { pixelSizeUm: p.pixel_size_um } : {}),
  };
}

/**
 * Compute the hand-crafted vectors that are missing or of an older version, from the original image files
 * (on worker threads). A site whose files cannot be read any more is reported and left without one.
 */
export async function refreshHandcrafted(db: DB, opts: Progress & { threads?: number } = {}): Promise<{ computed: number; failed: { siteId: number; message: string }[] }> {
  const stale = staleSites(db);
  const failed: { siteId: number; message: string }[] = [];
  if (!stale.length) return { computed: 0, failed };
  const info = db.prepare('SELECT s.id, s.site, w.well, w.plate_id, p.name AS plate FROM sites s JOIN wells w ON w.id = s.well_id JOIN plates p ON p.id = w.plate_id WHERE s.id = ?');
  const images = db.prepare('SELECT channel, path FROM images WHERE site_id = ?');
  const ins = db.prepare('INSERT OR REPLACE INTO site_handcrafted (site_id, version, scale, nucleus_px, vec) VALUES (?, ?, ?, ?, ?)');
  const corrections = new Map<number, PlateCorrection>();
  const pool = new SitePool(opts.threads);
  let done = 0;
  try {
    await mapPool(stale, 2 * Math.max(1, pool.threads), async (siteId) => {
      if (opts.signal) throwIfCancelled(opts.signal);
      const s = info.get(siteId) as { id: number; site: number; well: string; plate_id: number; plate: string };
      if (!corrections.has(s.plate_id)) corrections.set(s.plate_id, plateCorrection(db, s.plate_id));
      const files = Object.fromEntries(
        (images.all(siteId) as { channel: ChannelName; path: string }[]).map((r) => [r.channel, { file: r.path, plate: s.plate, well: s.well, site: s.site, channel: r.channel, channelRaw: r.channel } satisfies ImageRecord]),
      ) as Record<ChannelName, ImageRecord>;
      const site: SiteFiles = { well: s.well, site: s.site, files };
      try {
        const r = await pool.features(site, corrections.get(s.plate_id)!);
        ins.run(siteId, HANDCRAFTED_VERSION, r.scale, r.nucleusPx, Buffer.from(r.vec.buffer, r.vec.byteOffset, r.vec.byteLength));
      } catch (e) {
        failed.push({ siteId, message: `plate ${s.plate} well ${s.well} site ${s.site}: ${(e as Error).message}` });
      }
      opts.onProgress?.(++done, stale.length);
    });
  } finally {
    await pool.close();
  }
  return { computed: stale.length - failed.length, failed };
}
