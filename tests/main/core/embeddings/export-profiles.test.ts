// Exporting well profiles pycytominer-style (Metadata_* columns, then features) as CSV and Parquet, on a
// real (generated, ingested) project: column layout, exact round trips through import-profiles, the
// default feature set, refusals, atomic writes, and — where python3 has pandas — what pandas reads.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { EXPORT_METADATA_COLUMNS, defaultExportFeatureSet, exportProfiles } from '../../../../main/core/embeddings/export-profiles.js';
import { embedHandcrafted } from '../../../../main/core/embeddings/handcrafted.js';
import { importProfiles } from '../../../../main/core/embeddings/import-profiles.js';
import { buildProfiles } from '../../../../main/core/embeddings/profiles.js';
import { openTable } from '../../../../main/core/embeddings/profile-table.js';
import { loadWellProfiles, replaceFeatureSet } from '../../../../main/core/feature-sets/store.js';
import { handcraftedFeatureNames } from '../../../../main/core/features/handcrafted.js';
import { readPlatemap } from '../../../../main/core/platemap/platemap.js';
import { InputError } from '../../../../main/core/types.js';
import { makeProject } from '../../../e2e/demo-project.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-export-');
const out = path.join(dir, 'out');
let db: DB;
let hcId: number;
const hcColumns = handcraftedFeatureNames().map((n) => `handcrafted_${n}`);

beforeAll(async () => {
  db = openProject(await makeProject(dir));
  hcId = embedHandcrafted(db).featureSetId;
  buildProfiles(db, hcId);
  fs.mkdirSync(out);
});
afterAll(() => db?.close());

async function readRows(file: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const t = await openTable(file);
  const rows: unknown[][] = [];
  for await (const r of t.rows()) rows.push(r.values);
  return { columns: t.columns, rows };
}

/** A python3 with pandas (pyenv's python3 may shadow Debian's /usr/bin/python3), or null. */
function pythonWith(modules: string): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', `import ${modules}`], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

