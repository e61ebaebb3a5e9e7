// Importing CellProfiler / pycytominer profiles as a feature set, on a real (generated, ingested) project:
// per-site rows with mixed well spellings and extra metadata average to exactly the hand-crafted well
// profiles, evaluate side by side, survive profile rebuilds; every kind of bad input is refused with the
// file, row and column named, and leaves the project as it was.
import fs from 'node:fs';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { embedBaselines } from '../../../../main/core/embeddings/baselines.js';
import { embedHandcrafted } from '../../../../main/core/embeddings/handcrafted.js';
import { importProfiles } from '../../../../main/core/embeddings/import-profiles.js';
import { buildProfiles } from '../../../../main/core/embeddings/profiles.js';
import { formatEval } from '../../../../main/cli/embed-eval.js';
import { evaluateAll } from '../../../../main/core/eval/evaluate-all.js';
import { featureNames, featureSetByName, featureSets, loadSiteVectors, loadWellProfiles } from '../../../../main/core/feature-sets/store.js';
import { handcraftedFeatureNames } from '../../../../main/core/features/handcrafted.js';
import { wellFromRowCol } from '../../../../main/core/plates/wells.js';
import { makeProject } from '../../../e2e/demo-project.js';
import { refused } from '../../../helpers/refused.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-import-');
let db: DB;
let hcId: number;
/** Per-site rows of the hand-crafted features: what a CellProfiler per-image table looks like. */
let sites: { plate: string; well: string; site: number; compound: string | null; vec: Float32Array }[] = [];
const hcNames = handcraftedFeatureNames().map((n) => `Cells_MICON_${n}`);
/** a1, A1, A01, a01: the spellings platemaps and profile tables use. */
const spell = (well: string, i: number) => {
  const m = /^([A-Z]+)0*(\d+)$/.exec(well)!;
  return [`${m[1].toLowerCase()}${m[2]}`, `${m[1]}${m[2]}`, well, well.toLowerCase()][i % 4];
};

beforeAll(async () => {
  const file = await makeProject(dir);
  db = openProject(file);
  hcId = embedHandcrafted(db).featureSetId;
  buildProfiles(db, hcId);
  const v = loadSiteVectors(db, hcId);
  const info = new Map(
    (
      db
        .prepare(
          `SELECT x.id, p.name AS plate, w.well, x.site, c.compound_id AS compound FROM sites x JOIN wells w ON w.id = x.well_id
             JOIN plates p ON p.id = w.plate_id LEFT JOIN compounds c ON c.id = w.compound_id`,
        )
        .all() as { id: number; plate: string; well: string; site: number; compound: string | null }[]
    ).map((r) => [r.id, r]),
  );
  sites = v.siteIds.map((id, i) => ({ ...info.get(id)!, vec: v.data.slice(i * v.cols, (i + 1) * v.cols) }));
});
afterAll(() => db?.close());

/** A pycytominer-style per-site CSV: odd well spellings, extra metadata, id columns, a text column, gaps. */
function writeSiteCsv(file: string, plateCol = 'Metadata_plate', wellCol = 'Metadata_Well'): void {
  const header = [plateCol, wellCol, 'Metadata_Site', 'Metadata_Compound', 'ImageNumber', 'ObjectNumber', 'Treatment', ...hcNames, 'Nuclei_Extra_WithNaN', 'Cells_Extra_Empty'];
  const lines = [header.join(',')];
  sites.forEach((s, i) => {
    const withNaN = i === 5 ? 'NaN' : '1.5';
    lines.push([s.plate, spell(s.well, i), s.site, s.compound ?? '', i + 1, 1, s.compound === 'DMSO' ? 'vehicle' : 'compound', ...Array.from(s.vec, String), withNaN, ''].join(','));
  });
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

function csv(name: string, header: string[], rows: (string | number)[][]): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, [header, ...rows].map((r) => r.join(',')).join('\n') + '\n');
  return f;
}


/** Four distinct wells of the project, [plate, well]. */
const firstWells = () => [...new Map(sites.map((s) => [`${s.plate}:${s.well}`, [s.plate, s.well]])).values()].slice(0, 4);

