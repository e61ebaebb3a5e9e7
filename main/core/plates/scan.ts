import path from 'node:path';
import { scanCellVoyager } from './cellvoyager.js';
import { chooseLayout, discover } from './detect.js';
import { folderError } from './files.js';
import { scanImageXpress } from './imagexpress.js';
import { scanLoadData } from './loaddata.js';
import { scanPhenix } from './phenix.js';
import { type ChannelName, InputError, type Layout, type Problem, type ScannedPlate, type ScanResult } from '../types.js';

export { detectLayout } from './detect.js';

export interface ScanOptions {
  /** From --channels; keys are raw ids (w1, ch1, C01, OrigDNA) or channel numbers. */
  channels?: Record<string, ChannelName>;
}

type FolderScanner = (folder: string, opts: ScanOptions, problems: Problem[]) => Promise<ScannedPlate[]>;

const SCANNERS: Record<Exclude<Layout, 'loaddata'>, FolderScanner> = {
  imagexpress: scanImageXpress,
  phenix: scanPhenix,
  cellvoyager: scanCellVoyager,
};

async function scanOne(scanner: FolderScanner, folder: string, opts: ScanOptions, problems: Problem[]): Promise<ScannedPlate[]> {
  try {
    return await scanner(folder, opts, problems);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code) throw folderError(err.path ?? folder, e);
    throw e;
  }
}

/**
 * Plate names must be unique in one import. MetaXpress prefixes are often generic ("HTS" in every
 * JUMP source_8 plate folder), so plates sharing a name are renamed after their folders.
 */
function uniqueNames(plates: ScannedPlate[], problems: Problem[]): void {
  const by = new Map<string, ScannedPlate[]>();
  for (const p of plates) by.set(p.name, [...(by.get(p.name) ?? []), p]);
  const taken = new Set(plates.map((p) => p.name));
  for (const [name, same] of by) {
    if (same.length < 2) continue;
    for (const p of same) {
      let next = path.basename(p.folder);
      for (let i = 2; taken.has(next); i++) next = `${path.basename(p.folder)}-${i}`;
      taken.add(next);
      problems.push({ file: p.folder, message: `${same.length} plates are named "${name}"; the one in ${p.folder} is imported as "${next}"`, severity: 'warning' });
      p.name = next;
      for (const img of p.images) img.plate = next;
    }
  }
}

/** Every plate under `folder`, in the one layout found there (the most common when several are). */
export async function scanFolder(folder: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const found = await discover(folder);
  const chosen = chooseLayout(found);
  const problems: Problem[] = [...found.problems, ...chosen.problems];
  let plates: ScannedPlate[] = [];
  const refused: string[] = [];
  if (chosen.layout === 'loaddata') {
    plates = await scanLoadData(chosen.candidates.map((c) => c.csv!), opts, problems);
  } else {
    for (const c of chosen.candidates) {
      try {
        plates.push(...(await scanOne(SCANNERS[chosen.layout], c.folder, opts, problems)));
      } catch (e) {
        // One plate whose channels cannot be mapped must not stop its neighbours; alone, it is the error.
        if (!(e instanceof InputError) || chosen.candidates.length === 1) throw e;
        refused.push(path.basename(c.folder));
        problems.push(...(e.problems.length ? e.problems : [{ file: c.folder, message: e.message, severity: 'error' as const }]));
      }
    }
  }
  const empty = plates.filter((p) => !p.images.length);
  for (const p of empty) problems.push({ file: p.folder, message: `plate ${p.name}: no image files found; plate skipped`, severity: 'warning' });
  plates = plates.filter((p) => p.images.length);
  if (!plates.length) {
    const why = refused.length ? `every plate was refused (${problems.filter((p) => p.severity === 'error').map((p) => p.message).join(' | ')})` : 'no images in them';
    const msg = `${found.root}: found ${chosen.candidates.length} ${chosen.layout} plate folder(s) but ${why}`;
    throw new InputError(msg, [...problems, { file: found.root, message: msg, severity: 'error' }]);
  }
  uniqueNames(plates, problems);
  plates.sort((a, b) => a.name.localeCompare(b.name));
  return { layout: chosen.layout, plates, problems, refused, skipped: chosen.skipped };
}
