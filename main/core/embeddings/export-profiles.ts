// `micon export`: well profiles of one feature set, pycytominer-style — `Metadata_*` columns first, then
// one column per feature — as CSV (optionally .gz) or Parquet, written atomically. The metadata columns
// are the ones JUMP uses, so the file reads back as a platemap (`ingest --platemap`) and as profiles
// (`import-profiles`), and pycytominer/copairs take it as is.
import zlib from 'node:zlib';
import type { DB } from '../db/open.js';
import { HANDCRAFTED_VERSION, handcraftedFeatureNames } from '../features/handcrafted.js';
import { InputError } from '../types.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { csvField, formatFloat32, tableFormatOf, type TableFormat } from './profile-table.js';
import { featureNames, featureSets, loadWellProfiles, type FeatureSetInfo } from '../feature-sets/store.js';

export type ProfileKind = 'normalized' | 'raw';

export interface ExportProfilesOptions {
  /** Default: from the file name (.csv, .csv.gz, .tsv, .parquet). */
  format?: TableFormat;
  /** Feature set name; default: see `defaultExportFeatureSet`. */
  features?: string;
  /** 'normalized' (default: per-plate robust MAD vs DMSO, then ZCA sphering) or 'raw' (well means). */
  profile?: ProfileKind;
}

export interface ExportProfilesSummary {
  file: string;
  format: TableFormat;
  featureSet: string;
  kind: FeatureSetInfo['kind'];
  profile: ProfileKind;
  wells: number;
  features: number;
  metadataColumns: string[];
  /** How feature columns are named: the original names (imported, hand-crafted) or `<set>_<i>`. */
  featureNames: 'original' | 'indexed';
}

export const EXPORT_METADATA_COLUMNS = [
  'Metadata_Source',
  'Metadata_Batch',
  'Metadata_Plate',
  'Metadata_Well',
  'Metadata_Replicate',
  'Metadata_JCP2022',
  'Metadata_Name',
  'Metadata_SMILES',
  'Metadata_pert_type',
  'Metadata_MoA',
  'Metadata_Target',
  'Metadata_Concentration',
] as const;

const NORMALIZATION = 'per-plate robust MAD against the plate negcon (DMSO) wells, then ZCA sphering fitted on negcon wells across the screen';

/** Feature sets that have well profiles. */
function setsWithProfiles(db: DB): FeatureSetInfo[] {
  const have = new Set((db.prepare('SELECT DISTINCT feature_set_id AS id FROM well_profiles').all() as { id: number }[]).map((r) => r.id));
  return featureSets(db).filter((f) => have.has(f.id));
}

/**
 * One set per file. Without --features: `micon` (the model this app is about) when it has profiles,
 * else `handcrafted`, else the first set with profiles by name.
 */
export function defaultExportFeatureSet(db: DB): FeatureSetInfo | undefined {
  const sets = setsWithProfiles(db);
  return sets.find((f) => f.name === 'micon') ?? sets.find((f) => f.name === 'handcrafted') ?? sets[0];
}

/** Column names for a set's features: original names where known, else `<set>_<i>`. */
function exportFeatureNames(db: DB, fs: FeatureSetInfo, dim: number): { names: string[]; kind: 'original' | 'indexed' } {
  const own = featureNames(db, fs.id);
  if (own && own.length === dim) return { names: own, kind: 'original' };
  if (fs.kind === 'handcrafted' && fs.version === HANDCRAFTED_VERSION) {
    const hc = handcraftedFeatureNames();
    if (hc.length === dim) return { names: hc.map((n) => `${fs.name}_${n}`), kind: 'original' };
  }
  return { names: Array.from({ length: dim }, (_, i) => `${fs.name}_${i}`), kind: 'indexed' };
}

interface WellRow {
  wellId: number;
  source: string;
  batch: string;
  plate: string;
  well: string;
  row: number;
  col: number;
  replicate: number | null;
  compound: string | null;
  name: string | null;
  smiles: string | null;
  pertType: string | null;
  moa: string | null;
  target: string | null;
  concentration: number | null;
}

function wellRows(db: DB): Map<number, WellRow> {
  const rows = db
    .prepare(
      `SELECT w.id AS wellId, s.name AS source, b.name AS batch, p.name AS plate, w.well, w.row, w.col, p.replicate,
              c.compound_id AS compound, c.name, COALESCE(c.smiles, c.canonical_smiles) AS smiles, w.pert_type AS pertType,
              c.moa, c.target, w.concentration
         FROM wells w JOIN plates p ON p.id = w.plate_id JOIN batches b ON b.id = p.batch_id JOIN sources s ON s.id = b.source_id
         LEFT JOIN compounds c ON c.id = w.compound_id`,
    )
    .all() as WellRow[];
  return new Map(rows.map((r) => [r.wellId, r]));
}

function metadataValues(w: WellRow): (string | number | null)[] {
  return [w.source, w.batch, w.plate, w.well, w.replicate, w.compound, w.name, w.smiles, w.pertType, w.moa, w.target, w.concentration];
}

