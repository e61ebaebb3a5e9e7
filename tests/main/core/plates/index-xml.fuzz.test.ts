// Property tests of the instrument metadata readers: Harmony Index.idx.xml, CellVoyager .mlf/.mrf/.mes
// and ImageXpress .HTD. Truncated, garbled or hostile files give plates with real wells, warnings
// naming the file, or an InputError naming it — never a TypeError, a hang or a blown heap.
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanCellVoyager } from '../../../../main/core/plates/cellvoyager.js';
import { parseHtd } from '../../../../main/core/plates/htd.js';
import { scanImageXpress } from '../../../../main/core/plates/imagexpress.js';
import { scanPhenix } from '../../../../main/core/plates/phenix.js';
import { normaliseWell } from '../../../../main/core/plates/wells.js';
import { parseXml } from '../../../../main/core/plates/xml.js';
import { CHANNELS, type ChannelName, InputError, type Problem, type ScannedPlate } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const root = tmpDir('micon-fuzz-xml-');
let n = 0;
/** A fresh folder holding `files` (name → text or bytes; names may hold one sub-folder). */
function folderWith(files: Record<string, string | Uint8Array>): string {
  const dir = path.join(root, `f${++n}`);
  for (const [name, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), body);
  }
  return dir;
}

type Scanner = (folder: string, opts: { channels?: Record<string, ChannelName> }, problems: Problem[]) => Promise<ScannedPlate[]>;
const CHANNEL_OPT = Object.fromEntries(CHANNELS.map((c, i) => [String(i + 1), c])) as Record<string, ChannelName>;

/** Scan and check the answer is clear: an InputError naming the folder, or plates with real wells and problems naming a file in it. */
async function scanSane(scanner: Scanner, dir: string, channels = true): Promise<ScannedPlate[] | InputError> {
  const problems: Problem[] = [];
  let plates: ScannedPlate[];
  try {
    plates = await scanner(dir, channels ? { channels: CHANNEL_OPT } : {}, problems);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    expect(e.message).toContain(dir);
    return e;
  }
  for (const p of problems) expect(p.file ?? '').toContain(dir);
  for (const img of plates.flatMap((p) => p.images)) {
    expect(normaliseWell(img.well)).toBe(img.well);
    expect(Number.isSafeInteger(img.site)).toBe(true);
    expect(CHANNELS).toContain(img.channel);
  }
  return plates;
}

/** Values an instrument could write, and a few it should not. */
const value = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 16 }).map(String) },
  fc.constantFrom('', '0', '-1', '01', ' 2 ', '1.5', '1e3', 'NaN', '99999999999999999999', '9007199254740993', '&amp;', '&lt;x&gt;', '&#0;', '&#xD800;', '&undefined;', ']]>', '<', '"'),
  fc.string({ maxLength: 12 }),
);
const url = fc.oneof(
  { weight: 4, arbitrary: fc.constant('r01c01f01p01-ch1sk1fk1fl1.tiff') },
  fc.constantFrom('file:///tmp/x.tiff', 'file://host/share/x.tiff', 'file:///%2F..', 'file:', 'http://[::1', 'http://', 'https://harmony/x/r01c01f01p01-ch2sk1fk1fl1.tiff', '/abs/x.tiff', '../../../etc/passwd', 'C:\\x.tiff', 'a\u0000b'),
  fc.string({ maxLength: 20 }),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 5 });
const el = (name: string, v: string | undefined) => (v === undefined ? '' : `<${name}>${v}</${name}>`);

