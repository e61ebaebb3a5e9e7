// Feature sets (a trained model's embedding, the hand-crafted features, imported profiles): per-site
// vectors and per-well profiles in the project file, with the metadata evaluation needs.
import type { DB } from '../db/open.js';

export interface FeatureSetInfo {
  id: number;
  name: string;
  /**
   * `backbone`: site vectors from a frozen imported ONNX model (ml/backbone.ts); `version` records it.
   * `baseline`: a fair baseline derived from another set (embeddings/baselines.ts: `<set>_z`,
   * `cellcount`, `<model>_untrained`); `version` says what it was derived from.
   */
  kind: 'model' | 'handcrafted' | 'imported' | 'backbone' | 'baseline';
  dim: number;
  version: string | null;
  modelId: number | null;
}

export interface WellInfo {
  wellId: number;
  well: string;
  plate: string;
  batch: string;
  source: string;
  compound: string | null;
  pertType: 'trt' | 'negcon' | 'poscon' | 'empty' | null;
  moa: string | null;
  concentration: number | null;
}

export interface SiteInfo {
  siteId: number;
  wellId: number;
  plate: string;
  batch: string;
  source: string;
  compound: string | null;
  control: boolean;
}

const f32 = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const blob = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Create (or replace, with all its vectors) a feature set; returns its id. Call inside a transaction. */
export function replaceFeatureSet(db: DB, fs: Omit<FeatureSetInfo, 'id'>): number {
  db.prepare('DELETE FROM feature_sets WHERE name = ?').run(fs.name);
  return Number(
    db
      .prepare('INSERT INTO feature_sets (name, kind, model_id, dim, version, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(fs.name, fs.kind, fs.modelId, fs.dim, fs.version, new Date().toISOString()).lastInsertRowid,
  );
}

export function featureSets(db: DB): FeatureSetInfo[] {
  return (db.prepare('SELECT id, name, kind, dim, version, model_id FROM feature_sets ORDER BY name').all() as Record<string, unknown>[]).map((r) => ({
    id: r.id as number,
    name: r.name as string,
    kind: r.kind as FeatureSetInfo['kind'],
    dim: r.dim as number,
    version: (r.version as string | null) ?? null,
    modelId: (r.model_id as number | null) ?? null,
  }));
}

export function featureSetByName(db: DB, name: string): FeatureSetInfo | undefined {
  return featureSets(db).find((f) => f.name === name);
}

export function insertSiteVector(db: DB, featureSetId: number, siteId: number, vec: Float32Array): void {
  db.prepare('INSERT OR REPLACE INTO site_features (feature_set_id, site_id, vec) VALUES (?, ?, ?)').run(featureSetId, siteId, blob(vec));
}

/** Every site vector of a feature set, row-major, with the sites' wells. */
export function loadSiteVectors(db: DB, featureSetId: number): { siteIds: number[]; wellIds: number[]; rows: number; cols: number; data: Float32Array } {
  const rows = db
    .prepare('SELECT f.site_id, s.well_id, f.vec FROM site_features f JOIN sites s ON s.id = f.site_id WHERE f.feature_set_id = ? ORDER BY f.site_id')
    .all(featureSetId) as { site_id: number; well_id: number; vec: Buffer }[];
  const cols = rows.length ? rows[0].vec.byteLength / 4 : 0;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => data.set(f32(r.vec), i * cols));
  return { siteIds: rows.map((r) => r.site_id), wellIds: rows.map((r) => r.well_id), rows: rows.length, cols, data };
}

const WELL_SQL = `SELECT w.id AS wellId, w.well, p.name AS plate, b.name AS batch, s.name AS source, c.compound_id AS compound,
       w.pert_type AS pertType, c.moa, w.concentration
  FROM wells w JOIN plates p ON p.id = w.plate_id JOIN batches b ON b.id = p.batch_id JOIN sources s ON s.id = b.source_id
  LEFT JOIN compounds c ON c.id = w.compound_id`;

export function wellInfo(db: DB): WellInfo[] {
  return db.prepare(`${WELL_SQL} ORDER BY w.id`).all() as WellInfo[];
}

export function siteInfo(db: DB): SiteInfo[] {
  return (
    db
      .prepare(
        `SELECT x.id AS siteId, w.id AS wellId, p.name AS plate, b.name AS batch, s.name AS source, c.compound_id AS compound, w.pert_type AS pertType
           FROM sites x JOIN wells w ON w.id = x.well_id JOIN plates p ON p.id = w.plate_id JOIN batches b ON b.id = p.batch_id
           JOIN sources s ON s.id = b.source_id LEFT JOIN compounds c ON c.id = w.compound_id ORDER BY x.id`,
      )
      .all() as (Omit<SiteInfo, 'control'> & { pertType: string | null })[]
  ).map(({ pertType, ...r }) => ({ ...r, control: pertType === 'negcon' }));
}

