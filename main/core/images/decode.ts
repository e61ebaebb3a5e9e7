import fs from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { readUncompressedTiff } from './tiff-raw.js';

// libvips' operation cache only helps when the same file is decoded twice; ingest never does that.
sharp.cache(false);

export interface DecodedImage {
  data: Uint16Array;
  width: number;
  height: number;
  /** Bits per sample as stored in the file (8 or 16); 12/14-bit data arrives as 16. */
  storedBits: number;
}

export class ImageDecodeError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ImageDecodeError';
  }
}

/** Decode a single-channel microscope image to 16-bit greyscale, keeping its stored bit depth. */
export async function decodeGrey16(file: string): Promise<DecodedImage> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch (e) {
    throw new ImageDecodeError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const raw = /\.tiff?$/i.test(file) ? readUncompressedTiff(buf) : null;
  if (raw) return { data: raw.data, width: raw.width, height: raw.height, storedBits: raw.bits };
  let meta: Metadata;
  try {
    meta = await sharp(buf).metadata();
  } catch (e) {
    throw new ImageDecodeError(file, `not a readable image (${(e as Error).message.split('\n')[0]})`);
  }
  const storedBits = meta.depth === 'uchar' || meta.depth === 'char' ? 8 : meta.depth === 'ushort' || meta.depth === 'short' ? 16 : 0;
  if (!storedBits) throw new ImageDecodeError(file, `unsupported pixel type "${meta.depth}" (expected 8- or 16-bit integer)`);
  if ((meta.channels ?? 1) > 2) throw new ImageDecodeError(file, `has ${meta.channels} colour channels; expected one greyscale channel per file`);
  try {
    const { data, info } = await sharp(buf).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    const u16 = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
    if (storedBits === 8) {
      // libvips scales 8-bit to 16-bit (x257); undo so values stay the ones the camera recorded.
      for (let i = 0; i < u16.length; i++) u16[i] = Math.round(u16[i] / 257);
    }
    return { data: u16, width: info.width, height: info.height, storedBits };
  } catch (e) {
    throw new ImageDecodeError(file, `cannot be decoded, file truncated or corrupt (${(e as Error).message.split('\n')[0]})`);
  }
}
