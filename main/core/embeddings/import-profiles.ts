// `micon import-profiles`: CellProfiler / pycytominer / JUMP profiles (CSV, CSV.gz, Parquet) as a feature
// set of kind 'imported', evaluated side by side with MICON, the baselines and the hand-crafted features.
//
// - Rows are matched to the project's wells by plate (Metadata_Plate, Image_Metadata_Plate, plate…) and
//   well (Metadata_Well…, A1/A01/a01). Several rows of one well (single cells, sites) are averaged.
// - Features are the numeric columns that are not metadata (Metadata_*, Image_Metadata_*, the plate and
//   well columns, CellProfiler object/image numbers, a pandas index). Text columns are ignored and listed.
// - As pycytominer's feature selection does, a feature missing (empty, NaN, ±inf) in any used row is
//   dropped, and named in the summary.
// - All or nothing: anything wrong is an InputError naming the file, row and column, and the project is
//   left as it was; the feature set, its rows and its profiles are written in one transaction.
// - `createPlates`: a profiles-first project. Plates, wells, compounds, batches and sources come from
//   the table's metadata (import-profiles-plates.ts) and are written in the same transaction; the
//   columns each role was read from are reported (profile-columns.ts).
// - A table with no site/object column is one row per well: a repeated well is refused. Rows are
//   streamed; memory holds one sum vector per well, never the rows.
import path from 'node:path';
import type { DB } from '../db/open.js';
import { tryNormaliseWell } from '../plates/wells.js';
import { InputError, type Problem } from '../types.js';
import { buildProfiles, type ProfileSummary } from './profiles.js';
import { findCompoundsTable, PlateCollector, type CreatedPlates } from './import-profiles-plates.js';
import { headerHint } from '../platemap/table.js';
import { looksLikeProfileTable, parseColumnsOption, resolveColumnRoles, type Role } from './profile-columns.js';
import { openTable, sha256File, type Cell, type TableFormat } from './profile-table.js';
import { featureSetByName, replaceFeatureSet, setFeatureNames, writeImportedWellFeatures, type ImportedWellRow } from '../feature-sets/store.js';

const DEFAULT_IMPORT_NAME = 'cellprofiler';

export interface ImportProfilesOptions {
  /** Feature set name (default `cellprofiler`). */
  name?: string;
  /** Replace an imported feature set of the same name (never a model's or the hand-crafted one). */
  replace?: boolean;
  /** Skip rows whose plate or well is not in the project (counted) instead of refusing the file. */
  allowUnmatched?: boolean;
  /** Create the plates, wells and compounds the table's metadata describe (a profiles-first project). */
  createPlates?: boolean;
  /** Explicit column roles, `well=Col,plate=Col2,compound=…,smiles=…,control=…` (or parsed). */
  columns?: string | Partial<Record<Role, string>>;
  /**
   * Side table of compounds (id or name, SMILES, MoA, target), joined on compound id, else name.
   * With createPlates and none given, the one such table next to the profile table is used (said so
   * in `created.compoundsTable`); 'none' turns that off.
   */
  compoundsFile?: string;
}

