import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../../../main/core/db/open.js';
import { autoLimits } from '../../../../main/core/images/contrast.js';
import { PlaneCache } from '../../../../main/core/images/plane-cache.js';
import { maxLevel, parseTilePath, tilePath, TileAddressError, type ChannelSetting } from '../../../../main/core/images/tile-url.js';
import { TileRenderer, tileRegion } from '../../../../main/core/images/tiles.js';
import { wellSites } from '../../../../main/core/plates/well-sites.js';
import { InputError } from '../../../../main/core/types.js';
import { makeTileProject, pixels, TILE_H, TILE_W } from '../../../helpers/tile-project.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-tiles-');
let db: DB;
let siteId: number;
let wellId: number;

beforeAll(async () => {
  ({ db, siteId, wellId } = await makeTileProject(dir));
});
afterAll(() => db?.close());

async function decode(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (const v of data) sum += v;
  return { info, mean: sum / data.length, data };
}

const dna = (min: number, max: number, color: [number, number, number] = [255, 255, 255]): ChannelSetting => ({ channel: 'DNA', color, min, max });

describe('tile addresses', () => {
  it('round-trip through the URL form and refuse anything malformed', () => {
    const a = { siteId: 7, level: 9, x: 1, y: 0, channels: [dna(10, 2000, [0, 0, 255]), { channel: 'Mito' as const, color: [255, 0, 255] as [number, number, number], min: 0, max: 65535 }] };
    expect(parseTilePath(tilePath(a))).toEqual(a);
    for (const bad of [
      '/site/1/0/0_0.png',
      '/site/1/0/0_0.jpg?c=',
      '/site/../../etc/passwd?c=',
      '/site/1/0/0_0.png?c=DNA:zzzzzz:0:10',
      '/site/1/0/0_0.png?c=DNA:ffffff:10:10',
      '/site/1/0/0_0.png?c=DNA:ffffff:0:70000',
      '/site/1/0/0_0.png?c=Foo:ffffff:0:10',
      '/site/1/0/0_0.png?c=DNA:ffffff:0:10,DNA:ffffff:0:10',
    ])
      expect(() => parseTilePath(bad), bad).toThrow(TileAddressError);
  });

  it('follow Deep Zoom level geometry (level max = full size, each level halves)', () => {
    expect(maxLevel(TILE_W, TILE_H)).toBe(10);
    const full = tileRegion(TILE_W, TILE_H, 10, 2, 1);
    expect(full).toMatchObject({ scale: 1, x0: 512, y0: 256, outW: TILE_W - 512, outH: TILE_H - 256 });
    const top = tileRegion(TILE_W, TILE_H, 0, 0, 0);
    expect([top.outW, top.outH]).toEqual([1, 1]);
    expect(tileRegion(TILE_W, TILE_H, 9, 0, 0)).toMatchObject({ scale: 2, outW: 256, outH: 150 });
    expect(() => tileRegion(TILE_W, TILE_H, 11, 0, 0)).toThrow(TileAddressError);
    expect(() => tileRegion(TILE_W, TILE_H, 10, 3, 0)).toThrow(TileAddressError);
  });
});

describe('tile rendering', () => {
  const renderer = new TileRenderer(new PlaneCache(64 * 1024 * 1024));

  it('auto limits are the 0.1/99.9th percentiles and make dim 16-bit data visible', async () => {
    const px = pixels(0);
    const sorted = Uint16Array.from(px).sort();
    const limits = autoLimits(px);
    expect(limits.min).toBe(sorted[Math.floor(0.001 * (px.length - 1))]);
    expect(limits.max).toBe(sorted[Math.floor(0.999 * (px.length - 1))]);
    const png = (await renderer.tile(db, { siteId, level: 9, x: 0, y: 0, channels: [dna(limits.min, limits.max)] }))!;
    const { info, mean } = await decode(png);
    expect([info.width, info.height, info.channels]).toEqual([256, 150, 3]);
    // raw >> 8 would give a mean of about 4 (of 255).
    expect(mean).toBeGreaterThan(60);
  });

  it('pixels follow the contrast limits and colours; hidden channels add nothing', async () => {
    const at = (min: number, max: number, color?: [number, number, number]) => renderer.tile(db, { siteId, level: 10, x: 0, y: 0, channels: [dna(min, max, color)] }).then((b) => decode(b!));
    const wide = await at(0, 65535);
    const tight = await at(300, 1300);
    expect(tight.mean).toBeGreaterThan(wide.mean * 5);
    // A pixel at column 50 is 300 + round(50/600·1000) = 383 counts: (383 − 300) / 1000 · 255 ≈ 21.
    const i = (10 * 256 + 50) * 3;
    expect(tight.data[i]).toBe(Math.round(((383 - 300) / 1000) * 255));
    const blue = await at(300, 1300, [0, 0, 255]);
    expect(blue.data[i]).toBe(0);
    expect(blue.data[i + 2]).toBe(tight.data[i + 2]);
    const none = await renderer.tile(db, { siteId, level: 10, x: 0, y: 0, channels: [] }).then((b) => decode(b!));
    expect(none.mean).toBe(0);
  });

  it('answers null for an unknown site and refuses a tile outside the pyramid', async () => {
    expect(await renderer.tile(db, { siteId: 999, level: 0, x: 0, y: 0, channels: [] })).toBeNull();
    await expect(renderer.tile(db, { siteId, level: 12, x: 0, y: 0, channels: [] })).rejects.toThrow(TileAddressError);
  });

  it('keeps decoded planes within its byte budget', async () => {
    const small = new TileRenderer(new PlaneCache(TILE_W * TILE_H * 2 * 2));
    const all = ['DNA', 'ER', 'RNA', 'AGP', 'Mito'].map((c) => ({ channel: c, color: [255, 255, 255], min: 0, max: 4000 })) as ChannelSetting[];
    await small.tile(db, { siteId, level: 8, x: 0, y: 0, channels: all });
    expect(small.planes.size).toBe(2);
    expect(small.planes.bytes).toBeLessThanOrEqual(small.planes.maxBytes);
  });

  it('lists a well’s sites with geometry and per-channel auto limits', async () => {
    const [s] = await wellSites(db, wellId, renderer);
    expect(s).toMatchObject({ siteId, width: TILE_W, height: TILE_H, tileSize: 256, maxLevel: 10 });
    expect(s.channels.map((c) => c.name)).toEqual(['DNA', 'ER', 'RNA', 'AGP', 'Mito']);
    expect(s.channels[0].auto).toEqual(autoLimits(pixels(0)));
    expect(s.channels[0].bitDepth).toBe(16);
    await expect(wellSites(db, 999, renderer)).rejects.toThrow(InputError);
  });
});
