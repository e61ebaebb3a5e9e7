import { parse } from 'csv-parse/sync';
import fs from 'node:fs';
import { InputError } from '../types.js';
import { csvSyntaxError } from '../util/csv-error.js';

export interface TableRow {
  /** Line number in the file (header is line 1). */
  line: number;
  values: Record<string, string>;
}

/**
 * Read a CSV/TSV table (JUMP platemaps are tab-separated .txt, most others CSV) with header
 * names reduced to a canonical key: lower case, `Metadata_`/`Image_Metadata_` prefix removed.
 */
export function readTable(file: string): { columns: string[]; rows: TableRow[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  const delimiter = firstLine.includes('\t') ? '\t' : firstLine.split(';').length > firstLine.split(',').length ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // info.lines: the line a record ends on, so rows after blank lines are numbered as an editor shows them.
    records = parse(text, { delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as typeof records;
  } catch (e) {
    throw new InputError(`${file}: not a readable CSV (${csvSyntaxError(e)})`);
  }
  if (!records.length) throw new InputError(`${file}: empty file`);
  const columns = records[0].record.map(columnKey);
  const rows: TableRow[] = [];
  for (const { record, info } of records.slice(1)) {
    const values: Record<string, string> = {};
    columns.forEach((c, j) => (values[c] = record[j] ?? ''));
    rows.push({ line: info.lines, values });
  }
  return { columns, rows };
}

export function columnKey(header: string): string {
  return header
    .trim()
    .replace(/^(image_)?metadata_/i, '')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** First column present among the candidates. */
export function pick(columns: string[], candidates: string[]): string | undefined {
  return candidates.find((c) => columns.includes(c));
}

/**
 * The columns a file has, as a hint in an error ("found plate, wel, jcp2022"), only when the file is a
 * table of the kind asked for (`recognised`: at least one column was recognised). Anyone can name any
 * file as a platemap, and the first line of e.g. /etc/passwd must not come back in an error.
 */
export function headerHint(columns: string[], recognised: boolean): string {
  if (!recognised) return `none of its ${columns.length} column(s) is one MICON reads: is it the right file?`;
  return `found ${columns.slice(0, 40).join(', ')}${columns.length > 40 ? ', …' : ''}`;
}
