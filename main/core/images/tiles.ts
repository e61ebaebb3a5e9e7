// Deep Zoom tiles of one site, rendered on demand as an RGB composite of its channels with the
// viewer's colours and contrast limits. Decoded planes stay in a byte-bounded LRU cache between
// requests. Only the files recorded in the project's images table for that site are ever read:
// a tile address carries a site id, never a path.
import sharp from 'sharp';
import type { DB } from '../db/open.js';
import { CHANNELS, type ChannelName } from '../types.js';
import { autoLimits, type Limits } from './contrast.js';
import { PlaneCache, type Plane } from './plane-cache.js';
import { maxLevel, TILE_SIZE, TileAddressError, type ChannelSetting, type TileAddress } from './tile-url.js';

export interface SiteImage {
  channel: ChannelName;
  path: string;
  width: number;
  height: number;
  maxValue: number;
}

/** The site's images in channel order (DNA, ER, RNA, AGP, Mito); empty when the site is unknown. */
export function siteImages(db: DB, siteId: number): SiteImage[] {
  const rows = db.prepare('SELECT channel, path, width, height, max_value FROM images WHERE site_id = ?').all(siteId) as {
    channel: string;
    path: string;
    width: number;
    height: number;
    max_value: number;
  }[];
  return CHANNELS.flatMap((c) => {
    const r = rows.find((x) => x.channel === c);
    return r ? [{ channel: c, path: r.path, width: r.width, height: r.height, maxValue: r.max_value }] : [];
  });
}

export interface RgbTile {
  width: number;
  height: number;
  /** Interleaved RGB, 8 bits each. */
  rgb: Uint8Array;
}

/**
 * The region of level `level` at tile (x, y), area-averaged from full resolution. Throws
 * TileAddressError for a level or tile outside the pyramid.
 */
export function tileRegion(width: number, height: number, level: number, x: number, y: number) {
  const top = maxLevel(width, height);
  if (level > top) throw new TileAddressError(`level ${level} is beyond this image's deepest level ${top}`);
  const scale = 2 ** (top - level);
  const levelW = Math.ceil(width / scale);
  const levelH = Math.ceil(height / scale);
  if (x * TILE_SIZE >= levelW || y * TILE_SIZE >= levelH) throw new TileAddressError(`tile ${x}_${y} is outside level ${level} (${levelW}×${levelH})`);
  const x0 = x * TILE_SIZE * scale;
  const y0 = y * TILE_SIZE * scale;
  const x1 = Math.min(width, (x + 1) * TILE_SIZE * scale);
  const y1 = Math.min(height, (y + 1) * TILE_SIZE * scale);
  return { scale, x0, y0, x1, y1, outW: Math.ceil((x1 - x0) / scale), outH: Math.ceil((y1 - y0) / scale) };
}

type Region = ReturnType<typeof tileRegion>;

/** Mean of each scale×scale block of the region (edge blocks average what they cover). */
function boxAverage(plane: Plane, r: Region): Float32Array {
  const { outW, outH, x0, x1, y0, y1, scale } = r;
  const sum = new Float32Array(outW * outH);
  const count = new Float32Array(outW * outH);
  for (let sy = y0; sy < y1; sy++) {
    const o = Math.floor((sy - y0) / scale) * outW;
    const row = sy * plane.width;
    for (let sx = x0; sx < x1; sx++) {
      const k = o + Math.floor((sx - x0) / scale);
      sum[k] += plane.data[row + sx];
      count[k]++;
    }
  }
  for (let i = 0; i < sum.length; i++) sum[i] /= count[i];
  return sum;
}

/** Additive composite: each visible channel contributes colour × its value stretched between min and max. */
function compositeTile(planes: Map<ChannelName, Plane>, width: number, height: number, address: Omit<TileAddress, 'siteId'>): RgbTile {
  const r = tileRegion(width, height, address.level, address.x, address.y);
  const acc = new Float32Array(r.outW * r.outH * 3);
  for (const s of address.channels) {
    const plane = planes.get(s.channel);
    if (!plane) continue;
    if (plane.width !== width || plane.height !== height) throw new Error(`${plane.file}: ${plane.width}×${plane.height} differs from the site's ${width}×${height}`);
    addChannel(acc, boxAverage(plane, r), s);
  }
  const rgb = new Uint8Array(acc.length);
  for (let i = 0; i < acc.length; i++) rgb[i] = Math.min(255, Math.round(acc[i]));
  return { width: r.outW, height: r.outH, rgb };
}

function addChannel(acc: Float32Array, values: Float32Array, s: ChannelSetting): void {
  const span = s.max - s.min;
  const [cr, cg, cb] = s.color;
  for (let i = 0, o = 0; i < values.length; i++, o += 3) {
    const t = Math.max(0, Math.min(1, (values[i] - s.min) / span));
    acc[o] += t * cr;
    acc[o + 1] += t * cg;
    acc[o + 2] += t * cb;
  }
}

async function encodePng(tile: RgbTile): Promise<Buffer> {
  // Low compression: tiles are made per view change and travel over loopback, so speed wins over size.
  return sharp(tile.rgb, { raw: { width: tile.width, height: tile.height, channels: 3 } }).png({ compressionLevel: 2 }).toBuffer();
}

/** Tiles and auto limits over one process-wide plane cache (the server route and the API share it). */
export class TileRenderer {
  private readonly limits = new Map<string, Limits>();

  constructor(readonly planes = new PlaneCache()) {}

  /** Auto limits of one image file, computed once per file for the life of the process. */
  async autoLimits(file: string): Promise<Limits> {
    const hit = this.limits.get(file);
    if (hit) return hit;
    const l = autoLimits((await this.planes.get(file)).data);
    this.limits.set(file, l);
    return l;
  }

  /** The PNG of one tile, or null when the project has no such site. */
  async tile(db: DB, a: TileAddress): Promise<Buffer | null> {
    const images = siteImages(db, a.siteId);
    if (!images.length) return null;
    const { width, height } = images[0];
    tileRegion(width, height, a.level, a.x, a.y);
    const planes = new Map<ChannelName, Plane>();
    for (const s of a.channels) {
      const img = images.find((i) => i.channel === s.channel);
      if (img) planes.set(s.channel, await this.planes.get(img.path));
    }
    return encodePng(compositeTile(planes, width, height, a));
  }
}

export const tileRenderer = new TileRenderer();
