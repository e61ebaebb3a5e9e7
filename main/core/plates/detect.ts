import fsp from 'node:fs/promises';
import path from 'node:path';
import { isCellVoyagerImage, CV_MLF } from './cellvoyager.js';
import { folderError, listDir, pickName } from './files.js';
import { isHtdName } from './htd.js';
import { isImageXpressImage, IXM_SUBDIR } from './imagexpress.js';
import { isCsvName, loadDataColumns, readCsvHeader } from './loaddata.js';
import { isPhenixImage, PHENIX_INDEX } from './phenix.js';
import { IMAGE_EXT } from './plate-build.js';
import { InputError, LAYOUTS, type Layout, type Problem, type SkippedPlates } from '../types.js';

/** A plate folder (or, for LoadData, a CSV) of one layout. */
export interface PlateCandidate {
  layout: Layout;
  folder: string;
  csv?: string;
}

export interface Discovery {
  root: string;
  candidates: PlateCandidate[];
  problems: Problem[];
  dirs: number;
  files: number;
  strayImages: string[];
  strayCsvs: string[];
}

// Deep enough for a Cell Painting Gallery project (source/images/batch/images/plate/Images/TimePoint_1),
// shallow enough that pointing at a home directory does not walk the whole disk.
const MAX_DEPTH = 8;
const MAX_DIRS = 20_000;

export const LAYOUT_LABEL: Record<Layout, string> = {
  imagexpress: 'ImageXpress',
  phenix: 'Opera Phenix/Operetta',
  cellvoyager: 'CellVoyager',
  loaddata: 'LoadData CSV',
};

const LOOKED_FOR =
  'ImageXpress: *.HTD, TimePoint_N folders or files like PLATE_A01_s1_w1.tif; ' +
  'Opera Phenix/Operetta: Images/Index.idx.xml, Index.xml, Index.ref.xml or files like r01c01f01p01-ch1sk1fk1fl1.tiff; ' +
  'CellVoyager: MeasurementData.mlf or files like PLATE_A01_T0001F001L01A01Z01C01.tif; ' +
  'LoadData: *.csv with Metadata_Plate, Metadata_Well and FileName_/URL_ columns';

