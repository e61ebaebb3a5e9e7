import path from 'node:path';
import { listDir } from './files.js';
import { isHtdName, readHtd, type Htd } from './htd.js';
import { finishPlate, IMAGE_EXT, type RawImage, unmatchedImages } from './plate-build.js';
import { normaliseWell } from './wells.js';
import type { ChannelName, Problem, ScannedPlate } from '../types.js';

// {prefix}_{well}[_s{site}]_w{one digit}[36-char UUID][_z{n}].tif — the channel is one digit because
// MetaXpress appends a UUID that may itself start with a digit (w52C47F0FB-… is channel 5).
// Case-sensitive on purpose: MetaXpress writes upper-case wells and lower-case s/w/z, and that is what
// stops the site token "s1" in "A01_s1_w1.tif" from being read as a well.
const IXM_FILE = /^(?:(.+)_)?([A-Z]{1,2}\d{1,3})(?:_s(\d+))?_w(\d)([0-9A-Fa-f-]{36})?(?:_z(\d+))?\.(?:tiff?|TIFF?|png|PNG)$/;
const THUMB = /_thumb/i;
/** Sub-folders MetaXpress writes inside a plate folder. */
export const IXM_SUBDIR = /^(TimePoint_\d+|ZStep_\d+|Images|MetaData)$/i;

export function isImageXpressImage(name: string): boolean {
  return !THUMB.test(name) && IXM_FILE.test(name);
}

interface IxmFile {
  file: string;
  prefix: string;
  well: string;
  site: number;
  channel: number;
  timepoint: number;
  /** null for images outside any z-stack (single plane or MetaXpress's projection). */
  z: number | null;
}

async function walk(folder: string, depth: number, into: { images: string[]; htds: string[] }): Promise<void> {
  const l = await listDir(folder);
  for (const f of l.files) {
    if (isHtdName(f)) into.htds.push(path.join(folder, f));
    else if (IMAGE_EXT.test(f) && !THUMB.test(f)) into.images.push(path.join(folder, f));
  }
  if (depth < 4) for (const d of l.dirs) if (IXM_SUBDIR.test(d)) await walk(path.join(folder, d), depth + 1, into);
}

function parse(file: string, folder: string, problems: Problem[]): IxmFile | null {
  const m = IXM_FILE.exec(path.basename(file));
  if (!m) return null;
  let well: string;
  try {
    well = normaliseWell(m[2]);
  } catch {
    problems.push({ file, message: `"${m[2]}" is not a well name; file ignored`, severity: 'warning' });
    return null;
  }
  const parts = path.relative(folder, file).split(path.sep);
  const seg = (re: RegExp) => parts.map((p) => re.exec(p)?.[1]).filter((x) => x !== undefined).map(Number).pop();
  const zDir = seg(/^ZStep_(\d+)$/i);
  const zName = m[6] !== undefined ? Number(m[6]) : undefined;
  return {
    file,
    prefix: m[1] ?? '',
    well,
    site: m[3] !== undefined ? Number(m[3]) : 1,
    channel: Number(m[4]),
    timepoint: seg(/^TimePoint_(\d+)$/i) ?? 1,
    z: zDir ?? zName ?? null,
  };
}

/** Keep the first time point and the first z (or the unstacked images); warn once about what was left out. */
function selectPlane(files: IxmFile[], where: string, problems: Problem[]): IxmFile[] {
  const tps = [...new Set(files.map((f) => f.timepoint))].sort((a, b) => a - b);
  if (tps.length > 1) {
    problems.push({ file: where, message: `${tps.length} time points found (TimePoint_${tps.join(', TimePoint_')}); only TimePoint_${tps[0]} is imported`, severity: 'warning' });
  }
  let kept = files.filter((f) => f.timepoint === tps[0]);
  const zs = [...new Set(kept.map((f) => f.z).filter((z): z is number => z !== null))].sort((a, b) => a - b);
  const flat = kept.some((f) => f.z === null);
  if (zs.length > 1 || (zs.length && flat)) {
    const what = flat ? 'the images outside the z-stack (projection)' : `z ${zs[0]}`;
    problems.push({ file: where, message: `${zs.length} z-planes found; only ${what} imported`, severity: 'warning' });
  }
  if (zs.length) kept = kept.filter((f) => (flat ? f.z === null : f.z === zs[0]));
  return kept;
}

function htdFor(prefix: string, htds: Htd[]): Htd | undefined {
  return htds.find((h) => h.plate.toLowerCase() === prefix.toLowerCase()) ?? (htds.length === 1 ? htds[0] : undefined);
}

/** One ImageXpress plate folder; several filename prefixes in it are several plates. */
export async function scanImageXpress(folder: string, opts: { channels?: Record<string, ChannelName> }, problems: Problem[]): Promise<ScannedPlate[]> {
  const found = { images: [] as string[], htds: [] as string[] };
  await walk(folder, 0, found);
  const htds = await Promise.all(found.htds.map(readHtd));
  const parsed: IxmFile[] = [];
  const unmatched: string[] = [];
  for (const f of found.images) {
    const p = parse(f, folder, problems);
    if (p) parsed.push(p);
    else if (!IXM_FILE.test(path.basename(f))) unmatched.push(f);
  }
  unmatchedImages(unmatched, 'ImageXpress ({plate}_{well}_s{site}_w{channel}.tif)', problems);
  const kept = selectPlane(parsed, folder, problems);
  const byPrefix = new Map<string, IxmFile[]>();
  for (const f of kept) {
    const list = byPrefix.get(f.prefix);
    if (list) list.push(f);
    else byPrefix.set(f.prefix, [f]);
  }
  const plates: ScannedPlate[] = [];
  for (const [prefix, files] of [...byPrefix].sort(([a], [b]) => a.localeCompare(b))) {
    const htd = htdFor(prefix, htds);
    const images: RawImage[] = files.map((f) => ({ file: f.file, well: f.well, site: f.site, raw: `w${f.channel}` }));
    const names = htd?.waveNames ?? {};
    plates.push(
      await finishPlate(
        {
          name: prefix || htd?.plate || path.basename(folder),
          folder,
          layout: 'imagexpress',
          images,
          channelNames: names,
          namesMissingWhy: htd ? `${path.basename(htd.file)} has no WaveName entries` : 'no .HTD file found in the plate folder, MetaData/ or Images/',
          rows: htd?.rows,
          cols: htd?.cols,
        },
        { explicit: opts.channels },
        problems,
      ),
    );
  }
  return plates;
}
