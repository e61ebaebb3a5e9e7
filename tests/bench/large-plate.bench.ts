// A 1536-well plate with 9 sites and 5 channels (69,120 TIFFs): does ingest stay within memory bounds
// (peak RSS of this process and of the decode workers it starts, sampled), and do the plate viewer's
// requests (the well list with thumbnails, a heatmap metric, a well's sites) stay quick on it?
// MICON_BENCH_LARGE_SIDE sets the image side (default 128 px, ~2.3 GB of TIFFs in bench-out/).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { listWells, plateMetric } from '../../main/core/api/handlers-plates.js';
import { openProject } from '../../main/core/db/open.js';
import { ingestFolder } from '../../main/core/ingest/ingest.js';
import { wellSites } from '../../main/core/plates/well-sites.js';
import { TileRenderer } from '../../main/core/images/tiles.js';
import { drawSite } from './draw-site.js';

const SIDE = Number(process.env.MICON_BENCH_LARGE_SIDE ?? 128);
const ROWS = 32;
const COLS = 48;
const SITES = 9;
const WAVES = ['Hoechst 33342', 'Concanavalin A', 'SYTO 14', 'Phalloidin', 'MitoTracker Deep Red'];
const rowName = (r: number) => (r < 26 ? String.fromCharCode(65 + r) : `A${String.fromCharCode(65 + r - 26)}`);

async function ensurePlate(dir: string): Promise<number> {
  const plate = 'LARGE1536';
  const tp = path.join(dir, plate, 'TimePoint_1');
  const marker = path.join(dir, '.complete');
  const n = ROWS * COLS * SITES * 5;
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === `${n}x${SIDE}`) return n;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(tp, { recursive: true });
  const htd = ['"HTSInfoFile", Version 1.0', `"XWells", ${COLS}`, `"YWells", ${ROWS}`, '"XSites", 3', '"YSites", 3', '"TimePoints", 1', '"NWavelengths", 5'];
  WAVES.forEach((w, i) => htd.push(`"WaveName${i + 1}", "${w}"`));
  fs.writeFileSync(path.join(dir, plate, `${plate}.HTD`), htd.join('\r\n') + '\r\n');
  let k = 0;
  const pending: Promise<unknown>[] = [];
  for (let r = 0; r < ROWS; r++)
    for (let c = 0; c < COLS; c++) {
      const well = `${rowName(r)}${String(c + 1).padStart(2, '0')}`;
      for (let s = 1; s <= SITES; s++, k++)
        for (let w = 1; w <= 5; w++) {
          const file = path.join(tp, `${plate}_${well}_s${s}_w${w}.tif`);
          pending.push(sharp(drawSite(SIDE, k, w, { blobs: 8, radius: [SIDE / 20, SIDE / 20], amplitude: 3000, noiseShift: 26 }), { raw: { width: SIDE, height: SIDE, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'none' }).toFile(file));
          if (pending.length >= 64) await Promise.all(pending.splice(0));
        }
      if ((r * COLS + c) % 256 === 0) process.stderr.write(`bench large-plate: writing well ${r * COLS + c + 1}/${ROWS * COLS}\n`);
    }
  await Promise.all(pending);
  fs.writeFileSync(marker, `${n}x${SIDE}`);
  return n;
}

const ms = (t0: number) => +(performance.now() - t0).toFixed(1);

export async function benchLargePlate(): Promise<object> {
  const dir = path.resolve('bench-out', `large-plate-${SIDE}`);
  process.stderr.write(`bench large-plate: preparing a 1536-well plate, ${SITES} sites, 5 channels of ${SIDE}×${SIDE} in ${dir}\n`);
  const tiffs = await ensurePlate(dir);
  let peakRss = 0;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
  const dbFile = path.join(os.tmpdir(), `micon-bench-large-${process.pid}.micon`);
  const db = openProject(dbFile);
  try {
    const t0 = performance.now();
    const s = await ingestFolder(db, dir, { source: 'bench', batch: 'b1' });
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(timer);
    if (s.images !== tiffs) throw new Error(`bench large-plate: expected ${tiffs} images, ingested ${s.images} (${s.problems.slice(0, 3).map((p) => p.message).join('; ')})`);
    const plateId = (db.prepare('SELECT id FROM plates').get() as { id: number }).id;
    // What the plate viewer asks for when the plate opens, a metric is chosen and a well is opened.
    let t = performance.now();
    const wells = listWells(db, plateId);
    const wellList = { ms: ms(t), wells: wells.length, jsonMiB: +(JSON.stringify(wells).length / 2 ** 20).toFixed(2) };
    t = performance.now();
    plateMetric(db, [plateId], 'intensity.DNA');
    const metricMs = ms(t);
    const renderer = new TileRenderer();
    t = performance.now();
    await wellSites(db, wells[wells.length - 1].id, renderer);
    const wellSitesMs = ms(t);
    return {
      plate: '1536-well (32×48)',
      sitesPerWell: SITES,
      channels: 5,
      imageSide: SIDE,
      tiffs,
      sites: s.sites,
      seconds: +seconds.toFixed(1),
      tiffsPerSecond: Math.round(tiffs / seconds),
      peakRssMiB: Math.round(peakRss / 2 ** 20),
      projectMiB: Math.round(fs.statSync(dbFile).size / 2 ** 20),
      viewer: { wellList, metricMs, wellSitesMs },
      note: 'peak RSS is this process (SQLite writes, scan records); decode runs on worker threads inside it, so their memory is included',
    };
  } finally {
    clearInterval(timer);
    db.close();
    for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
  }
}
