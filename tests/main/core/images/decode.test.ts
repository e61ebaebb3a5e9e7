import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeGrey16 } from '../../../../main/core/images/decode.js';
import { readUncompressedTiff } from '../../../../main/core/images/tiff-raw.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-decode-');
const W = 37;
const H = 23;
const px16 = Uint16Array.from({ length: W * H }, (_, i) => (i * 7919) % 65536);
const px8 = Uint8Array.from({ length: W * H }, (_, i) => (i * 31) % 256);

async function viaSharp(file: string): Promise<number[]> {
  const b = await sharp(file).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer();
  return Array.from(new Uint16Array(b.buffer, b.byteOffset, b.length / 2));
}

describe('decodeGrey16', () => {
  it('reads uncompressed 16-bit TIFFs on the fast path, identical to libvips', async () => {
    const f = path.join(dir, 'u16.tif');
    await sharp(px16, { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'none' }).toFile(f);
    expect(readUncompressedTiff(fs.readFileSync(f))).not.toBeNull();
    const d = await decodeGrey16(f);
    expect([d.width, d.height, d.storedBits]).toEqual([W, H, 16]);
    expect(Array.from(d.data)).toEqual(Array.from(px16));
    expect(Array.from(d.data)).toEqual(await viaSharp(f));
  });

  it('reads multi-strip TIFFs', async () => {
    const f = path.join(dir, 'strips.tif');
    // libvips writes one strip per row band; force small strips by writing a taller image.
    const tall = Uint16Array.from({ length: 64 * 300 }, (_, i) => i % 60000);
    await sharp(tall, { raw: { width: 64, height: 300, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'none' }).toFile(f);
    const d = await decodeGrey16(f);
    expect(Array.from(d.data)).toEqual(Array.from(tall));
  });

  it('keeps 8-bit values as recorded (not scaled to 16-bit)', async () => {
    const f = path.join(dir, 'u8.tif');
    await sharp(px8, { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').tiff({ compression: 'none' }).toFile(f);
    const d = await decodeGrey16(f);
    expect(d.storedBits).toBe(8);
    expect(Array.from(d.data)).toEqual(Array.from(px8));
  });

  it('falls back to libvips for compressed TIFFs and PNGs with the same result', async () => {
    for (const [name, write] of [
      ['lzw.tif', (s: Sharp) => s.tiff({ compression: 'lzw' })],
      ['deflate.tif', (s: Sharp) => s.tiff({ compression: 'deflate' })],
      ['img.png', (s: Sharp) => s.png()],
    ] as const) {
      const f = path.join(dir, name);
      await write(sharp(px16, { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16')).toFile(f);
      if (name.endsWith('.tif')) expect(readUncompressedTiff(fs.readFileSync(f))).toBeNull();
      const d = await decodeGrey16(f);
      expect(d.storedBits).toBe(16);
      expect(Array.from(d.data)).toEqual(Array.from(px16));
    }
  });

  it('names the file for truncated, corrupt and missing files', async () => {
    const good = path.join(dir, 'good.tif');
    await sharp(px16, { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'none' }).toFile(good);
    const cut = path.join(dir, 'cut.tif');
    fs.writeFileSync(cut, fs.readFileSync(good).subarray(0, 900));
    await expect(decodeGrey16(cut)).rejects.toThrow(new RegExp(`${cut}: (cannot be decoded|not a readable image)`));
    const junk = path.join(dir, 'junk.tif');
    fs.writeFileSync(junk, Buffer.from('definitely not a tiff'));
    await expect(decodeGrey16(junk)).rejects.toThrow(new RegExp(`${junk}: not a readable image`));
    await expect(decodeGrey16(path.join(dir, 'gone.tif'))).rejects.toThrow(/gone\.tif: cannot be read \(ENOENT\)/);
  });

  it('refuses RGB images with a clear message', async () => {
    const f = path.join(dir, 'rgb.tif');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } }).tiff().toFile(f);
    await expect(decodeGrey16(f)).rejects.toThrow(/has 3 colour channels; expected one greyscale channel per file/);
  });
});