const phenixImage = fc.record({ url: maybe(url), row: maybe(value), col: maybe(value), field: maybe(value), ch: maybe(value), plane: maybe(value), t: maybe(value), state: maybe(fc.constantFrom('Ok', 'Failed', '', 'ok')) });
const phenixIndex = fc
  .record({
    images: fc.array(phenixImage, { maxLength: 8 }),
    names: fc.array(fc.tuple(value, maybe(fc.constantFrom('Hoechst 33342', 'Alexa 488', 'MitoTracker', 'x', ''))), { maxLength: 6 }),
    res: maybe(value),
    plate: maybe(value),
    rows: maybe(value),
  })
  .map(
    (x) => `<?xml version="1.0" encoding="utf-8"?>
<EvaluationInputData xmlns="43B2A954-E3C3-47E1-B392-6635266B0DD3/HarmonyV6" Version="2">
  <Plates><Plate>${el('PlateID', x.plate)}${el('PlateRows', x.rows)}${el('PlateColumns', x.rows)}</Plate></Plates>
  <Maps><Map>${x.names.map(([id, nm]) => `<Entry ChannelID="${id}">${el('ChannelName', nm)}<ImageResolutionX Unit="m">${x.res ?? ''}</ImageResolutionX></Entry>`).join('')}</Map></Maps>
  <Images>${x.images.map((i) => `<Image Version="1">${el('URL', i.url)}${el('Row', i.row)}${el('Col', i.col)}${el('FieldID', i.field)}${el('PlaneID', i.plane)}${el('TimepointID', i.t)}${el('ChannelID', i.ch)}${el('State', i.state)}</Image>`).join('\n')}</Images>
</EvaluationInputData>`,
  );

const cvRecord = fc
  .record({ row: maybe(value), col: maybe(value), field: maybe(value), z: maybe(value), t: maybe(value), ch: maybe(value), type: maybe(fc.constantFrom('IMG', 'ERR', 'img', 'XYZ', '')), body: maybe(fc.oneof(fc.constant('P_A01_T0001F001L01A01Z01C01.tif'), fc.string({ maxLength: 16 }))) })
  .map((r) => {
    const a = (k: string, v: string | undefined) => (v === undefined ? '' : ` bts:${k}="${v}"`);
    return `<bts:MeasurementRecord${a('Row', r.row)}${a('Column', r.col)}${a('FieldIndex', r.field)}${a('ZIndex', r.z)}${a('TimePoint', r.t)}${a('Ch', r.ch)}${a('Type', r.type)}>${r.body ?? ''}</bts:MeasurementRecord>`;
  });
const NS = 'xmlns:bts="http://www.yokogawa.co.jp/BTS/BTSSchema/1.0"';
const cvFolder = fc.record({
  records: fc.array(cvRecord, { maxLength: 8 }),
  mes: fc.array(fc.tuple(value, value, maybe(fc.constantFrom('Hoechst', 'ConA', 'SYTO14', 'WGA', 'MitoTracker'))), { maxLength: 6 }),
  settingName: maybe(fc.oneof(fc.constant('CellPainting.mes'), fc.string({ maxLength: 10 }))),
  rows: maybe(value),
  pixel: maybe(value),
});

/** A valid file cut short, with a few bytes flipped: what a copy interrupted mid-transfer or a bad disk leaves. */
const damaged = (text: string) =>
  fc.tuple(fc.nat(text.length), fc.array(fc.tuple(fc.nat(text.length), fc.integer({ min: 0, max: 255 })), { maxLength: 4 })).map(([cut, flips]) => {
    const b = Buffer.from(text.slice(0, cut));
    for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
    return new Uint8Array(b);
  });
const randomBytes = fc.uint8Array({ maxLength: 400 });

const VALID_INDEX = fc.sample(phenixIndex, { seed: 7, numRuns: 1 })[0];
const phenixImages = Object.fromEntries(CHANNELS.map((_, i) => [`Images/r01c01f01p01-ch${i + 1}sk1fk1fl1.tiff`, '']));

