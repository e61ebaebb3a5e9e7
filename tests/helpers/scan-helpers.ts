import { decodeGrey16 } from '../../main/core/images/decode.js';
import type { ChannelName, ScannedPlate } from '../../main/core/types.js';

/** Mean pixel value of an image file. */
export async function meanOf(file: string): Promise<number> {
  const img = await decodeGrey16(file);
  let s = 0;
  for (const v of img.data) s += v;
  return s / img.data.length;
}

export function wellsOf(p: ScannedPlate): string[] {
  return [...new Set(p.images.map((i) => i.well))].sort();
}

export function sitesOf(p: ScannedPlate): number[] {
  return [...new Set(p.images.map((i) => i.site))].sort((a, b) => a - b);
}

export function fileFor(p: ScannedPlate, well: string, site: number, channel: ChannelName): string {
  const hit = p.images.find((i) => i.well === well && i.site === site && i.channel === channel);
  if (!hit) throw new Error(`no ${channel} image for ${well} site ${site}`);
  return hit.file;
}

/** The error an async call rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}