describe('exportProfiles', () => {
  it('writes normalised profiles as CSV: JUMP Metadata_* columns, then one column per feature; rows by plate, row, column', async () => {
    const f = path.join(out, 'hc.csv');
    const r = await exportProfiles(db, f);
    expect(r).toMatchObject({ format: 'csv', featureSet: 'handcrafted', kind: 'handcrafted', profile: 'normalized', wells: 96, features: hcColumns.length, featureNames: 'original' });
    const t = await readRows(f);
    expect(t.columns).toEqual([...EXPORT_METADATA_COLUMNS, ...hcColumns]);
    expect(EXPORT_METADATA_COLUMNS.slice(0, 4)).toEqual(['Metadata_Source', 'Metadata_Batch', 'Metadata_Plate', 'Metadata_Well']);
    expect(t.rows.length).toBe(96);
    const keys = t.rows.map((row) => `${row[2]}:${row[3]}`);
    expect(keys).toEqual([...keys].sort());
    // Values: the stored normalised profiles, to the last float32 bit.
    const p = loadWellProfiles(db, hcId, 'normalized');
    const wells = db.prepare('SELECT w.id, p.name AS plate, w.well FROM wells w JOIN plates p ON p.id = w.plate_id').all() as { id: number; plate: string; well: string }[];
    const rowOf = new Map(wells.map((w) => [`${w.plate}:${w.well}`, p.wellIds.indexOf(w.id)]));
    for (const row of t.rows) {
      const i = rowOf.get(`${row[2]}:${row[3]}`)!;
      const got = Float32Array.from(row.slice(EXPORT_METADATA_COLUMNS.length) as string[], Number);
      expect(got).toEqual(p.data.subarray(i * p.cols, (i + 1) * p.cols));
    }
    // Metadata as the platemap gave it: DMSO wells are negcon with no concentration; plates carry replicates.
    const dmso = t.rows.find((row) => row[5] === 'DMSO')!;
    expect(dmso[8]).toBe('negcon');
    expect(dmso[11]).toBe('');
    expect(new Set(t.rows.map((row) => row[4]))).toEqual(new Set(['1', '2']));
    const treated = t.rows.find((row) => row[8] === 'trt')!;
    expect(treated[7]).not.toBe('');
    expect(Number(treated[11])).toBeGreaterThan(0);
    // The file reads back as a platemap, too.
    const map = readPlatemap(f);
    expect(map.entries.length).toBe(96);
    expect(map.entries.filter((e) => e.pertType === 'negcon').length).toBe(32);
  });

  it('round-trips exactly: export (CSV, CSV.gz, Parquet; raw and normalised) then import-profiles gives the same numbers', async () => {
    for (const [name, which] of [
      ['rt.csv', 'raw'],
      ['rt.csv.gz', 'normalized'],
      ['rt.parquet', 'raw'],
      ['rt-n.parquet', 'normalized'],
    ] as const) {
      const f = path.join(out, name);
      await exportProfiles(db, f, { profile: which });
      const set = `back_${name.replace(/[^a-z]/g, '')}`;
      const r = await importProfiles(db, f, { name: set });
      expect(r).toMatchObject({ rows: 96, wells: 96, features: hcColumns.length, droppedFeatures: [], averagedWells: 0, unmatchedRows: 0 });
      const orig = loadWellProfiles(db, hcId, which);
      const back = loadWellProfiles(db, r.featureSetId, 'raw');
      expect(back.wellIds).toEqual(orig.wellIds);
      expect(back.data).toEqual(orig.data);
      if (which === 'raw') expect(loadWellProfiles(db, r.featureSetId, 'normalized').data).toEqual(loadWellProfiles(db, hcId, 'normalized').data);
    }
  });

  it('writes Parquet with typed columns (strings, INT32 replicate, DOUBLE concentration, FLOAT features) and says what it holds', async () => {
    const f = path.join(out, 'hc.parquet');
    const r = await exportProfiles(db, f, { profile: 'raw' });
    expect(r).toMatchObject({ format: 'parquet', profile: 'raw', wells: 96 });
    const file = await asyncBufferFromFile(f);
    const meta = await parquetMetadataAsync(file);
    const types = Object.fromEntries(meta.schema.slice(1).map((s) => [s.name, s.type]));
    expect(types).toMatchObject({ Metadata_Plate: 'BYTE_ARRAY', Metadata_Replicate: 'INT32', Metadata_Concentration: 'DOUBLE', [hcColumns[0]]: 'FLOAT' });
    const kv = Object.fromEntries((meta.key_value_metadata ?? []).map((k) => [k.key, k.value]));
    expect(kv).toMatchObject({ 'micon.feature_set': 'handcrafted', 'micon.profile': 'raw' });
    const rows = await parquetReadObjects({ file });
    expect(rows.length).toBe(96);
    expect(Object.keys(rows[0])).toEqual([...EXPORT_METADATA_COLUMNS, ...hcColumns]);
  });

  it('names features <set>_<i> for sets without names, keeps an imported set’s own names, and picks a sensible default set', async () => {
    expect(defaultExportFeatureSet(db)?.name).toBe('handcrafted');
    const small = path.join(dir, 'named.csv');
    const wells = db.prepare('SELECT p.name AS plate, w.well FROM wells w JOIN plates p ON p.id = w.plate_id ORDER BY w.id').all() as { plate: string; well: string }[];
    fs.writeFileSync(small, ['Metadata_Plate,Metadata_Well,Nuclei_AreaShape_Area,Cells_Intensity_MeanIntensity_DNA', ...wells.map((w, i) => `${w.plate},${w.well},${i},${i % 7}`)].join('\n'));
    await importProfiles(db, small, { name: 'named' });
    const f = path.join(out, 'named.csv');
    const r = await exportProfiles(db, f, { features: 'named', profile: 'raw' });
    expect(r.featureNames).toBe('original');
    const t = await readRows(f);
    expect(t.columns.slice(EXPORT_METADATA_COLUMNS.length)).toEqual(['Nuclei_AreaShape_Area', 'Cells_Intensity_MeanIntensity_DNA']);

    // A model-like set without names: <set>_<i>.
    db.transaction(() => {
      const id = replaceFeatureSet(db, { name: 'toy', kind: 'model', dim: 3, version: null, modelId: null });
      const p = loadWellProfiles(db, hcId, 'raw');
      const ins = db.prepare('INSERT INTO well_profiles (feature_set_id, well_id, raw, normalized) VALUES (?, ?, ?, ?)');
      p.wellIds.forEach((w, i) => {
        const v = Buffer.from(p.data.slice(i * p.cols, i * p.cols + 3).buffer);
        ins.run(id, w, v, v);
      });
    })();
    const g = path.join(out, 'toy.parquet');
    expect(await exportProfiles(db, g, { features: 'toy' })).toMatchObject({ featureNames: 'indexed', features: 3 });
    expect((await readRows(g)).columns.slice(EXPORT_METADATA_COLUMNS.length)).toEqual(['toy_0', 'toy_1', 'toy_2']);
  });

  it('refuses an unknown feature set, a set without profiles and an unknown format; writes atomically', async () => {
    await expect(exportProfiles(db, path.join(out, 'x.csv'), { features: 'nope' })).rejects.toThrow(/no feature set "nope" \(the project has: .*handcrafted/);
    db.transaction(() => replaceFeatureSet(db, { name: 'empty_set', kind: 'model', dim: 4, version: null, modelId: null }))();
    await expect(exportProfiles(db, path.join(out, 'x.csv'), { features: 'empty_set' })).rejects.toThrow(/"empty_set" has no well profiles yet/);
    await expect(exportProfiles(db, path.join(out, 'x.xlsx'))).rejects.toThrow(InputError);
    await expect(exportProfiles(db, path.join(out, 'x.xlsx'))).rejects.toThrow(/--format csv or --format parquet/);
    // Overwriting an existing file replaces it whole; no temporary files are left in the folder.
    const f = path.join(out, 'hc.csv');
    fs.writeFileSync(f, 'old\n');
    await exportProfiles(db, f, { format: 'csv' });
    expect(fs.readFileSync(f, 'utf8').startsWith('Metadata_Source,')).toBe(true);
    expect(fs.readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(fs.existsSync(path.join(out, 'x.csv'))).toBe(false);
  });

  const py = pythonWith('pandas');
  const pyParquet = pythonWith('pandas, pyarrow') ?? pythonWith('pandas, fastparquet');
  const pandasCheck = (file: string, reader: string) => {
    const script = `
import json, sys, pandas as pd
df = pd.${reader}(sys.argv[1])
feat = [c for c in df.columns if not c.startswith('Metadata_')]
print(json.dumps({"shape": list(df.shape), "columns": list(df.columns), "first": [float(x) for x in df.iloc[0][feat]],
  "plate": str(df.iloc[0]["Metadata_Plate"]), "well": str(df.iloc[0]["Metadata_Well"]), "dtype": str(df[feat[0]].dtype),
  "negcon": int((df["Metadata_pert_type"] == "negcon").sum())}))`;
    const r = spawnSync(py!, ['-c', script, file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as { shape: number[]; columns: string[]; first: number[]; plate: string; well: string; dtype: string; negcon: number };
  };
  const firstRowOf = async (file: string) => (await readRows(file)).rows[0];

  if (py) {
    it(`pandas (${py}) reads the CSV: shape, columns, values`, async () => {
      const f = path.join(out, 'pandas.csv');
      await exportProfiles(db, f);
      const got = pandasCheck(f, 'read_csv');
      expect(got.shape).toEqual([96, EXPORT_METADATA_COLUMNS.length + hcColumns.length]);
      expect(got.columns).toEqual([...EXPORT_METADATA_COLUMNS, ...hcColumns]);
      expect(got.negcon).toBe(32);
      const first = await firstRowOf(f);
      expect([got.plate, got.well]).toEqual([first[2], first[3]]);
      expect(Float32Array.from(got.first)).toEqual(Float32Array.from((first as string[]).slice(EXPORT_METADATA_COLUMNS.length), Number));
    });
  } else {
    it.skip('pandas reads the CSV: no python3 with pandas (apt-get install python3-pandas)', () => {});
  }
  if (pyParquet) {
    it(`pandas (${pyParquet}) reads the Parquet: shape, columns, float32 values`, async () => {
      const f = path.join(out, 'pandas.parquet');
      await exportProfiles(db, f);
      const got = pandasCheck(f, 'read_parquet');
      expect(got.shape).toEqual([96, EXPORT_METADATA_COLUMNS.length + hcColumns.length]);
      expect(got.columns).toEqual([...EXPORT_METADATA_COLUMNS, ...hcColumns]);
      expect(got.dtype).toBe('float32');
      const first = await firstRowOf(f);
      expect(Float32Array.from(got.first)).toEqual(Float32Array.from((first as number[]).slice(EXPORT_METADATA_COLUMNS.length)));
    });
  } else {
    it.skip('pandas reads the Parquet: no python3 with pandas and pyarrow/fastparquet (Debian bookworm packages neither)', () => {});
  }
});
