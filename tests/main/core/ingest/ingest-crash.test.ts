// kill -9 during ingest: the real `ingest` job process is SIGKILLed on a progress event in the middle
// of a plate (decoding, correcting, replacing a plate the project already has: all before the plate's
// write transaction, in temp tables; and while that transaction stores the plate). Afterwards the project opens and is intact, every plate in it is whole (the
// rows and arrays a clean import writes), the plate being written is absent or still its previous
// version, and running the same import again gives exactly the project a clean import gives.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../../../main/core/db/open.js';
import type { DemoManifest } from '../../../../main/core/demo/generate.js';
import { demoCache } from '../../../helpers/demo-cache.js';
import { ingestFolder } from '../../../../main/core/ingest/ingest.js';
import { runJob } from '../../../../main/core/jobs/host.js';
import type { Progress } from '../../../../main/core/jobs/protocol.js';
import { killJobOn, openIntact, runCli } from '../../../helpers/kill.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-ingest-crash-');
let src: DemoManifest['ingests'][number];
/** A clean import of source_1 (two plates), made in this process. */
let clean: string;
/** Plate names in the order ingest writes them. */
let plates: string[];
let cleanPrint: ProjectPrint;

beforeAll(async () => {
  // The cached demo screen (built once per run): ingest only reads it.
  const m = (await demoCache()).manifest;
  src = m.ingests[0];
  clean = path.join(dir, 'clean.micon');
  plates = [];
  const db = openIntact(clean);
  try {
    await ingestFolder(db, src.folder, { platemap: src.platemap, plateMeta: src.plateMeta, onProgress: (p) => p.plate && !plates.includes(p.plate) && plates.push(p.plate) });
  } finally {
    db.close();
  }
  cleanPrint = projectPrint(clean);
}, 120_000);

// Everything a plate is made of, by name (never by row id: a retry writes new ids).
const PLATE_PARTS: Record<string, string> = {
  plate: `SELECT p.name, b.name AS batch, s.name AS source, p.replicate, p.layout, p.folder, p.rows, p.cols, p.image_width, p.image_height,
                 p.pixel_size_um, p.bit_depth, p.channel_map, p.cache_size, p.channel_scale
            FROM plates p JOIN batches b ON b.id = p.batch_id JOIN sources s ON s.id = b.source_id WHERE p.name = ?`,
  channels: 'SELECT c.name, c.raw_id, c.instrument_name FROM channels c JOIN plates p ON p.id = c.plate_id WHERE p.name = ? ORDER BY c.name',
  illumination: 'SELECT i.channel, i.size, i.data FROM illumination i JOIN plates p ON p.id = i.plate_id WHERE p.name = ? ORDER BY i.channel',
  wells: `SELECT w.well, w.row, w.col, c.compound_id, w.concentration, w.concentration_unit, w.pert_type
            FROM wells w JOIN plates p ON p.id = w.plate_id LEFT JOIN compounds c ON c.id = w.compound_id WHERE p.name = ? ORDER BY w.well`,
  sites: `SELECT w.well, s.site, s.qc_focus, s.qc_saturation, s.qc_foreground, s.qc_flags
            FROM sites s JOIN wells w ON w.id = s.well_id JOIN plates p ON p.id = w.plate_id WHERE p.name = ? ORDER BY w.well, s.site`,
  images: `SELECT w.well, s.site, i.channel, i.path, i.width, i.height, i.max_value
            FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id JOIN plates p ON p.id = w.plate_id WHERE p.name = ? ORDER BY w.well, s.site, i.channel`,
  site_arrays: `SELECT w.well, s.site, a.size, a.data
            FROM site_arrays a JOIN sites s ON s.id = a.site_id JOIN wells w ON w.id = s.well_id JOIN plates p ON p.id = w.plate_id WHERE p.name = ? ORDER BY w.well, s.site`,
  thumbnails: 'SELECT w.well, t.png FROM well_thumbnails t JOIN wells w ON w.id = t.well_id JOIN plates p ON p.id = w.plate_id WHERE p.name = ? ORDER BY w.well',
};

interface PlatePrint {
  /** Rows per part: wells, sites, images, site_arrays, thumbnails, channels, illumination. */
  counts: Record<string, number>;
  /** SHA-256 over every value of every part, blobs byte for byte. */
  hash: string;
}

interface ProjectPrint {
  plates: Record<string, PlatePrint>;
  /** The same over the project-wide tables a plate's transaction also writes. */
  shared: string;
}

function digest(db: DB, sql: string, ...args: unknown[]): { rows: number; hash: crypto.Hash } {
  const h = crypto.createHash('sha256');
  const rows = db.prepare(sql).raw().all(...args) as unknown[][];
  for (const r of rows) {
    for (const v of r) {
      if (Buffer.isBuffer(v)) h.update(`blob:${v.byteLength}:`).update(v);
      else h.update(JSON.stringify(v));
      h.update('\u0001');
    }
    h.update('\u0002');
  }
  return { rows: rows.length, hash: h };
}