export interface ImportProfilesSummary {
  featureSet: string;
  featureSetId: number;
  file: string;
  format: TableFormat;
  /** Data rows in the file. */
  rows: number;
  /** Project wells that got a profile. */
  wells: number;
  plates: number;
  features: number;
  /** Numeric columns dropped because some used row had no value (empty, NaN, ±inf) there. */
  droppedFeatures: string[];
  /** Rows whose plate or well is not in the project (only with allowUnmatched; otherwise an error). */
  unmatchedRows: number;
  /** Wells that had more than one row (cells, sites), averaged. */
  averagedWells: number;
  maxRowsPerWell: number;
  metadataColumns: string[];
  /** Non-numeric columns that are not named Metadata_*: not features, ignored. */
  ignoredColumns: string[];
  replaced: boolean;
  profiles: ProfileSummary;
  problems: Problem[];
  /** The column each role was read from (null: not in the table). */
  columns: Record<Role, string | null>;
  /** Rows of one well are told apart by these columns (sites, cells): they are averaged. */
  perRowColumns: string[];
  /** How missing numbers (empty, NA, NaN, ±Inf) are treated. */
  missingValues: string;
  /** With createPlates: what was created. */
  created: CreatedPlates | null;
  /** Wells left out because they lacked values (see `missingValues`), as `plate:well`. */
  droppedWells: string[];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;
const METADATA_RE = /^(image_)?metadata_/i;
/** CellProfiler / pandas bookkeeping columns: numeric, but not measurements. */
const ID_COLUMNS = new Set(['imagenumber', 'objectnumber', 'tablenumber', 'unnamed: 0', '__index_level_0__', 'index', '']);
const MISSING_POLICY =
  'a feature column with a missing value (empty, NA, NaN, ±Inf) in a used row is dropped and named, as pycytominer feature selection does; ' +
  'when that would drop more than half the features, columns missing in over 10 % of rows are dropped and then the wells still missing values (at most 10 % of wells) are left out and named instead';
const MISSING = new Set(['', 'nan', 'na', 'n/a', '#n/a', 'null', 'none', 'inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity']);
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

type Parsed = { kind: 'number'; value: number } | { kind: 'missing' } | { kind: 'text'; text: string };

function parseCell(v: Cell): Parsed {
  if (v === null || v === undefined) return { kind: 'missing' };
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', value: v } : { kind: 'missing' };
  if (typeof v === 'bigint') return { kind: 'number', value: Number(v) };
  if (typeof v === 'string') {
    const s = v.trim();
    if (MISSING.has(s.toLowerCase())) return { kind: 'missing' };
    if (NUMBER_RE.test(s)) {
      const x = Number(s);
      return Number.isFinite(x) ? { kind: 'number', value: x } : { kind: 'missing' };
    }
    return { kind: 'text', text: s };
  }
  return { kind: 'text', text: typeof v === 'object' ? JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x)) : String(v) };
}

function cellText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  return String(v).trim();
}

const list = (xs: string[], max = 12) => (xs.length > max ? `${xs.slice(0, max).join(', ')}, … (${xs.length} in all)` : xs.join(', '));

interface ColumnStats {
  numeric: number;
  text: number;
  firstText?: { where: string; text: string };
  firstNumber?: string;
  /** Used (matched) rows without a value. */
  missing: number;
  firstMissing?: string;
}

/**
 * Import a profile table as a feature set and build its normalised profiles. Reads the whole file
 * before touching the project; then one transaction writes everything.
 */
