// MetaXpress "classic" export: <plate>/TimePoint_1/<plate>_<well>_s<site>_w<n><UUID>.tif next to a
// <plate>.HTD written as MetaXpress does (`"Key", value` lines, CRLF line ends).
import path from 'node:path';
import type { PlatePlan } from './design.js';
import { PLATE_COLS, PLATE_ROWS, SITES_PER_WELL } from './design.js';

export function imagexpressPlateDir(out: string, plate: PlatePlan): string {
  return path.join(out, plate.source, plate.batch, plate.name);
}

/** Channel digit and the UUID glued together, as MetaXpress names files (…_w2C47F0FB-BD5E-….tif). */
export function imagexpressImagePath(plateDir: string, plate: string, well: string, site: number, channel: number, uuid: string): string {
  return path.join(plateDir, 'TimePoint_1', `${plate}_${well}_s${site}_w${channel}${uuid}.tif`);
}

export function htdText(plate: PlatePlan, uniqueId: string): string {
  const used = new Set(plate.wells.map((w) => `${w.row}:${w.col}`));
  const bool = (b: boolean) => (b ? 'TRUE' : 'FALSE');
  const lines: string[] = [
    `"HTSInfoFile", Version 1.0`,
    `"Description", "Cell Painting ${plate.batch} ${plate.name}"`,
    `"PlateType", 2`,
    `"TimePoints", 1`,
    `"ZSeries", FALSE`,
    `"ZSteps", 1`,
    `"ZProjection", FALSE`,
    `"XWells", ${PLATE_COLS}`,
    `"YWells", ${PLATE_ROWS}`,
  ];
  for (let r = 0; r < PLATE_ROWS; r++) {
    const row = Array.from({ length: PLATE_COLS }, (_, c) => bool(used.has(`${r}:${c}`)));
    lines.push(`"WellsSelection${r + 1}", ${row.join(', ')}`);
  }
  lines.push(`"Sites", TRUE`, `"XSites", ${SITES_PER_WELL}`, `"YSites", 1`, `"SiteSelection1", ${Array(SITES_PER_WELL).fill('TRUE').join(', ')}`);
  const channels = plate.instrument.channels;
  lines.push(`"Waves", TRUE`, `"NWavelengths", ${channels.length}`);
  for (const ch of channels) lines.push(`"WaveName${ch.index}", "${ch.name}"`, `"WaveCollect${ch.index}", 1`);
  lines.push(`"UniquePlateIdentifier", "${uniqueId}"`, `"EndFile"`);
  return lines.join('\r\n') + '\r\n';
}