function projectPrint(file: string): ProjectPrint {
  const db = openIntact(file);
  try {
    const out: ProjectPrint = { plates: {}, shared: '' };
    for (const { name } of db.prepare('SELECT name FROM plates ORDER BY name').all() as { name: string }[]) {
      const h = crypto.createHash('sha256');
      const counts: Record<string, number> = {};
      for (const [part, sql] of Object.entries(PLATE_PARTS)) {
        const d = digest(db, sql, name);
        counts[part] = d.rows;
        h.update(`${part}:${d.hash.digest('hex')};`);
      }
      out.plates[name] = { counts, hash: h.digest('hex') };
    }
    const shared = ['SELECT name FROM sources ORDER BY name', 'SELECT s.name, b.name FROM batches b JOIN sources s ON s.id = b.source_id ORDER BY 1, 2', 'SELECT compound_id, name, smiles, canonical_smiles, moa, target, is_control FROM compounds ORDER BY compound_id'];
    out.shared = shared.map((sql) => digest(db, sql).hash.digest('hex')).join(',');
    return out;
  } finally {
    db.close();
  }
}

const plateRows = (file: string) => {
  const db = openIntact(file);
  try {
    return db.prepare('SELECT id, name, ingested_at FROM plates ORDER BY id').all();
  } finally {
    db.close();
  }
};

function fresh(name: string): string {
  const f = path.join(dir, `${name}.micon`);
  for (const s of ['', '-wal', '-shm']) fs.rmSync(f + s, { force: true });
  return f;
}

const ingestParams = (db: string) => ({ db, folder: src.folder, platemap: src.platemap, plateMeta: src.plateMeta });
/** Kill on the job's progress: `${plate} ${stage}` with at least `done` sites through that stage. */
const on = (plate: () => string, stage: 'decode' | 'correct' | 'write', done: number) => (p: Progress) => p.stage === `${plate()} ${stage}` && p.done >= done;

describe('kill -9 during ingest', () => {
  it('the demo plates import identically twice (what the checks below rely on)', () => {
    expect(plates).toHaveLength(2);
    for (const name of plates) {
      expect(cleanPrint.plates[name].counts).toMatchObject({ plate: 1, channels: 5, illumination: 5, wells: 24, sites: 48, images: 240, site_arrays: 48, thumbnails: 24 });
    }
  });

  it('while decoding the first plate: the project opens, empty; no plate row, no orphan rows', async () => {
    const db = fresh('first-decode');
    const { at } = await killJobOn('ingest', ingestParams(db), on(() => plates[0], 'decode', 4));
    expect(at.done).toBeLessThan(at.total);
    expect(projectPrint(db).plates).toEqual({});
    const h = openIntact(db);
    try {
      for (const t of ['plates', 'wells', 'sites', 'images', 'site_arrays', 'well_thumbnails', 'channels', 'illumination', 'compounds', 'ingest_log']) {
        expect([t, (h.prepare(`SELECT COUNT(*) n FROM ${t}`).get() as { n: number }).n]).toEqual([t, 0]);
      }
    } finally {
      h.close();
    }
  });

  it('while decoding the second plate: the first is whole, the second absent; `micon ingest` again gives the clean project', async () => {
    const db = fresh('second-decode');
    await killJobOn('ingest', ingestParams(db), on(() => plates[1], 'decode', 8));
    expect(projectPrint(db).plates).toEqual({ [plates[0]]: cleanPrint.plates[plates[0]] });

    const out = JSON.parse(await runCli('ingest', src.folder, '--db', db, '--platemap', src.platemap, '--plate-meta', src.plateMeta, '--json')) as { plates: number; replaced: string[] };
    expect(out).toMatchObject({ plates: 2, replaced: [plates[0]] });
    expect(projectPrint(db)).toEqual(cleanPrint);
  }, 60_000);

  it('while writing the second plate\'s corrected arrays and thumbnails: the second plate is absent; the ingest job again gives the clean project', async () => {
    const db = fresh('second-correct');
    const { seen } = await killJobOn('ingest', ingestParams(db), on(() => plates[1], 'correct', 8));
    // The plate's decode stage had finished: its working arrays were all in the job's temp tables.
    expect(seen.some((p) => p.stage === `${plates[1]} decode` && p.done === p.total)).toBe(true);
    expect(projectPrint(db).plates).toEqual({ [plates[0]]: cleanPrint.plates[plates[0]] });

    await runJob('ingest', ingestParams(db)).done;
    expect(projectPrint(db)).toEqual(cleanPrint);
  }, 60_000);

  it('while storing the first plate (its one write transaction): that plate is absent or whole, never partial; the ingest job again gives the clean project', async () => {
    const db = fresh('first-write');
    await killJobOn('ingest', ingestParams(db), on(() => plates[0], 'write', 0));
    // The kill lands inside the transaction or, on a fast machine, just after its commit (then the job
    // is decoding the second plate).
    expect([{}, { [plates[0]]: cleanPrint.plates[plates[0]] }]).toContainEqual(projectPrint(db).plates);
    await runJob('ingest', ingestParams(db)).done;
    expect(projectPrint(db)).toEqual(cleanPrint);
  }, 60_000);

  it('while replacing a plate the project already has: both plates stay as they were (same rows, same ids); importing again replaces them cleanly', async () => {
    const db = fresh('replace');
    fs.copyFileSync(clean, db);
    const before = plateRows(db);
    await killJobOn('ingest', ingestParams(db), on(() => plates[0], 'correct', 8));
    expect(plateRows(db)).toEqual(before);
    expect(projectPrint(db)).toEqual(cleanPrint);

    const h = openIntact(db);
    try {
      const s = await ingestFolder(h, src.folder, { platemap: src.platemap, plateMeta: src.plateMeta });
      expect(s.replaced).toEqual(plates);
    } finally {
      h.close();
    }
    expect(projectPrint(db)).toEqual(cleanPrint);
  }, 60_000);
});
