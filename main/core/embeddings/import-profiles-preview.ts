// What `import-profiles --create-plates` would read from a table, from its header and first rows only
// (nothing written, bounded time whatever the file's size): the column of each role, how many
// numeric feature columns, a few example wells, and the problems found in those rows by line.
import { tryNormaliseWell } from '../plates/wells.js';
import { InputError, type Problem } from '../types.js';
import { headerHint } from '../platemap/table.js';
import { looksLikeProfileTable, parseColumnsOption, pertTypeFrom, resolveColumnRoles, type Role } from './profile-columns.js';
import { openTable, type Cell, type TableFormat } from './profile-table.js';

export interface ProfilePreview {
  file: string;
  format: TableFormat;
  columns: number;
  /** Column per role (null: not found). */
  roles: Record<Role, string | null>;
  perRowColumns: string[];
  /** Numeric, non-metadata columns in the rows read: the features an import would use. */
  featureColumns: number;
  /** Text columns that are not metadata (ignored by an import). */
  textColumns: string[];
  /** Rows read for this preview (at most `maxRows`). */
  rowsRead: number;
  sample: { where: string; plate: string; well: string; compound: string | null; control: string | null; smiles: string | null }[];
  plates: string[];
  problems: Problem[];
}

const METADATA_RE = /^(image_)?metadata_/i;
const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', 'inf', '-inf', '+inf']);
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const text = (v: Cell) => (v === null || v === undefined ? '' : String(v).trim());

export async function previewProfileTable(file: string, opts: { columns?: string; maxRows?: number } = {}): Promise<ProfilePreview> {
  const table = await openTable(file);
  const explicit = parseColumnsOption(opts.columns);
  const roles = resolveColumnRoles(file, table.columns, explicit);
  const problems: Problem[] = [];
  // Not a profile table (no metadata column, no role's name): say so and show nothing of it. Any file can
  // be named here, and naming its guessed first line with columns=… must not make its rows come back.
  if (!looksLikeProfileTable(table.columns)) {
    const message = `not a profile table: ${headerHint(table.columns, false)} (expected Metadata_Plate, Metadata_Well, compound, …)`;
    return { file, format: table.format, columns: table.columns.length, roles: roles.names, perRowColumns: [], featureColumns: 0, textColumns: [], rowsRead: 0, sample: [], plates: [], problems: [{ file, message, severity: 'error' }] };
  }
  if (roles.index.plate < 0) problems.push({ file, message: 'no plate column (Metadata_Plate, Image_Metadata_Plate or plate): name it with --columns plate=…', severity: 'error' });
  if (roles.index.well < 0) problems.push({ file, message: 'no well column (Metadata_Well, Image_Metadata_Well or well): name it with --columns well=…', severity: 'error' });
  const used = new Set<number>([...Object.values(roles.index).filter((i) => i >= 0), ...roles.perRow, roles.controlDetail]);
  const candidates = table.columns.flatMap((c, i) => (used.has(i) || METADATA_RE.test(c) ? [] : [i]));
  const numeric = new Map<number, number>();
  const words = new Map<number, { where: string; value: string }>();
  const sample: ProfilePreview['sample'] = [];
  const plates = new Set<string>();
  const max = opts.maxRows ?? 200;
  let rowsRead = 0;
  const cell = (values: Cell[], i: number) => (i >= 0 ? text(values[i]) || null : null);
  try {
    for await (const { where, values } of table.rows()) {
      rowsRead++;
      const plate = cell(values, roles.index.plate);
      const rawWell = cell(values, roles.index.well);
      const line = Number(/\d+/.exec(where)?.[0]);
      if (roles.index.plate >= 0 && !plate) problems.push({ file, row: line, message: `${where}, column "${roles.names.plate}": no plate given`, severity: 'error' });
      if (roles.index.well >= 0 && (!rawWell || !tryNormaliseWell(rawWell))) {
        problems.push({ file, row: line, message: `${where}, column "${roles.names.well}": "${rawWell ?? ''}" is not a well name`, severity: 'error' });
      }
      const compound = cell(values, roles.index.compound) ?? cell(values, roles.index.name);
      const control = cell(values, roles.controlDetail) ?? cell(values, roles.index.control);
      const smiles = cell(values, roles.index.smiles);
      if (pertTypeFrom(control ?? '', { id: compound, name: cell(values, roles.index.name), smiles }) === undefined) {
        problems.push({ file, row: line, message: `${where}, column "${roles.names.control}": unknown control type "${control}"`, severity: 'error' });
      }
      if (plate) plates.add(plate);
      if (sample.length < 8 && plate && rawWell) sample.push({ where, plate, well: tryNormaliseWell(rawWell) ?? rawWell, compound, control, smiles });
      for (const i of candidates) {
        const v = values[i];
        if (typeof v === 'number' || typeof v === 'bigint') numeric.set(i, (numeric.get(i) ?? 0) + 1);
        else {
          const s = text(v);
          if (MISSING.has(s.toLowerCase())) continue;
          if (NUMBER_RE.test(s)) numeric.set(i, (numeric.get(i) ?? 0) + 1);
          else if (!words.has(i)) words.set(i, { where, value: s });
        }
      }
      if (rowsRead >= max) break;
    }
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    problems.push({ file, message: e.message, severity: 'error' });
  }
  const textColumns: string[] = [];
  let featureColumns = 0;
  for (const i of candidates) {
    const w = words.get(i);
    if (!w) {
      if (numeric.has(i)) featureColumns++;
      continue;
    }
    if ((numeric.get(i) ?? 0) > 0) {
      const line = Number(/\d+/.exec(w.where)?.[0]);
      problems.push({ file, row: line, message: `${w.where}, column "${table.columns[i]}": "${w.value}" is not a number (the column is numeric elsewhere)`, severity: 'error' });
    } else textColumns.push(table.columns[i]);
  }
  return {
    file,
    format: table.format,
    columns: table.columns.length,
    roles: roles.names,
    perRowColumns: roles.perRow.map((i) => table.columns[i]),
    featureColumns,
    textColumns,
    rowsRead,
    sample,
    plates: [...plates],
    problems,
  };
}