describe('instrument index files (fuzz)', () => {
  it('Harmony Index.idx.xml: random values, missing fields, damaged or random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 3, arbitrary: phenixIndex }, damaged(VALID_INDEX), randomBytes), async (index) => {
        await scanSane(scanPhenix, folderWith({ ...phenixImages, 'Images/Index.idx.xml': index }));
      }),
      { seed: 0x1d5, numRuns: 300 },
    );
  });

  it('CellVoyager .mlf/.mrf/.mes: random records and channels, damaged or random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(cvFolder, fc.constantFrom('clean', 'damaged', 'bytes'), fc.nat(), async (x, how, cut) => {
        const mlf = `<?xml version="1.0" encoding="utf-8"?>\n<bts:MeasurementData ${NS}>\n${x.records.join('\n')}\n</bts:MeasurementData>\n`;
        const mrf = `<bts:MeasurementDetail ${NS}${x.settingName === undefined ? '' : ` bts:MeasurementSettingFileName="${x.settingName}"`}${x.rows === undefined ? '' : ` bts:RowCount="${x.rows}" bts:ColumnCount="${x.rows}"`}><bts:MeasurementChannel bts:Ch="1" bts:HorizontalPixelDimension="${x.pixel ?? ''}"/></bts:MeasurementDetail>`;
        const mes = `<bts:MeasurementSetting ${NS}><bts:ChannelList>${x.mes.map(([ch, t, f]) => `<bts:Channel bts:Ch="${ch}" bts:Target="${t}"${f ? ` bts:Fluorophore="${f}"` : ''}/>`).join('')}</bts:ChannelList></bts:MeasurementSetting>`;
        const spoil = (s: string) => (how === 'clean' ? s : how === 'damaged' ? s.slice(0, cut % (s.length + 1)) : Buffer.from(s).reverse());
        const images = Object.fromEntries(CHANNELS.map((_, i) => [`P_A01_T0001F001L01A01Z01C0${i + 1}.tif`, '']));
        await scanSane(scanCellVoyager, folderWith({ ...images, 'MeasurementData.mlf': spoil(mlf), 'MeasurementDetail.mrf': mrf, 'CellPainting.mes': spoil(mes) }));
        // Without --channels the names come from the .mes alone.
        await scanSane(scanCellVoyager, folderWith({ ...images, 'MeasurementData.mlf': mlf, 'CellPainting.mes': mes }), false);
      }),
      { seed: 0xc7, numRuns: 200 },
    );
  });

  it('ImageXpress .HTD: any text gives positive whole rows/cols or none, and wave names keyed w<n>', () => {
    const line = fc.oneof(
      fc.tuple(fc.constantFrom('XWells', 'YWells', 'WaveName1', 'WaveName12', 'wavename3', 'WaveName', 'Sites', ''), fc.oneof(value, fc.string({ maxLength: 20 }))).map(([k, v]) => `"${k}", ${v}`),
      fc.tuple(fc.constantFrom('WaveName2', 'XWells'), value).map(([k, v]) => `"${k}", "${v}"`),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), (lines, eol) => {
        const htd = parseHtd(lines.join(eol), '/x/Plate_meta.HTD');
        expect(htd.plate).toBe('Plate');
        for (const v of [htd.rows, htd.cols]) if (v !== undefined) expect(Number.isInteger(v) && v > 0).toBe(true);
        for (const [k, v] of Object.entries(htd.waveNames)) {
          expect(k).toMatch(/^w\d+$/);
          expect(v).toBeTruthy();
        }
      }),
      { seed: 0x47d, numRuns: 2000 },
    );
  });

  it('ImageXpress .HTD files of random bytes or in UTF-16 next to the images', async () => {
    const images = Object.fromEntries(CHANNELS.map((_, i) => [`P_A01_s1_w${i + 1}.tif`, '']));
    await fc.assert(
      fc.asyncProperty(fc.oneof(randomBytes, fc.string({ maxLength: 200 }).map((s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]))), async (htd) => {
        await scanSane(scanImageXpress, folderWith({ ...images, 'P.HTD': htd }), false);
      }),
      { seed: 0x47e, numRuns: 150 },
    );
  });

  it('counterexample: an index URL "http://" (or file://host/…) threw a TypeError from new URL / fileURLToPath', async () => {
    const entry = (u: string, ch: number) => `<Image><URL>${u}</URL><Row>1</Row><Col>1</Col><FieldID>1</FieldID><ChannelID>${ch}</ChannelID></Image>`;
    const xml = `<EvaluationInputData><Images>${entry('http://', 1)}${entry('file://host/share/x.tiff', 1)}${CHANNELS.map((_, i) => entry(`r01c01f01p01-ch${i + 1}sk1fk1fl1.tiff`, i + 1)).join('')}</Images></EvaluationInputData>`;
    const dir = folderWith({ ...phenixImages, 'Images/Index.idx.xml': xml });
    const problems: Problem[] = [];
    const [plate] = await scanPhenix(dir, { channels: CHANNEL_OPT }, problems);
    expect(plate.images).toHaveLength(5);
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('URL "http://" names no file'), expect.stringContaining('URL "file://host/share/x.tiff" names no file')]);
  });

  it('counterexample: an .HTD line with a long run of spaces inside its value is read in linear time', () => {
    const spaces = ' '.repeat(50_000);
    const t0 = performance.now();
    const htd = parseHtd(`"WaveName1", DAPI${spaces}x\n"XWells", 24${spaces}`, '/x/P.HTD');
    expect(performance.now() - t0).toBeLessThan(500);
    expect(htd.waveNames.w1).toBe(`DAPI${spaces}x`);
    expect(htd.cols).toBe(24);
  });

  describe('hostile XML', () => {
    const laughs = (levels: number, fanout: number) => {
      const ents = ['<!ENTITY l0 "lol">'];
      for (let i = 1; i < levels; i++) ents.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(fanout)}">`);
      return `<?xml version="1.0"?>\n<!DOCTYPE EvaluationInputData [\n${ents.join('\n')}\n]>\n<EvaluationInputData><Images><Image><URL>&l${levels - 1};</URL><Row>1</Row><Col>1</Col><FieldID>1</FieldID><ChannelID>1</ChannelID></Image></Images></EvaluationInputData>`;
    };
    const wide = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "${'a'.repeat(9_999)}">]><EvaluationInputData><Images><Image><URL>${'&a;'.repeat(200_000)}</URL></Image></Images></EvaluationInputData>`;
    const external = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><EvaluationInputData><Plates><Plate><PlateID>&xxe;</PlateID></Plate></Plates><Images/></EvaluationInputData>`;
    const deep = `<EvaluationInputData><Images>${'<Image>'.repeat(50_000)}${'</Image>'.repeat(50_000)}</Images></EvaluationInputData>`;

    for (const [name, xml] of [
      ['billion laughs (10 levels × 10)', laughs(10, 10)],
      ['billion laughs (30 levels × 2)', laughs(30, 2)],
      ['one large entity referenced 200,000 times', wide],
      ['an external entity', external],
      ['50,000 nested elements', deep],
    ] as const) {
      it(`${name}: refused or read quickly, never expanded in memory`, async () => {
        const before = process.memoryUsage().heapUsed;
        const t0 = performance.now();
        const r = await scanSane(scanPhenix, folderWith({ ...phenixImages, 'Images/Index.idx.xml': xml }));
        expect(performance.now() - t0).toBeLessThan(2000);
        expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 2 ** 20);
        if (!(r instanceof InputError)) expect(JSON.stringify(r).length).toBeLessThan(100_000);
        expect(JSON.stringify(r)).not.toContain('root:');
      });
    }

    it('parseXml either throws or returns an object for random bytes and truncations (callers wrap it in InputError)', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ maxLength: 200 }), damaged(VALID_INDEX).map((b) => Buffer.from(b).toString('utf8'))), (text) => {
          let out: unknown;
          try {
            out = parseXml(text);
          } catch (e) {
            expect(e).toBeInstanceOf(Error);
            return;
          }
          expect(typeof out).toBe('object');
        }),
        { seed: 0x9a, numRuns: 1000 },
      );
    });
  });
});
