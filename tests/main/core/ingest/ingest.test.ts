import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { HANDCRAFTED_VERSION, handcraftedFeatureNames } from '../../../../main/core/features/handcrafted.js';
import { ingestFolder } from '../../../../main/core/ingest/ingest.js';
import { CHANNELS, InputError } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import {
  pixelBase,
  writeCellVoyagerFixture,
  writeImageXpressFixture,
  writeLoadDataFixture,
  writePhenixFixture,
  type Fixture,
} from '../../../helpers/vendor-fixtures.js';

const root = tmpDir('micon-ingest-');
let n = 0;
const fresh = () => path.join(root, `case-${++n}`);
const project = (dir: string) => openProject(path.join(dir, 'p.micon'));
const count = (db: DB, sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;

/** A platemap for a fixture: first well DMSO, the rest one compound each (aspirin, caffeine, …). */
function platemapFor(fx: Fixture, dir: string, extra = ''): string {
  const smiles = ['CC(=O)Oc1ccccc1C(=O)O', 'Cn1c(=O)c2c(ncn2C)n(C)c1=O', 'CC(C)Cc1ccc(C(C)C(=O)O)cc1', 'CN(C)C(=N)N=C(N)N'];
  const lines = ['Metadata_Plate,Metadata_Well,Metadata_JCP2022,Metadata_SMILES,Metadata_Concentration,Metadata_pert_type'];
  fx.wells.forEach((w, i) => {
    lines.push(i === 0 ? `${fx.plate},${w},DMSO,CS(C)=O,0,negcon` : `${fx.plate},${w},CMP-${i},${smiles[(i - 1) % smiles.length]},10,trt`);
  });
  const f = path.join(dir, 'platemap.csv');
  fs.writeFileSync(f, lines.join('\n') + '\n' + extra);
  return f;
}

/** The channel each image row was mapped to must be the channel its pixels were drawn for. */
function expectChannelsByPixels(db: DB, size: number, bitDepth: 12 | 16 = 16) {
  const rows = db.prepare('SELECT channel, max_value FROM images').all() as { channel: (typeof CHANNELS)[number]; max_value: number }[];
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect(r.max_value).toBe(pixelBase(r.channel, bitDepth) + 2 * (size - 1));
}

describe('ingestFolder: the four vendor layouts', () => {
  const cases: [string, (dir: string) => Promise<Fixture>][] = [
    ['imagexpress', (d) => writeImageXpressFixture(d, { uuid: true, wells: ['B02', 'B03', 'C02'], sites: 2 })],
    ['phenix', (d) => writePhenixFixture(d, { channelOrder: ['Mito', 'AGP', 'RNA', 'ER', 'DNA'], bitDepth: 12, sites: 3 })],
    ['cellvoyager', (d) => writeCellVoyagerFixture(d, { errRecords: 2 })],
    ['loaddata', (d) => writeLoadDataFixture(d, { wellFormat: 'a1' })],
  ];
  for (const [layout, write] of cases) {
    it(`imports a ${layout} plate with platemap, metadata, preprocessing, QC and thumbnails`, async () => {
      const dir = fresh();
      const fx = await write(path.join(dir, 'plates'));
      const db = project(dir);
      const s = await ingestFolder(db, path.join(dir, 'plates'), { platemap: platemapFor(fx, dir), source: 'centre-A', batch: 'B1' });
      expect(s.layout).toBe(layout);
      expect(s.plates).toBe(1);
      expect(s.wells).toBe(fx.wells.length);
      expect(s.sites).toBe(fx.wells.length * fx.sites);
      expect(s.images).toBe(s.sites * 5);
      expect(s.controls).toBe(1);
      expect(s.compounds).toBe(fx.wells.length - 1);
      expect(s.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expectChannelsByPixels(db, 64, layout === 'phenix' ? 12 : 16);
      const plate = db.prepare('SELECT p.*, b.name batch, s.name source FROM plates p JOIN batches b ON b.id = p.batch_id JOIN sources s ON s.id = b.source_id').get() as Record<string, unknown>;
      expect(plate).toMatchObject({ name: fx.plate, layout, source: 'centre-A', batch: 'B1', image_width: 64, bit_depth: layout === 'phenix' ? 12 : 16 });
      // The default cache is 64² (40 KB a site); the hand-crafted features come from the full images, one vector per site.
      expect(count(db, 'SELECT COUNT(*) n FROM site_arrays WHERE size = 64 AND length(data) = 5 * 64 * 64 * 2')).toBe(s.sites);
      expect(count(db, 'SELECT COUNT(*) n FROM site_handcrafted WHERE version = ? AND length(vec) = ?', HANDCRAFTED_VERSION, 4 * handcraftedFeatureNames().length)).toBe(s.sites);
      expect(count(db, 'SELECT COUNT(*) n FROM illumination')).toBe(5);
      expect(count(db, 'SELECT COUNT(*) n FROM well_thumbnails')).toBe(fx.wells.length);
      expect(count(db, "SELECT COUNT(*) n FROM compounds WHERE canonical_smiles IS NOT NULL AND is_control = 0")).toBe(Math.min(4, fx.wells.length - 1));
      const png = (db.prepare('SELECT png FROM well_thumbnails LIMIT 1').get() as { png: Buffer }).png;
      expect((await sharp(png).metadata()).format).toBe('png');
      db.close();
    });
  }
});

describe('ingestFolder: preprocessing', () => {
  it('divides out a vignetting pattern shared by the plate and detects 12-bit data in 16-bit files', async () => {
    const dir = fresh();
    const fx = await writeImageXpressFixture(path.join(dir, 'plates'), { wells: ['A01', 'A02', 'A03', 'A04'], sites: 2, size: 96 });
    // Overwrite every image with random blobs under a strong off-centre falloff, 12-bit range.
    let seed = 3;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (const img of fx.images) {
      const px = new Uint16Array(96 * 96);
      for (let y = 0; y < 96; y++) {
        for (let x = 0; x < 96; x++) {
          const fall = 1 - 0.6 * ((x / 96) ** 2 + (y / 96) ** 2) / 2;
          px[y * 96 + x] = Math.round((800 + 2000 * rnd()) * fall);
        }
      }
      await sharp(px, { raw: { width: 96, height: 96, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'none' }).toFile(img.file);
    }
    const db = project(dir);
    await ingestFolder(db, path.join(dir, 'plates'), { cacheSize: 32 });
    expect((db.prepare('SELECT bit_depth FROM plates').get() as { bit_depth: number }).bit_depth).toBe(12);
    const arrays = (db.prepare('SELECT data FROM site_arrays').all() as { data: Buffer }[]).map((r) => new Uint16Array(r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.byteLength)));
    // Mean over sites of the DNA channel: top-left vs bottom-right corner regions should match after correction.
    const region = (a: Uint16Array, x0: number, y0: number) => {
      let s = 0;
      for (let y = y0; y < y0 + 8; y++) for (let x = x0; x < x0 + 8; x++) s += a[y * 32 + x];
      return s / 64;
    };
    const tl = arrays.reduce((s, a) => s + region(a, 0, 0), 0);
    const br = arrays.reduce((s, a) => s + region(a, 24, 24), 0);
    expect(Math.abs(tl / br - 1)).toBeLessThan(0.12);
    db.close();
  });
});

describe('ingestFolder: bad input', () => {
  it('refuses an unknown layout, naming the folder', async () => {
    const dir = fresh();
    fs.mkdirSync(path.join(dir, 'junk'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'junk', 'notes.txt'), 'hello');
    const db = project(dir);
    await expect(ingestFolder(db, path.join(dir, 'junk'))).rejects.toThrow(/junk.*no ImageXpress, Opera Phenix\/Operetta, CellVoyager or LoadData/);
    expect(count(db, 'SELECT COUNT(*) n FROM plates')).toBe(0);
    db.close();
  });

  it('refuses a folder that does not exist or is not a folder', async () => {
    const dir = fresh();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'file.tif'), 'x');
    const db = project(dir);
    await expect(ingestFolder(db, path.join(dir, 'nope'))).rejects.toBeInstanceOf(InputError);
    await expect(ingestFolder(db, path.join(dir, 'file.tif'))).rejects.toThrow(/file\.tif/);
    db.close();
  });

  it('skips a site with a missing channel file and one with a corrupt TIFF, naming file and well', async () => {
    const dir = fresh();
    const fx = await writeImageXpressFixture(path.join(dir, 'plates'), { wells: ['A01', 'A02', 'A03'], sites: 2, missing: 1, corrupt: 5 });
    const db = project(dir);
    const s = await ingestFolder(db, path.join(dir, 'plates'), { platemap: platemapFor(fx, dir) });
    expect(s.sites).toBe(6 - 2);
    const missing = s.problems.find((p) => /missing DNA image/.test(p.message));
    expect(missing).toMatchObject({ well: 'A01', severity: 'warning' });
    // Corrupt files 0-3 sit in the site already skipped for its missing file; file 4 is site 2's DNA.
    const corrupt = s.problems.find((p) => p.file === fx.corrupt[4]);
    expect(corrupt?.message).toMatch(/cannot be decoded|not a readable image/);
    expect(corrupt?.message).toMatch(/site skipped/);
    db.close();
  });

  it('skips a truncated TIFF and an 8-bit TIFF in a 16-bit plate', async () => {
    const dir = fresh();
    const fx = await writeImageXpressFixture(path.join(dir, 'plates'), { wells: ['A01', 'A02', 'A03'], sites: 2 });
    const truncated = fx.images[7].file;
    fs.truncateSync(truncated, Math.floor(fs.statSync(truncated).size / 2));
    const eightBit = fx.images[13].file;
    await sharp(new Uint8Array(64 * 64).fill(90), { raw: { width: 64, height: 64, channels: 1 } }).toColourspace('b-w').tiff().toFile(eightBit + '.tmp');
    fs.renameSync(eightBit + '.tmp', eightBit);
    const db = project(dir);
    const s = await ingestFolder(db, path.join(dir, 'plates'));
    expect(s.sites).toBe(4);
    expect(s.problems.find((p) => p.file === truncated)?.message).toMatch(/site skipped/);
    expect(s.problems.find((p) => p.file === eightBit)?.message).toMatch(/is 8-bit but the plate's other .* images are 16-bit; site skipped/);
    expect(count(db, 'SELECT COUNT(*) n FROM images WHERE path = ?', eightBit)).toBe(0);
    db.close();
  });

  it('keeps a compound with an invalid SMILES without a structure and says which line', async () => {
    const dir = fresh();
    const fx = await writeImageXpressFixture(path.join(dir, 'plates'), { wells: ['A01', 'A02'], sites: 1 });
    const pm = path.join(dir, 'pm.csv');
    fs.writeFileSync(pm, `plate,well,compound_id,smiles\n${fx.plate},A01,DMSO,CS(C)=O\n${fx.plate},A02,BAD-1,C1CC((N\n`);
    const db = project(dir);
    const s = await ingestFolder(db, path.join(dir, 'plates'), { platemap: pm });
    const p = s.problems.find((x) => /not a valid structure/.test(x.message));
    expect(p).toMatchObject({ file: pm, row: 3, well: 'A02' });
    expect(p!.message).toMatch(/line 3: SMILES "C1CC\(\(N" of BAD-1/);
    expect(db.prepare("SELECT canonical_smiles FROM compounds WHERE compound_id = 'BAD-1'").get()).toEqual({ canonical_smiles: null });
    expect(s.wells).toBe(2);
    db.close();
  });

  it('warns about platemap wells without images and images without platemap rows', async () => {
    const dir = fresh();
    const fx = await writeImageXpressFixture(path.join(dir, 'plates'), { wells: ['A01', 'A02', 'A03'], sites: 1 });
    const pm = path.join(dir, 'pm.csv');
    fs.writeFileSync(pm, `well,compound_id,smiles\nA01,DMSO,CS(C)=O\nA02,C-1,CCO\nH12,C-2,CCN\n`);
    const db = project(dir);
    const s = await ingestFolder(db, path.join(dir, 'plates'), { platemap: pm });
    expect(s.problems.find((p) => p.well === 'H12')).toMatchObject({ row: 4, message: expect.stringMatching(/line 4: plate .* well H12 has no images/) });
    expect(s.problems.find((p) => p.well === 'A03')?.message).toMatch(/well A03 has images but no platemap row; imported without compound/);
    expect(s.wells).toBe(3);
    expect(count(db, "SELECT COUNT(*) n FROM wells WHERE well = 'A03' AND compound_id IS NULL")).toBe(1);
    expect(fx.plate).toBeTruthy();
    db.close();
  });

  it('replaces a plate ingested twice atomically and reports the counts as for a first import', async () => {
    const dir = fresh();
    const fx = await writeImageXpressFixture(path.join(dir, 'plates'), { wells: ['A01', 'A02'], sites: 2 });
    const db = project(dir);
    const first = await ingestFolder(db, path.join(dir, 'plates'), { platemap: platemapFor(fx, dir) });
    const second = await ingestFolder(db, path.join(dir, 'plates'), { platemap: platemapFor(fx, dir) });
    expect(first.replaced).toEqual([]);
    expect(second.replaced).toEqual([fx.plate]);
    expect(second.problems.some((p) => /already in the project; replaced/.test(p.message))).toBe(true);
    for (const k of ['plates', 'wells', 'sites', 'images', 'compounds', 'controls'] as const) expect(second[k]).toBe(first[k]);
    expect(count(db, 'SELECT COUNT(*) n FROM plates')).toBe(1);
    expect(count(db, 'SELECT COUNT(*) n FROM sites')).toBe(4);
    expect(count(db, 'SELECT COUNT(*) n FROM site_arrays')).toBe(4);
    db.close();
  });

  it('leaves no half-written plate when an import fails midway, and keeps the earlier version', async () => {
    const dir = fresh();
    await writeImageXpressFixture(path.join(dir, 'plates'), { wells: ['A01', 'A02', 'A03'], sites: 2 });
    const db = project(dir);
    await ingestFolder(db, path.join(dir, 'plates'));
    const before = count(db, 'SELECT COUNT(*) n FROM sites');
    let calls = 0;
    const crash = ingestFolder(db, path.join(dir, 'plates'), {
      onProgress: (p) => {
        if (p.stage === 'correct' && ++calls === 2) throw new Error('simulated crash');
      },
    });
    await expect(crash).rejects.toThrow('simulated crash');
    expect(db.inTransaction).toBe(false);
    expect(count(db, 'SELECT COUNT(*) n FROM plates')).toBe(1);
    expect(count(db, 'SELECT COUNT(*) n FROM sites')).toBe(before);
    expect(count(db, 'SELECT COUNT(*) n FROM site_arrays')).toBe(before);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('refuses a plate whose channels cannot be mapped by name, and imports it with --channels', async () => {
    const dir = fresh();
    await writeImageXpressFixture(path.join(dir, 'plates'), { htd: 'none', wells: ['A01'], sites: 1 });
    const db = project(dir);
    await expect(ingestFolder(db, path.join(dir, 'plates'))).rejects.toThrow(/--channels/);
    const s = await ingestFolder(db, path.join(dir, 'plates'), { channels: { 1: 'DNA', 2: 'ER', 3: 'RNA', 4: 'AGP', 5: 'Mito' } });
    expect(s.sites).toBe(1);
    expectChannelsByPixels(db, 64);
    db.close();
  });
});

describe('ingestFolder: sources that differ', () => {
  it('puts plates of different image sizes, bit depths and channel orders into one project at the same cache size', async () => {
    const dir = fresh();
    const a = await writeImageXpressFixture(path.join(dir, 's1'), { plate: 'S1P1', size: 80 });
    const b = await writePhenixFixture(path.join(dir, 's2'), { plate: 'S2P1', size: 64, bitDepth: 12, channelOrder: ['Mito', 'AGP', 'RNA', 'ER', 'DNA'] });
    const db = project(dir);
    await ingestFolder(db, path.join(dir, 's1'), { source: 'one', cacheSize: 48 });
    await ingestFolder(db, path.join(dir, 's2'), { source: 'two', cacheSize: 48 });
    const plates = db.prepare('SELECT name, image_width, bit_depth, cache_size FROM plates ORDER BY name').all();
    expect(plates).toEqual([
      { name: a.plate, image_width: 80, bit_depth: 16, cache_size: 48 },
      { name: b.plate, image_width: 64, bit_depth: 12, cache_size: 48 },
    ]);
    expect(db.prepare("SELECT raw_id FROM channels c JOIN plates p ON p.id = c.plate_id WHERE p.name = 'S2P1' AND c.name = 'DNA'").get()).toMatchObject({ raw_id: expect.stringMatching(/5/) });
    db.close();
  });
});

describe('ingestFolder: reproducibility', () => {
  it('gives identical site ids and preprocessed arrays when the same plate is imported twice', async () => {
    const dir = fresh();
    await writeImageXpressFixture(path.join(dir, 'plates'), { wells: ['A01', 'A02', 'A03', 'B01', 'B02', 'B03'], sites: 3, size: 96 });
    const dump = async (name: string) => {
      const db = openProject(path.join(dir, name));
      await ingestFolder(db, path.join(dir, 'plates'), { cacheSize: 32 });
      const rows = db.prepare('SELECT s.id, w.well, s.site, hex(a.data) AS h FROM sites s JOIN wells w ON w.id = s.well_id JOIN site_arrays a ON a.site_id = s.id ORDER BY s.id').all();
      db.close();
      return rows;
    };
    const a = await dump('a.micon');
    expect(a).toHaveLength(18);
    expect(await dump('b.micon')).toEqual(a);
  });
});
