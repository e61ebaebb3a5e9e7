import type { DB } from '../db/open.js';
import { tileRenderer } from '../images/tiles.js';
import { availableMetrics, metricInfo, metricValues } from '../plates/metrics.js';
import { wellSites } from '../plates/well-sites.js';
import { InputError } from '../types.js';
import type { HandlersOf, MetricResult, PlateSummary, ValueRange, WellSummary } from './contract.js';
import type { plateRequests } from './contract-plates.js';
import type { ProjectSession } from '../project/session.js';

export function plateHandlers(session: ProjectSession): HandlersOf<typeof plateRequests> {
  return {
    'plates.list': () => listPlates(session.db),
    'plates.wells': ({ plateId }) => listWells(session.db, plateId),
    'plates.metrics': () => availableMetrics(session.db),
    'plates.metric': ({ plateIds, metric }) => plateMetric(session.db, plateIds, metric),
    'wells.sites': ({ wellId }) => wellSites(session.db, wellId, tileRenderer),
  };
}

export function plateMetric(db: DB, plateIds: number[], metric: string): MetricResult {
  const info = metricInfo(db, metric);
  const values = metricValues(db, metric);
  const wells = db.prepare('SELECT id, plate_id AS plate FROM wells ORDER BY row, col').all() as { id: number; plate: number }[];
  const known = new Set((db.prepare('SELECT id FROM plates').all() as { id: number }[]).map((p) => p.id));
  const missing = plateIds.filter((p) => !known.has(p));
  if (missing.length) throw new InputError(`no plate with id ${missing.join(', ')} in this project`);
  const plates = plateIds.map((plateId) => {
    const v = wells.filter((w) => w.plate === plateId && values.has(w.id)).map((w) => ({ wellId: w.id, value: values.get(w.id)! }));
    return { plateId, range: range(v.map((x) => x.value)), values: v };
  });
  return { metric: info, plates, allPlates: range([...values.values()]) };
}

function range(xs: number[]): ValueRange {
  if (!xs.length) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const x of xs) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { min, max };
}

export function listPlates(db: DB): PlateSummary[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.name, s.name AS source, b.name AS batch, p.replicate, p.layout, p.folder, p.rows, p.cols,
              p.image_width, p.image_height, p.pixel_size_um, p.bit_depth, p.ingested_at,
              (SELECT COUNT(*) FROM wells w WHERE w.plate_id = p.id) AS wells,
              (SELECT COUNT(*) FROM sites x JOIN wells w ON w.id = x.well_id WHERE w.plate_id = p.id) AS sites,
              (SELECT COUNT(*) FROM sites x JOIN wells w ON w.id = x.well_id WHERE w.plate_id = p.id AND x.qc_flags != '') AS flagged,
              (SELECT COUNT(*) FROM wells w WHERE w.plate_id = p.id AND w.pert_type = 'trt') AS treated,
              (SELECT COUNT(*) FROM wells w WHERE w.plate_id = p.id AND w.pert_type = 'negcon') AS controls,
              (SELECT COUNT(DISTINCT w.compound_id) FROM wells w WHERE w.plate_id = p.id AND w.pert_type = 'trt') AS compounds
         FROM plates p JOIN batches b ON b.id = p.batch_id JOIN sources s ON s.id = b.source_id
        ORDER BY s.name, b.name, p.name`,
    )
    .all() as Record<string, unknown>[];
  const chan = db.prepare('SELECT name, raw_id, instrument_name FROM channels WHERE plate_id = ? ORDER BY raw_id');
  return rows.map((r) => ({
    id: r.id as number,
    name: r.name as string,
    source: r.source as string,
    batch: r.batch as string,
    replicate: (r.replicate as number | null) ?? null,
    layout: r.layout as string,
    folder: r.folder as string,
    rows: r.rows as number,
    cols: r.cols as number,
    wells: r.wells as number,
    sites: r.sites as number,
    treatedWells: r.treated as number,
    controlWells: r.controls as number,
    compounds: r.compounds as number,
    imageWidth: (r.image_width as number | null) ?? null,
    imageHeight: (r.image_height as number | null) ?? null,
    pixelSizeUm: (r.pixel_size_um as number | null) ?? null,
    bitDepth: (r.bit_depth as number | null) ?? null,
    qcFlaggedSites: r.flagged as number,
    ingestedAt: r.ingested_at as string,
    channels: (chan.all(r.id) as { name: string; raw_id: string; instrument_name: string | null }[]).map((c) => ({
      name: c.name,
      rawId: c.raw_id,
      instrumentName: c.instrument_name,
    })),
  }));
}

export function listWells(db: DB, plateId: number): WellSummary[] {
  const rows = db
    .prepare(
      `SELECT w.id, w.well, w.row, w.col, w.concentration, w.pert_type,
              c.compound_id, c.name AS compound_name, c.canonical_smiles, c.smiles, c.moa,
              (SELECT COUNT(*) FROM sites s WHERE s.well_id = w.id) AS sites,
              (SELECT GROUP_CONCAT(s.qc_flags, ',') FROM sites s WHERE s.well_id = w.id AND s.qc_flags != '') AS flags,
              t.png
         FROM wells w LEFT JOIN compounds c ON c.id = w.compound_id LEFT JOIN well_thumbnails t ON t.well_id = w.id
        WHERE w.plate_id = ? ORDER BY w.row, w.col`,
    )
    .all(plateId) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: r.id as number,
    well: r.well as string,
    row: r.row as number,
    col: r.col as number,
    compoundId: (r.compound_id as string | null) ?? null,
    compoundName: (r.compound_name as string | null) ?? null,
    smiles: ((r.canonical_smiles ?? r.smiles) as string | null) ?? null,
    moa: (r.moa as string | null) ?? null,
    concentration: (r.concentration as number | null) ?? null,
    pertType: (r.pert_type as string | null) ?? null,
    sites: r.sites as number,
    qcFlags: r.flags ? [...new Set(String(r.flags).split(',').filter(Boolean))] : [],
    thumbnail: r.png ? thumbnailUrl(r.png as Uint8Array) : null,
  }));
}

/** A well thumbnail as the page shows it (a data URL; the CSP allows data: images). */
export function thumbnailUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}