/** The plate folder an image folder belongs to: MetaXpress and Harmony nest images one or more levels down. */
function plateRoot(dir: string, layout: Layout): string {
  const strip = layout === 'imagexpress' ? IXM_SUBDIR : layout === 'phenix' ? /^Images$/i : null;
  let d = dir;
  while (strip && strip.test(path.basename(d)) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

async function classify(dir: string, files: string[], dirs: string[], d: Discovery): Promise<void> {
  const found = new Set<Layout>();
  const images = files.filter((f) => IMAGE_EXT.test(f));
  if (pickName(files, [CV_MLF]) || images.some(isCellVoyagerImage)) found.add('cellvoyager');
  if (pickName(files, PHENIX_INDEX) || images.some(isPhenixImage)) found.add('phenix');
  if (files.some(isHtdName) || images.some(isImageXpressImage) || dirs.some((s) => /^TimePoint_\d+$/i.test(s))) found.add('imagexpress');
  for (const l of found) d.candidates.push({ layout: l, folder: plateRoot(dir, l) });
  if (!found.size) d.strayImages.push(...images.slice(0, 3).map((f) => path.join(dir, f)));
  for (const f of files.filter(isCsvName)) {
    const file = path.join(dir, f);
    const header = await readCsvHeader(file);
    if (header && loadDataColumns(header)) d.candidates.push({ layout: 'loaddata', folder: dir, csv: file });
    else d.strayCsvs.push(file);
  }
}

/** Walk `root` (breadth-first, bounded, hidden folders skipped) and list every plate folder and LoadData CSV. */
export async function discover(root: string): Promise<Discovery> {
  const abs = path.resolve(root);
  const d: Discovery = { root: abs, candidates: [], problems: [], dirs: 0, files: 0, strayImages: [], strayCsvs: [] };
  const st = await fsp.stat(abs).catch((e: unknown) => {
    throw folderError(abs, e);
  });
  if (st.isFile()) {
    // A LoadData CSV may be given directly.
    if (isCsvName(abs)) await classify(path.dirname(abs), [path.basename(abs)], [], d);
    if (d.candidates.length) return d;
    throw new InputError(`${abs}: not a folder (give the plate folder, a folder of plates, or a LoadData CSV)`);
  }
  const queue: { dir: string; depth: number }[] = [{ dir: abs, depth: 0 }];
  const visited = new Set<string>();
  let tooDeep: string | undefined;
  while (queue.length) {
    const { dir, depth } = queue.shift()!;
    const real = await fsp.realpath(dir).catch(() => dir);
    if (visited.has(real)) continue;
    visited.add(real);
    let listing;
    try {
      listing = await listDir(dir);
    } catch (e) {
      if (dir === abs) throw folderError(abs, e);
      d.problems.push({ file: dir, message: `${folderError(dir, e).message}; folder skipped`, severity: 'warning' });
      continue;
    }
    d.dirs++;
    d.files += listing.files.length;
    await classify(dir, listing.files, listing.dirs, d);
    const subdirs = listing.dirs.filter((s) => !s.startsWith('.'));
    if (depth >= MAX_DEPTH) {
      if (subdirs.length) tooDeep ??= path.join(dir, subdirs[0]);
      continue;
    }
    if (visited.size + queue.length + subdirs.length > MAX_DIRS) {
      d.problems.push({ file: dir, message: `more than ${MAX_DIRS} folders under ${abs}; stopped searching here — point at a smaller folder`, severity: 'warning' });
      break;
    }
    for (const s of subdirs) queue.push({ dir: path.join(dir, s), depth: depth + 1 });
  }
  if (tooDeep) d.problems.push({ file: tooDeep, message: `folders more than ${MAX_DEPTH} levels below ${abs} were not searched`, severity: 'warning' });
  const seen = new Set<string>();
  d.candidates = d.candidates.filter((c) => {
    const k = `${c.layout}\u0000${c.csv ?? c.folder}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  return d;
}

function nothingFound(d: Discovery): InputError {
  const found: string[] = [`searched ${d.dirs} folder(s), ${d.files} file(s)`];
  if (d.strayImages.length) found.push(`images matched no layout's names (e.g. ${d.strayImages.slice(0, 3).map((f) => path.relative(d.root, f) || f).join(', ')})`);
  if (d.strayCsvs.length) found.push(`CSV files lack Metadata_Plate/Metadata_Well + FileName_/URL_ columns (${d.strayCsvs.slice(0, 3).map((f) => path.relative(d.root, f) || f).join(', ')})`);
  if (!d.strayImages.length && !d.strayCsvs.length) found.push('no image or CSV files');
  const msg = `${d.root}: no ImageXpress, Opera Phenix/Operetta, CellVoyager or LoadData CSV plate found (looked for ${LOOKED_FOR}). Found: ${found.join('; ')}.`;
  return new InputError(msg, [{ file: d.root, message: msg, severity: 'error' }]);
}

/**
 * The layout with the most plates (ties: instrument layouts before LoadData, as their metadata is richer);
 * the others become one warning each, since one import reads one layout.
 */
export function chooseLayout(d: Discovery): { layout: Layout; candidates: PlateCandidate[]; problems: Problem[]; skipped: SkippedPlates[] } {
  const by = new Map<Layout, PlateCandidate[]>();
  for (const c of d.candidates) by.set(c.layout, [...(by.get(c.layout) ?? []), c]);
  if (!by.size) throw nothingFound(d);
  const order: Layout[] = ['phenix', 'cellvoyager', 'imagexpress', 'loaddata'];
  // A LoadData CSV inside an instrument's plate folder (pe2loaddata's output next to Images/) describes
  // that plate: it is reported as not imported but never outvotes the instrument's own metadata.
  const instrumentFolders = new Set(d.candidates.filter((c) => c.layout !== 'loaddata').map((c) => c.folder));
  const votes = (l: Layout) => by.get(l)!.filter((c) => !(c.layout === 'loaddata' && instrumentFolders.has(c.folder))).length;
  const [layout] = [...by.keys()].sort((a, b) => votes(b) - votes(a) || order.indexOf(a) - order.indexOf(b));
  const problems: Problem[] = [];
  const skipped: SkippedPlates[] = [];
  for (const l of LAYOUTS) {
    const other = by.get(l);
    if (l === layout || !other) continue;
    const where = other.map((c) => c.csv ?? c.folder);
    // An instrument's own LoadData CSV describes a plate this import reads: not a plate left behind.
    const left = other.filter((c) => !(c.layout === 'loaddata' && instrumentFolders.has(c.folder))).map((c) => c.csv ?? c.folder);
    if (left.length) skipped.push({ layout: l, plates: left });
    problems.push({
      file: where[0],
      message: `also found ${other.length} ${LAYOUT_LABEL[l]} plate(s) (${where.slice(0, 3).join(', ')}${where.length > 3 ? ', …' : ''}); not imported: this import reads the ${LAYOUT_LABEL[layout]} plates — import the others separately`,
      severity: 'warning',
    });
  }
  return { layout, candidates: by.get(layout)!, problems, skipped };
}

/** The layout of the plates under `folder`; throws InputError explaining what was looked for when none is found. */
export async function detectLayout(folder: string): Promise<Layout> {
  return chooseLayout(await discover(folder)).layout;
}