/** The cached preprocessed array of one site: uint16 [channel][y][x]. */
export function siteArray(db: DB, siteId: number): { size: number; data: Uint16Array } {
  const r = db.prepare('SELECT size, data FROM site_arrays WHERE site_id = ?').get(siteId) as { size: number; data: Buffer } | undefined;
  if (!r) throw new Error(`site ${siteId} has no preprocessed array`);
  return { size: r.size, data: new Uint16Array(r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.byteLength)) };
}

export function writeWellProfiles(db: DB, featureSetId: number, wellIds: number[], cols: number, raw: Float32Array, normalized: Float32Array): void {
  db.prepare('DELETE FROM well_profiles WHERE feature_set_id = ?').run(featureSetId);
  const ins = db.prepare('INSERT INTO well_profiles (feature_set_id, well_id, raw, normalized) VALUES (?, ?, ?, ?)');
  wellIds.forEach((w, i) => ins.run(featureSetId, w, blob(raw.subarray(i * cols, (i + 1) * cols)), blob(normalized.subarray(i * cols, (i + 1) * cols))));
}

export function loadWellProfiles(db: DB, featureSetId: number, which: 'raw' | 'normalized' = 'normalized'): { wellIds: number[]; rows: number; cols: number; data: Float32Array } {
  const rows = db.prepare(`SELECT well_id, ${which} AS v FROM well_profiles WHERE feature_set_id = ? ORDER BY well_id`).all(featureSetId) as { well_id: number; v: Buffer }[];
  const cols = rows.length ? rows[0].v.byteLength / 4 : 0;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => data.set(f32(r.v), i * cols));
  return { wellIds: rows.map((r) => r.well_id), rows: rows.length, cols, data };
}

/** Original feature (column) names of a feature set, where it has them (imported sets); else null. */
export function featureNames(db: DB, featureSetId: number): string[] | null {
  const rows = db.prepare('SELECT name FROM feature_names WHERE feature_set_id = ? ORDER BY idx').all(featureSetId) as { name: string }[];
  return rows.length ? rows.map((r) => r.name) : null;
}

export function setFeatureNames(db: DB, featureSetId: number, names: string[]): void {
  db.prepare('DELETE FROM feature_names WHERE feature_set_id = ?').run(featureSetId);
  const ins = db.prepare('INSERT INTO feature_names (feature_set_id, idx, name) VALUES (?, ?, ?)');
  names.forEach((n, i) => ins.run(featureSetId, i, n));
}

export interface ImportedWellRow {
  plate: string;
  well: string;
  /** Input rows (cells, sites) averaged into this well. */
  nRows: number;
  vec: Float32Array;
}

/** Store an imported set's well-level input (keyed by plate and well name). Call inside a transaction. */
export function writeImportedWellFeatures(db: DB, featureSetId: number, rows: ImportedWellRow[]): void {
  db.prepare('DELETE FROM imported_well_features WHERE feature_set_id = ?').run(featureSetId);
  const ins = db.prepare('INSERT INTO imported_well_features (feature_set_id, plate, well, n_rows, vec) VALUES (?, ?, ?, ?, ?)');
  for (const r of rows) ins.run(featureSetId, r.plate, r.well, r.nRows, blob(r.vec));
}

/** An imported set's well-level input joined to the project's current wells, ascending well id. */
export function loadImportedWellFeatures(db: DB, featureSetId: number): { wellIds: number[]; rows: number; cols: number; data: Float32Array; unmatched: number } {
  const all = (db.prepare('SELECT COUNT(*) n FROM imported_well_features WHERE feature_set_id = ?').get(featureSetId) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT w.id AS well_id, f.vec FROM imported_well_features f JOIN plates p ON p.name = f.plate JOIN wells w ON w.plate_id = p.id AND w.well = f.well
        WHERE f.feature_set_id = ? ORDER BY w.id`,
    )
    .all(featureSetId) as { well_id: number; vec: Buffer }[];
  const cols = rows.length ? rows[0].vec.byteLength / 4 : 0;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => data.set(f32(r.vec), i * cols));
  return { wellIds: rows.map((r) => r.well_id), rows: rows.length, cols, data, unmatched: all - rows.length };
}

/**
 * Whether a feature set holds one vector per *well* (imported profiles, and a model's embedding of
 * them) rather than per site: its vectors live in `imported_well_features`, keyed by plate and well.
 */
export function isWellLevelSet(db: DB, fs: FeatureSetInfo): boolean {
  return fs.kind === 'imported' || !!db.prepare('SELECT 1 FROM imported_well_features WHERE feature_set_id = ? LIMIT 1').get(fs.id);
}
