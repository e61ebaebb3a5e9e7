// Profile tables on disk, the way CellProfiler / pycytominer / JUMP write them: CSV (optionally gzipped,
// comma- or tab-separated) or Parquet. Reading streams rows (single-cell tables can be large); writing
// goes to a temporary file that is renamed into place, so a reader never sees half a file.
import { parse } from 'csv-parse';
import crypto from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import { PassThrough, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { csvSyntaxError } from '../util/csv-error.js';
import { InputError } from '../types.js';


export type TableFormat = 'csv' | 'parquet';

/** One cell as read: CSV gives strings, Parquet typed values (number, bigint, string, boolean, null…). */
export type Cell = unknown;

export interface TableReader {
  format: TableFormat;
  columns: string[];
  /** Data rows in file order. `where` locates the row for messages: "line 7" (CSV, header = line 1) or "row 6" (Parquet, 1-based). */
  rows(): AsyncIterable<{ where: string; values: Cell[] }>;
}

/** Format from the file name: .parquet/.pq → parquet; .csv/.tsv/.txt (optionally .gz) → csv. */
export function tableFormatOf(file: string): TableFormat | null {
  const f = file.toLowerCase().replace(/\.gz$/, '');
  if (/\.(parquet|pq)$/.test(f)) return 'parquet';
  if (/\.(csv|tsv|txt)$/.test(f)) return 'csv';
  return null;
}

function isParquetFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    return fs.readSync(fd, b, 0, 4, 0) === 4 && b.toString('latin1') === 'PAR1';
  } finally {
    fs.closeSync(fd);
  }
}

/** The file's bytes, gunzipped when it ends in .gz; errors anywhere in the chain reach `dest`. */
function pipeFile<T extends NodeJS.WritableStream>(file: string, dest: T): T {
  const src = fs.createReadStream(file);
  if (file.toLowerCase().endsWith('.gz')) pipeline(src, zlib.createGunzip(), dest, () => {});
  else pipeline(src, dest, () => {});
  return dest;
}

async function firstLine(file: string): Promise<string> {
  const pass = new PassThrough();
  pipeFile(file, pass);
  const rl = readline.createInterface({ input: pass, crlfDelay: Infinity });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
    pass.destroy();
  }
}

/**
 * Parquet rows decoded per read: a row group (pyarrow writes up to 1M rows in one) is read in slices of
 * this many rows, so a JUMP-sized file never has all its rows as JS values at once.
 */
const PARQUET_SLICE_ROWS = 65_536;

/** Open a profile table for reading. Throws InputError naming the file when it cannot be read. */
export async function openTable(file: string, opts: { parquetSliceRows?: number } = {}): Promise<TableReader> {
  if (!fs.existsSync(file)) throw new InputError(`${file}: no such file`);
  if (!fs.statSync(file).isFile()) throw new InputError(`${file}: not a file`);
  const format = isParquetFile(file) ? 'parquet' : tableFormatOf(file) === 'parquet' ? null : 'csv';
  if (!format) throw new InputError(`${file}: not a Parquet file (no PAR1 magic bytes)`);
  return format === 'parquet' ? openParquet(file, opts.parquetSliceRows ?? PARQUET_SLICE_ROWS) : openCsv(file);
}

async function openCsv(file: string): Promise<TableReader> {
  let header: string;
  try {
    header = (await firstLine(file)).replace(/^\uFEFF/, '');
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!header.trim()) throw new InputError(`${file}: empty file (no header line)`);
  const delimiter = header.includes('\t') ? '\t' : ',';
  const parser = () => parse({ delimiter, bom: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: true });
  // Parse the header with the same parser, so quoted names come out right.
  let columns: string[] = [];
  try {
    for await (const rec of pipeFile(file, parser())) {
      columns = (rec as { record: string[] }).record;
      break;
    }
  } catch (e) {
    // The parser reads ahead: a bad quote on line 2 already fails here.
    throw new InputError(`${file}: not a readable CSV (${csvSyntaxError(e)})`);
  }
  return {
    format: 'csv',
    columns,
    async *rows() {
      let first = true;
      try {
        for await (const rec of pipeFile(file, parser())) {
          const { record, info } = rec as { record: string[]; info: { lines: number } };
          if (first) {
            first = false;
            continue;
          }
          if (record.length !== columns.length) {
            throw new InputError(`${file}: line ${info.lines} has ${record.length} fields, the header has ${columns.length}`);
          }
          yield { where: `line ${info.lines}`, values: record };
        }
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`${file}: not a readable CSV (${csvSyntaxError(e)})`);
      }
    },
  };
}

async function openParquet(file: string, slice: number): Promise<TableReader> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    throw new InputError(`${file}: not a readable Parquet file (${(e as Error).message})`);
  }
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  return {
    format: 'parquet',
    columns,
    async *rows() {
      let groupStart = 0;
      for (const rg of metadata.row_groups) {
        const groupEnd = groupStart + Number(rg.num_rows);
        for (let start = groupStart; start < groupEnd; start += slice) {
          const end = Math.min(groupEnd, start + slice);
          let chunk: unknown[][] = [];
          try {
            await parquetRead({ file: buffer, metadata, columns, rowStart: start, rowEnd: end, rowFormat: 'array', compressors, onComplete: (r) => (chunk = r) });
          } catch (e) {
            throw new InputError(`${file}: cannot read rows ${start + 1}–${end} (${(e as Error).message})`);
          }
          for (let i = 0; i < chunk.length; i++) yield { where: `row ${start + i + 1}`, values: chunk[i] };
        }
        groupStart = groupEnd;
      }
    },
  };
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A CSV field: quoted when it holds a delimiter, quote, newline or surrounding space. */
export function csvField(v: string): string {
  return /[",\n\r\t]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Shortest decimal that reads back as the same float32 (so CSV round trips are exact and short). */
export function formatFloat32(x: number): string {
  if (!Number.isFinite(x)) return '';
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const s = String(Number(f.toPrecision(p)));
    if (Math.fround(Number(s)) === f) return s;
  }
  return String(f);
}
