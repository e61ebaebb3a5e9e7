import { InputError, type Problem } from '../types.js';
import { headerHint, pick, readTable } from './table.js';

export interface PlateMeta {
  source: string | null;
  batch: string | null;
  replicate: number | null;
}

/** Plate → source/batch/replicate, from a JUMP plate.csv-style table or a plain one. */
export function readPlateMeta(file: string): { plates: Map<string, PlateMeta>; problems: Problem[] } {
  const { columns, rows } = readTable(file);
  const plateCol = pick(columns, ['plate', 'assay_plate_barcode', 'plate_barcode', 'barcode']);
  const sourceCol = pick(columns, ['source', 'site', 'centre', 'center', 'lab']);
  const batchCol = pick(columns, ['batch', 'batch_name', 'run']);
  const repCol = pick(columns, ['replicate', 'rep', 'replicate_id']);
  if (!plateCol) throw new InputError(`${file}: no plate column (expected Metadata_Plate or plate; ${headerHint(columns, !!(sourceCol || batchCol || repCol))})`);
  const plates = new Map<string, PlateMeta>();
  const problems: Problem[] = [];
  for (const r of rows) {
    const plate = r.values[plateCol];
    if (!plate) {
      problems.push({ file, row: r.line, message: `line ${r.line}: no plate name; row skipped`, severity: 'warning' });
      continue;
    }
    const repRaw = repCol ? r.values[repCol] : '';
    const rep = repRaw ? Number(repRaw.replace(/^\D+/, '')) : null;
    if (repRaw && !Number.isInteger(rep)) {
      problems.push({ file, row: r.line, message: `line ${r.line}: replicate "${repRaw}" is not a whole number; left empty`, severity: 'warning' });
    }
    plates.set(plate, {
      source: (sourceCol && r.values[sourceCol]) || null,
      batch: (batchCol && r.values[batchCol]) || null,
      replicate: rep !== null && Number.isInteger(rep) ? rep : null,
    });
  }
  return { plates, problems };
}
