import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { readTiff16, writeTiff16 } from '../../../../main/core/demo/tiff.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-demo-tiff-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writeTiff16', () => {
  it('writes a single-page 16-bit greyscale TIFF whose values survive a read-back', async () => {
    const w = 37;
    const h = 23;
    const px = new Uint16Array(w * h);
    for (let i = 0; i < px.length; i++) px[i] = (i * 2654435761) % 65536;
    px[0] = 0;
    px[1] = 65535;
    px[2] = 4095;
    const f = path.join(dir, 'a.tif');
    await writeTiff16(f, px, w, h);
    const meta = await sharp(f).metadata();
    expect([meta.format, meta.depth, meta.channels, meta.width, meta.height, meta.pages ?? 1]).toEqual(['tiff', 'ushort', 1, w, h, 1]);
    const back = await readTiff16(f);
    expect(back.pixels).toEqual(px);
    // Uncompressed: header + pixels, no codec.
    expect(fs.statSync(f).size).toBeGreaterThanOrEqual(w * h * 2);
  });
});
