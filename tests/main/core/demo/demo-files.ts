// Test helpers: find a demo screen's image files from its ground truth, the way a reader of the
// vendor layouts would (file names and channel numbers, no generator internals).
import fs from 'node:fs';
import path from 'node:path';
import type { GroundTruth } from '../../../../main/core/demo/ground-truth.js';
import type { ChannelName } from '../../../../main/core/types.js';

export function readGroundTruth(out: string): GroundTruth {
  return JSON.parse(fs.readFileSync(path.join(out, 'ground_truth.json'), 'utf8')) as GroundTruth;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The file holding one channel of one site. */
export function imageFile(out: string, gt: GroundTruth, plateName: string, well: string, site: number, channel: ChannelName): string {
  const plate = gt.plates.find((p) => p.name === plateName)!;
  const source = gt.sources.find((s) => s.name === plate.source)!;
  const index = source.channels.find((c) => c.channel === channel)!.index;
  const dir = path.join(out, plate.folder);
  if (plate.layout === 'imagexpress') {
    const tp = path.join(dir, 'TimePoint_1');
    const prefix = `${plateName}_${well}_s${site}_w${index}`;
    const hit = fs.readdirSync(tp).filter((f) => f.startsWith(prefix));
    if (hit.length !== 1) throw new Error(`${prefix}: ${hit.length} files`);
    return path.join(tp, hit[0]);
  }
  const row = well.charCodeAt(0) - 64;
  const col = Number(well.slice(1));
  return path.join(dir, 'Images', `r${pad2(row)}c${pad2(col)}f${pad2(site)}p01-ch${index}sk1fk1fl1.tiff`);
}

/** Every file under `dir`, relative paths, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
