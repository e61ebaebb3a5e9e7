// The one write transaction of a plate's import: everything plate-decode.ts computed goes into the
// project at once, or none of it (a failure or a crash leaves the earlier version of the plate). The
// transaction only copies rows (the arrays from this connection's temp table, inside SQLite), so it holds
// the write lock for seconds where decoding takes minutes; while it waits for the lock, the job stays
// responsive (activity.ts).
import { inWriteTransaction } from '../db/activity.js';
import type { DB } from '../db/open.js';
import { HANDCRAFTED_VERSION } from '../features/handcrafted.js';
import type { PlateMeta } from '../platemap/plate-meta.js';
import type { PlatemapEntry } from '../platemap/platemap.js';
import { wellPosition } from '../plates/wells.js';
import { CHANNELS, type ScannedPlate } from '../types.js';
import { upsertCompound, type ResolvedCompound } from './compounds.js';
import type { IngestOptions } from './ingest.js';
import { FINAL_TABLE, type DecodedPlate } from './plate-decode.js';

export interface PlateRows {
  plate: ScannedPlate;
  format: { rows: number; cols: number };
  size: number;
  plateMeta: PlateMeta | null;
  opts: IngestOptions;
  byWell: Map<string, PlatemapEntry>;
  compounds: Map<string, ResolvedCompound>;
  decoded: DecodedPlate;
}

export interface WrittenPlate {
  wells: number;
  controls: number;
  /** Compound ids of the treated wells imported. */
  compounds: string[];
  replaced: boolean;
}

export function writePlate(db: DB, rows: PlateRows): Promise<WrittenPlate> {
  const { plate, decoded } = rows;
  let waited = false;
  return inWriteTransaction(db, `an import of plate ${plate.name}`, () => insertPlate(db, rows), {
    onWait: (holder) => {
      waited = true;
      rows.opts.onProgress?.({ stage: `waiting for the project${holder ? `: ${holder}` : ''}`, done: 0, total: decoded.sites.length, plate: plate.name });
    },
  }).finally(() => {
    if (waited) rows.opts.onProgress?.({ stage: 'write', done: decoded.sites.length, total: decoded.sites.length, plate: plate.name });
  });
}