/** Export one feature set's well profiles. Rows: wells with a profile, by plate then row and column. */
export async function exportProfiles(db: DB, out: string, opts: ExportProfilesOptions = {}): Promise<ExportProfilesSummary> {
  const format = opts.format ?? tableFormatOf(out);
  if (!format) throw new InputError(`${out}: cannot tell the format from the name; pass --format csv or --format parquet`);
  const profile = opts.profile ?? 'normalized';
  const sets = setsWithProfiles(db);
  let fs: FeatureSetInfo | undefined;
  if (opts.features) {
    fs = featureSets(db).find((f) => f.name === opts.features);
    if (!fs) throw new InputError(`no feature set "${opts.features}" (the project has: ${featureSets(db).map((f) => f.name).join(', ') || 'none; run micon embed or import-profiles'})`);
    if (!sets.some((s) => s.id === fs!.id)) throw new InputError(`feature set "${fs.name}" has no well profiles yet; run micon embed`);
  } else {
    fs = defaultExportFeatureSet(db);
    if (!fs) throw new InputError(`no well profiles to export; run micon embed (or micon import-profiles) first`);
  }
  const p = loadWellProfiles(db, fs.id, profile);
  const { names, kind: naming } = exportFeatureNames(db, fs, p.cols);
  const clash = names.find((n) => (EXPORT_METADATA_COLUMNS as readonly string[]).includes(n));
  if (clash) throw new InputError(`feature "${clash}" of ${fs.name} has the name of a metadata column`);
  const meta = wellRows(db);
  const order = p.wellIds
    .map((id, i) => ({ i, w: meta.get(id)! }))
    .sort((a, b) => (a.w.plate < b.w.plate ? -1 : a.w.plate > b.w.plate ? 1 : a.w.row - b.w.row || a.w.col - b.w.col));
  const d = p.cols;

  if (format === 'csv') {
    const delim = /\.(tsv|txt)(\.gz)?$/i.test(out) ? '\t' : ',';
    const field = delim === ',' ? csvField : (v: string) => v.replace(/[\t\r\n]/g, ' ');
    const lines: string[] = [[...EXPORT_METADATA_COLUMNS, ...names].map(field).join(delim)];
    for (const { i, w } of order) {
      const cells = metadataValues(w).map((v) => field(v === null ? '' : String(v)));
      for (let k = 0; k < d; k++) cells.push(formatFloat32(p.data[i * d + k]));
      lines.push(cells.join(delim));
    }
    const text = lines.join('\n') + '\n';
    writeFileAtomic(out, out.toLowerCase().endsWith('.gz') ? zlib.gzipSync(text) : text);
  } else {
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const str = (get: (w: WellRow) => string | null) => order.map(({ w }) => get(w));
    const columnData = [
      { name: 'Metadata_Source', data: str((w) => w.source), type: 'STRING' as const },
      { name: 'Metadata_Batch', data: str((w) => w.batch), type: 'STRING' as const },
      { name: 'Metadata_Plate', data: str((w) => w.plate), type: 'STRING' as const },
      { name: 'Metadata_Well', data: str((w) => w.well), type: 'STRING' as const },
      { name: 'Metadata_Replicate', data: order.map(({ w }) => w.replicate), type: 'INT32' as const },
      { name: 'Metadata_JCP2022', data: str((w) => w.compound), type: 'STRING' as const },
      { name: 'Metadata_Name', data: str((w) => w.name), type: 'STRING' as const },
      { name: 'Metadata_SMILES', data: str((w) => w.smiles), type: 'STRING' as const },
      { name: 'Metadata_pert_type', data: str((w) => w.pertType), type: 'STRING' as const },
      { name: 'Metadata_MoA', data: str((w) => w.moa), type: 'STRING' as const },
      { name: 'Metadata_Target', data: str((w) => w.target), type: 'STRING' as const },
      { name: 'Metadata_Concentration', data: order.map(({ w }) => w.concentration), type: 'DOUBLE' as const },
      ...names.map((name, k) => {
        const col = new Float32Array(order.length);
        order.forEach(({ i }, r) => (col[r] = p.data[i * d + k]));
        return { name, data: col, type: 'FLOAT' as const, nullable: false };
      }),
    ];
    const buf = parquetWriteBuffer({
      columnData,
      kvMetadata: [
        { key: 'micon.feature_set', value: fs.name },
        { key: 'micon.feature_set_kind', value: fs.kind },
        { key: 'micon.profile', value: profile },
        { key: 'micon.normalization', value: profile === 'raw' ? 'none (mean of the well\'s sites, or the imported values)' : NORMALIZATION },
      ],
      createdBy: 'MICON Studio (hyparquet-writer)',
    });
    writeFileAtomic(out, new Uint8Array(buf));
  }
  return {
    file: out,
    format,
    featureSet: fs.name,
    kind: fs.kind,
    profile,
    wells: order.length,
    features: d,
    metadataColumns: [...EXPORT_METADATA_COLUMNS],
    featureNames: naming,
  };
}
