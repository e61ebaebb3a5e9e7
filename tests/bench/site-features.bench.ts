// `npm run bench -- features`: what a site costs end to end on instrument-sized fields. For 1080² and
// 2160² 16-bit 5-channel ImageXpress fields: ingest throughput (sites/s and per core; ingest computes the
// hand-crafted features), hand-crafted feature seconds per site on one thread (decode + correction +
// features, timed directly), the embed step's hand-crafted stage, and the bytes the project file stores
// per site. MICON_BENCH_FEATURE_SITES sets the sites per size (default 8 and 4).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { openProject } from '../../main/core/db/open.js';
import { embedHandcrafted } from '../../main/core/embeddings/handcrafted.js';
import { featuresFromPlanes } from '../../main/core/features/site-scale.js';
import { decodeGrey16 } from '../../main/core/images/decode.js';
import { DEFAULT_CACHE_SIZE } from '../../main/core/ingest/ingest.js';
import { ingestFolder } from '../../main/core/ingest/ingest.js';
import { drawSite } from './draw-site.js';

const WAVES = ['Hoechst 33342', 'Concanavalin A', 'SYTO 14', 'Phalloidin', 'MitoTracker Deep Red'];

async function ensurePlate(dir: string, side: number, sites: number): Promise<void> {
  const plate = `FEAT${side}`;
  const tp = path.join(dir, plate, 'TimePoint_1');
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === `${sites}x${side}`) return;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(tp, { recursive: true });
  const perWell = 4;
  const htd = ['"HTSInfoFile", Version 1.0', '"XWells", 12', '"YWells", 8', `"XSites", ${perWell}`, '"YSites", 1', '"TimePoints", 1', '"NWavelengths", 5'];
  WAVES.forEach((w, i) => htd.push(`"WaveName${i + 1}", "${w}"`));
  fs.writeFileSync(path.join(dir, plate, `${plate}.HTD`), htd.join('\r\n') + '\r\n');
  // Nuclei ~20–36 px across at either size (20× objective), as many per area as on a real U2OS field.
  const blobs = Math.round(120 * (side / 1080) ** 2);
  for (let k = 0; k < sites; k++) {
    const well = `B${String(2 + Math.floor(k / perWell)).padStart(2, '0')}`;
    for (let w = 1; w <= 5; w++) {
      const img = drawSite(side, k, w, { blobs, radius: [10, 8], amplitude: 6000, noiseShift: 24 });
      await sharp(img, { raw: { width: side, height: side, channels: 1 } })
        .toColourspace('grey16')
        .tiff({ compression: 'none' })
        .toFile(path.join(tp, `${plate}_${well}_s${(k % perWell) + 1}_w${w}.tif`));
    }
  }
  fs.writeFileSync(marker, `${sites}x${side}`);
}

