import { channelAssignments, describeAssignments } from './channels.js';
import { CHANNELS, type ChannelName, type ImageRecord, InputError, type Layout, type Problem, type ScannedPlate } from '../types.js';

/** One image as a scanner read it, before channels are mapped. */
export interface RawImage {
  file: string;
  well: string;
  site: number;
  /** Instrument channel id: w2, ch3, C04, OrigER. */
  raw: string;
  /** Line in a CSV, for problems. */
  row?: number;
}

export interface PlateDraft {
  name: string;
  folder: string;
  layout: Layout;
  images: RawImage[];
  channelNames: Record<string, string>;
  /** Why names may be missing, in words ("no .HTD file next to the images"); used when mapping fails. */
  namesMissingWhy?: string;
  /** How errors name the plate (default: "<folder> (plate <name>)"). */
  label?: string;
  /** Channel ids the metadata declares (default: those seen in images). */
  rawIds?: string[];
  pixelSizeUm?: number;
  rows?: number;
  cols?: number;
}

export interface FinishOptions {
  explicit?: Record<string, ChannelName>;
  /** Where a referenced file really is (another extension, other case), or null when it is missing. */
  resolve?: (file: string) => Promise<string | null>;
}

/** Raw ids in the instrument's numeric order (w2 before w10), then by name. */
function sortRawIds(ids: Iterable<string>): string[] {
  const num = (s: string) => Number(/\d+/.exec(s)?.[0] ?? NaN);
  return [...new Set(ids)].sort((a, b) => num(a) - num(b) || a.localeCompare(b));
}

function example(rawIds: string[]): string {
  const keys = rawIds.map((id) => id.replace(/^\D+/, '').replace(/^0+(?=\d)/, '') || id);
  return keys.slice(0, CHANNELS.length).map((k, i) => `${k}=${CHANNELS[i]}`).join(',');
}

/**
 * Map channels by name (or --channels), drop images of channels outside Cell Painting (brightfield)
 * with one warning each, check referenced files exist, and return the finished plate.
 * Throws InputError naming the plate folder when the five channels cannot be told apart.
 */
export async function finishPlate(d: PlateDraft, o: FinishOptions, problems: Problem[]): Promise<ScannedPlate> {
  const rawIds = sortRawIds(d.rawIds ?? d.images.map((i) => i.raw));
  const where = d.label ?? `${d.folder} (plate ${d.name})`;
  const hasNames = Object.keys(d.channelNames).length > 0;
  if (!hasNames && !o.explicit) {
    const msg =
      `${where}: the instrument's channel names are unknown (${d.namesMissingWhy ?? 'no channel names in the metadata'}), ` +
      `so channels ${rawIds.join(', ')} cannot be mapped by name. Pass --channels with the stain each channel number holds, ` +
      `e.g. --channels "${example(rawIds)}".`;
    throw new InputError(msg, [{ file: d.folder, message: msg, severity: 'error' }]);
  }
  let map: Record<string, ChannelName>;
  let mapping: string;
  try {
    const r = channelAssignments(rawIds, d.channelNames, o.explicit, where);
    map = r.map;
    mapping = describeAssignments(r.assignments);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(e.message, [{ file: d.folder, message: e.message, severity: 'error' }]);
  }
  const counts = new Map<string, number>();
  const images: ImageRecord[] = [];
  for (const img of d.images) {
    const channel = map[img.raw];
    if (!channel) {
      counts.set(img.raw, (counts.get(img.raw) ?? 0) + 1);
      continue;
    }
    const file = o.resolve ? await o.resolve(img.file) : img.file;
    if (!file) {
      const at = img.row !== undefined ? ` (line ${img.row})` : '';
      problems.push({
        file: img.file,
        well: img.well,
        ...(img.row !== undefined ? { row: img.row } : {}),
        message: `plate ${d.name} well ${img.well} site ${img.site} ${channel}${at}: file listed in the metadata is missing`,
        severity: 'warning',
      });
      continue;
    }
    images.push({ file, plate: d.name, well: img.well, site: img.site, channel, channelRaw: img.raw });
  }
  for (const [raw, n] of counts) {
    const nm = d.channelNames[raw] ? ` ("${d.channelNames[raw]}")` : '';
    problems.push({ file: d.folder, message: `plate ${d.name}: channel ${raw}${nm} is not one of the Cell Painting channels; its ${n} image(s) are ignored`, severity: 'warning' });
  }
  const order = new Map(CHANNELS.map((c, i) => [c, i]));
  images.sort((a, b) => (a.well === b.well ? a.site - b.site || order.get(a.channel)! - order.get(b.channel)! : a.well < b.well ? -1 : 1));
  return {
    name: d.name,
    folder: d.folder,
    layout: d.layout,
    ...(d.pixelSizeUm !== undefined ? { pixelSizeUm: d.pixelSizeUm } : {}),
    channelNames: d.channelNames,
    channelMap: map,
    channelMapping: mapping,
    ...(d.rows && d.cols ? { rows: d.rows, cols: d.cols } : {}),
    images,
  };
}

const MAX_FILE_WARNINGS = 20;

/** One warning per file that looks like an image but not like this layout's names, capped so a stray folder cannot flood the report. */
export function unmatchedImages(files: string[], layoutWhat: string, problems: Problem[]): void {
  for (const f of files.slice(0, MAX_FILE_WARNINGS)) {
    problems.push({ file: f, message: `file name does not match the ${layoutWhat} pattern; ignored`, severity: 'warning' });
  }
  if (files.length > MAX_FILE_WARNINGS) {
    problems.push({ file: files[MAX_FILE_WARNINGS], message: `${files.length - MAX_FILE_WARNINGS} more image files do not match the ${layoutWhat} pattern; ignored`, severity: 'warning' });
  }
}

export const IMAGE_EXT = /\.(tiff?|png)$/i;
