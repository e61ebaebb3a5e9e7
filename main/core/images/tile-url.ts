// The tile address shared by the server routes and the renderer (no Node imports: Vite bundles it).
// A tile is named by site, Deep Zoom level and column/row; the display settings ride in the query,
// so a changed colour or contrast limit is a new URL and caches never serve stale pixels.
//   <base>/site/<siteId>/<level>/<x>_<y>.png?c=DNA:0000ff:120:3400,ER:00ff00:90:2100
// Only visible channels are listed. Nothing in the address names a file.
import { CHANNELS, type ChannelName } from '../types.js';

export const TILE_SIZE = 256;

export interface ChannelSetting {
  channel: ChannelName;
  /** RGB, 0–255 each. */
  color: [number, number, number];
  /** Contrast limits in the image's own units (0–65535). */
  min: number;
  max: number;
}

export interface TileAddress {
  siteId: number;
  level: number;
  x: number;
  y: number;
  channels: ChannelSetting[];
}

/** Why a tile address was refused; the routes answer 400 with the message. */
export class TileAddressError extends Error {
  override name = 'TileAddressError';
}

const PATH = /^\/site\/(\d{1,12})\/(\d{1,2})\/(\d{1,6})_(\d{1,6})\.png$/;
const ENTRY = /^([A-Za-z]{2,4}):([0-9a-fA-F]{6}):(\d{1,5}):(\d{1,5})$/;

function hexColor(c: [number, number, number]): string {
  return c.map((v) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0')).join('');
}

export function parseHexColor(hex: string): [number, number, number] {
  const m = /^#?([0-9a-fA-F]{6})$/.exec(hex);
  if (!m) throw new TileAddressError(`bad colour "${hex}"`);
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function formatChannelSettings(channels: ChannelSetting[]): string {
  return channels.map((c) => `${c.channel}:${hexColor(c.color)}:${Math.round(c.min)}:${Math.round(c.max)}`).join(',');
}

function parseChannelSettings(s: string): ChannelSetting[] {
  if (s === '') return [];
  const seen = new Set<string>();
  return s.split(',').map((entry) => {
    const m = ENTRY.exec(entry);
    if (!m) throw new TileAddressError(`bad channel setting "${entry.slice(0, 40)}" (expected NAME:rrggbb:min:max)`);
    const channel = CHANNELS.find((c) => c === m[1]);
    if (!channel) throw new TileAddressError(`unknown channel "${m[1]}" (expected one of ${CHANNELS.join(', ')})`);
    if (seen.has(channel)) throw new TileAddressError(`channel ${channel} given twice`);
    seen.add(channel);
    const min = Number(m[3]);
    const max = Number(m[4]);
    if (max > 65535 || min >= max) throw new TileAddressError(`channel ${channel}: limits ${min}–${max} must satisfy min < max ≤ 65535`);
    return { channel, color: parseHexColor(m[2]), min, max };
  });
}

/** The path after the tile base and the query string's `c`, as the renderer builds them. */
export function tilePath(a: TileAddress): string {
  return `/site/${a.siteId}/${a.level}/${a.x}_${a.y}.png?c=${encodeURIComponent(formatChannelSettings(a.channels))}`;
}

/** Parse a tile path (below the tile base, query included); throws TileAddressError when malformed. */
export function parseTilePath(pathAndQuery: string): TileAddress {
  const q = pathAndQuery.indexOf('?');
  const pathname = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  const m = PATH.exec(pathname);
  if (!m) throw new TileAddressError('malformed tile path (expected /site/<id>/<level>/<x>_<y>.png)');
  const params = new URLSearchParams(q < 0 ? '' : pathAndQuery.slice(q + 1));
  const c = params.get('c');
  if (c === null) throw new TileAddressError('missing channel settings (?c=…)');
  return { siteId: Number(m[1]), level: Number(m[2]), x: Number(m[3]), y: Number(m[4]), channels: parseChannelSettings(c) };
}

/** Deep Zoom pyramid depth as OpenSeadragon computes it: level L is the image scaled by 2^(L − max). */
export function maxLevel(width: number, height: number): number {
  return Math.ceil(Math.log2(Math.max(width, height, 1)));
}