export async function importProfiles(db: DB, file: string, opts: ImportProfilesOptions = {}): Promise<ImportProfilesSummary> {
  const name = opts.name ?? DEFAULT_IMPORT_NAME;
  if (!NAME_RE.test(name)) throw new InputError(`feature set name "${name}" is not allowed (letters, digits, _ . + -; at most 64 characters, starting with a letter or digit)`);
  const existing = featureSetByName(db, name);
  if (existing) {
    if (existing.kind !== 'imported') {
      throw new InputError(`feature set "${name}" already exists and is ${existing.kind === 'model' ? "a trained model's embedding" : existing.kind === 'backbone' ? 'an imported ONNX backbone' : 'the hand-crafted feature set'}; pick another --name`);
    }
    if (!opts.replace) {
      const from = db.prepare('SELECT file, imported_at FROM feature_imports WHERE feature_set_id = ?').get(existing.id) as { file: string; imported_at: string } | undefined;
      throw new InputError(
        `feature set "${name}" already exists${from ? ` (imported from ${from.file} on ${from.imported_at})` : ''}; pass --replace to replace it, or --name to import under another name`,
      );
    }
  }

  const table = await openTable(file);
  const { columns } = table;
  if (!columns.length) throw new InputError(`${file}: no columns`);
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    if (c !== '' && seen.has(c)) throw new InputError(`${file}: column "${c}" appears twice (columns ${seen.get(c)! + 1} and ${i + 1}); names must be unique`);
    seen.set(c, i);
  });
  const roles = resolveColumnRoles(file, columns, typeof opts.columns === 'string' ? parseColumnsOption(opts.columns) : (opts.columns ?? {}));
  const plateCol = roles.index.plate;
  const wellCol = roles.index.well;
  if (plateCol < 0 || wellCol < 0) {
    const missing = [plateCol < 0 ? 'plate (Metadata_Plate, Image_Metadata_Plate or plate)' : null, wellCol < 0 ? 'well (Metadata_Well, Image_Metadata_Well or well)' : null].filter(Boolean);
    const found = looksLikeProfileTable(columns) ? `found: ${list(columns)}` : headerHint(columns, false);
    throw new InputError(`${file}: no ${missing.join(' and no ')} column; ${found}; name them with --columns plate=…,well=…`);
  }
  const plateName = columns[plateCol];
  const wellName = columns[wellCol];
  const roleIdx = new Set<number>([...Object.values(roles.index).filter((i) => i >= 0), ...roles.perRow, ...(roles.controlDetail >= 0 ? [roles.controlDetail] : [])]);
  const metadataIdx: number[] = [];
  const candidateIdx: number[] = [];
  columns.forEach((c, i) => {
    if (roleIdx.has(i) || METADATA_RE.test(c) || ID_COLUMNS.has(c.trim().toLowerCase())) metadataIdx.push(i);
    else candidateIdx.push(i);
  });

  // The project's wells: plate name → canonical well → well id.
  const projectWells = new Map<string, Map<string, number>>();
  for (const r of db.prepare('SELECT w.id, w.well, p.name AS plate FROM wells w JOIN plates p ON p.id = w.plate_id').all() as { id: number; well: string; plate: string }[]) {
    let m = projectWells.get(r.plate);
    if (!m) projectWells.set(r.plate, (m = new Map()));
    m.set(r.well, r.id);
  }
  for (const r of db.prepare('SELECT name FROM plates').all() as { name: string }[]) if (!projectWells.has(r.name)) projectWells.set(r.name, new Map());
  if (!projectWells.size && !opts.createPlates) throw new InputError(`the project has no plates yet; run micon ingest before importing profiles, or pass --create-plates to create them from the table`);
  const plateByLower = new Map<string, string | null>();
  for (const p of projectWells.keys()) plateByLower.set(p.toLowerCase(), plateByLower.has(p.toLowerCase()) ? null : p);
  const resolvePlate = (raw: string): string | undefined => (projectWells.has(raw) ? raw : (plateByLower.get(raw.toLowerCase()) ?? undefined));

  const problems: Problem[] = [];
  const collector = opts.createPlates ? new PlateCollector(file, columns, roles, problems) : null;
  const nc = candidateIdx.length;
  const stats: ColumnStats[] = candidateIdx.map(() => ({ numeric: 0, text: 0, missing: 0 }));
  /** `plate\twell` → the well's running sums. */
  /** `miss`: the feature columns (k) this well lacks a value for in some row (only wells that do). */
  const acc = new Map<string, { plate: string; well: string; n: number; sums: Float64Array | Float32Array; line: string; miss?: Set<number>; firstMissing?: string }>();
  // A table of one row per well (no site/object column) holds each well's values once: float32, as
  // stored, halves what a JUMP-sized table of wells keeps in memory; only rows to average need float64 sums.
  const Sums = roles.perRow.length ? Float64Array : Float32Array;
  let rows = 0;
  let unmatchedRows = 0;
  const unmatchedExamples: string[] = [];

  for await (const { where, values } of table.rows()) {
    rows++;
    const rawPlate = cellText(values[plateCol]);
    const rawWell = cellText(values[wellCol]);
    if (!rawPlate) throw new InputError(`${file}: ${where}, column "${plateName}": no plate given`);
    if (!rawWell) throw new InputError(`${file}: ${where}, column "${wellName}": no well given`);
    const well = tryNormaliseWell(rawWell);
    if (!well) throw new InputError(`${file}: ${where}, column "${wellName}": "${rawWell}" is not a well name (expected e.g. A01, A1 or a01)`);
    let plate = resolvePlate(rawPlate);
    let matched = plate !== undefined && projectWells.get(plate)!.has(well);
    if (collector) {
      plate ??= rawPlate;
      matched = true;
      collector.add(where, values, plate, well);
    }
    if (!matched) {
      const msg =
        plate === undefined
          ? `${file}: ${where}, column "${plateName}": plate "${rawPlate}" is not in the project (its plates: ${list([...projectWells.keys()].sort(), 8)})`
          : `${file}: ${where}, column "${wellName}": well ${well}${rawWell !== well ? ` ("${rawWell}")` : ''} is not a well of plate ${plate} in the project`;
      if (!opts.allowUnmatched) throw new InputError(`${msg}; pass --allow-unmatched to skip rows the project has no well for, or --create-plates to create them`);
      unmatchedRows++;
      if (unmatchedExamples.length < 10) unmatchedExamples.push(msg);
    }
    const key = `${plate}\t${well}`;
    let a = matched ? acc.get(key) : undefined;
    if (matched && !a) acc.set(key, (a = { plate: plate!, well, n: 0, sums: new Sums(nc), line: where }));
    else if (a && !roles.perRow.length && !collector) {
      throw new InputError(
        `${file}: well ${well} of plate ${plate} appears twice (${a.line} and ${where}; columns "${plateName}", "${wellName}"); a table with one row per well must not repeat a well (per-site or per-cell tables need a Metadata_Site or ObjectNumber column)`,
      );
    }
    if (a) a.n++;
    for (let k = 0; k < nc; k++) {
      const p = parseCell(values[candidateIdx[k]]);
      const s = stats[k];
      if (p.kind === 'number') {
        s.numeric++;
        s.firstNumber ??= where;
        if (a) a.sums[k] += p.value;
      } else if (p.kind === 'text') {
        s.text++;
        s.firstText ??= { where, text: p.text };
      } else if (a) {
        s.missing++;
        s.firstMissing ??= where;
        (a.miss ??= new Set()).add(k);
        a.firstMissing ??= where;
      }
    }
  }
  if (!rows) throw new InputError(`${file}: no data rows`);
  if (!acc.size) throw new InputError(`${file}: none of its ${rows} rows matches a well of the project`);

  // Columns: numeric features, text (ignored), numeric with a stray word (error), features with gaps (dropped).
  const featureK: number[] = [];
  const droppedFeatures: string[] = [];
  const ignoredColumns: string[] = [];
  const dropWells = wellsToDrop(stats, acc, rows);
  for (const a of dropWells) {
    acc.delete(`${a.plate}\t${a.well}`);
    problems.push({ file, well: a.well, message: `well ${a.plate}:${a.well} left out: no value for ${a.miss!.size} features (first at ${a.firstMissing})`, severity: 'warning' });
  }
  if (dropWells.length) {
    // The kept wells' gaps only: a column is dropped when one of them lacks it.
    stats.forEach((s) => (s.missing = 0));
    for (const a of acc.values()) for (const k of a.miss ?? []) stats[k].missing++;
  }
  for (let k = 0; k < nc; k++) {
    const s = stats[k];
    const col = columns[candidateIdx[k]];
    if (s.text > 0 && s.text > s.numeric) {
      ignoredColumns.push(col);
      continue;
    }
    if (s.text > 0) {
      throw new InputError(
        `${file}: ${s.firstText!.where}, column "${col}": "${s.firstText!.text}" is not a number (the column is numeric elsewhere, e.g. ${s.firstNumber}); ` +
          `fix the value, or name non-feature columns Metadata_*`,
      );
    }
    if (s.missing > 0 || s.numeric === 0) {
      droppedFeatures.push(col);
      problems.push({
        file,
        message: `feature "${col}" dropped: no value in ${s.missing} of the rows used${s.firstMissing ? ` (first at ${s.firstMissing})` : ''}`,
        severity: 'warning',
      });
      continue;
    }
    featureK.push(k);
  }
  if (!featureK.length) {
    const why = droppedFeatures.length
      ? `every numeric column has missing values (${list(droppedFeatures)})`
      : `every column is metadata or text (metadata: ${list(metadataIdx.map((i) => columns[i]))}${ignoredColumns.length ? `; text: ${list(ignoredColumns)}` : ''})`;
    throw new InputError(`${file}: no numeric feature columns: ${why}`);
  }
  const featureNames = featureK.map((k) => columns[candidateIdx[k]]);
  const wellRows: ImportedWellRow[] = [...acc.values()].map((a) => {
    // Same arithmetic as site → well aggregation (float64 sums × 1/n), so per-site input averages identically.
    const vec = new Float32Array(featureK.length);
    const inv = 1 / a.n;
    featureK.forEach((k, j) => (vec[j] = a.sums[k] * inv));
    return { plate: a.plate, well: a.well, nRows: a.n, vec };
  });
  const averagedWells = wellRows.filter((r) => r.nRows > 1).length;
  const maxRowsPerWell = Math.max(...wellRows.map((r) => r.nRows));
  if (averagedWells) {
    problems.push({ file, message: `${averagedWells} wells had several rows (up to ${maxRowsPerWell}: cells or sites); each well's rows were averaged (mean)`, severity: 'warning' });
  }
  for (const m of unmatchedExamples) problems.push({ file, message: `${m}; row skipped`, severity: 'warning' });
  if (unmatchedRows > unmatchedExamples.length) problems.push({ file, message: `… ${unmatchedRows - unmatchedExamples.length} more rows without a project well skipped`, severity: 'warning' });

  const sha256 = sha256File(file);
  const importedAt = new Date().toISOString();
  const metadataColumns = metadataIdx.map((i) => columns[i]);
  const given = opts.compoundsFile && opts.compoundsFile !== 'none' ? opts.compoundsFile : null;
  const found = collector && opts.compoundsFile === undefined ? findCompoundsTable(file) : null;
  const compoundsTable = given ? { file: path.resolve(given), how: 'given' as const } : found ? { file: found, how: 'found next to the table' as const } : null;
  const resolved = collector ? await collector.resolve(compoundsTable?.file) : null;
  const { featureSetId, profiles, created } = db.transaction(() => {
    const created = collector && resolved ? collector.write(db, resolved.compounds, resolved.sideTableMatches, compoundsTable) : null;
    const id = replaceFeatureSet(db, { name, kind: 'imported', dim: featureNames.length, version: `sha256:${sha256.slice(0, 16)}`, modelId: null });
    setFeatureNames(db, id, featureNames);
    writeImportedWellFeatures(db, id, wellRows);
    const prof = buildProfiles(db, id);
    const summary = { rows, wells: wellRows.length, features: featureNames.length, droppedFeatures, unmatchedRows, averagedWells, maxRowsPerWell, ignoredColumns };
    db.prepare('INSERT INTO feature_imports (feature_set_id, file, format, sha256, imported_at, summary) VALUES (?, ?, ?, ?, ?, ?)').run(
      id,
      path.resolve(file),
      table.format,
      sha256,
      importedAt,
      JSON.stringify(summary),
    );
    return { featureSetId: id, profiles: prof, created };
  })();

  return {
    featureSet: name,
    featureSetId,
    file: path.resolve(file),
    format: table.format,
    rows,
    wells: wellRows.length,
    plates: new Set(wellRows.map((r) => r.plate)).size,
    features: featureNames.length,
    droppedFeatures,
    unmatchedRows,
    averagedWells,
    maxRowsPerWell,
    metadataColumns,
    ignoredColumns,
    replaced: !!existing,
    profiles,
    problems,
    columns: roles.names,
    perRowColumns: roles.perRow.map((i) => columns[i]),
    missingValues: MISSING_POLICY,
    created,
    droppedWells: dropWells.map((a) => `${a.plate}:${a.well}`),
  };
}

/**
 * Wells to leave out instead of columns: only when dropping every column with a gap would lose more
 * than half the numeric features (e.g. a few empty wells with no cells, NaN everywhere). Columns
 * missing in over 10 % of rows are broken columns, dropped either way; the wells still lacking a value
 * are left out if they are at most 10 % of the wells, else nothing is (the columns go instead).
 */
function wellsToDrop<W extends { miss?: Set<number> }>(stats: ColumnStats[], acc: Map<string, W>, rows: number): W[] {
  const numeric = stats.flatMap((s, k) => (s.text === 0 && s.numeric > 0 ? [k] : []));
  const gappy = numeric.filter((k) => stats[k].missing > 0);
  if (gappy.length * 2 <= numeric.length) return [];
  const broken = new Set(numeric.filter((k) => stats[k].missing > 0.1 * rows));
  const bad = [...acc.values()].filter((a) => a.miss && [...a.miss].some((k) => !broken.has(k)));
  return bad.length && bad.length <= 0.1 * acc.size ? bad : [];
}
