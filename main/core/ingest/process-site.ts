import { featuresFromPlanes, type PlateCorrection, type SiteFeatureResult } from '../features/site-scale.js';
import { decodeGrey16 } from '../images/decode.js';
import { downsampleSquare, focusScore } from '../images/downsample.js';
import { CHANNELS, type ChannelName } from '../types.js';
import type { SiteFiles } from './sites.js';

export interface ChannelResult {
  width: number;
  height: number;
  storedBits: number;
  maxValue: number;
  countAtMax: number;
}

export interface ProcessedSite {
  /** Raw (not yet illumination-corrected) area averages, [channel][y][x] in CHANNELS order. */
  raw: Float32Array;
  channels: Record<ChannelName, ChannelResult>;
  focus: number;
}

/** Decode a site's five channel files and reduce them to the cache resolution. */
export async function processSite(site: SiteFiles, size: number): Promise<ProcessedSite> {
  const decoded = await Promise.all(CHANNELS.map((c) => decodeGrey16(site.files[c].file)));
  const raw = new Float32Array(CHANNELS.length * size * size);
  const channels = {} as Record<ChannelName, ChannelResult>;
  let focus = 0;
  CHANNELS.forEach((c, i) => {
    const d = decoded[i];
    const ds = downsampleSquare(d.data, d.width, d.height, size);
    raw.set(ds.out, i * size * size);
    channels[c] = { width: d.width, height: d.height, storedBits: d.storedBits, maxValue: ds.maxValue, countAtMax: ds.countAtMax };
    if (c === 'DNA') focus = focusScore(d.data, d.width, d.height);
  });
  return { raw, channels, focus };
}

/** Decode a site's five channel files again at full resolution and compute its hand-crafted features. */
export async function siteFeaturesFromFiles(site: SiteFiles, corr: PlateCorrection): Promise<SiteFeatureResult> {
  const decoded = await Promise.all(CHANNELS.map((c) => decodeGrey16(site.files[c].file)));
  return featuresFromPlanes(decoded, corr);
}