function insertPlate(db: DB, { plate, format, size, plateMeta, opts, byWell, compounds, decoded }: PlateRows): WrittenPlate {
  opts.onProgress?.({ stage: 'write', done: 0, total: decoded.sites.length, plate: plate.name });
  const existing = db.prepare('SELECT id FROM plates WHERE name = ?').get(plate.name) as { id: number } | undefined;
  if (existing) db.prepare('DELETE FROM plates WHERE id = ?').run(existing.id);
  const source = plateMeta?.source ?? opts.source ?? 'default';
  const batch = plateMeta?.batch ?? opts.batch ?? 'default';
  db.prepare('INSERT OR IGNORE INTO sources (name) VALUES (?)').run(source);
  const sourceId = (db.prepare('SELECT id FROM sources WHERE name = ?').get(source) as { id: number }).id;
  db.prepare('INSERT OR IGNORE INTO batches (source_id, name) VALUES (?, ?)').run(sourceId, batch);
  const batchId = (db.prepare('SELECT id FROM batches WHERE source_id = ? AND name = ?').get(sourceId, batch) as { id: number }).id;
  const plateId = Number(
    db
      .prepare(
        `INSERT INTO plates (name, batch_id, replicate, layout, folder, rows, cols, pixel_size_um, channel_map, cache_size, channel_scale, ingested_at, image_width, image_height, bit_depth)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        plate.name,
        batchId,
        plateMeta?.replicate ?? null,
        plate.layout,
        plate.folder,
        format.rows,
        format.cols,
        plate.pixelSizeUm ?? null,
        JSON.stringify(plate.channelMap),
        size,
        JSON.stringify(decoded.scale),
        new Date().toISOString(),
        decoded.width,
        decoded.height,
        decoded.bitDepth,
      ).lastInsertRowid,
  );
  const insChannel = db.prepare('INSERT INTO channels (plate_id, name, raw_id, instrument_name) VALUES (?, ?, ?, ?)');
  for (const [raw, ch] of Object.entries(plate.channelMap)) insChannel.run(plateId, ch, raw, plate.channelNames[raw] ?? null);
  const insIllum = db.prepare('INSERT INTO illumination (plate_id, channel, size, data) VALUES (?, ?, ?, ?)');
  CHANNELS.forEach((c, i) => insIllum.run(plateId, c, size, Buffer.from(decoded.illum[i].buffer)));

  // Only wells with at least one readable site are imported, and only the compounds they hold: a well
  // whose every site failed carries no data (its warning says so, ingest.ts).
  const keptWells = [...new Set(decoded.sites.map((s) => s.well))].sort();
  const compoundRowIds = new Map<string, number>();
  for (const w of keptWells) {
    const cid = byWell.get(w)?.compoundId;
    const c = cid ? compounds.get(cid) : undefined;
    if (c && !compoundRowIds.has(c.compoundId)) compoundRowIds.set(c.compoundId, upsertCompound(db, c));
  }
  const insWell = db.prepare('INSERT INTO wells (plate_id, well, row, col, compound_id, concentration, concentration_unit, pert_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const wellIds = new Map<string, number>();
  for (const w of keptWells) {
    const e = byWell.get(w);
    const pos = wellPosition(w);
    const cid = e?.compoundId ? (compoundRowIds.get(e.compoundId) ?? null) : null;
    wellIds.set(w, Number(insWell.run(plateId, w, pos.row, pos.col, cid, e?.concentration ?? null, e?.concentration != null ? 'uM' : null, e?.pertType ?? null).lastInsertRowid));
  }

  const insSite = db.prepare('INSERT INTO sites (well_id, site, qc_focus, qc_saturation, qc_foreground, qc_flags) VALUES (?, ?, ?, ?, ?, ?)');
  const insImage = db.prepare('INSERT INTO images (site_id, channel, path, width, height, max_value) VALUES (?, ?, ?, ?, ?, ?)');
  const insArray = db.prepare(`INSERT INTO site_arrays (site_id, size, data) SELECT ?, ?, data FROM ${FINAL_TABLE} WHERE idx = ?`);
  const insFeatures = db.prepare('INSERT INTO site_handcrafted (site_id, version, scale, nucleus_px, vec) VALUES (?, ?, ?, ?, ?)');
  const insThumb = db.prepare('INSERT INTO well_thumbnails (well_id, png) VALUES (?, ?)');
  let done = 0;
  for (const s of decoded.sites) {
    const siteId = Number(insSite.run(wellIds.get(s.well), s.site, s.result.focus, s.qc.saturation, s.qc.foreground, s.qc.flags).lastInsertRowid);
    for (const c of CHANNELS) {
      const r = s.result.channels[c];
      insImage.run(siteId, c, s.files.files[c].file, r.width, r.height, r.maxValue);
    }
    insArray.run(siteId, size, s.idx);
    const f = s.features;
    if (f) insFeatures.run(siteId, HANDCRAFTED_VERSION, f.scale, f.nucleusPx, Buffer.from(f.vec.buffer, f.vec.byteOffset, f.vec.byteLength));
    if (++done % 256 === 0) opts.onProgress?.({ stage: 'write', done, total: decoded.sites.length, plate: plate.name });
  }
  for (const [well, png] of decoded.thumbnails) insThumb.run(wellIds.get(well), png);

  const treated = new Set<string>();
  let controls = 0;
  for (const w of keptWells) {
    const e = byWell.get(w);
    if (e?.pertType === 'trt' && e.compoundId && compoundRowIds.has(e.compoundId)) treated.add(e.compoundId);
    if (e?.pertType === 'negcon') controls++;
  }
  return { wells: keptWells.length, controls, compounds: [...treated], replaced: !!existing };
}