async function measure(side: number, sites: number): Promise<object> {
  const dir = path.resolve('bench-out', `features-${side}`);
  process.stderr.write(`bench features: ${sites} sites of 5 × ${side}² in ${dir}\n`);
  await ensurePlate(dir, side, sites);
  const dbFile = path.join(os.tmpdir(), `micon-bench-features-${process.pid}-${side}.micon`);
  const db = openProject(dbFile);
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const s = await ingestFolder(db, dir, { source: 'bench', batch: 'b1' });
    const ingestSec = (performance.now() - t0) / 1000;
    // Process CPU time, worker threads included: throughput per core that does not depend on the machine's load.
    const ic = process.cpuUsage(c0);
    const ingestCpuSec = (ic.user + ic.system) / 1e6;
    if (s.sites !== sites) throw new Error(`bench features: expected ${sites} sites, ingested ${s.sites}: ${s.problems.map((p) => p.message).join('; ')}`);
    const t1 = performance.now();
    await embedHandcrafted(db);
    const embedSec = (performance.now() - t1) / 1000;
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('VACUUM');
    const fileBytes = fs.statSync(dbFile).size;
    const blobBytes = (sql: string) => (db.prepare(sql).get() as { b: number | null }).b ?? 0;
    const cacheBytes = blobBytes('SELECT SUM(LENGTH(data)) b FROM site_arrays');
    const vectorBytes = blobBytes('SELECT SUM(LENGTH(vec)) b FROM site_features');
    const thumbBytes = blobBytes('SELECT SUM(LENGTH(png)) b FROM well_thumbnails');
    const cpus = os.availableParallelism();
    // One thread, no worker: decode the five files again and compute the features, as pass 4 does per site.
    const plate = db.prepare('SELECT channel_scale FROM plates').get() as { channel_scale: string };
    const scale = JSON.parse(plate.channel_scale) as Record<string, { low: number; high: number }>;
    const illum = db.prepare('SELECT channel, size, data FROM illumination').all() as { channel: string; size: number; data: Buffer }[];
    const chans = ['DNA', 'ER', 'RNA', 'AGP', 'Mito'];
    const corr = {
      size: illum[0].size,
      illum: chans.map((c) => {
        const b = illum.find((r) => r.channel === c)!.data;
        return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      }),
      bounds: chans.map((c) => scale[c]),
    };
    const siteIds = (db.prepare('SELECT id FROM sites ORDER BY id LIMIT 3').all() as { id: number }[]).map((r) => r.id);
    const cpu0 = process.cpuUsage();
    const t2 = performance.now();
    let nucleusPx = 0;
    let workScale = 0;
    for (const id of siteIds) {
      const paths = chans.map((c) => (db.prepare('SELECT path FROM images WHERE site_id = ? AND channel = ?').get(id, c) as { path: string }).path);
      const r = featuresFromPlanes(await Promise.all(paths.map(decodeGrey16)), corr);
      nucleusPx = r.nucleusPx;
      workScale = r.scale;
    }
    const featureSec = (performance.now() - t2) / 1000 / siteIds.length;
    const cpu = process.cpuUsage(cpu0);
    const featureCpuSec = (cpu.user + cpu.system) / 1e6 / siteIds.length;
    return {
      imageSize: `${side}x${side}`,
      sites,
      ingestSeconds: +ingestSec.toFixed(2),
      ingestSitesPerSecond: +(sites / ingestSec).toFixed(2),
      ingestSitesPerSecondPerCore: +(sites / ingestSec / Math.min(cpus, 4)).toFixed(2),
      ingestSitesPerCpuSecond: +(sites / ingestCpuSec).toFixed(2),
      featureSecondsPerSiteOneThread: +featureSec.toFixed(3),
      featureCpuSecondsPerSite: +featureCpuSec.toFixed(3),
      featureWorkingScale: workScale,
      nucleusDiameterPx: +nucleusPx.toFixed(1),
      embedHandcraftedSecondsPerSite: +(embedSec / sites).toFixed(3),
      cacheSize: DEFAULT_CACHE_SIZE,
      bytesPerSite: { file: Math.round(fileBytes / sites), cache: Math.round(cacheBytes / sites), vectors: Math.round(vectorBytes / sites), thumbnails: Math.round(thumbBytes / sites) },
    };
  } finally {
    db.close();
    for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
  }
}

export async function benchSiteFeatures(): Promise<object> {
  const n = process.env.MICON_BENCH_FEATURE_SITES ? Number(process.env.MICON_BENCH_FEATURE_SITES) : 0;
  return {
    cpus: os.availableParallelism(),
    results: [await measure(1080, n || 8), await measure(2160, n || 4)],
    loadAverage: os.loadavg().map((v) => +v.toFixed(1)),
    note: 'one run per size; ingest (with hand-crafted features) uses one worker thread per core (up to 4); per core = sites/s ÷ min(cores, 4); 16-bit uncompressed TIFFs, 5 channels; bytes after VACUUM; file bytes include the schema pages, so they overstate per-site bytes at 4–8 sites; featureCpuSeconds is the one-thread figure in CPU time (a shared machine inflates wall time)',
  };
}
