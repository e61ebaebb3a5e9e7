// What an import would do, worked out without writing anything: the layout found, each plate with
// its wells, sites and channel mapping, what the platemap covers, and every problem. The app shows
// this for the user to confirm before the ingest job starts.
import fs from 'node:fs';
import path from 'node:path';
import type { DB } from '../db/open.js';
import { LAYOUT_LABEL } from '../plates/detect.js';
import { scanFolder } from '../plates/scan.js';
import { readPlateMeta } from '../platemap/plate-meta.js';
import { readPlatemap } from '../platemap/platemap.js';
import { describeConflict, findStructureConflicts } from './structure-conflicts.js';
import { InputError, type ChannelName, type Problem } from '../types.js';

export interface PreviewOptions {
  platemap?: string;
  plateMeta?: string;
  channels?: Record<string, ChannelName>;
}

const looksLike = (re: RegExp) => (f: string) => re.test(path.basename(f).toLowerCase());
const isPlatemapName = looksLike(/plate_?map|layout|compound|treatment/);
const isPlateMetaName = looksLike(/^(plates?|barcode_platemap|plate_meta(data)?)\.(csv|tsv|txt)$/);

/** CSVs in the folder and its parent: where screens keep platemaps and plate lists. */
function nearbyCsvs(folder: string): string[] {
  const out: string[] = [];
  for (const dir of [folder, path.dirname(folder)]) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) if (/\.(csv|tsv|csv\.gz)$/i.test(n)) out.push(path.join(dir, n));
  }
  return [...new Set(out)].sort();
}

export async function previewIngest(db: DB, folder: string, opts: PreviewOptions = {}) {
  const abs = path.resolve(folder);
  if (!fs.existsSync(abs)) throw new InputError(`${abs}: no such folder`);
  const scan = await scanFolder(abs, { channels: opts.channels });
  const problems: Problem[] = [...scan.problems];
  const platemap = opts.platemap ? readPlatemap(path.resolve(opts.platemap)) : null;
  if (platemap) {
    problems.push(...platemap.problems);
    for (const c of await findStructureConflicts(db, platemap)) {
      problems.push({ file: platemap.file, row: c.other.line, message: `${describeConflict(c, platemap.file)}; the import is refused unless conflicts are allowed`, severity: 'error' });
    }
  }
  const meta = opts.plateMeta ? readPlateMeta(path.resolve(opts.plateMeta)) : null;
  if (meta) problems.push(...meta.problems);
  const existing = new Set((db.prepare('SELECT name FROM plates').all() as { name: string }[]).map((r) => r.name));

  const plates = scan.plates.map((p) => {
    const wells = new Set(p.images.map((i) => i.well));
    const sites = new Set(p.images.map((i) => `${i.well}/${i.site}`));
    const rawIds = [...new Set(p.images.map((i) => i.channelRaw))].sort();
    const m = meta?.plates.get(p.name) ?? null;
    if (platemap && !platemap.entries.some((e) => e.plate === null || e.plate === p.name)) {
      problems.push({ file: platemap.file, message: `plate ${p.name} has no rows in the platemap: its wells would be imported without compounds`, severity: 'warning' });
    }
    return {
      name: p.name,
      folder: p.folder,
      wells: wells.size,
      sites: sites.size,
      images: p.images.length,
      channels: rawIds.map((raw) => ({ rawId: raw, channel: p.channelMap[raw] ?? '?', instrumentName: p.channelNames[raw] ?? null })),
      pixelSizeUm: p.pixelSizeUm ?? null,
      existing: existing.has(p.name),
      source: m?.source ?? null,
      batch: m?.batch ?? null,
      replicate: m?.replicate ?? null,
    };
  });
  if (!platemap) problems.push({ message: 'no platemap chosen: wells would be imported without compounds or controls', severity: 'warning' });

  const csvs = nearbyCsvs(abs);
  return {
    folder: abs,
    layout: scan.layout,
    layoutLabel: LAYOUT_LABEL[scan.layout],
    plates,
    platemap: platemap
      ? {
          file: platemap.file,
          entries: platemap.entries.length,
          plates: [...new Set(platemap.entries.map((e) => e.plate ?? '(every plate)'))].sort(),
          compounds: new Set(platemap.entries.filter((e) => e.pertType === 'trt').map((e) => e.compoundId ?? e.smiles ?? e.name)).size,
          controls: platemap.entries.filter((e) => e.pertType === 'negcon').length,
        }
      : null,
    suggestions: { platemaps: csvs.filter(isPlatemapName), plateMeta: csvs.filter(isPlateMetaName) },
    problems,
  };
}
