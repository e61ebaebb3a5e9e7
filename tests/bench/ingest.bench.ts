import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { openProject } from '../../main/core/db/open.js';
import { DEFAULT_CACHE_SIZE, ingestFolder } from '../../main/core/ingest/ingest.js';
import { drawSite } from './draw-site.js';

const SIDE = 1080;
const WELLS = ['B', 'C', 'D', 'E'].flatMap((r) => ['02', '03', '04', '05', '06', '07'].map((c) => r + c));
const SITES = 4;
const WAVES = ['Hoechst 33342', 'Concanavalin A', 'SYTO 14', 'Phalloidin', 'MitoTracker Deep Red'];

/** An ImageXpress plate folder of 1080×1080 16-bit uncompressed TIFFs, written once and reused. */
async function ensurePlate(dir: string): Promise<number> {
  const plate = 'BENCH01';
  const tp = path.join(dir, plate, 'TimePoint_1');
  const marker = path.join(dir, '.complete');
  const n = WELLS.length * SITES * 5;
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === `${n}x${SIDE}`) return n;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(tp, { recursive: true });
  const htd = ['"HTSInfoFile", Version 1.0', '"XWells", 12', '"YWells", 8', `"XSites", ${SITES}`, '"YSites", 1', '"TimePoints", 1', '"NWavelengths", 5'];
  WAVES.forEach((w, i) => htd.push(`"WaveName${i + 1}", "${w}"`));
  fs.writeFileSync(path.join(dir, plate, `${plate}.HTD`), htd.join('\r\n') + '\r\n');
  let k = 0;
  for (const well of WELLS) {
    for (let s = 1; s <= SITES; s++) {
      for (let w = 1; w <= 5; w++) {
        const img = drawSite(SIDE, k, w, { blobs: 120, radius: [12, 10], amplitude: 6000, noiseShift: 24 });
        const uuid = `${(k * 5 + w).toString(16).padStart(8, '0')}-AAAA-4BBB-8CCC-DDDDEEEEFFFF`.toUpperCase();
        await sharp(img, { raw: { width: SIDE, height: SIDE, channels: 1 } })
          .toColourspace('grey16')
          .tiff({ compression: 'none' })
          .toFile(path.join(tp, `${plate}_${well}_s${s}_w${w}${uuid}.tif`));
      }
      k++;
    }
  }
  fs.writeFileSync(marker, `${n}x${SIDE}`);
  return n;
}

export async function benchIngest(): Promise<object> {
  const dir = path.resolve('bench-out', 'ingest-plate');
  process.stderr.write(`bench ingest: preparing ${WELLS.length * SITES * 5} TIFFs of ${SIDE}×${SIDE} in ${dir}\n`);
  const tiffs = await ensurePlate(dir);
  const runs: number[] = [];
  let peakRss = 0;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  for (let r = 0; r < 3; r++) {
    const dbFile = path.join(os.tmpdir(), `micon-bench-${process.pid}-${r}.micon`);
    const db = openProject(dbFile);
    const t0 = performance.now();
    const s = await ingestFolder(db, dir, { source: 'bench', batch: 'b1' });
    const sec = (performance.now() - t0) / 1000;
    db.close();
    for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
    if (s.images !== tiffs) throw new Error(`bench ingest: expected ${tiffs} images, ingested ${s.images}`);
    runs.push(tiffs / sec);
    process.stderr.write(`  run ${r + 1}: ${sec.toFixed(2)} s, ${(tiffs / sec).toFixed(0)} TIFFs/s\n`);
  }
  clearInterval(timer);
  runs.sort((a, b) => a - b);
  return {
    tiffs,
    imageSize: `${SIDE}x${SIDE}`,
    bitDepth: 16,
    compression: 'none',
    cacheSize: DEFAULT_CACHE_SIZE,
    cpus: os.availableParallelism(),
    tiffsPerSecond: Math.round(runs[1]),
    tiffsPerSecondRuns: runs.map(Math.round),
    sitesPerSecond: Math.round(runs[1] / 5),
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    target: 150,
    note: 'median of 3 runs; ingest = scan + decode + area downsample + QC + illumination correction + thumbnails + hand-crafted features at full resolution + SQLite writes',
  };
}
