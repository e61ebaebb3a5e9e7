// Property tests of the CSV readers: platemaps, plate metadata, LoadData CSVs and profile tables.
// Any file gives entries, problems carrying a line that exists in the file, or an InputError naming
// the file — never a TypeError or a CsvError escaping.
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openTable } from '../../../../main/core/embeddings/profile-table.js';
import { readPlateMeta } from '../../../../main/core/platemap/plate-meta.js';
import { readPlatemap } from '../../../../main/core/platemap/platemap.js';
import { readTable } from '../../../../main/core/platemap/table.js';
import { scanLoadData } from '../../../../main/core/plates/loaddata.js';
import { normaliseWell } from '../../../../main/core/plates/wells.js';
import { CHANNELS, type ChannelName, InputError, type Problem } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const root = tmpDir('micon-fuzz-csv-');
let n = 0;
function fileWith(body: string | Uint8Array, ext = '.csv'): string {
  const f = path.join(root, `t${++n}${ext}`);
  fs.writeFileSync(f, body);
  return f;
}

/** Runs `f`; an InputError must name the file, anything else fails the property. */
function clear<T>(file: string, f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    expect(e.message).toContain(file);
    return null;
  }
}
async function clearAsync<T>(file: string, f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    expect(e.message).toContain(file);
    return null;
  }
}

/** Problems name the file and a line that exists in it. */
function expectProblemsAt(problems: Problem[], file: string, text: string): void {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).length;
  for (const p of problems) {
    expect(p.file).toBe(file);
    if (p.row !== undefined) {
      expect(Number.isInteger(p.row) && p.row >= 2 && p.row <= lines).toBe(true);
      expect(p.message).toContain(`line ${p.row}`);
    }
  }
}

