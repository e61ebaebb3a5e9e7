import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { CHANNELS, type ChannelName, type Layout } from '../../../main/core/types.js';

/** Stain names as instruments' metadata spell them, per Cell Painting channel. */
export const STAIN: Record<ChannelName, string> = {
  DNA: 'Hoechst 33342',
  ER: 'Concanavalin A',
  RNA: 'SYTO 14',
  AGP: 'Phalloidin',
  Mito: 'MitoTracker Deep Red',
};

export type FixtureChannel = ChannelName | 'Brightfield';

/** Options every vendor fixture takes. */
export interface FixtureOptions {
  /** Plate barcode (default differs per vendor, e.g. "BR00116991"). */
  plate?: string;
  /** Canonical well names (default A01, B02, C03). */
  wells?: string[];
  /** Sites (fields) per well, 1-based (default 2). */
  sites?: number;
  /** Instrument channel i+1 holds channelOrder[i] (default DNA, ER, RNA, AGP, Mito). */
  channelOrder?: ChannelName[];
  /** Names the metadata gives channels 1..n (default the stain name of channelOrder[i], see STAIN). */
  channelNames?: string[];
  /** Add one more channel after the five, named "Brightfield" (to be ignored by the scanner). */
  brightfield?: boolean;
  /** Image width = height in pixels (default 64). */
  size?: number;
  /** 16 (default) or 12: 12-bit camera data in 16-bit files, never above 4095. */
  bitDepth?: 12 | 16;
  /** The first N images (in well, site, channel order) are listed in the metadata but not written. */
  missing?: number;
  /** The N images after those are written as garbage bytes under the right name. */
  corrupt?: number;
}

export interface FixtureImage {
  file: string;
  well: string;
  site: number;
  channel: FixtureChannel;
  /** 1-based instrument channel number. */
  channelNumber: number;
  /** CSV line (header = line 1), LoadData only. */
  row?: number;
}

export interface Fixture {
  layout: Layout;
  /** The plate folder written (for LoadData: the folder holding the CSV). */
  plateFolder: string;
  plate: string;
  wells: string[];
  sites: number;
  channelOrder: ChannelName[];
  /** Names written into the metadata, per instrument channel (index 0 = channel 1). */
  channelNames: string[];
  /** Every image of the imported plane/time point the metadata or names announce, incl. missing/corrupt ones. */
  images: FixtureImage[];
  /** Images announced but not on disk. */
  missing: string[];
  /** Images on disk that are not decodable. */
  corrupt: string[];
  /** Files written that a scanner must skip (other time points / z-planes, thumbnails, stray names). */
  ignored: string[];
  /** Metadata files written (HTD, index, mlf/mrf/mes, CSV). */
  metadata: string[];
}

/** Constant level of a fixture channel; every image of it is this plus a gradient of at most 2·(size−1). */
export function pixelBase(channel: FixtureChannel, bitDepth: 12 | 16 = 16): number {
  const k = channel === 'Brightfield' ? 6 : CHANNELS.indexOf(channel) + 1;
  return bitDepth === 12 ? 550 * k : 1000 * k;
}

/** Mean pixel value of a fixture image, to check a channel was mapped right by reading pixels. */
export function expectedMean(channel: FixtureChannel, size = 64, bitDepth: 12 | 16 = 16): number {
  return pixelBase(channel, bitDepth) + (size - 1);
}

export function fixturePixels(channel: FixtureChannel, size = 64, bitDepth: 12 | 16 = 16): Uint16Array {
  const base = pixelBase(channel, bitDepth);
  const px = new Uint16Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) px[y * size + x] = base + x + y;
  return px;
}

/** A 16-bit greyscale TIFF (or PNG by extension). grey16 matters: without it sharp writes 8-bit RGB. */
export async function writeImage(file: string, channel: FixtureChannel, size = 64, bitDepth: 12 | 16 = 16): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const img = sharp(fixturePixels(channel, size, bitDepth), { raw: { width: size, height: size, channels: 1 } }).toColourspace('grey16');
  await (/\.png$/i.test(file) ? img.png() : img.tiff({ compression: 'none' })).toFile(file);
}

export async function writeText(file: string, text: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  return file;
}

export interface Resolved {
  plate: string;
  wells: string[];
  sites: number;
  size: number;
  bitDepth: 12 | 16;
  channelOrder: ChannelName[];
  /** Channels in instrument order, Brightfield last when asked for. */
  channels: FixtureChannel[];
  channelNames: string[];
}

export function resolveOptions(o: FixtureOptions, defaultPlate: string): Resolved {
  const channelOrder = o.channelOrder ?? [...CHANNELS];
  const channels: FixtureChannel[] = [...channelOrder, ...(o.brightfield ? (['Brightfield'] as const) : [])];
  return {
    plate: o.plate ?? defaultPlate,
    wells: o.wells ?? ['A01', 'B02', 'C03'],
    sites: o.sites ?? 2,
    size: o.size ?? 64,
    bitDepth: o.bitDepth ?? 16,
    channelOrder,
    channels,
    channelNames: channels.map((c, i) => o.channelNames?.[i] ?? (c === 'Brightfield' ? 'Brightfield' : STAIN[c])),
  };
}

/** Write the images of the imported plane, honouring `missing` and `corrupt`; returns the lists for Fixture. */
export async function writeImages(images: FixtureImage[], r: Resolved, o: FixtureOptions): Promise<{ missing: string[]; corrupt: string[] }> {
  const nMissing = o.missing ?? 0;
  const nCorrupt = o.corrupt ?? 0;
  const missing: string[] = [];
  const corrupt: string[] = [];
  for (const [i, img] of images.entries()) {
    if (i < nMissing) {
      missing.push(img.file);
    } else if (i < nMissing + nCorrupt) {
      corrupt.push(await writeText(img.file, 'II*\0 this is not really a TIFF'));
    } else {
      await writeImage(img.file, img.channel, r.size, r.bitDepth);
    }
  }
  return { missing, corrupt };
}

/** Row/column (1-based) of a canonical well name, A01 -> 1,1; AF48 -> 32,48. */
export function wellRowCol(well: string): { row: number; col: number } {
  const m = /^([A-Z]{1,2})(\d+)$/.exec(well)!;
  const L = m[1];
  const row = L.length === 1 ? L.charCodeAt(0) - 64 : 26 + (L.charCodeAt(1) - 64) + 26 * (L.charCodeAt(0) - 65);
  return { row, col: Number(m[2]) };
}

export const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Plate geometry written into metadata: 384 wells (Cell Painting's usual), 1536 when a well needs it. */
export function plateGeometry(wells: string[]): { rows: number; cols: number } {
  const rc = wells.map(wellRowCol);
  const maxR = Math.max(...rc.map((x) => x.row));
  const maxC = Math.max(...rc.map((x) => x.col));
  if (maxR <= 16 && maxC <= 24) return { rows: 16, cols: 24 };
  return { rows: 32, cols: 48 };
}
