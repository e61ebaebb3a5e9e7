import { parse } from 'csv-parse/sync';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip, gunzipSync } from 'node:zlib';
import { DirIndex } from './files.js';
import { finishPlate, type RawImage } from './plate-build.js';
import { tryNormaliseWell } from './wells.js';
import { InputError, type ChannelName, type Problem, type ScannedPlate } from '../types.js';
import { csvSyntaxError } from '../util/csv-error.js';

export function isCsvName(name: string): boolean {
  return /\.csv(\.gz)?$/i.test(name);
}

interface ChannelCols {
  file?: number;
  path?: number;
  url?: number;
}

export interface LoadDataColumns {
  plate: number;
  well: number;
  site?: number;
  /** Column suffix (OrigDNA) -> its FileName_/PathName_/URL_ column indexes. */
  channels: Map<string, ChannelCols>;
}

/**
 * CellProfiler LoadData columns: `Metadata_Plate`, `Metadata_Well`, `Metadata_Site` and per channel
 * `FileName_X` + `PathName_X` or `URL_X`, each optionally prefixed `Image_`. Illum columns are the
 * illumination functions, not images.
 */
export function loadDataColumns(header: string[]): LoadDataColumns | null {
  const names = header.map((h) => h.trim().replace(/^Image_/i, ''));
  const find = (n: string) => names.findIndex((h) => h.toLowerCase() === n.toLowerCase());
  const plate = find('Metadata_Plate');
  const well = find('Metadata_Well');
  if (plate < 0 || well < 0) return null;
  const channels = new Map<string, ChannelCols>();
  names.forEach((h, i) => {
    const m = /^(FileName|PathName|URL)_(.+)$/i.exec(h);
    if (!m || /^Illum/i.test(m[2])) return;
    const kind = m[1].toLowerCase() === 'filename' ? 'file' : m[1].toLowerCase() === 'pathname' ? 'path' : 'url';
    const c = channels.get(m[2]) ?? {};
    c[kind] = i;
    channels.set(m[2], c);
  });
  for (const [id, c] of channels) if (c.file === undefined && c.url === undefined) channels.delete(id);
  if (!channels.size) return null;
  const site = find('Metadata_Site');
  return { plate, well, ...(site >= 0 ? { site } : {}), channels };
}

async function readCsvText(file: string): Promise<string> {
  if (/\.gz$/i.test(file)) return gunzipSync(await fsp.readFile(file)).toString('utf8');
  return fsp.readFile(file, 'utf8');
}

/** The first 64 KiB of a (possibly gzipped) CSV: enough for a header, without inflating a 1 GB profile table. */
async function readCsvHead(file: string): Promise<string> {
  const limit = 65536;
  const chunks: Buffer[] = [];
  let size = 0;
  const source = fs.createReadStream(file, /\.gz$/i.test(file) ? {} : { end: limit - 1 });
  const stream = /\.gz$/i.test(file) ? source.pipe(createGunzip()) : source;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) break;
    }
  } finally {
    source.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** The header of a CSV, or null when it cannot be read as one. */
export async function readCsvHeader(file: string): Promise<string[] | null> {
  try {
    const text = await readCsvHead(file);
    const first = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0];
    return (parse(first, { relax_quotes: true }) as string[][])[0] ?? null;
  } catch {
    return null;
  }
}

const REMOTE = /^(s3|gs|https?):\/\//i;

function localPath(value: string, base: string, where: string): string {
  if (REMOTE.test(value)) {
    throw new InputError(
      `${where}: ${value} is a remote image; remote images must be downloaded first (e.g. aws s3 sync), ` +
        `then point the CSV at the local copies (FileName_/PathName_ columns, plain paths or file:// URLs)`,
    );
  }
  if (/^file:/i.test(value)) {
    try {
      return fileURLToPath(value);
    } catch (e) {
      throw new InputError(`${where}: ${value} is not a usable file URL (${(e as Error).message})`);
    }
  }
  return path.resolve(base, value);
}

/** Preferred first: load_data.csv, then its illum twin, then any other CSV. */
function csvRank(f: string): number {
  const b = path.basename(f).toLowerCase().replace(/\.gz$/, '');
  return b === 'load_data.csv' ? 0 : b === 'load_data_with_illum.csv' ? 1 : 2;
}

interface Row {
  record: string[];
  info: { lines: number };
}

/** Every plate the LoadData CSVs list; a plate listed by several CSVs is read from the first. */
export async function scanLoadData(csvs: string[], opts: { channels?: Record<string, ChannelName> }, problems: Problem[]): Promise<ScannedPlate[]> {
  const ordered = [...csvs].sort((a, b) => path.dirname(a).localeCompare(path.dirname(b)) || csvRank(a) - csvRank(b) || a.localeCompare(b));
  const seen = new Map<string, string>();
  const plates: ScannedPlate[] = [];
  const dirIndex = new DirIndex();
  for (const csv of ordered) {
    let rows: Row[];
    try {
      rows = parse(await readCsvText(csv), { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as Row[];
    } catch (e) {
      throw new InputError(`${csv}: not a readable CSV (${csvSyntaxError(e)})`);
    }
    const cols = rows.length ? loadDataColumns(rows[0].record) : null;
    if (!cols) continue;
    const dir = path.dirname(csv);
    const byPlate = new Map<string, RawImage[]>();
    let zeroBased = false;
    for (const { record, info } of rows.slice(1)) {
      const line = info.lines;
      const cell = (i: number | undefined) => (i === undefined ? '' : (record[i] ?? '').trim());
      const plate = cell(cols.plate);
      const well = tryNormaliseWell(cell(cols.well));
      const siteStr = cols.site === undefined ? '1' : cell(cols.site);
      const site = Number(siteStr);
      if (!plate || !well || !/^\d+$/.test(siteStr)) {
        const what = !plate ? 'no Metadata_Plate' : !well ? `"${cell(cols.well)}" is not a well name` : `"${siteStr}" is not a site number`;
        problems.push({ file: csv, row: line, message: `line ${line}: ${what}; row skipped`, severity: 'warning' });
        continue;
      }
      if (site === 0) zeroBased = true;
      const list = byPlate.get(plate) ?? [];
      for (const [id, c] of cols.channels) {
        const url = cell(c.url);
        const name = cell(c.file);
        if (!url && !name) continue;
        const where = `${csv} line ${line}`;
        const file = url ? localPath(url, dir, where) : path.join(localPath(cell(c.path) || '.', dir, where), name);
        list.push({ file, well, site, raw: id, row: line });
      }
      byPlate.set(plate, list);
    }
    if (zeroBased) {
      problems.push({ file: csv, message: 'Metadata_Site starts at 0; sites are numbered from 1 here (site 0 -> 1)', severity: 'warning' });
      for (const list of byPlate.values()) for (const img of list) img.site += 1;
    }
    for (const [plate, images] of byPlate) {
      const first = seen.get(plate);
      if (first) {
        if (path.dirname(first) !== dir) problems.push({ file: csv, message: `plate ${plate} is also listed in ${first}; read from that file only`, severity: 'warning' });
        continue;
      }
      seen.set(plate, csv);
      const label = `${csv} (plate ${plate})`;
      const rawIds = [...cols.channels.keys()];
      const channelNames = Object.fromEntries(rawIds.map((id) => [id, id]));
      plates.push(await finishPlate({ name: plate, folder: dir, label, layout: 'loaddata', images, channelNames, rawIds }, { explicit: opts.channels, resolve: (f) => dirIndex.find(f) }, problems));
    }
  }
  return plates;
}
