import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { scanFolder } from '../../../../main/core/plates/scan.js';
import { InputError } from '../../../../main/core/types.js';
import { fileFor, meanOf, rejection, sitesOf, wellsOf } from '../../../helpers/scan-helpers.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { expectedMean, writeLoadDataFixture } from '../../../helpers/vendor-fixtures.js';

const root = tmpDir('micon-loaddata-');
let n = 0;
const fresh = () => path.join(root, `case${++n}`);
const ORIG = { OrigDNA: 'DNA', OrigER: 'ER', OrigRNA: 'RNA', OrigAGP: 'AGP', OrigMito: 'Mito' };

describe('LoadData CSV scanner', () => {
  it('reads FileName_/PathName_ columns with paths relative to the CSV folder', async () => {
    const dir = fresh();
    const fx = await writeLoadDataFixture(dir, { channelOrder: ['Mito', 'AGP', 'RNA', 'ER', 'DNA'] });
    const r = await scanFolder(dir);
    expect(r.layout).toBe('loaddata');
    expect(r.problems).toEqual([]);
    const [p] = r.plates;
    expect(p).toMatchObject({ name: 'BR00117035', folder: fx.plateFolder, channelMap: ORIG });
    expect(wellsOf(p)).toEqual(['A01', 'B02', 'C03']);
    expect(sitesOf(p)).toEqual([1, 2]);
    expect(p.images).toHaveLength(30);
    expect(p.images.every((i) => path.isAbsolute(i.file) && fs.existsSync(i.file))).toBe(true);
    expect(await meanOf(fileFor(p, 'A01', 2, 'ER'))).toBeCloseTo(expectedMean('ER'), 5);
  });

  it.each([
    ['file:// URL_ columns', { columns: 'url' as const }],
    ['plain-path URL_ columns', { columns: 'path' as const }],
    ['absolute PathName_', { relativePaths: false }],
    ['Image_ prefixed columns', { imagePrefix: true }],
    ['illum columns (ignored)', { illum: true, csvName: 'load_data_with_illum.csv' }],
  ])('reads %s', async (_what, o) => {
    const dir = fresh();
    await writeLoadDataFixture(dir, o);
    const r = await scanFolder(dir);
    expect(r.plates[0].channelMap).toEqual(ORIG);
    expect(r.plates[0].images).toHaveLength(30);
    expect(r.problems).toEqual([]);
  });

  it('resolves PathName_ relative to the CSV when the images live elsewhere (JUMP workspace)', async () => {
    const dir = fresh();
    const images = path.join(dir, 'images', '2020_11_04_CPJUMP1', 'images', 'BR00116991');
    await writeLoadDataFixture(path.join(dir, 'workspace', 'load_data_csv', '2020_11_04_CPJUMP1'), { plate: 'BR00116991', imagesDir: images });
    const r = await scanFolder(path.join(dir, 'workspace'));
    expect(r.plates[0].images[0].file.startsWith(images)).toBe(true);
    expect(r.plates[0].images).toHaveLength(30);
  });

  it('normalises wells written A1 and a1', async () => {
    for (const wellFormat of ['A1', 'a1'] as const) {
      const dir = fresh();
      await writeLoadDataFixture(dir, { wellFormat, wells: ['A01', 'P24'] });
      expect(wellsOf((await scanFolder(dir)).plates[0])).toEqual(['A01', 'P24']);
    }
  });

  it('warns about rows whose file is missing, with the file and its CSV line (header = line 1)', async () => {
    const dir = fresh();
    const fx = await writeLoadDataFixture(dir, { missing: 6 });
    const r = await scanFolder(dir);
    expect(r.plates[0].images).toHaveLength(24);
    expect(r.problems).toHaveLength(6);
    expect(r.problems[0]).toMatchObject({ file: fx.missing[0], row: 2, well: 'A01', severity: 'warning' });
    expect(r.problems[5]).toMatchObject({ file: fx.missing[5], row: 3 });
  });

  it('refuses s3:// URLs: remote images must be downloaded first', async () => {
    const dir = fresh();
    await writeLoadDataFixture(dir, { columns: 's3' });
    const e = await rejection(scanFolder(dir));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/load_data\.csv line 2: s3:\/\/cellpainting-gallery.*downloaded first/);
  });

  it('reads one plate when load_data.csv and load_data_with_illum.csv sit side by side', async () => {
    const dir = fresh();
    await writeLoadDataFixture(dir, {});
    await writeLoadDataFixture(dir, { illum: true, csvName: 'load_data_with_illum.csv' });
    const r = await scanFolder(dir);
    expect(r.plates).toHaveLength(1);
    expect(r.problems).toEqual([]);
  });

  it('accepts the CSV itself as the path, and drops brightfield with a warning', async () => {
    const dir = fresh();
    const fx = await writeLoadDataFixture(dir, { brightfield: true });
    const r = await scanFolder(fx.metadata[0]);
    expect(r.plates[0].images).toHaveLength(30);
    expect(r.problems).toEqual([expect.objectContaining({ message: expect.stringMatching(/OrigBrightfield.*ignored/) })]);
  });

  it('reads a gzipped load_data.csv.gz', async () => {
    const dir = fresh();
    const fx = await writeLoadDataFixture(dir, {});
    fs.writeFileSync(`${fx.metadata[0]}.gz`, gzipSync(fs.readFileSync(fx.metadata[0])));
    fs.rmSync(fx.metadata[0]);
    const r = await scanFolder(dir);
    expect(r.plates[0].images).toHaveLength(30);
  });

  it('asks for --channels when the column names are not stains, naming the CSV', async () => {
    const dir = fresh();
    const fx = await writeLoadDataFixture(dir, { channelNames: ['Ch1', 'Ch2', 'Ch3', 'Ch4', 'Ch5'] });
    const e = await rejection(scanFolder(dir));
    expect(e.message).toContain(fx.metadata[0]);
    expect(e.message).toMatch(/--channels/);
    const r = await scanFolder(dir, { channels: { Ch1: 'DNA', Ch2: 'ER', Ch3: 'RNA', Ch4: 'AGP', Ch5: 'Mito' } });
    expect(r.plates[0].images).toHaveLength(30);
  });
});
