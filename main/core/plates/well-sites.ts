// The sites of one well as the deep-zoom viewer needs them: size, pyramid depth, channels with
// their bit depth and automatic contrast limits.
import type { DB } from '../db/open.js';
import { ImageDecodeError } from '../images/decode.js';
import { siteImages, type TileRenderer } from '../images/tiles.js';
import { maxLevel, TILE_SIZE } from '../images/tile-url.js';
import { InputError, type ChannelName } from '../types.js';

export interface SiteChannel {
  name: ChannelName;
  /** Largest value in this image. */
  maxValue: number;
  /** 8, 12 or 16: the plate's detected bit depth; manual limits range over 0 … 2^bits − 1. */
  bitDepth: number;
  /** 0.1st / 99.9th percentile of this image. */
  auto: { min: number; max: number };
}

export interface WellSite {
  siteId: number;
  site: number;
  width: number;
  height: number;
  tileSize: number;
  maxLevel: number;
  qcFlags: string[];
  channels: SiteChannel[];
}

export async function wellSites(db: DB, wellId: number, tiles: TileRenderer): Promise<WellSite[]> {
  const well = db.prepare('SELECT w.id, p.bit_depth AS bits FROM wells w JOIN plates p ON p.id = w.plate_id WHERE w.id = ?').get(wellId) as { id: number; bits: number | null } | undefined;
  if (!well) throw new InputError(`no well with id ${wellId} in this project`);
  const sites = db.prepare('SELECT id, site, qc_flags FROM sites WHERE well_id = ? ORDER BY site').all(wellId) as { id: number; site: number; qc_flags: string }[];
  return Promise.all(
    sites.map(async (s) => {
      const images = siteImages(db, s.id);
      const width = images[0]?.width ?? 0;
      const height = images[0]?.height ?? 0;
      const channels = await Promise.all(
        images.map(async (img) => ({
          name: img.channel,
          maxValue: img.maxValue,
          bitDepth: well.bits ?? 16,
          auto: await tiles.autoLimits(img.path).catch((e: unknown) => {
            // Raw images stay where they were imported from; a moved or deleted folder is the user's to fix.
            throw e instanceof ImageDecodeError ? new InputError(`well ${wellId} site ${s.site}: ${e.message}`) : e;
          }),
        })),
      );
      return { siteId: s.id, site: s.site, width, height, tileSize: TILE_SIZE, maxLevel: maxLevel(width, height), qcFlags: s.qc_flags.split(',').filter(Boolean), channels };
    }),
  );
}