const HEADERS = ['Metadata_Well', 'well', 'well_position', 'Metadata_Plate', 'plate', 'Metadata_JCP2022', 'compound_id', 'name', 'Metadata_SMILES', 'smiles', 'concentration', 'conc_um', 'pert_type', 'control_type', 'moa', 'target', 'source', 'batch', 'replicate', 'Metadata_Source', 'Metadata_Batch', '', 'x', 'Well', '__proto__', 'constructor'];
const CELLS = ['A01', 'a1', 'P24', 'AF48', 'A0', 'A1000', 'ZZ999', '', 'DMSO', 'CS(C)=O', 'c1ccccc1', 'trt', 'negcon', 'poscon', 'empty', 'weird', '10', '0.1', '1e-3', '-5', 'NaN', 'Infinity', 'ten', 'rep2', 'Replicate 3', '1.5', 'JCP2022_000001', '"', '""', ' spaced ', 'x,y', 'tab\there', 'new\nline', 'é', '😀', '\u0000'];
const cell = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...CELLS) }, fc.string({ maxLength: 8 }), fc.constant('9'.repeat(2000)));
/** Quote a field the way a spreadsheet would, or (sometimes) not at all. */
const field = (v: string, quote: boolean) => (quote || /[",\t\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** A plausible table: header from known and junk names (duplicates allowed), rows of plausible and junk cells, blank lines, BOM, CRLF or LF, comma/tab/semicolon. */
const table = fc
  .record({
    header: fc.array(fc.constantFrom(...HEADERS), { minLength: 1, maxLength: 7 }),
    rows: fc.array(fc.tuple(fc.array(cell, { maxLength: 8 }), fc.boolean(), fc.boolean()), { maxLength: 12 }),
    sep: fc.constantFrom(',', '\t', ';'),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    quoteAll: fc.boolean(),
  })
  .map(({ header, rows, sep, eol, bom, quoteAll }) => {
    const line = (cells: string[]) => cells.map((c) => field(c, quoteAll)).join(sep);
    const lines = [line(header)];
    for (const [cells, blank] of rows) {
      if (blank) lines.push('');
      lines.push(line(cells));
    }
    return (bom ? '\uFEFF' : '') + lines.join(eol);
  });
const anyText = fc.oneof(
  { weight: 4, arbitrary: table },
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
);

describe('CSV readers (fuzz)', () => {
  it('readPlatemap: entries with canonical wells, problems at real lines, or an InputError naming the file', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const file = fileWith(text);
        const map = clear(file, () => readPlatemap(file));
        if (!map) return;
        expectProblemsAt(map.problems, file, text);
        const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
        for (const e of map.entries) {
          expect(normaliseWell(e.well)).toBe(e.well);
          expect(e.line).toBeGreaterThanOrEqual(2);
          expect(e.line).toBeLessThanOrEqual(lines.length);
          if (e.concentration !== null) expect(Number.isFinite(e.concentration)).toBe(true);
          expect(['trt', 'negcon', 'poscon', 'empty']).toContain(e.pertType);
          for (const v of [e.compoundId, e.name, e.smiles, e.moa, e.target, e.plate]) expect(v === null || typeof v === 'string').toBe(true);
        }
      }),
      { seed: 0x9a7e, numRuns: 600 },
    );
  });

  it('readPlatemap: a bad well is reported on the line that holds it, blank lines and CRLF included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('A01', 'B2', 'Q0', 'A1000', 'well?', '*'), fc.boolean()), { minLength: 1, maxLength: 10 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (rows, eol, bom) => {
          const lines = ['Metadata_Well,Metadata_JCP2022'];
          rows.forEach(([w, blank], i) => {
            if (blank) lines.push('');
            lines.push(`${w},JCP${i}`);
          });
          const text = (bom ? '\uFEFF' : '') + lines.join(eol);
          const file = fileWith(text);
          const map = readPlatemap(file);
          const bad = map.problems.filter((p) => /is not a well name/.test(p.message));
          expect(bad).toHaveLength(rows.filter(([w]) => !['A01', 'B2'].includes(w)).length);
          for (const p of bad) expect(lines[p.row! - 1]).toMatch(/^(Q0|A1000|well\?|\*),/);
          for (const e of map.entries) expect(lines[e.line - 1]).toContain(`,${e.compoundId}`);
        },
      ),
      { seed: 0x11e, numRuns: 300 },
    );
  });

  it('counterexample: a blank line shifted every later line number by one', () => {
    const file = fileWith('well,compound_id\nA01,c1\n\nZ0,c2\n');
    expect(readPlatemap(file).problems).toEqual([expect.objectContaining({ row: 4, message: expect.stringContaining('line 4: "Z0" is not a well name') })]);
    expect(readTable(file).rows.map((r) => r.line)).toEqual([2, 4]);
  });

  it('readPlateMeta: plates with whole replicates, problems at real lines, or an InputError naming the file', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const file = fileWith(text, '.txt');
        const meta = clear(file, () => readPlateMeta(file));
        if (!meta) return;
        expectProblemsAt(meta.problems, file, text);
        for (const [plate, m] of meta.plates) {
          expect(plate).toBeTruthy();
          if (m.replicate !== null) expect(Number.isInteger(m.replicate)).toBe(true);
        }
      }),
      { seed: 0x3e7a, numRuns: 400 },
    );
  });

  it('LoadData CSVs: random columns, paths and URLs give plates, problems at real lines, or an InputError naming the file', async () => {
    const header = fc.array(
      fc.constantFrom('Metadata_Plate', 'Metadata_Well', 'Metadata_Site', 'Image_Metadata_Well', ...CHANNELS.flatMap((c) => [`FileName_Orig${c}`, `PathName_Orig${c}`]), 'URL_OrigDNA', 'FileName_IllumDNA', 'junk'),
      { minLength: 2, maxLength: 14 },
    );
    const value = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('P1', 'A01', 'b2', '1', '0', '2', 'x.tif', '.', 'sub', '') },
      fc.constantFrom('file:///tmp/x.tif', 'file://host/share/x.tif', 'file:%2Fx', 'file:', 's3://bucket/x.tif', 'https://x/y.tif', '../../etc', '-1', '1.5', 'A0', 'a\u0000b'),
      fc.string({ maxLength: 6 }),
    );
    const opts = { channels: Object.fromEntries(CHANNELS.map((c) => [`Orig${c}`, c])) as Record<string, ChannelName> };
    await fc.assert(
      fc.asyncProperty(header, fc.array(fc.array(value, { maxLength: 14 }), { maxLength: 6 }), fc.boolean(), async (h, rows, gz) => {
        const text = [h, ...rows].map((r) => r.map((v) => field(v, false)).join(',')).join('\n');
        const file = fileWith(gz ? gzipSync(text) : text, gz ? '.csv.gz' : '.csv');
        const problems: Problem[] = [];
        const plates = await clearAsync(file, () => scanLoadData([file], opts, problems));
        if (!plates) return;
        for (const p of problems) {
          expect(p.file ?? '').not.toBe('');
          if (p.row !== undefined) expect(p.row >= 2 && p.row <= rows.length + 1).toBe(true);
        }
        for (const img of plates.flatMap((p) => p.images)) {
          expect(normaliseWell(img.well)).toBe(img.well);
          expect(Number.isSafeInteger(img.site)).toBe(true);
        }
      }),
      { seed: 0x10ad, numRuns: 300 },
    );
  });

  it('counterexample: a LoadData file:// URL with a host threw a TypeError from fileURLToPath', async () => {
    const file = fileWith('Metadata_Plate,Metadata_Well,URL_OrigDNA\nP1,A01,file://host/share/x.tif\n');
    const err = await scanLoadData([file], {}, []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(`${file} line 2: file://host/share/x.tif is not a usable file URL`);
  });

  it('LoadData CSVs of random bytes, gzipped or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (bytes, gz) => {
        const file = fileWith(bytes, gz ? '.csv.gz' : '.csv');
        await clearAsync(file, () => scanLoadData([file], {}, []));
      }),
      { seed: 0xb17e, numRuns: 200 },
    );
  });

  it('profile tables (openTable): every row has the header\'s width and a real line, or an InputError naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 3, arbitrary: table }, anyText), fc.constantFrom('.csv', '.csv.gz', '.tsv', '.parquet'), async (text, ext) => {
        const file = fileWith(ext === '.csv.gz' ? gzipSync(text) : text, ext);
        await clearAsync(file, async () => {
          const t = await openTable(file);
          const lines = text.split(/\r\n|\n|\r/).length;
          for await (const r of t.rows()) {
            expect(r.values).toHaveLength(t.columns.length);
            const at = Number(/^line (\d+)$/.exec(r.where)?.[1]);
            expect(at >= 2 && at <= lines).toBe(true);
          }
        });
      }),
      { seed: 0x7ab1e, numRuns: 300 },
    );
  });

  it('counterexample: a bad quote just below a profile table\'s header escaped as a CsvError', async () => {
    const file = fileWith('"Metadata_Well"\n"x";"A01"\n');
    const err = await openTable(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(`${file}: not a readable CSV`);
  });
});
