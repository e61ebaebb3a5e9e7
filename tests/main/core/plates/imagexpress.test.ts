import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFolder } from '../../../../main/core/plates/scan.js';
import { InputError } from '../../../../main/core/types.js';
import { fileFor, meanOf, rejection, sitesOf, wellsOf } from '../../../helpers/scan-helpers.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { expectedMean, writeImage, writeImageXpressFixture } from '../../../helpers/vendor-fixtures.js';

const root = tmpDir('micon-ixm-');
let n = 0;
const fresh = () => path.join(root, `case${++n}`);
const FIVE = { w1: 'DNA', w2: 'ER', w3: 'RNA', w4: 'AGP', w5: 'Mito' };

describe('ImageXpress scanner', () => {
  it('reads a MetaXpress plate folder: prefix as plate name, HTD wave names, plate format', async () => {
    const dir = fresh();
    const fx = await writeImageXpressFixture(dir, { plate: 'P1' });
    const r = await scanFolder(dir);
    expect(r.layout).toBe('imagexpress');
    expect(r.problems).toEqual([]);
    expect(r.plates).toHaveLength(1);
    const p = r.plates[0];
    expect(p).toMatchObject({ name: 'P1', folder: fx.plateFolder, layout: 'imagexpress', rows: 16, cols: 24, channelMap: FIVE });
    expect(p.channelNames).toEqual({ w1: 'Hoechst 33342', w2: 'Concanavalin A', w3: 'SYTO 14', w4: 'Phalloidin', w5: 'MitoTracker Deep Red' });
    expect(wellsOf(p)).toEqual(['A01', 'B02', 'C03']);
    expect(sitesOf(p)).toEqual([1, 2]);
    expect(p.images).toHaveLength(30);
    for (const img of p.images) {
      expect(path.isAbsolute(img.file)).toBe(true);
      expect(img.plate).toBe('P1');
      expect(img.channelRaw).toMatch(/^w[1-5]$/);
    }
  });

  it('maps channels by WaveName when the order differs, with UUIDs that start with a digit', async () => {
    const dir = fresh();
    await writeImageXpressFixture(dir, { uuid: true, channelOrder: ['Mito', 'AGP', 'RNA', 'ER', 'DNA'] });
    const [p] = (await scanFolder(dir)).plates;
    expect(p.channelMap).toEqual({ w1: 'Mito', w2: 'AGP', w3: 'RNA', w4: 'ER', w5: 'DNA' });
    expect(p.images).toHaveLength(30);
    const dna = fileFor(p, 'A01', 1, 'DNA');
    expect(path.basename(dna)).toMatch(/_w5\d[0-9A-F]{7}-/);
    expect(await meanOf(dna)).toBeCloseTo(expectedMean('DNA'), 5);
    expect(await meanOf(fileFor(p, 'B02', 2, 'Mito'))).toBeCloseTo(expectedMean('Mito'), 5);
  });

  it('reads the JUMP source_8 name HTS_A01_s1_w52C47F0FB-… as channel 5', async () => {
    const dir = fresh();
    await writeImageXpressFixture(dir, { plate: 'HTS', folderName: 'A1166127', imagesFolder: true, timePointFolder: false, wells: ['A02'], sites: 1 });
    await writeImage(path.join(dir, 'A1166127', 'Images', 'HTS_A01_s1_w52C47F0FB-BD5E-465A-8A92-9E2ED9E72A12.tif'), 'Mito');
    const [p] = (await scanFolder(dir)).plates;
    const img = p.images.find((i) => i.well === 'A01')!;
    expect(img).toMatchObject({ site: 1, channelRaw: 'w5', channel: 'Mito' });
  });

  it('handles sites >= 10 and 1536-well two-letter rows', async () => {
    const dir = fresh();
    await writeImageXpressFixture(dir, { wells: ['A01', 'AF48'], sites: 12, size: 8 });
    const [p] = (await scanFolder(dir)).plates;
    expect(sitesOf(p)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(wellsOf(p)).toEqual(['A01', 'AF48']);
    expect(p).toMatchObject({ rows: 32, cols: 48 });
    expect(p.images).toHaveLength(2 * 12 * 5);
  });

  it('finds the HTD as <plate>_meta.HTD or MetaData/<plate>.HTD', async () => {
    for (const htd of ['meta', 'MetaData'] as const) {
      const dir = fresh();
      await writeImageXpressFixture(dir, { htd });
      const [p] = (await scanFolder(dir)).plates;
      expect(p.channelMap).toEqual(FIVE);
    }
  });

  it('without an HTD asks for --channels naming the plate folder, and --channels then works', async () => {
    const dir = fresh();
    const fx = await writeImageXpressFixture(dir, { htd: 'none', channelOrder: ['ER', 'DNA', 'RNA', 'AGP', 'Mito'] });
    const e = await rejection(scanFolder(dir));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain(fx.plateFolder);
    expect(e.message).toMatch(/no \.HTD file/);
    expect(e.message).toMatch(/--channels/);
    const r = await scanFolder(dir, { channels: { '1': 'ER', w2: 'DNA', '3': 'RNA', '4': 'AGP', '5': 'Mito' } });
    expect(r.plates[0].channelMap).toEqual({ w1: 'ER', w2: 'DNA', w3: 'RNA', w4: 'AGP', w5: 'Mito' });
    expect(r.plates[0].name).toBe(fx.plate);
    expect(await meanOf(fileFor(r.plates[0], 'C03', 2, 'DNA'))).toBeCloseTo(expectedMean('DNA'), 5);
  });

  it('an HTD without WaveName lines also asks for --channels', async () => {
    const dir = fresh();
    await writeImageXpressFixture(dir, { htd: 'noWaveNames' });
    await expect(scanFolder(dir)).rejects.toThrow(/has no WaveName entries.*--channels/);
  });

  it('names that do not resolve are refused with the names in the message', async () => {
    const dir = fresh();
    await writeImageXpressFixture(dir, { channelNames: ['DAPI', 'FITC', 'TRITC', 'Cy3', 'Cy5'] });
    await expect(scanFolder(dir)).rejects.toThrow(/cannot map channels by name.*"FITC".*--channels/);
  });

  it('imports TimePoint_1 and the first z only, warning once each', async () => {
    for (const zStyle of ['folders', 'names'] as const) {
      const dir = fresh();
      await writeImageXpressFixture(dir, { timepoints: 2, zSteps: 3, zStyle, wells: ['A01'], sites: 1, size: 8 });
      const r = await scanFolder(dir);
      const [p] = r.plates;
      expect(p.images).toHaveLength(5);
      expect(p.images.every((i) => i.file.includes('TimePoint_1'))).toBe(true);
      if (zStyle === 'folders') expect(p.images.every((i) => i.file.includes('ZStep_1'))).toBe(true);
      else expect(p.images.every((i) => /_z1\.tif$/.test(i.file))).toBe(true);
      expect(r.problems.filter((x) => /time points/.test(x.message))).toHaveLength(1);
      expect(r.problems.filter((x) => /z-planes/.test(x.message))).toHaveLength(1);
      expect(r.problems.every((x) => x.severity === 'warning')).toBe(true);
    }
  });

  it('reads single-site exports, bare names without prefix, .TIF and an extra Images/ folder', async () => {
    const dir = fresh();
    await writeImageXpressFixture(dir, { plate: 'BSF018292-1A', singleSite: true, prefix: null, upperCaseExt: true, imagesFolder: true });
    const [p] = (await scanFolder(dir)).plates;
    expect(p.name).toBe('BSF018292-1A'); // from the HTD base name
    expect(sitesOf(p)).toEqual([1]);
    expect(p.images).toHaveLength(15);
  });

  it('ignores thumbnails silently, warns about a .tif with a foreign name, and drops brightfield', async () => {
    const dir = fresh();
    const fx = await writeImageXpressFixture(dir, { clutter: true, brightfield: true });
    const r = await scanFolder(dir);
    expect(r.plates[0].images).toHaveLength(30);
    expect(r.plates[0].images.some((i) => /thumb/.test(i.file))).toBe(false);
    const stray = fx.ignored.find((f) => f.endsWith('notes.tif'));
    expect(r.problems).toContainEqual(expect.objectContaining({ file: stray, severity: 'warning' }));
    expect(r.problems.some((x) => /w6 \("Brightfield"\).*ignored/.test(x.message))).toBe(true);
  });

  it('several prefixes in one folder are several plates', async () => {
    const dir = fresh();
    await writeImageXpressFixture(dir, { plate: 'PA', folderName: 'run1', sites: 1 });
    await writeImageXpressFixture(dir, { plate: 'PB', folderName: 'run1', sites: 1, channelOrder: ['Mito', 'DNA', 'ER', 'RNA', 'AGP'] });
    const r = await scanFolder(dir);
    expect(r.plates.map((p) => p.name)).toEqual(['PA', 'PB']);
    expect(r.plates[1].channelMap).toEqual({ w1: 'Mito', w2: 'DNA', w3: 'ER', w4: 'RNA', w5: 'AGP' });
    expect(r.plates.every((p) => p.images.length === 15)).toBe(true);
  });

  it('plates sharing a generic prefix in different folders are renamed after their folders', async () => {
    const dir = fresh();
    await writeImageXpressFixture(path.join(dir, '2021_05_31_Batch2', 'images'), { plate: 'HTS', folderName: 'A1166127', imagesFolder: true, htd: 'none' });
    await writeImageXpressFixture(path.join(dir, '2021_05_31_Batch2', 'images'), { plate: 'HTS', folderName: 'A1166128', imagesFolder: true, htd: 'none' });
    const r = await scanFolder(dir, { channels: { '1': 'DNA', '2': 'ER', '3': 'RNA', '4': 'AGP', '5': 'Mito' } });
    expect(r.plates.map((p) => p.name)).toEqual(['A1166127', 'A1166128']);
    expect(r.plates[0].images.every((i) => i.plate === 'A1166127')).toBe(true);
    expect(r.problems.filter((x) => /named "HTS"/.test(x.message))).toHaveLength(2);
  });

  it('a missing image file is simply absent (no metadata lists it)', async () => {
    const dir = fresh();
    const fx = await writeImageXpressFixture(dir, { missing: 1 });
    const [p] = (await scanFolder(dir)).plates;
    expect(p.images).toHaveLength(29);
    expect(fs.existsSync(fx.missing[0])).toBe(false);
  });
});