describe('importProfiles', () => {
  it('averages per-site rows into wells, matches every well spelling, drops features with gaps, ignores metadata and text', async () => {
    const f = path.join(dir, 'per_site.csv');
    writeSiteCsv(f);
    const r = await importProfiles(db, f);
    expect(r).toMatchObject({
      featureSet: 'cellprofiler',
      format: 'csv',
      rows: sites.length,
      wells: 96,
      plates: 4,
      features: hcNames.length,
      droppedFeatures: ['Nuclei_Extra_WithNaN', 'Cells_Extra_Empty'],
      unmatchedRows: 0,
      averagedWells: 96,
      maxRowsPerWell: 2,
      ignoredColumns: ['Treatment'],
      replaced: false,
    });
    expect(r.metadataColumns).toEqual(['Metadata_plate', 'Metadata_Well', 'Metadata_Site', 'Metadata_Compound', 'ImageNumber', 'ObjectNumber']);
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/feature "Nuclei_Extra_WithNaN" dropped: no value in 1 of the rows used \(first at line 7\)/);
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/96 wells had several rows \(up to 2: cells or sites\); each well's rows were averaged/);
    expect(r.profiles).toMatchObject({ featureSet: 'cellprofiler', wells: 96, dim: hcNames.length, controlWells: 32, spheringReference: 'negcon' });

    const fs0 = featureSetByName(db, 'cellprofiler')!;
    expect(fs0.kind).toBe('imported');
    expect(featureNames(db, fs0.id)).toEqual(hcNames);
    // The mean of the sites, computed the same way: raw and normalised profiles equal the hand-crafted set's.
    for (const which of ['raw', 'normalized'] as const) {
      const a = loadWellProfiles(db, hcId, which);
      const b = loadWellProfiles(db, fs0.id, which);
      expect(b.wellIds).toEqual(a.wellIds);
      expect(b.data).toEqual(a.data);
    }
  });

  it('is evaluated side by side with the other feature sets', () => {
    const r = evaluateAll(db, { permutations: 20, seed: 3 });
    expect(Object.keys(r.featureSets)).toEqual(expect.arrayContaining(['handcrafted', 'cellprofiler']));
    // Same numbers; only the kind of set differs.
    expect({ ...r.featureSets.cellprofiler, kind: null }).toEqual({ ...r.featureSets.handcrafted, kind: null });
    expect([r.featureSets.cellprofiler.kind, r.featureSets.handcrafted.kind]).toEqual(['imported', 'handcrafted']);
    expect(r.featureSets.cellprofiler.trained.queries).toBeGreaterThan(0);
  });

  it('keeps its profiles when profiles are rebuilt for every set (as micon embed does)', () => {
    const id = featureSetByName(db, 'cellprofiler')!.id;
    const before = loadWellProfiles(db, id);
    db.prepare('DELETE FROM well_profiles WHERE feature_set_id = ?').run(id);
    for (const f of featureSets(db)) buildProfiles(db, f.id);
    const after = loadWellProfiles(db, id);
    expect(after.wellIds).toEqual(before.wellIds);
    expect(after.data).toEqual(before.data);
  });

  it('gets its fair-baseline twin cellprofiler_z from embed: well-level z vs DMSO, clipped, unit rows', () => {
    const made = embedBaselines(db);
    expect(made.map((b) => b.name)).toEqual(expect.arrayContaining(['cellprofiler_z', 'handcrafted_z', 'cellcount']));
    const z = featureSetByName(db, 'cellprofiler_z')!;
    expect(z).toMatchObject({ kind: 'baseline', version: 'z-well:cellprofiler' });
    const p = buildProfiles(db, z.id);
    const input = db.prepare('SELECT vec FROM imported_well_features WHERE feature_set_id = ?').all(z.id) as { vec: Buffer }[];
    expect(p.wells).toBe(input.length);
    for (const r of input.slice(0, 10)) {
      const v = new Float32Array(r.vec.buffer.slice(r.vec.byteOffset, r.vec.byteOffset + r.vec.byteLength));
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
    expect(Object.keys(evaluateAll(db, { permutations: 0, resamples: 0 }).featureSets)).toContain('cellprofiler_z');
  });

  it('imports Parquet (INT64 metadata, FLOAT features, a null) to the same profiles', async () => {
    const f = path.join(dir, 'per_site.parquet');
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'Image_Metadata_Plate', data: sites.map((s) => s.plate), type: 'STRING' },
        { name: 'Image_Metadata_Well', data: sites.map((s, i) => spell(s.well, i + 1)), type: 'STRING' },
        { name: 'Metadata_Site', data: sites.map((s) => BigInt(s.site)), type: 'INT64' },
        ...hcNames.map((name, k) => ({ name, data: Float32Array.from(sites, (s) => s.vec[k]), type: 'FLOAT' as const, nullable: false })),
        { name: 'Cells_Extra_WithNull', data: sites.map((_, i) => (i === 0 ? null : 2.5)), type: 'DOUBLE' },
      ],
      rowGroupSize: 50,
    });
    fs.writeFileSync(f, new Uint8Array(buf));
    const r = await importProfiles(db, f, { name: 'cp_parquet' });
    expect(r).toMatchObject({ format: 'parquet', wells: 96, features: hcNames.length, droppedFeatures: ['Cells_Extra_WithNull'], averagedWells: 96 });
    const a = loadWellProfiles(db, hcId, 'raw');
    const b = loadWellProfiles(db, r.featureSetId, 'raw');
    expect(b.data).toEqual(a.data);
  });

  it('refuses a name that is taken, unless --replace and the set is imported; replacing swaps it whole', async () => {
    const f = csv('small.csv', ['Metadata_Plate', 'Metadata_Well', 'Cells_A', 'Cells_B'], firstWells().map(([p, w], i) => [p, w, i, i * 2 + 1]));
    await refused(importProfiles(db, f), /feature set "cellprofiler" already exists \(imported from .*per_site\.csv on /, /--replace/);
    await refused(importProfiles(db, f, { name: 'handcrafted', replace: true }), /"handcrafted" already exists and is the hand-crafted feature set; pick another --name/);
    await refused(importProfiles(db, f, { name: 'bad name!' }), /feature set name "bad name!" is not allowed/);
    const r = await importProfiles(db, f, { name: 'cp_parquet', replace: true });
    expect(r).toMatchObject({ replaced: true, wells: 4, features: 2, averagedWells: 0 });
    expect(featureNames(db, r.featureSetId)).toEqual(['Cells_A', 'Cells_B']);
    expect(loadWellProfiles(db, r.featureSetId).rows).toBe(4);
  });

  it('refuses rows of plates or wells the project lacks, naming file, line and column; --allow-unmatched skips and counts them', async () => {
    const [[p0, w0], [p1, w1]] = firstWells();
    const taken = new Set((db.prepare('SELECT w.well FROM wells w JOIN plates p ON p.id = w.plate_id WHERE p.name = ?').all(p0) as { well: string }[]).map((r) => r.well));
    let absent = '';
    for (let i = 0; i < 384 && !absent; i++) if (!taken.has(wellFromRowCol(i % 16, Math.floor(i / 16)))) absent = wellFromRowCol(i % 16, Math.floor(i / 16));
    const header = ['Metadata_Plate', 'Metadata_Well', 'Cells_A'];
    const plateFile = csv('unknown_plate.csv', header, [[p0, w0, 1], [p1, w1, 2], ['NOPE_PLATE', 'A01', 3]]);
    await refused(
      importProfiles(db, plateFile, { name: 'x1' }),
      /unknown_plate\.csv: line 4, column "Metadata_Plate": plate "NOPE_PLATE" is not in the project \(its plates: S1B1P01/,
      /--allow-unmatched/,
    );
    const wellFile = csv('unknown_well.csv', header, [[p0, w0, 1], [p0, absent.toLowerCase(), 2], [p1, w1, 3]]);
    await refused(importProfiles(db, wellFile, { name: 'x1' }), new RegExp(`unknown_well\\.csv: line 3, column "Metadata_Well": well ${absent} \\("${absent.toLowerCase()}"\\) is not a well of plate ${p0}`));
    expect(featureSetByName(db, 'x1')).toBeUndefined();

    const r = await importProfiles(db, plateFile, { name: 'x1', allowUnmatched: true });
    expect(r).toMatchObject({ rows: 3, wells: 2, unmatchedRows: 1 });
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/plate "NOPE_PLATE" is not in the project.*; row skipped/);
    const none = csv('no_match.csv', header, [['NOPE_PLATE', 'A01', 3]]);
    await refused(importProfiles(db, none, { name: 'x2', allowUnmatched: true }), /no_match\.csv: none of its 1 rows matches a well of the project/);
  });

  it('refuses malformed or empty plate/well values and missing plate/well columns', async () => {
    const [[p0, w0]] = firstWells();
    await refused(
      importProfiles(db, csv('bad_well.csv', ['Metadata_Plate', 'Metadata_Well', 'Cells_A'], [[p0, w0, 1], [p0, 'well7', 2]]), { name: 'x3' }),
      /bad_well\.csv: line 3, column "Metadata_Well": "well7" is not a well name/,
    );
    await refused(importProfiles(db, csv('no_plate_value.csv', ['Metadata_Plate', 'Metadata_Well', 'Cells_A'], [['', w0, 1]]), { name: 'x3' }), /line 2, column "Metadata_Plate": no plate given/);
    await refused(
      importProfiles(db, csv('no_plate_col.csv', ['Metadata_Barcode', 'Metadata_Well', 'Cells_A'], [[p0, w0, 1]]), { name: 'x3' }),
      /no_plate_col\.csv: no plate \(Metadata_Plate, Image_Metadata_Plate or plate\) column; found: Metadata_Barcode, Metadata_Well, Cells_A/,
    );
    await refused(importProfiles(db, csv('no_well_col.csv', ['plate', 'Cells_A'], [[p0, 1]]), { name: 'x3' }), /no_well_col\.csv: no well \(Metadata_Well, Image_Metadata_Well or well\) column/);
    await refused(importProfiles(db, csv('dup_col.csv', ['Metadata_Plate', 'Metadata_Well', 'Cells_A', 'Cells_A'], [[p0, w0, 1, 2]]), { name: 'x3' }), /column "Cells_A" appears twice \(columns 3 and 4\)/);
    await refused(importProfiles(db, csv('header_only.csv', ['Metadata_Plate', 'Metadata_Well', 'Cells_A'], []), { name: 'x3' }), /header_only\.csv: no data rows/);
  });

  it('refuses a file without numeric feature columns, and a word in a numeric column (file, line, column)', async () => {
    const rows = firstWells();
    await refused(
      importProfiles(db, csv('no_features.csv', ['Metadata_Plate', 'Metadata_Well', 'Metadata_Count', 'Treatment'], rows.map(([p, w]) => [p, w, 3, 'drug'])), { name: 'x4' }),
      /no_features\.csv: no numeric feature columns: every column is metadata or text \(metadata: Metadata_Plate, Metadata_Well, Metadata_Count; text: Treatment\)/,
    );
    await refused(
      importProfiles(db, csv('all_gaps.csv', ['Metadata_Plate', 'Metadata_Well', 'Cells_A'], rows.map(([p, w], i) => [p, w, i === 2 ? 'nan' : 1])), { name: 'x4' }),
      /all_gaps\.csv: no numeric feature columns: every numeric column has missing values \(Cells_A\)/,
    );
    await refused(
      importProfiles(db, csv('word.csv', ['Metadata_Plate', 'Metadata_Well', 'Cells_A', 'Cells_B'], rows.map(([p, w], i) => [p, w, 1, i === 2 ? 'abc' : 2.5])), { name: 'x4' }),
      /word\.csv: line 4, column "Cells_B": "abc" is not a number \(the column is numeric elsewhere, e\.g\. line 2\)/,
      /name non-feature columns Metadata_\*/,
    );
    expect(featureSetByName(db, 'x4')).toBeUndefined();
  });

  it('is all or nothing: a failure inside the write transaction leaves no trace, and a failed --replace keeps the old set', async () => {
    const before = { sets: featureSets(db).length, rows: (db.prepare('SELECT COUNT(*) n FROM imported_well_features').get() as { n: number }).n };
    const f = csv('ok.csv', ['Metadata_Plate', 'Metadata_Well', 'Cells_A'], firstWells().map(([p, w], i) => [p, w, i]));
    db.exec("CREATE TEMP TRIGGER fail_import BEFORE INSERT ON feature_imports BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END");
    try {
      await expect(importProfiles(db, f, { name: 'x5' })).rejects.toThrow(/simulated/);
    } finally {
      db.exec('DROP TRIGGER fail_import');
    }
    expect(featureSetByName(db, 'x5')).toBeUndefined();
    expect(featureSets(db).length).toBe(before.sets);
    expect((db.prepare('SELECT COUNT(*) n FROM imported_well_features').get() as { n: number }).n).toBe(before.rows);

    const old = featureSetByName(db, 'cellprofiler')!;
    const oldProfiles = loadWellProfiles(db, old.id);
    const bad = csv('bad_replace.csv', ['Metadata_Plate', 'Metadata_Well', 'Cells_A'], [...firstWells().map(([p, w]) => [p, w, 1]), ['NOPE', 'A01', 2]]);
    await refused(importProfiles(db, bad, { replace: true }), /plate "NOPE"/);
    expect(featureSetByName(db, 'cellprofiler')).toEqual(old);
    expect(loadWellProfiles(db, old.id).data).toEqual(oldProfiles.data);
  });

  it("a long imported name keeps micon eval's figures under their headers", async () => {
    // A lab names sets after their source; the name column was fixed at 26 characters.
    const long = 'cpg0016_source_4_cellprofiler_normalized_feature_select';
    const f = path.join(dir, 'per_site_long.csv');
    writeSiteCsv(f);
    await importProfiles(db, f, { name: long });
    const lines = formatEval(evaluateAll(db, { permutations: 0, resamples: 0 })).split('\n');
    const header = lines.find((l) => l.startsWith('feature set') && l.includes(' queries '))!;
    const end = header.indexOf(' queries ') + ' queries'.length;
    const rows = lines.filter((l) => /^[\w.+-]+( \*)? +\d+ +\d+ {2}/.test(l));
    expect(rows.filter((l) => l.startsWith(`${long} `))).toHaveLength(2); // held-out and trained tables
    expect(rows.length).toBeGreaterThanOrEqual(2 * 4);
    // queries is right-aligned under its header in every row
    for (const l of rows) expect([l.slice(end - 1, end), l.slice(end, end + 1)], l).toEqual([expect.stringMatching(/\d/), ' ']);
  });
});
