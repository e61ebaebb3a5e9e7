import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoManifest, generateDemo } from '../../../../main/core/demo/generate.js';
import type { GroundTruth } from '../../../../main/core/demo/ground-truth.js';
import { readTiff16 } from '../../../../main/core/demo/tiff.js';
import { readPlatemap } from '../../../../main/core/platemap/platemap.js';
import { readPlateMeta } from '../../../../main/core/platemap/plate-meta.js';
import { parseXml, children, child, text, attr } from '../../../../main/core/plates/xml.js';
import { normaliseWell } from '../../../../main/core/plates/wells.js';
import { imageFile, listFiles, readGroundTruth } from './demo-files.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-demo-'));
const out = path.join(root, 'screen');
let manifest: DemoManifest;
let gt: GroundTruth;
const progress: [number, number][] = [];

beforeAll(async () => {
  manifest = await generateDemo({ out, size: 'small', onProgress: (d, t) => progress.push([d, t]) });
  gt = readGroundTruth(out);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const IXM_NAME = /^(S1B\dP\d\d)_([A-H]\d\d)_s(\d)_w([1-5])([0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})\.tif$/;
const PHENIX_NAME = /^r(\d\d)c(\d\d)f(\d\d)p01-ch([1-5])sk1fk1fl1\.tiff$/;

describe('generateDemo (small)', () => {
  it('returns a manifest matching what it wrote, one ingest per source', () => {
    expect(manifest).toMatchObject({ size: 'small', plates: 4, wells: 96, sites: 192, images: 960, compounds: 13, seed: 1 });
    expect(manifest.ingests.map((i) => [i.source, i.layout])).toEqual([
      ['source_1', 'imagexpress'],
      ['source_2', 'phenix'],
    ]);
    for (const i of manifest.ingests) for (const f of [i.folder, i.platemap, i.plateMeta]) expect(fs.existsSync(f), f).toBe(true);
    expect(fs.existsSync(manifest.groundTruth)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'README.txt'), 'utf8')).toMatch(/demo screen/);
    expect(progress.at(-1)).toEqual([192, 192]);
  });

  it('writes source 1 in the MetaXpress layout with an HTD naming the stains', () => {
    for (const p of gt.plates.filter((x) => x.source === 'source_1')) {
      const dir = path.join(out, p.folder);
      expect(p.folder).toBe(path.join('source_1', p.batch, p.name));
      const htd = fs.readFileSync(path.join(dir, `${p.name}.HTD`), 'utf8');
      for (const line of ['"HTSInfoFile", Version 1.0', '"XWells", 12', '"YWells", 8', '"XSites", 2', '"YSites", 1', '"TimePoints", 1', '"NWavelengths", 5', '"WaveName1", "Hoechst 33342"', '"WaveName5", "MitoTracker Deep Red"']) {
        expect(htd).toContain(line);
      }
      const files = fs.readdirSync(path.join(dir, 'TimePoint_1'));
      expect(files.length).toBe(24 * 2 * 5);
      for (const f of files) {
        const m = IXM_NAME.exec(f);
        expect(m, f).not.toBeNull();
        expect(m![1]).toBe(p.name);
      }
    }
  });

  it('writes source 2 in the Harmony layout with an Index.idx.xml describing every image', () => {
    for (const p of gt.plates.filter((x) => x.source === 'source_2')) {
      expect(p.folder).toMatch(new RegExp(`^source_2/${p.batch}/${p.name}__\\d{4}-\\d\\d-\\d\\dT\\d\\d_\\d\\d_\\d\\d-Measurement1$`));
      const images = path.join(out, p.folder, 'Images');
      const xmlText = fs.readFileSync(path.join(images, 'Index.idx.xml'), 'utf8');
      expect(xmlText).toContain('xmlns="43B2A954-E3C3-47E1-B392-6635266B0DD3/HarmonyV6"');
      const rootNode = parseXml(xmlText).EvaluationInputData;
      const plate = children(child(rootNode, 'Plates'), 'Plate')[0];
      expect([text(plate, 'PlateID'), text(plate, 'PlateRows'), text(plate, 'PlateColumns')]).toEqual([p.name, '8', '12']);
      const entries = children(child(rootNode, 'Maps'), 'Map').flatMap((m) => children(m, 'Entry'));
      expect(entries.map((e) => [attr(e, 'ChannelID'), text(e, 'ChannelName')])).toEqual([
        ['1', 'MitoTracker Deep Red'],
        ['2', 'Phalloidin/WGA 568'],
        ['3', 'SYTO 14'],
        ['4', 'ConA Alexa 488'],
        ['5', 'Hoechst 33342'],
      ]);
      for (const e of entries) {
        expect(Number(text(e, 'ImageResolutionX'))).toBeCloseTo(0.598e-6, 12);
        expect(attr(child(e, 'ImageResolutionX'), 'Unit')).toBe('m');
        expect(text(e, 'ImageSizeX')).toBe('224');
        expect(Number(text(e, 'MainExcitationWavelength'))).toBeGreaterThan(300);
      }
      const imgs = children(child(rootNode, 'Images'), 'Image');
      const onDisk = fs.readdirSync(images).filter((f) => f.endsWith('.tiff'));
      expect(imgs.length).toBe(24 * 2 * 5);
      expect(new Set(imgs.map((i) => text(i, 'URL')))).toEqual(new Set(onDisk));
      for (const i of imgs) {
        const m = PHENIX_NAME.exec(text(i, 'URL')!)!;
        expect([text(i, 'Row'), text(i, 'Col'), text(i, 'FieldID'), text(i, 'ChannelID')].map(Number)).toEqual(m.slice(1, 5).map(Number));
        expect(text(i, 'id')).toBe(`${m[1]}${m[2]}K1F${Number(m[3])}P1R${m[4]}`);
        expect([text(i, 'PlaneID'), text(i, 'TimepointID')]).toEqual(['1', '0']);
      }
    }
  });

  it('writes 16-bit single-channel TIFFs: full range on source 1, 12-bit data (≤ 4095) on source 2', async () => {
    for (const p of gt.plates) {
      const src = gt.sources.find((s) => s.name === p.source)!;
      const wells = gt.wells.filter((w) => w.plate === p.name);
      let max = 0;
      for (const w of wells.slice(0, 12)) {
        for (const ch of ['DNA', 'ER', 'RNA', 'AGP', 'Mito'] as const) {
          const f = imageFile(out, gt, p.name, w.well, 1, ch);
          const meta = await sharp(f).metadata();
          expect([meta.depth, meta.channels, meta.width, meta.height]).toEqual(['ushort', 1, src.imageWidth, src.imageHeight]);
          const { pixels } = await readTiff16(f);
          for (let i = 0; i < pixels.length; i++) if (pixels[i] > max) max = pixels[i];
        }
      }
      if (p.source === 'source_2') expect(max).toBeLessThanOrEqual(4095);
      else expect(max).toBeGreaterThan(20000);
    }
  });

  it('platemaps and plate metadata parse with the importer and match the imaged wells', () => {
    const meta = readPlateMeta(path.join(out, 'plates.csv'));
    expect(meta.problems).toEqual([]);
    expect([...meta.plates.keys()].sort()).toEqual(gt.plates.map((p) => p.name).sort());
    for (const p of gt.plates) expect(meta.plates.get(p.name)).toEqual({ source: p.source, batch: p.batch, replicate: p.replicate });

    const plain = fs.readFileSync(path.join(out, 'platemap_source_2.csv'), 'utf8');
    expect(plain.split('\n')[0]).toBe('plate,well,compound_id,compound_name,smiles,concentration_uM,control_type,moa');
    const rawWells = plain.trim().split('\n').slice(1).map((l) => l.split(',')[1]);
    expect(rawWells.some((w) => /^[a-h]\d+$/.test(w))).toBe(true);
    expect(rawWells.some((w) => /^[A-H]\d+$/.test(w))).toBe(true);
    expect(rawWells.every((w) => !/^[A-Ha-h]0\d$/.test(w))).toBe(true);
    expect(fs.readFileSync(path.join(out, 'platemap_source_1.csv'), 'utf8').split('\n')[0]).toBe(
      'Metadata_Plate,Metadata_Well,Metadata_JCP2022,Metadata_Name,Metadata_SMILES,Metadata_Concentration,Metadata_pert_type,Metadata_MoA',
    );

    for (const src of ['source_1', 'source_2']) {
      const map = readPlatemap(path.join(out, `platemap_${src}.csv`));
      expect(map.problems).toEqual([]);
      for (const p of gt.plates.filter((x) => x.source === src)) {
        const rows = map.entries.filter((e) => e.plate === p.name);
        // Wells that have images, read from the file names.
        const imaged = new Set<string>();
        for (const f of listFiles(path.join(out, p.folder))) {
          const base = path.basename(f);
          const ixm = IXM_NAME.exec(base);
          const ph = PHENIX_NAME.exec(base);
          if (ixm) imaged.add(ixm[2]);
          else if (ph) imaged.add(normaliseWell(`${String.fromCharCode(64 + Number(ph[1]))}${ph[2]}`));
        }
        expect(new Set(rows.map((r) => r.well))).toEqual(imaged);
        const truth = new Map(gt.wells.filter((w) => w.plate === p.name).map((w) => [w.well, w]));
        for (const r of rows) {
          const t = truth.get(r.well)!;
          expect([r.compoundId, r.pertType, r.concentration]).toEqual([t.compoundId, t.pertType, t.concentration]);
          if (r.pertType === 'negcon') expect(r.smiles).toBe('CS(C)=O');
        }
        const dmso = rows.filter((r) => r.pertType === 'negcon');
        expect(dmso.length).toBeGreaterThanOrEqual(8);
        expect(new Set(dmso.map((r) => r.well.slice(1))).size).toBeGreaterThan(1);
      }
    }
  });

  it('replicates every treated compound on ≥ 2 plates and both sources', () => {
    for (const c of gt.compounds) {
      const wells = gt.wells.filter((w) => w.compoundId === c.id);
      const plates = new Set(wells.map((w) => w.plate));
      const sources = new Set(wells.map((w) => gt.plates.find((p) => p.name === w.plate)!.source));
      expect(wells.length, c.name).toBeGreaterThanOrEqual(4);
      expect(plates.size).toBeGreaterThanOrEqual(2);
      expect(sources.size).toBe(2);
    }
  });

  it('keeps a ground truth consistent with the files', () => {
    expect(gt.seed).toBe(1);
    expect(gt.size).toBe('small');
    const ids = new Set(gt.compounds.map((c) => c.id));
    for (const w of gt.wells) {
      expect(w.compoundId === 'DMSO' || ids.has(w.compoundId)).toBe(true);
      const c = gt.compounds.find((x) => x.id === w.compoundId);
      if (!c || !c.active) expect(w.effectStrength).toBe(0);
      else expect(w.effectStrength).toBeGreaterThan(0);
    }
    for (const c of gt.compounds) {
      expect(c.active).toBe(c.potency !== null);
      expect(['smiles', 'moa', 'name'].every((k) => typeof (c as Record<string, unknown>)[k] === 'string')).toBe(true);
    }
    for (const p of gt.plates) {
      expect(fs.existsSync(path.join(out, p.folder))).toBe(true);
      for (const ch of ['DNA', 'ER', 'RNA', 'AGP', 'Mito'] as const) {
        expect(p.gain[ch]).toBeGreaterThan(0);
        expect(p.vignetting[ch].strength).toBeGreaterThan(0);
      }
    }
    expect(gt.sites.length).toBe(192);
    expect(gt.qcFailures.length).toBeGreaterThanOrEqual(2);
    for (const q of gt.qcFailures) {
      const site = gt.sites.find((s) => s.plate === q.plate && s.well === q.well && s.site === q.site)!;
      expect(site).toBeDefined();
      expect(fs.existsSync(imageFile(out, gt, q.plate, q.well, q.site, 'DNA'))).toBe(true);
      if (q.kind === 'empty_field') expect(site.cells).toBeLessThanOrEqual(3);
      if (q.kind === 'out_of_focus') expect(site.blurSigma).toBeGreaterThan(3);
    }
    const normal = gt.sites.filter((s) => !gt.qcFailures.some((q) => q.plate === s.plate && q.well === s.well && q.site === s.site));
    expect(normal.reduce((n, s) => n + s.cells, 0) / normal.length).toBeGreaterThan(4);
  });

  it('shows the phenotype: strong tubulin-agent wells have more condensed (very bright) DNA than any DMSO well of their plate', async () => {
    const qc = new Set(gt.qcFailures.map((q) => `${q.plate}/${q.well}/${q.site}`));
    const mech = new Map(gt.compounds.map((c) => [c.id, c.mechanism]));
    for (const p of gt.plates) {
      const wells = gt.wells.filter((w) => w.plate === p.name);
      const load = async (well: string) => {
        const out2: Uint16Array[] = [];
        for (const site of [1, 2]) if (!qc.has(`${p.name}/${well}/${site}`)) out2.push((await readTiff16(imageFile(out, gt, p.name, well, site, 'DNA'))).pixels);
        return out2;
      };
      const dmso = await Promise.all(wells.filter((w) => w.compoundId === 'DMSO').map((w) => load(w.well)));
      // Plate-level levels from DMSO: background and the typical nuclear intensity.
      const sample: number[] = [];
      for (const imgs of dmso) for (const px of imgs) for (let i = 0; i < px.length; i += 5) sample.push(px[i]);
      sample.sort((a, b) => a - b);
      const bg = sample[Math.floor(sample.length * 0.3)];
      const hi = sample[Math.floor(sample.length * 0.995)];
      const nuclear = sample.filter((v) => v > bg + 0.25 * (hi - bg));
      const nuc = nuclear[Math.floor(nuclear.length / 2)] - bg;
      const brightFraction = (imgs: Uint16Array[]) => {
        let pos = 0;
        let bright = 0;
        for (const px of imgs) {
          for (let i = 0; i < px.length; i++) {
            const v = px[i] - bg;
            if (v > 0.35 * nuc) {
              pos++;
              if (v > 1.6 * nuc) bright++;
            }
          }
        }
        return bright / Math.max(pos, 1);
      };
      const controls = dmso.map(brightFraction);
      const strong = wells.filter((w) => (mech.get(w.compoundId) ?? '').startsWith('tubulin') && w.effectStrength > 0.9);
      expect(strong.length, p.name).toBeGreaterThan(0);
      for (const w of strong) expect(brightFraction(await load(w.well)), `${p.name} ${w.well}`).toBeGreaterThan(Math.max(...controls));
    }
  });

  it('is deterministic: the same seed writes the same files, byte for byte', async () => {
    const again = path.join(root, 'again');
    await generateDemo({ out: again, size: 'small', seed: 1 });
    const hashes = (dir: string) => {
      const files = listFiles(dir);
      return new Map(files.map((f) => [f, crypto.createHash('sha1').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));
    };
    const a = hashes(out);
    const b = hashes(again);
    expect([...b.keys()]).toEqual([...a.keys()]);
    const differing = [...a].filter(([f, h]) => b.get(f) !== h).map(([f]) => f);
    expect(differing).toEqual([]);
  });

  it('refuses to write into a folder holding other files', async () => {
    const foreign = path.join(root, 'foreign');
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, 'thesis.docx'), 'x');
    await expect(generateDemo({ out: foreign, size: 'small' })).rejects.toThrow(/not empty/);
    expect(fs.readdirSync(foreign)).toEqual(['thesis.docx']);
  });
});
