import type { DB } from '../db/open.js';
import { siteArray } from '../feature-sets/store.js';
import { downsampleSquare } from '../images/downsample.js';

/**
 * Site images at the encoder's input size, [channel][y][x] float32 in 0..1, from the cached
 * preprocessed arrays (area-averaged again when the input is smaller than the cache). Kept in memory:
 * 1,000 sites × 5 × 64² floats is 80 MB.
 */
export class SiteImages {
  private cache = new Map<number, Float32Array>();
  constructor(
    private readonly db: DB,
    readonly inputSize: number,
    readonly channels = 5,
  ) {}

  get(siteId: number): Float32Array {
    let v = this.cache.get(siteId);
    if (!v) {
      v = toInput(siteArray(this.db, siteId), this.inputSize, this.channels);
      this.cache.set(siteId, v);
    }
    return v;
  }

  /** A batch as one [n, channels, S, S] buffer. */
  batch(siteIds: number[]): Float32Array {
    const per = this.channels * this.inputSize * this.inputSize;
    const out = new Float32Array(siteIds.length * per);
    siteIds.forEach((id, i) => out.set(this.get(id), i * per));
    return out;
  }
}

export function toInput(site: { size: number; data: Uint16Array }, inputSize: number, channels = 5): Float32Array {
  const n = site.size * site.size;
  const out = new Float32Array(channels * inputSize * inputSize);
  for (let c = 0; c < channels; c++) {
    const ds = downsampleSquare(site.data.subarray(c * n, (c + 1) * n), site.size, site.size, inputSize).out;
    for (let i = 0; i < ds.length; i++) out[c * inputSize * inputSize + i] = ds[i] / 65535;
  }
  return out;
}
