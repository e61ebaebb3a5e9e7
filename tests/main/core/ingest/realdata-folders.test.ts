// Every real image folder in ../shared/realdata/ (read in place, never copied): it ingests, or it is
// refused with a message naming the folder or file and the reason.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { embedHandcrafted } from '../../../../main/core/embeddings/handcrafted.js';
import { HANDCRAFTED_VERSION, handcraftedFeatureNames } from '../../../../main/core/features/handcrafted.js';
import { ingestFolder } from '../../../../main/core/ingest/ingest.js';
import { parseChannelOption } from '../../../../main/core/plates/channels.js';
import { InputError } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { REALDATA } from '../../../helpers/realdata.js';

const root = tmpDir('micon-realdata-');
let n = 0;
const project = () => openProject(path.join(root, `p${++n}.micon`));
const PHENIX = path.join(REALDATA, 'images-phenix-jump-pe2loaddata');
const JUMP = path.join(PHENIX, 'BR00121482__Version1');

async function refusal(folder: string, opts: Parameters<typeof ingestFolder>[2] = {}): Promise<string> {
  const db = project();
  try {
    await ingestFolder(db, folder, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  } finally {
    db.close();
  }
  throw new Error(`${folder} was imported; expected a refusal`);
}

describe('real instrument folders', () => {
  it('the JUMP Phenix measurement ingests with no --channels, mapped as pe2loaddata maps it', async () => {
    const db = project();
    const s = await ingestFolder(db, JUMP);
    expect(s.plates).toBe(1);
    expect(s.sites).toBe(1);
    // pe2loaddata's own output for this measurement: Metadata_ChannelName_Orig<Stain> = the Harmony name.
    const expected = parse(fs.readFileSync(path.join(JUMP, 'pe2loaddata_expected_load_data.csv')), { columns: true })[0] as Record<string, string>;
    const rows = db.prepare('SELECT name, raw_id, instrument_name FROM channels').all() as { name: string; raw_id: string; instrument_name: string }[];
    expect(rows).toHaveLength(5);
    for (const r of rows) {
      expect(r.instrument_name).toBe(expected[`Metadata_ChannelName_Orig${r.name}`]);
      expect(r.raw_id).toBe(`ch${expected[`Metadata_ChannelID_Orig${r.name}`]}`);
    }
    // The summary says which names mapped how, and why.
    expect(s.channelMappings).toHaveLength(1);
    const m = s.channelMappings[0].mapping;
    expect(m).toMatch(/by stain name: ch5 "HOECHST 33342" → DNA/);
    expect(m).toMatch(/by fluorophore name.*ch1 "Alexa 647" → Mito, ch2 "Alexa 568" → AGP, ch3 "488 long" → RNA, ch4 "Alexa 488" → ER/);
    expect(m).toMatch(/ignored: ch6 "Brightfield"/);
    // LZW-compressed 16-bit TIFFs decode at full size; the pixel size comes from the index.
    const plate = db.prepare('SELECT image_width w, image_height h, pixel_size_um px, bit_depth b FROM plates').get() as { w: number; h: number; px: number; b: number };
    expect(plate).toMatchObject({ w: 1080, h: 1080, b: 16 });
    expect(plate.px).toBeCloseTo(0.598, 3);
    // Features were computed at ingest from the full-resolution planes: its 4 nuclei (careful count in
    // tests/fixtures/realdata-nuclei), not pieces of the cytoplasmic Hoechst this field also shows.
    const hc = db.prepare('SELECT version, scale, nucleus_px, vec FROM site_handcrafted').get() as { version: string; scale: number; nucleus_px: number; vec: Buffer };
    expect(hc.version).toBe(HANDCRAFTED_VERSION);
    const vec = new Float32Array(hc.vec.buffer.slice(hc.vec.byteOffset, hc.vec.byteOffset + hc.vec.byteLength));
    expect(vec[handcraftedFeatureNames().indexOf('nuc_count')]).toBe(4);
    expect(embedHandcrafted(db).sites).toBe(1);
    // The expected-LoadData CSV beside the index is reported, never imported.
    expect(s.problems.some((p) => p.file?.endsWith('pe2loaddata_expected_load_data.csv') && /not imported/.test(p.message))).toBe(true);
    db.close();
  });

  it('the non-Cell-Painting Phenix measurement (no Hoechst) is refused, naming the folder and the channels', async () => {
    const msg = await refusal(path.join(PHENIX, 'BR00122249__Version5'));
    expect(msg).toContain('BR00122249__Version5');
    expect(msg).toMatch(/no channel maps to DNA/);
    expect(msg).toMatch(/"Digital Phase Contrast"/);
  });

  it('the folder of both measurements imports the JUMP one and refuses the other; the CSVs do not change the layout', async () => {
    const db = project();
    const s = await ingestFolder(db, PHENIX);
    expect(s.layout).toBe('phenix');
    expect(s.plates).toBe(1);
    expect(s.refused).toEqual(['BR00122249__Version5']);
    expect(s.problems.find((p) => p.severity === 'error')?.message).toMatch(/BR00122249__Version5.*no channel maps to DNA/);
    expect(s.problems.some((p) => /LoadData CSV plate\(s\).*not imported/.test(p.message))).toBe(true);
    db.close();
  });

  it('BBBC022 ImageXpress fields with only the Hoechst wavelength are refused by the missing-channel rule', async () => {
    const folder = path.join(REALDATA, 'images-bbbc022-ixm-hoechst');
    // No .HTD beside the images: the names are unknown, and the message says how to give them.
    expect(await refusal(folder)).toMatch(/20585 \(plate IXMtest\): the instrument's channel names are unknown.*--channels "1=DNA"/);
    // Named, the one wavelength still cannot make a 5-channel site: refused, naming the folder and why.
    const msg = await refusal(folder, { channels: parseChannelOption('1=DNA') });
    expect(msg).toMatch(/20585 \(plate IXMtest\): only 1 channel\(s\) \(w1\) are present, so no site has all five Cell Painting channels/);
  });

  it('the Bray/CDRP field (stain-named TIFFs, no well or site) is refused, naming the files', async () => {
    const msg = await refusal(path.join(REALDATA, 'images-bray-cdrp-site'));
    expect(msg).toMatch(/no ImageXpress, Opera Phenix\/Operetta, CellVoyager or LoadData CSV plate found/);
    expect(msg).toMatch(/Hoechst\.tif/);
  });

  it.each(['bbbc021-mcf7-moa', 'compound-annotations', 'lincs-a549-SQ00015054', 'singlecell-jump-target2-BR00121431'])(
    'the profile-table folder %s is refused as an image import, naming the folder and why',
    async (name) => {
      const folder = path.join(REALDATA, name);
      const msg = await refusal(folder);
      expect(msg.startsWith(`${folder}: `)).toBe(true);
      // CellProfiler's Image.csv names its images, which are not in the folder; its outline images are no channel.
      expect(msg).toMatch(name.startsWith('singlecell') ? /no images in them/ : /no ImageXpress, Opera Phenix\/Operetta, CellVoyager or LoadData CSV plate found/);
    },
  );
});
