import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFolder } from '../../../../main/core/plates/scan.js';
import { InputError } from '../../../../main/core/types.js';
import { fileFor, meanOf, rejection, sitesOf, wellsOf } from '../../../helpers/scan-helpers.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { expectedMean, writeCellVoyagerFixture } from '../../../helpers/vendor-fixtures.js';

const root = tmpDir('micon-cv-');
let n = 0;
const fresh = () => path.join(root, `case${++n}`);

describe('CellVoyager scanner', () => {
  it('reads .mlf/.mrf/.mes: ERR records skipped with a warning, names from the .mes, pixel size from the .mrf', async () => {
    const dir = fresh();
    const fx = await writeCellVoyagerFixture(dir, { errRecords: 2 });
    const r = await scanFolder(dir);
    expect(r.layout).toBe('cellvoyager');
    const [p] = r.plates;
    expect(p).toMatchObject({ name: 'Dest210809-141456', folder: fx.plateFolder, pixelSizeUm: 0.65, rows: 16, cols: 24 });
    expect(p.channelMap).toEqual({ C01: 'DNA', C02: 'ER', C03: 'RNA', C04: 'AGP', C05: 'Mito' });
    expect(p.channelNames.C03).toBe('SYTO 14');
    expect(wellsOf(p)).toEqual(['A01', 'B02', 'C03']);
    expect(sitesOf(p)).toEqual([1, 2]);
    expect(p.images).toHaveLength(30);
    const mlf = path.join(fx.plateFolder, 'MeasurementData.mlf');
    expect(r.problems).toEqual([
      expect.objectContaining({ file: mlf, well: 'A01', severity: 'warning', message: expect.stringMatching(/error record.*Autofocus failed.*skipped/) }),
      expect.objectContaining({ file: mlf, well: 'B02', severity: 'warning' }),
    ]);
  });

  it('maps by name when the channel order differs and reads the right pixels', async () => {
    const dir = fresh();
    await writeCellVoyagerFixture(dir, { channelOrder: ['DNA', 'Mito', 'RNA', 'ER', 'AGP'] });
    const [p] = (await scanFolder(dir)).plates;
    expect(p.channelMap).toEqual({ C01: 'DNA', C02: 'Mito', C03: 'RNA', C04: 'ER', C05: 'AGP' });
    expect(await meanOf(fileFor(p, 'C03', 2, 'AGP'))).toBeCloseTo(expectedMean('AGP'), 5);
  });

  it('finds .png files the .mlf calls .tif', async () => {
    const dir = fresh();
    await writeCellVoyagerFixture(dir, { png: true });
    const r = await scanFolder(dir);
    expect(r.plates[0].images).toHaveLength(30);
    expect(r.plates[0].images.every((i) => i.file.endsWith('.png'))).toBe(true);
    expect(r.problems.filter((x) => /missing/.test(x.message))).toEqual([]);
  });

  it.each(['Fluorophore', 'Name'] as const)('takes the stain name from bts:%s', async (nameAttribute) => {
    const dir = fresh();
    await writeCellVoyagerFixture(dir, { nameAttribute, channelOrder: ['Mito', 'AGP', 'RNA', 'ER', 'DNA'] });
    const [p] = (await scanFolder(dir)).plates;
    expect(p.channelMap).toEqual({ C01: 'Mito', C02: 'AGP', C03: 'RNA', C04: 'ER', C05: 'DNA' });
  });

  it('without a .mes asks for --channels (keys are the instrument channel numbers), then works', async () => {
    const dir = fresh();
    const fx = await writeCellVoyagerFixture(dir, { mes: false });
    const e = await rejection(scanFolder(dir));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain(fx.plateFolder);
    expect(e.message).toMatch(/no \.mes protocol file.*--channels/);
    const r = await scanFolder(dir, { channels: { '1': 'DNA', '2': 'ER', '3': 'RNA', '4': 'AGP', C05: 'Mito' } });
    expect(r.plates[0].channelMap).toEqual({ C01: 'DNA', C02: 'ER', C03: 'RNA', C04: 'AGP', C05: 'Mito' });
  });

  it('without an .mlf reads the file names; the plate name falls back to the prefix', async () => {
    const dir = fresh();
    await writeCellVoyagerFixture(dir, { mlf: false, mrf: false, folderName: 'measurement-1' });
    const [p] = (await scanFolder(dir)).plates;
    expect(p.name).toBe('Dest210809-141456');
    expect(p.images).toHaveLength(30);
    expect(p.pixelSizeUm).toBeUndefined();
  });

  it('uses z 1 only and warns once; missing files become warnings naming them', async () => {
    const dir = fresh();
    const fx = await writeCellVoyagerFixture(dir, { zSlices: 2, missing: 1, errRecords: 0 });
    const r = await scanFolder(dir);
    expect(r.plates[0].images).toHaveLength(29);
    expect(r.problems.map((x) => x.message)).toEqual([expect.stringMatching(/2 z-planes/), expect.stringMatching(/missing/)]);
    expect(r.problems[1].file).toBe(fx.missing[0]);
  });
});
