// Profile tables on disk: CSV (plain, gzipped, tab-separated) and Parquet read row by row with locations
// for messages; Parquet written by another implementation (DuckDB) reads too; atomic writes; float32 text.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { csvField, formatFloat32, openTable, tableFormatOf } from '../../../../main/core/embeddings/profile-table.js';
import { writeFileAtomic } from '../../../../main/core/util/atomic-file.js';
import { InputError } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const fixtures = path.resolve(import.meta.dirname, '../../../fixtures/profiles');
const dir = tmpDir('micon-ptable-');

async function readAll(file: string) {
  const t = await openTable(file);
  const rows: { where: string; values: unknown[] }[] = [];
  for await (const r of t.rows()) rows.push(r);
  return { format: t.format, columns: t.columns, rows };
}

describe('openTable', () => {
  it('reads CSV with quoted fields, a BOM and CRLF line ends, naming rows by file line', async () => {
    const f = path.join(dir, 'a.csv');
    fs.writeFileSync(f, '\uFEFFMetadata_Plate,Metadata_Well,"Cells_AreaShape_Area"\r\nP1,A01,1.5\r\n"P,2",b3,"2"\r\n');
    const t = await readAll(f);
    expect(t.format).toBe('csv');
    expect(t.columns).toEqual(['Metadata_Plate', 'Metadata_Well', 'Cells_AreaShape_Area']);
    expect(t.rows).toEqual([
      { where: 'line 2', values: ['P1', 'A01', '1.5'] },
      { where: 'line 3', values: ['P,2', 'b3', '2'] },
    ]);
  });

  it('reads gzipped and tab-separated CSV', async () => {
    const f = path.join(dir, 'b.txt.gz');
    fs.writeFileSync(f, zlib.gzipSync('Metadata_Plate\tMetadata_Well\tx\nP1\ta1\t3\n'));
    const t = await readAll(f);
    expect(t.columns).toEqual(['Metadata_Plate', 'Metadata_Well', 'x']);
    expect(t.rows[0].values).toEqual(['P1', 'a1', '3']);
  });

  it('refuses a row with the wrong number of fields, naming the line', async () => {
    const f = path.join(dir, 'c.csv');
    fs.writeFileSync(f, 'a,b,c\n1,2,3\n4,5\n');
    await expect(readAll(f)).rejects.toThrow(/c\.csv: line 3 has 2 fields, the header has 3/);
  });

  it('refuses a missing, empty or corrupt file with an InputError naming it', async () => {
    await expect(openTable(path.join(dir, 'nope.csv'))).rejects.toThrow(InputError);
    const empty = path.join(dir, 'empty.csv');
    fs.writeFileSync(empty, '');
    await expect(openTable(empty)).rejects.toThrow(/empty\.csv: empty file/);
    const bad = path.join(dir, 'bad.parquet');
    fs.writeFileSync(bad, 'not parquet at all');
    await expect(openTable(bad)).rejects.toThrow(/bad\.parquet: not a Parquet file/);
    const gz = path.join(dir, 'broken.csv.gz');
    fs.writeFileSync(gz, zlib.gzipSync('a,b\n1,2\n'.repeat(100)).subarray(0, 30));
    await expect(readAll(gz)).rejects.toThrow(InputError);
  });

  it('reads Parquet written by DuckDB (ZSTD and GZIP pages, INT64, NULL, NaN, FLOAT)', async () => {
    for (const name of ['duckdb-zstd.parquet', 'duckdb-gzip.parquet']) {
      const t = await readAll(path.join(fixtures, name));
      expect(t.format).toBe('parquet');
      expect(t.columns).toEqual([
        'Metadata_Plate',
        'Metadata_Well',
        'Metadata_Site',
        'Treatment',
        'Cells_AreaShape_Area',
        'Nuclei_Number_Object_Number',
        'Cytoplasm_Intensity_MeanIntensity_ER',
        'Image_Granularity_1_Mito',
      ]);
      expect(t.rows.map((r) => r.where)).toEqual(['row 1', 'row 2', 'row 3', 'row 4']);
      const [r1, , r3, r4] = t.rows.map((r) => r.values);
      expect(r1.slice(0, 5)).toEqual(['PLATE_A', 'a1', 1n, 'DMSO', 10.5]);
      expect(r1[6]).toBe(0.25);
      expect(r1[7] ?? null).toBeNull();
      expect(Number.isNaN(r3[4])).toBe(true);
      expect(r4[5]).toBe(9007199254740993n);
      expect(r4[6]).toBe(Math.fround(3e-8));
    }
  });

  it('reads Parquet row groups in order', async () => {
    const f = path.join(dir, 'groups.parquet');
    const n = 25;
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'Metadata_Well', data: Array.from({ length: n }, (_, i) => `A${i + 1}`), type: 'STRING' },
        { name: 'x', data: Float64Array.from({ length: n }, (_, i) => i / 2), type: 'DOUBLE' },
      ],
      rowGroupSize: 7,
    });
    fs.writeFileSync(f, new Uint8Array(buf));
    const t = await readAll(f);
    expect(t.rows.length).toBe(n);
    expect(t.rows.map((r) => r.values[1])).toEqual(Array.from({ length: n }, (_, i) => i / 2));
    expect(t.rows[24].where).toBe('row 25');
  });

  it('reads a large Parquet row group in slices, in order, every row once', async () => {
    const f = path.join(dir, 'one-group.parquet');
    const n = 1000;
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'Metadata_Well', data: Array.from({ length: n }, (_, i) => `A${(i % 24) + 1}`), type: 'STRING' },
        { name: 'x', data: Float64Array.from({ length: n }, (_, i) => i / 4), type: 'DOUBLE' },
      ],
      rowGroupSize: n,
    });
    fs.writeFileSync(f, new Uint8Array(buf));
    const t = await openTable(f, { parquetSliceRows: 64 });
    const xs: unknown[] = [];
    const where: string[] = [];
    for await (const r of t.rows()) {
      xs.push(r.values[1]);
      where.push(r.where);
    }
    expect(xs).toEqual(Array.from({ length: n }, (_, i) => i / 4));
    expect(where[999]).toBe('row 1000');
  });
});

describe('writing', () => {
  it('writes atomically: the target appears whole, no temporary file is left behind', () => {
    const sub = path.join(dir, 'atomic');
    const f = path.join(sub, 'out.csv');
    writeFileAtomic(f, 'first\n');
    writeFileAtomic(f, 'second\n');
    expect(fs.readFileSync(f, 'utf8')).toBe('second\n');
    expect(fs.readdirSync(sub)).toEqual(['out.csv']);
  });

  it('formats float32 values with the shortest text that reads back exactly', () => {
    for (const x of [0, 1, -2.5, 0.1, 1 / 3, 123456.789, 3e-8, -1e30, Math.fround(Math.PI)]) {
      const f = Math.fround(x);
      const s = formatFloat32(f);
      expect(Math.fround(Number(s))).toBe(f);
      expect(s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(NaN)).toBe('');
  });

  it('quotes CSV fields only when needed; knows formats by name', () => {
    expect(csvField('abc')).toBe('abc');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(tableFormatOf('x.csv.gz')).toBe('csv');
    expect(tableFormatOf('x.PARQUET')).toBe('parquet');
    expect(tableFormatOf('x.xlsx')).toBeNull();
  });
});
