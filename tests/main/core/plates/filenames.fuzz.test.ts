// Property tests of the vendor file-name parsers, through the scanners that use them: any file name
// in a plate folder is read, warned about or ignored — never a crash — and a well-formed name reads
// back as exactly the well, site and channel it was written with.
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanCellVoyager } from '../../../../main/core/plates/cellvoyager.js';
import { scanImageXpress } from '../../../../main/core/plates/imagexpress.js';
import { scanPhenix } from '../../../../main/core/plates/phenix.js';
import { normaliseWell, wellFromRowCol } from '../../../../main/core/plates/wells.js';
import { CHANNELS, type ChannelName, InputError, type Problem, type ScannedPlate } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const root = tmpDir('micon-fuzz-names-');
let n = 0;
function folderWith(names: string[]): string {
  const dir = path.join(root, `f${++n}`);
  fs.mkdirSync(dir);
  for (const f of names) fs.writeFileSync(path.join(dir, f), '');
  return dir;
}

type Scanner = (folder: string, opts: { channels?: Record<string, ChannelName> }, problems: Problem[]) => Promise<ScannedPlate[]>;
const CHANNEL_OPT = Object.fromEntries(CHANNELS.map((c, i) => [String(i + 1), c])) as Record<string, ChannelName>;

/** Scan; InputError is a clear answer, anything else fails the property. */
async function scan(scanner: Scanner, dir: string): Promise<{ plates: ScannedPlate[]; problems: Problem[] } | InputError> {
  const problems: Problem[] = [];
  try {
    return { plates: await scanner(dir, { channels: CHANNEL_OPT }, problems), problems };
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
}

function expectSane(r: Awaited<ReturnType<typeof scan>>, dir: string): void {
  if (r instanceof InputError) return void expect(r.message).toContain(dir);
  for (const p of r.problems) expect(p.file ?? '').toContain(dir);
  for (const img of r.plates.flatMap((p) => p.images)) {
    expect(normaliseWell(img.well)).toBe(img.well);
    expect(Number.isSafeInteger(img.site) && img.site >= 0).toBe(true);
    expect(CHANNELS).toContain(img.channel);
    expect(path.dirname(img.file)).toBe(dir);
  }
}

/** A file name Linux accepts: no "/" or NUL, at most 255 bytes. */
const fsName = (s: string) => {
  const clean = s.replace(/[/\0]/g, '_');
  return clean && clean !== '.' && clean !== '..' && Buffer.byteLength(clean) <= 255 ? clean : null;
};
const mutate = (base: fc.Arbitrary<string>) =>
  fc
    .tuple(base, fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 3 })), { maxLength: 3 }))
    .map(([s, edits]) => edits.reduce((acc, [at, del, ins]) => acc.slice(0, at % (acc.length + 1)) + ins + acc.slice((at % (acc.length + 1)) + del), s));
const wellAt = fc.record({ row: fc.integer({ min: 0, max: 31 }), col: fc.integer({ min: 0, max: 47 }) });
const pad = (v: number, w: number) => String(v).padStart(w, '0');

const IXM_VALID = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,10}$/), wellAt, fc.integer({ min: 0, max: 99999 }), fc.integer({ min: 0, max: 9 }), fc.boolean())
  .map(([p, w, s, c, uuid]) => `${p}_${wellFromRowCol(w.row, w.col)}_s${s}_w${c}${uuid ? '0A1B2C3D-4E5F-6789-ABCD-EF0123456789' : ''}.tif`);
const PHENIX_VALID = fc
  .tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1, max: 99 }))
  .map(([r, c, f, ch]) => `r${pad(r, 2)}c${pad(c, 2)}f${pad(f, 2)}p01-ch${ch}sk1fk1fl1.tiff`);
const CV_VALID = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,10}$/), wellAt, fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 99 }))
  .map(([p, w, f, ch]) => `${p}_${wellFromRowCol(w.row, w.col)}_T0001F${pad(f, 3)}L01A01Z01C${pad(ch, 2)}.tif`);

const anyName = (valid: fc.Arbitrary<string>) =>
  fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), mutate(valid), valid).map(fsName).filter((s): s is string => s !== null);

/** The five channel files of one site, so that a plate is built and the fuzzed names next to them matter. */
type Site = (row: number, col: number) => string[];
const SCANNERS: [string, Scanner, fc.Arbitrary<string>, Site][] = [
  ['ImageXpress', scanImageXpress, IXM_VALID, (r, c) => CHANNELS.map((_, i) => `P_${wellFromRowCol(r, c)}_s1_w${i + 1}.tif`)],
  ['Phenix (no index)', scanPhenix, PHENIX_VALID, (r, c) => CHANNELS.map((_, i) => `r${pad(r + 1, 2)}c${pad(c + 1, 2)}f01p01-ch${i + 1}sk1fk1fl1.tiff`)],
  ['CellVoyager (no .mlf)', scanCellVoyager, CV_VALID, (r, c) => CHANNELS.map((_, i) => `P_${wellFromRowCol(r, c)}_T0001F001L01A01Z01C0${i + 1}.tif`)],
];

