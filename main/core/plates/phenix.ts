import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DirIndex, listDir, pickName, readText } from './files.js';
import { finishPlate, IMAGE_EXT, type PlateDraft, type RawImage, unmatchedImages } from './plate-build.js';
import { tryWellFromRowCol, wellFromRowCol } from './wells.js';
import { attr, child, children, int, parseXml, text, type XmlNode } from './xml.js';
import { InputError, type ChannelName, type Problem, type ScannedPlate } from '../types.js';

// r01c01f01p01-ch1sk1fk1fl1.tiff; the field has 2 or 3 digits depending on the Harmony version.
const PHENIX_FILE = /^r(\d{2,3})c(\d{2,3})f(\d{2,3})p(\d{2,3})-ch(\d+)sk(\d+)fk\d+fl\d+\.tiff?$/i;
export const PHENIX_INDEX = ['Index.idx.xml', 'Index.xml', 'Index.ref.xml'];

export function isPhenixImage(name: string): boolean {
  return PHENIX_FILE.test(name);
}

interface Entry {
  file: string;
  row: number;
  col: number;
  field: number;
  plane: number;
  timepoint: number;
  channel: string;
}

function metresToUm(value: string | undefined, unit: string | undefined): number | undefined {
  const v = Number(value);
  if (!value || !Number.isFinite(v) || v <= 0) return undefined;
  const um = unit === 'm' || (!unit && v < 1e-3) ? v * 1e6 : v;
  return Number(um.toPrecision(6));
}

