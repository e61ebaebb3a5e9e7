import path from 'node:path';
import { type Fixture, type FixtureImage, type FixtureOptions, pad, plateGeometry, resolveOptions, writeImage, writeImages, writeText } from './common.js';

export interface ImageXpressOptions extends FixtureOptions {
  /** Plate folder name under `dir` (default the plate name). */
  folderName?: string;
  /** File name prefix (default the plate name); null writes bare `A01_s1_w1.tif`. */
  prefix?: string | null;
  /** Append a MetaXpress UUID after the channel digit; these UUIDs start with a digit (w1 + 2C47F0FB-…). */
  uuid?: boolean;
  /** Where the .HTD goes: `<plate>.HTD` (root, default), `<plate>_meta.HTD` (meta), `MetaData/<plate>.HTD`, none, or an HTD without WaveName lines. */
  htd?: 'root' | 'meta' | 'MetaData' | 'none' | 'noWaveNames';
  /** Put images in TimePoint_1/ (default true, as MetaXpress does). */
  timePointFolder?: boolean;
  /** Also write TimePoint_2…n (only TimePoint_1 is to be imported). */
  timepoints?: number;
  /** z-planes per site (default 1); with `zStyle` 'folders' (ZStep_n/, default) or 'names' (`_z<n>`). Only z 1 is to be imported. */
  zSteps?: number;
  zStyle?: 'folders' | 'names';
  /** Names without `_s<site>` (single-site export); forces sites = 1. */
  singleSite?: boolean;
  /** Put the TimePoint/image files under an extra Images/ folder (JUMP source_8). */
  imagesFolder?: boolean;
  /** `.TIF` instead of `.tif`. */
  upperCaseExt?: boolean;
  /** Also write MetaXpress `_thumb` files and a stray `notes.tif` (both to be ignored; the stray one with a warning). */
  clutter?: boolean;
}

let uuidCounter = 0;
/** 36-char UUID whose first character is a digit, like MetaXpress writes (2C47F0FB-BD5E-…). */
function uuid(): string {
  const n = ++uuidCounter;
  const hex = (n * 2654435761).toString(16).toUpperCase().padStart(8, '0').slice(-7);
  return `${n % 10}${hex}-BD5E-465A-8A92-${pad(n, 12)}`;
}

function htdText(plate: string, names: string[] | null, sites: number, wells: string[], timepoints: number, zSteps: number): string {
  const g = plateGeometry(wells);
  const lines = [
    '"HTSInfoFile", Version 1.0',
    '"Description", "Cell Painting"',
    `"PlateType", ${g.rows === 16 ? 1 : 6}`,
    `"TimePoints", ${timepoints}`,
    `"ZSeries", ${zSteps > 1 ? 'TRUE' : 'FALSE'}`,
    `"ZSteps", ${zSteps}`,
    '"ZProjection", FALSE',
    `"XWells", ${g.cols}`,
    `"YWells", ${g.rows}`,
    ...Array.from({ length: g.rows }, (_, r) => `"WellsSelection${r + 1}", ${Array.from({ length: g.cols }, () => 'TRUE').join(', ')}`),
    '"Sites", TRUE',
    `"XSites", ${sites}`,
    '"YSites", 1',
    `"SiteSelection1", ${Array.from({ length: sites }, () => 'TRUE').join(', ')}`,
    '"Waves", TRUE',
    `"NWavelengths", ${names?.length ?? 5}`,
    ...(names ?? []).flatMap((n, i) => [`"WaveName${i + 1}", "${n}"`, `"WaveCollect${i + 1}", 1`]),
    `"UniquePlateIdentifier", "${plate}"`,
    '"EndFile"',
  ];
  return lines.join('\r\n') + '\r\n';
}

/** A MetaXpress plate folder `dir/<folderName>` with TimePoint_1/, an .HTD and `{plate}_{well}_s{site}_w{n}.tif` files. */
export async function writeImageXpressFixture(dir: string, opts: ImageXpressOptions = {}): Promise<Fixture> {
  const r = resolveOptions(opts, 'IXM-P1');
  const sites = opts.singleSite ? 1 : r.sites;
  const plateFolder = path.join(dir, opts.folderName ?? r.plate);
  const prefix = opts.prefix === undefined ? r.plate : opts.prefix;
  const ext = opts.upperCaseExt ? '.TIF' : '.tif';
  const zSteps = opts.zSteps ?? 1;
  const zStyle = opts.zStyle ?? 'folders';
  const imageRoot = path.join(plateFolder, ...(opts.imagesFolder ? ['Images'] : []));
  const name = (well: string, site: number, ch: number, z: number) =>
    `${prefix === null ? '' : `${prefix}_`}${well}${opts.singleSite ? '' : `_s${site}`}_w${ch}${opts.uuid ? uuid() : ''}${zSteps > 1 && zStyle === 'names' ? `_z${z}` : ''}${ext}`;
  const where = (t: number, z: number) =>
    path.join(imageRoot, ...(opts.timePointFolder === false ? [] : [`TimePoint_${t}`]), ...(zSteps > 1 && zStyle === 'folders' ? [`ZStep_${z}`] : []));

  const images: FixtureImage[] = [];
  const ignored: string[] = [];
  const later: { file: string; ch: number }[] = [];
  for (const well of r.wells) {
    for (let site = 1; site <= sites; site++) {
      r.channels.forEach((channel, i) => {
        images.push({ file: path.join(where(1, 1), name(well, site, i + 1, 1)), well, site, channel, channelNumber: i + 1 });
        for (let t = 1; t <= (opts.timepoints ?? 1); t++) {
          for (let z = 1; z <= zSteps; z++) if (t > 1 || z > 1) later.push({ file: path.join(where(t, z), name(well, site, i + 1, z)), ch: i });
        }
      });
    }
  }
  const { missing, corrupt } = await writeImages(images, r, opts);
  for (const l of later) {
    await writeImage(l.file, r.channels[l.ch], r.size, r.bitDepth);
    ignored.push(l.file);
  }
  if (opts.clutter) {
    const first = images[images.length - 1];
    const thumb = path.join(path.dirname(first.file), path.basename(first.file).replace(/(_w\d).*$/, `$1_thumb${ext}`));
    await writeImage(thumb, first.channel, 16, r.bitDepth);
    ignored.push(thumb, await writeText(path.join(where(1, 1), 'notes.tif'), 'not an image'));
  }
  const metadata: string[] = [];
  const htd = opts.htd ?? 'root';
  if (htd !== 'none') {
    const file = htd === 'meta' ? `${r.plate}_meta.HTD` : htd === 'MetaData' ? path.join('MetaData', `${r.plate}.HTD`) : `${r.plate}.HTD`;
    const text = htdText(r.plate, htd === 'noWaveNames' ? null : r.channelNames, sites, r.wells, opts.timepoints ?? 1, zSteps);
    metadata.push(await writeText(path.join(plateFolder, file), text));
  }
  return { layout: 'imagexpress', plateFolder, plate: r.plate, wells: r.wells, sites, channelOrder: r.channelOrder, channelNames: r.channelNames, images, missing, corrupt, ignored, metadata };
}