describe('vendor file names (fuzz)', () => {
  for (const [name, scanner, valid, site] of SCANNERS) {
    it(`${name}: any file names give plates with real wells, warnings naming the file, or an InputError`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(anyName(valid), { minLength: 1, maxLength: 8, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() }), wellAt, async (names, w) => {
          const all = [...new Map([...site(w.row, w.col), ...names].map((f) => [f.toLowerCase(), f])).values()];
          const dir = folderWith(all);
          expectSane(await scan(scanner, dir), dir);
        }),
        { seed: 0xf11e + name.length, numRuns: 120 },
      );
    });
  }

  // Complete sites (all five channels) with well/site spelt as the instrument does.
  const sites = fc.uniqueArray(fc.record({ row: fc.integer({ min: 0, max: 31 }), col: fc.integer({ min: 0, max: 47 }), site: fc.integer({ min: 1, max: 120 }) }), {
    minLength: 1,
    maxLength: 4,
    selector: (s) => `${s.row}:${s.col}:${s.site}`,
  });
  const expected = (ss: { row: number; col: number; site: number }[]) =>
    ss.flatMap((s) => CHANNELS.map((channel) => `${wellFromRowCol(s.row, s.col)} ${s.site} ${channel}`)).sort();
  const got = (r: Awaited<ReturnType<typeof scan>>) => {
    if (r instanceof InputError) throw r;
    return r.plates.flatMap((p) => p.images.map((i) => `${i.well} ${i.site} ${i.channel}`)).sort();
  };

  it('ImageXpress: {plate}_{well}_s{site}_w{channel}[UUID].tif reads back as that well, site and channel', async () => {
    await fc.assert(
      fc.asyncProperty(sites, fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,12}$/), fc.boolean(), fc.boolean(), async (ss, plate, short, uuid) => {
        const names = ss.flatMap((s) =>
          CHANNELS.map((_, c) => {
            const well = short ? `${wellFromRowCol(s.row, s.col).replace(/^([A-Z]+)0/, '$1')}` : wellFromRowCol(s.row, s.col);
            return `${plate}_${well}_s${s.site}_w${c + 1}${uuid ? `${c + 1}C47F0FB-1234-4ABC-8DEF-0123456789AB` : ''}.tif`;
          }),
        );
        const r = await scan(scanImageXpress, folderWith(names));
        expect(got(r)).toEqual(expected(ss));
        expect((r as { plates: ScannedPlate[] }).plates.map((p) => p.name)).toEqual([plate]);
      }),
      { seed: 0x1a1, numRuns: 80 },
    );
  });

  it('Phenix: r{row}c{col}f{field}p01-ch{n}sk1fk1fl1.tiff reads back as that well, field and channel', async () => {
    await fc.assert(
      fc.asyncProperty(sites, fc.boolean(), async (ss, three) => {
        const w = three ? 3 : 2;
        const names = ss.flatMap((s) => CHANNELS.map((_, c) => `r${pad(s.row + 1, w)}c${pad(s.col + 1, w)}f${pad(s.site, w)}p01-ch${c + 1}sk1fk1fl1.tiff`));
        expect(got(await scan(scanPhenix, folderWith(names)))).toEqual(expected(ss));
      }),
      { seed: 0x1a2, numRuns: 80 },
    );
  });

  it('CellVoyager: {plate}_{well}_T0001F{field}L01A01Z01C{ch}.tif reads back as that well, field and channel', async () => {
    await fc.assert(
      fc.asyncProperty(sites, fc.boolean(), async (ss, lower) => {
        const names = ss.flatMap((s) =>
          CHANNELS.map((_, c) => {
            const well = wellFromRowCol(s.row, s.col);
            return `P1_${lower ? well.toLowerCase() : well}_T0001F${pad(s.site, 3)}L01A01Z01C${pad(c + 1, 2)}.tif`;
          }),
        );
        expect(got(await scan(scanCellVoyager, folderWith(names)))).toEqual(expected(ss));
      }),
      { seed: 0x1a3, numRuns: 80 },
    );
  });

  it('counterexample: a Phenix file r00c01… named row 0, which became the well "@01"', async () => {
    const names = CHANNELS.map((_, c) => `r00c01f01p01-ch${c + 1}sk1fk1fl1.tiff`).concat(CHANNELS.map((_, c) => `r01c01f01p01-ch${c + 1}sk1fk1fl1.tiff`));
    const dir = folderWith(names);
    const r = await scan(scanPhenix, dir);
    if (r instanceof InputError) throw r;
    expect([...new Set(r.plates[0].images.map((i) => i.well))]).toEqual(['A01']);
    expect(r.problems.filter((p) => /row 0, column 1 is not a well position/.test(p.message))).toHaveLength(5);
  });
});
