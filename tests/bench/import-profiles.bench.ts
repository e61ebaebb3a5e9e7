// `npm run bench -- import-profiles`: a JUMP-sized single-cell profile table (default 1M rows, CSV.gz;
// MICON_BENCH_ROWS to change) streamed into a new profiles-first project with `--create-plates`.
// Reports rows/s and peak RSS against the table's size: rows are streamed, so memory follows the wells
// (one running sum per well), not the rows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { openProject } from '../../main/core/db/open.js';
import { importProfiles } from '../../main/core/embeddings/import-profiles.js';
import { wellFromRowCol } from '../../main/core/plates/wells.js';
import { mulberry32 } from '../../main/core/util/random.js';

const FEATURES = 40;
const CELLS_PER_WELL = 200;
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Plates of 384 wells, 200 cells each, 40 features; compounds by well (DMSO in column 1–2). */
async function writeTable(file: string, rows: number): Promise<number> {
  const gz = zlib.createGzip({ level: 1 });
  const out = fs.createWriteStream(file);
  gz.pipe(out);
  const rnd = mulberry32(7);
  const header = ['Metadata_Plate', 'Metadata_Well', 'Metadata_ObjectNumber', 'Metadata_JCP2022', 'Metadata_pert_type', ...Array.from({ length: FEATURES }, (_, k) => `Cells_F${k}`)];
  let buf = header.join(',') + '\n';
  for (let i = 0; i < rows; i++) {
    const w = Math.floor(i / CELLS_PER_WELL);
    const plate = `P${Math.floor(w / 384) + 1}`;
    const pos = w % 384;
    const col = Math.floor(pos / 16);
    const well = wellFromRowCol(pos % 16, col);
    const dmso = col < 2;
    const cells = [plate, well, String((i % CELLS_PER_WELL) + 1), dmso ? 'DMSO' : `C${pos % 150}`, dmso ? 'negcon' : 'trt'];
    for (let k = 0; k < FEATURES; k++) cells.push((rnd() * 4 - 2 + (dmso ? 0 : (pos % 150) / 150)).toFixed(5));
    buf += cells.join(',') + '\n';
    if (buf.length > 1 << 20) {
      if (!gz.write(buf)) await once(gz, 'drain');
      buf = '';
    }
  }
  gz.end(buf);
  await once(out, 'finish');
  return fs.statSync(file).size;
}

export async function benchImportProfiles(): Promise<object> {
  const rows = Number(process.env.MICON_BENCH_ROWS ?? 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-bench-import-'));
  try {
    const file = path.join(dir, 'cells.csv.gz');
    process.stderr.write(`bench import-profiles: writing ${rows.toLocaleString()} rows\n`);
    const bytes = await writeTable(file, rows);
    const rssBefore = peakRssMiB();
    const db = openProject(path.join(dir, 'bench.micon'));
    const t0 = performance.now();
    const r = await importProfiles(db, file, { createPlates: true, compoundsFile: 'none' });
    const seconds = (performance.now() - t0) / 1000;
    db.close();
    return {
      rows,
      fileMiB: Math.round(bytes / 2 ** 20),
      wells: r.wells,
      plates: r.plates,
      features: r.features,
      seconds: Number(seconds.toFixed(1)),
      rowsPerSecond: Math.round(rows / seconds),
      peakRssMiBBeforeImport: rssBefore,
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
