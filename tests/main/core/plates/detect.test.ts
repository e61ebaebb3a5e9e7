import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLayout, scanFolder } from '../../../../main/core/plates/scan.js';
import { InputError } from '../../../../main/core/types.js';
import { rejection } from '../../../helpers/scan-helpers.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { writeCellVoyagerFixture, writeImage, writeImageXpressFixture, writeLoadDataFixture, writePhenixFixture } from '../../../helpers/vendor-fixtures.js';

const root = tmpDir('micon-detect-');
let n = 0;
const fresh = () => path.join(root, `case${++n}`);
const isRoot = process.getuid?.() === 0;

describe('detectLayout', () => {
  it.each([
    ['imagexpress', writeImageXpressFixture],
    ['phenix', writePhenixFixture],
    ['cellvoyager', writeCellVoyagerFixture],
    ['loaddata', writeLoadDataFixture],
  ] as const)('detects %s from the parent folder and from the plate folder', async (layout, write) => {
    const dir = fresh();
    const fx = await write(dir, { wells: ['A01'], sites: 1, size: 8 });
    expect(await detectLayout(dir)).toBe(layout);
    expect(await detectLayout(fx.plateFolder)).toBe(layout);
  });

  it('detects from inside a plate (TimePoint_1/, Images/) too', async () => {
    const dir = fresh();
    const ixm = await writeImageXpressFixture(dir, { wells: ['A01'], sites: 1, size: 8 });
    expect(await detectLayout(path.join(ixm.plateFolder, 'TimePoint_1'))).toBe('imagexpress');
    const ph = await writePhenixFixture(fresh(), { wells: ['A01'], sites: 1, size: 8 });
    expect(await detectLayout(path.join(ph.plateFolder, 'Images'))).toBe('phenix');
    const r = await scanFolder(path.join(ph.plateFolder, 'Images'));
    expect(r.plates[0].name).toBe('BR00116991');
  });

  it('explains what it looked for and what it found when no layout matches', async () => {
    const dir = fresh();
    await writeImage(path.join(dir, 'scans', 'plate1_well_A1.tif'), 'DNA', 8);
    fs.writeFileSync(path.join(dir, 'platemap.csv'), 'Metadata_Well,Metadata_Compound\nA01,DMSO\n');
    const e = await rejection(detectLayout(dir));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain(`${dir}: no ImageXpress, Opera Phenix/Operetta, CellVoyager or LoadData CSV plate found (looked for`);
    for (const what of ['.HTD', 'Index.idx.xml', 'MeasurementData.mlf', 'Metadata_Plate', 'plate1_well_A1.tif', 'platemap.csv']) expect(e.message).toContain(what);
  });

  it('says so when the folder holds nothing at all', async () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    await expect(scanFolder(dir)).rejects.toThrow(/plate found \(looked for .*no image or CSV files/);
  });

  it('names a folder that does not exist, and a path that is a file', async () => {
    const missing = path.join(fresh(), 'nope');
    await expect(scanFolder(missing)).rejects.toThrow(`${missing}: no such folder`);
    const file = path.join(fresh(), 'notes.txt');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, 'hello');
    const e = await rejection(scanFolder(file));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain(`${file}: not a folder`);
  });

  // As root, chmod 000 does not stop reads, so the EACCES path cannot be provoked (the file-not-folder case above covers the error path).
  it.skipIf(isRoot)('names an unreadable folder (EACCES)', async () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o000);
    try {
      const e = await rejection(scanFolder(dir));
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toBe(`${dir}: permission denied (cannot read this folder)`);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  });

  it('picks the layout with most plates and warns about the others', async () => {
    const dir = fresh();
    await writeImageXpressFixture(dir, { plate: 'IXM1', sites: 1, size: 8 });
    await writeImageXpressFixture(dir, { plate: 'IXM2', sites: 1, size: 8 });
    const ph = await writePhenixFixture(dir, { sites: 1, size: 8 });
    const r = await scanFolder(dir);
    expect(r.layout).toBe('imagexpress');
    expect(r.plates.map((p) => p.name)).toEqual(['IXM1', 'IXM2']);
    expect(r.problems).toEqual([expect.objectContaining({ file: ph.plateFolder, severity: 'warning', message: expect.stringMatching(/also found 1 Opera Phenix\/Operetta plate.*import the others separately/) })]);
  });

  it('skips hidden folders and does not descend absurdly deep', async () => {
    const dir = fresh();
    await writeCellVoyagerFixture(path.join(dir, '.snapshot'), { sites: 1, size: 8 });
    await writeCellVoyagerFixture(path.join(dir, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'), { sites: 1, size: 8 });
    const e = await rejection(scanFolder(dir));
    expect(e.message).toMatch(/no ImageXpress/);
    const near = path.join(dir, 'a', 'b', 'c');
    await writeCellVoyagerFixture(near, { plate: 'NEAR', sites: 1, size: 8 });
    const r = await scanFolder(dir);
    expect(r.plates.map((p) => p.name)).toEqual(['NEAR']);
    expect(r.problems.some((x) => /not searched/.test(x.message))).toBe(true);
  });
});
