import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFolder } from '../../../../main/core/plates/scan.js';
import { InputError } from '../../../../main/core/types.js';
import { fileFor, meanOf, rejection, sitesOf, wellsOf } from '../../../helpers/scan-helpers.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { expectedMean, writePhenixFixture } from '../../../helpers/vendor-fixtures.js';

const root = tmpDir('micon-phenix-');
let n = 0;
const fresh = () => path.join(root, `case${++n}`);

describe('Opera Phenix / Operetta scanner', () => {
  it('reads a Harmony export: PlateID, plate format, pixel size in µm, channel names', async () => {
    const dir = fresh();
    const fx = await writePhenixFixture(dir);
    const r = await scanFolder(dir);
    expect(r.layout).toBe('phenix');
    expect(r.problems).toEqual([]);
    const [p] = r.plates;
    expect(p).toMatchObject({ name: 'BR00116991', folder: fx.plateFolder, rows: 16, cols: 24, pixelSizeUm: 0.597976 });
    expect(p.channelMap).toEqual({ ch1: 'DNA', ch2: 'ER', ch3: 'RNA', ch4: 'AGP', ch5: 'Mito' });
    expect(p.channelNames.ch1).toBe('Hoechst 33342');
    expect(wellsOf(p)).toEqual(['A01', 'B02', 'C03']);
    expect(sitesOf(p)).toEqual([1, 2]);
    expect(p.images).toHaveLength(30);
    expect(p.images.every((i) => i.file.startsWith(path.join(fx.plateFolder, 'Images')))).toBe(true);
  });

  it('maps by name when ch1 = Mito … ch5 = DNA (JUMP source_4 order)', async () => {
    const dir = fresh();
    await writePhenixFixture(dir, { channelOrder: ['Mito', 'AGP', 'RNA', 'ER', 'DNA'] });
    const [p] = (await scanFolder(dir)).plates;
    expect(p.channelMap).toEqual({ ch1: 'Mito', ch2: 'AGP', ch3: 'RNA', ch4: 'ER', ch5: 'DNA' });
    const dna = fileFor(p, 'B02', 1, 'DNA');
    expect(path.basename(dna)).toBe('r02c02f01p01-ch5sk1fk1fl1.tiff');
    expect(await meanOf(dna)).toBeCloseTo(expectedMean('DNA'), 5);
  });

  it.each([5, 6, 7] as const)('accepts the HarmonyV%i namespace', async (v) => {
    const dir = fresh();
    await writePhenixFixture(dir, { harmonyVersion: v });
    expect((await scanFolder(dir)).plates[0].images).toHaveLength(30);
  });

  it.each(['Index.xml', 'Images/Index.xml', 'Images/Index.ref.xml'] as const)('finds %s', async (index) => {
    const dir = fresh();
    await writePhenixFixture(dir, { index });
    const [p] = (await scanFolder(dir)).plates;
    expect(p.images).toHaveLength(30);
    expect(p.channelMap.ch5).toBe('Mito');
  });

  it('reads 3-digit fields and 1536-well plates', async () => {
    const dir = fresh();
    await writePhenixFixture(dir, { fieldDigits: 3, wells: ['A01', 'AF48'], sites: 11, size: 8 });
    const [p] = (await scanFolder(dir)).plates;
    expect(sitesOf(p)).toHaveLength(11);
    expect(wellsOf(p)).toEqual(['A01', 'AF48']);
    expect(p).toMatchObject({ rows: 32, cols: 48 });
    expect(p.images.some((i) => /f011p01/.test(i.file))).toBe(true);
  });

  it('uses the first plane and time point, warning once each', async () => {
    const dir = fresh();
    await writePhenixFixture(dir, { planes: 3, timepoints: 2, wells: ['A01'], sites: 1, size: 8 });
    const r = await scanFolder(dir);
    expect(r.plates[0].images).toHaveLength(5);
    expect(r.plates[0].images.every((i) => /p01-ch\dsk1fk/.test(i.file))).toBe(true);
    expect(r.problems.map((x) => x.message)).toEqual([expect.stringMatching(/2 time points/), expect.stringMatching(/3 z-planes/)]);
  });

  it('warns about index entries whose file is missing, naming the file', async () => {
    const dir = fresh();
    const fx = await writePhenixFixture(dir, { missing: 2 });
    const r = await scanFolder(dir);
    expect(r.plates[0].images).toHaveLength(28);
    for (const f of fx.missing) expect(r.problems).toContainEqual(expect.objectContaining({ file: f, severity: 'warning', message: expect.stringMatching(/missing/) }));
  });

  it('without an index needs --channels; plate name from the folder before "__"', async () => {
    const dir = fresh();
    const fx = await writePhenixFixture(dir, { index: 'none', plate: 'BR00117035' });
    const e = await rejection(scanFolder(dir));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain(fx.plateFolder);
    expect(e.message).toMatch(/Index\.idx\.xml.*--channels/);
    const r = await scanFolder(dir, { channels: { ch1: 'DNA', '2': 'ER', '3': 'RNA', '4': 'AGP', '5': 'Mito' } });
    expect(r.plates[0].name).toBe('BR00117035');
    expect(r.plates[0].images).toHaveLength(30);
  });

  it('falls back to the folder name when the index has no PlateID', async () => {
    const dir = fresh();
    await writePhenixFixture(dir, { noPlateId: true, folderName: 'BR00116992__2020-11-06T10_00_00-Measurement2' });
    expect((await scanFolder(dir)).plates[0].name).toBe('BR00116992');
  });

  it('leaves brightfield out with one warning', async () => {
    const dir = fresh();
    await writePhenixFixture(dir, { brightfield: true });
    const r = await scanFolder(dir);
    expect(r.plates[0].images).toHaveLength(30);
    expect(r.problems).toEqual([expect.objectContaining({ message: expect.stringMatching(/ch6 \("Brightfield"\).*its 6 image/) })]);
  });

  it('finds plates in a Cell Painting Gallery batch tree', async () => {
    const dir = fresh();
    const batch = path.join(dir, 'source_4', 'images', '2020_11_04_CPJUMP1', 'images');
    await writePhenixFixture(batch, { plate: 'BR00116991', sites: 1 });
    await writePhenixFixture(batch, { plate: 'BR00116992', sites: 1 });
    fs.mkdirSync(path.join(dir, 'source_4', 'workspace'), { recursive: true });
    const r = await scanFolder(dir);
    expect(r.plates.map((p) => p.name)).toEqual(['BR00116991', 'BR00116992']);
  });
});