/** The file an index URL names, or null when it is not a usable URL (file://host/… off Windows, http:// with no path). */
function imageUrl(url: string, dir: string): string | null {
  try {
    if (/^file:\/\//i.test(url)) return fileURLToPath(url);
    // Harmony servers write http URLs; the exported files sit next to the index under the same name.
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return path.join(dir, path.basename(new URL(url).pathname));
  } catch {
    return null;
  }
  return path.isAbsolute(url) ? url : path.join(dir, url);
}

/** Harmony's EvaluationInputData (V5/V6/V7 alike once namespaces are dropped). */
function readIndex(xml: XmlNode, indexFile: string, problems: Problem[]) {
  const root = (xml.EvaluationInputData ?? Object.values(xml).find((v) => typeof v === 'object' && v !== null && child(v, 'Images'))) as XmlNode | undefined;
  if (!root) throw new InputError(`${indexFile}: not a Harmony index (no EvaluationInputData/Images element)`);
  const plate = children(child(root, 'Plates'), 'Plate')[0];
  const names: Record<string, string> = {};
  let pixelSizeUm: number | undefined;
  for (const map of children(child(root, 'Maps'), 'Map')) {
    for (const e of children(map, 'Entry')) {
      const id = attr(e, 'ChannelID');
      if (!id) continue;
      const name = text(e, 'ChannelName');
      if (name && !names[`ch${id}`]) names[`ch${id}`] = name;
      pixelSizeUm ??= metresToUm(text(e, 'ImageResolutionX'), attr(child(e, 'ImageResolutionX'), 'Unit'));
    }
  }
  const dir = path.dirname(indexFile);
  const entries: Entry[] = [];
  for (const img of children(child(root, 'Images'), 'Image')) {
    const url = text(img, 'URL');
    const [row, col, field, ch] = ['Row', 'Col', 'FieldID', 'ChannelID'].map((k) => int(text(img, k)));
    if (!url || row === undefined || col === undefined || field === undefined || ch === undefined) {
      problems.push({ file: indexFile, message: `image entry ${text(img, 'id') ?? url ?? '?'} lacks URL/Row/Col/FieldID/ChannelID; skipped`, severity: 'warning' });
      continue;
    }
    if (!tryWellFromRowCol(row - 1, col - 1)) {
      problems.push({ file: indexFile, message: `image entry ${text(img, 'id') ?? url}: Row ${row}, Col ${col} is not a well position; skipped`, severity: 'warning' });
      continue;
    }
    const file = imageUrl(url, dir);
    if (!file) {
      problems.push({ file: indexFile, message: `image entry ${text(img, 'id') ?? url}: URL "${url}" names no file; skipped`, severity: 'warning' });
      continue;
    }
    const state = text(img, 'State');
    if (state && state.toLowerCase() !== 'ok') {
      problems.push({ file, message: `Harmony marks this image "${state}"; skipped`, severity: 'warning' });
      continue;
    }
    // Harmony V5 writes the resolution on each image rather than in the channel maps.
    pixelSizeUm ??= metresToUm(text(img, 'ImageResolutionX'), attr(child(img, 'ImageResolutionX'), 'Unit'));
    const chName = text(img, 'ChannelName');
    if (chName && !names[`ch${ch}`]) names[`ch${ch}`] = chName;
    entries.push({ file, row, col, field, plane: int(text(img, 'PlaneID')) ?? 1, timepoint: int(text(img, 'TimepointID')) ?? 0, channel: `ch${ch}` });
  }
  return { plateId: text(plate, 'PlateID'), rows: int(text(plate, 'PlateRows')), cols: int(text(plate, 'PlateColumns')), names, pixelSizeUm, entries };
}

function fromFileNames(dir: string, files: string[], problems: Problem[]): Entry[] {
  const entries: Entry[] = [];
  const unmatched: string[] = [];
  for (const f of files) {
    const m = PHENIX_FILE.exec(f);
    if (!m) {
      if (IMAGE_EXT.test(f)) unmatched.push(path.join(dir, f));
      continue;
    }
    const [row, col, field, plane, ch, sk] = m.slice(1, 7).map(Number);
    if (!tryWellFromRowCol(row - 1, col - 1)) {
      problems.push({ file: path.join(dir, f), message: `row ${row}, column ${col} is not a well position (they start at r01c01); file ignored`, severity: 'warning' });
      continue;
    }
    entries.push({ file: path.join(dir, f), row, col, field, plane, timepoint: sk, channel: `ch${ch}` });
  }
  unmatchedImages(unmatched, 'Harmony (r01c01f01p01-ch1sk1fk1fl1.tiff)', problems);
  return entries;
}

/** First plane and first time point only; one warning for each that had more. */
function firstPlane(entries: Entry[], where: string, problems: Problem[]): Entry[] {
  const pick = (k: 'plane' | 'timepoint', label: string) => {
    const vals = [...new Set(entries.map((e) => e[k]))].sort((a, b) => a - b);
    if (vals.length > 1) problems.push({ file: where, message: `${vals.length} ${label}s found; only the first (${k === 'plane' ? 'PlaneID' : 'TimepointID'} ${vals[0]}) is imported`, severity: 'warning' });
    entries = entries.filter((e) => e[k] === vals[0]);
  };
  pick('timepoint', 'time point');
  pick('plane', 'z-plane');
  return entries;
}

/** One Harmony measurement folder (the folder holding Images/, or Images/ itself when exported flat). */
export async function scanPhenix(folder: string, opts: { channels?: Record<string, ChannelName> }, problems: Problem[]): Promise<ScannedPlate[]> {
  const top = await listDir(folder);
  const imagesName = top.dirs.find((d) => d.toLowerCase() === 'images');
  const imageDir = imagesName ? path.join(folder, imagesName) : folder;
  const inner = imagesName ? await listDir(imageDir) : top;
  const idxName = pickName(inner.files, PHENIX_INDEX);
  const topIdx = pickName(top.files, PHENIX_INDEX);
  const indexFile = idxName ? path.join(imageDir, idxName) : topIdx ? path.join(folder, topIdx) : undefined;
  const draft: PlateDraft = { name: path.basename(folder).split('__')[0], folder, layout: 'phenix', images: [], channelNames: {} };
  let entries: Entry[];
  if (indexFile) {
    let xml: XmlNode;
    try {
      xml = parseXml(await readText(indexFile));
    } catch (e) {
      throw new InputError(`${indexFile}: cannot read the Harmony index (${(e as Error).message})`);
    }
    const idx = readIndex(xml, indexFile, problems);
    entries = idx.entries;
    Object.assign(draft, { channelNames: idx.names, pixelSizeUm: idx.pixelSizeUm, rows: idx.rows, cols: idx.cols });
    if (idx.plateId) draft.name = idx.plateId;
  } else {
    entries = fromFileNames(imageDir, inner.files, problems);
    draft.namesMissingWhy = `no ${PHENIX_INDEX.join(' / ')} found in ${imageDir}`;
  }
  if (!entries.length) return [];
  draft.images = firstPlane(entries, indexFile ?? folder, problems).map(
    (e): RawImage => ({ file: e.file, well: wellFromRowCol(e.row - 1, e.col - 1), site: e.field, raw: e.channel }),
  );
  const dirIndex = new DirIndex();
  const resolve = async (f: string) => (await dirIndex.find(f)) ?? (await dirIndex.find(path.join(imageDir, path.basename(f))));
  return [await finishPlate(draft, { explicit: opts.channels, resolve }, problems)];
}
