// Profiles-first projects (`import-profiles --create-plates`) from the real tables in ../shared/realdata:
// BBBC021 per-well CellProfiler means (55 plates, 10 weekly batches, SMILES in the table with ChemAxon
// extensions, a side compounds table) and one LINCS pycytominer level-4b plate (SMILES only in a side
// table, pert_type "control"). Plates, wells, compounds and batches come from the metadata; export →
// import round-trips exactly; bad tables are refused naming file, line and column, writing nothing.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { exportProfiles } from '../../../../main/core/embeddings/export-profiles.js';
import { importProfiles } from '../../../../main/core/embeddings/import-profiles.js';
import { featureSetByName, loadImportedWellFeatures } from '../../../../main/core/feature-sets/store.js';
import { runQuery } from '../../../../main/core/search/query.js';
import { refused } from '../../../helpers/refused.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { REALDATA } from '../../../helpers/realdata.js';

const REAL = REALDATA;
const BBBC = path.join(REAL, 'bbbc021-mcf7-moa/bbbc021_per_well_annotated.csv.gz');
const BBBC_COMPOUNDS = path.join(REAL, 'bbbc021-mcf7-moa/bbbc021_compounds_smiles_moa.csv');
const LINCS = path.join(REAL, 'lincs-a549-SQ00015054/SQ00015054_normalized_feature_select.csv.gz');
const LINCS_COMPOUNDS = path.join(REAL, 'lincs-a549-SQ00015054/compounds_smiles.csv');

const dir = tmpDir('micon-create-');
const open: DB[] = [];
function project(name: string): DB {
  const db = openProject(path.join(dir, `${name}.micon`));
  open.push(db);
  return db;
}
afterAll(() => open.forEach((db) => db.close()));

const count = (db: DB, sql: string) => (db.prepare(sql).get() as { n: number }).n;

/** The real table's lines (header first), so bad variants are the real thing with one fault. */
let lincsLines: string[] = [];
beforeAll(() => {
  lincsLines = zlib.gunzipSync(fs.readFileSync(LINCS)).toString('utf8').trimEnd().split('\n');
});
function variant(name: string, edit: (header: string[], rows: string[][]) => void, keep = 40): string {
  const header = lincsLines[0].split(',');
  const rows = lincsLines.slice(1, 1 + keep).map((l) => l.split(','));
  edit(header, rows);
  const f = path.join(dir, name);
  fs.writeFileSync(f, [header, ...rows].map((r) => r.join(',')).join('\n') + '\n');
  return f;
}


describe('import-profiles --create-plates on real tables', () => {
  it('BBBC021: 55 plates in 10 weekly batches, 39 compounds (ChemAxon SMILES read), DMSO controls by name (no control column), MoA; searchable', async () => {
    const db = project('bbbc');
    const r = await importProfiles(db, BBBC, { createPlates: true, compoundsFile: BBBC_COMPOUNDS });
    expect(r).toMatchObject({ rows: 632, wells: 632, plates: 55, features: 516, droppedFeatures: [], averagedWells: 0 });
    expect(r.columns).toMatchObject({ plate: 'Metadata_Plate', well: 'Metadata_Well', batch: 'Metadata_batch', compound: 'Metadata_compound', smiles: 'Metadata_smiles', moa: 'Metadata_moa', concentration: 'Metadata_concentration_uM', source: null });
    expect(r.created).toMatchObject({ plates: 55, wells: 632, compounds: 39, compoundsWithSmiles: 25, controlWells: 330, sources: ['default'], existingPlates: [] });
    expect(r.created!.batches).toHaveLength(10);
    expect(r.created!.compoundsWithoutSmiles).toEqual(expect.arrayContaining(['AZ138', 'ALLN', 'bryostatin']));
    expect(r.created!.compoundsWithoutSmiles).toHaveLength(14);
    expect(r.created!.defaults.join('\n')).toMatch(/no source column: every plate is in source "default"/);
    expect(count(db, "SELECT COUNT(*) n FROM plates WHERE layout = 'profiles'")).toBe(55);
    expect(count(db, 'SELECT COUNT(*) n FROM batches')).toBe(10);
    expect(count(db, 'SELECT COUNT(*) n FROM sites')).toBe(0);
    // Taxol's hub SMILES carries " |c:5|": read, canonicalised, raw kept for export.
    const taxol = db.prepare("SELECT smiles, canonical_smiles AS canon, moa FROM compounds WHERE compound_id = 'taxol'").get() as { smiles: string; canon: string; moa: string };
    expect(taxol.smiles).toMatch(/ \|c:5\|$/);
    expect(taxol.canon).not.toMatch(/\|/);
    expect(taxol.moa).toBe('Microtubule stabilizers');
    const w = db.prepare("SELECT w.concentration, w.pert_type AS pt, p.replicate FROM wells w JOIN plates p ON p.id = w.plate_id WHERE p.name = 'Week10_40111' AND w.well = 'B02'").get();
    expect(w).toEqual({ concentration: 0, pt: 'negcon', replicate: 1 });
    // Query by well and by compound over the imported profiles.
    const q = await runQuery(db, { kind: 'compound', compound: 'taxol' }, { features: 'cellprofiler', k: 5 });
    expect(q.results).toHaveLength(5);
    expect(q.query.wells.length).toBeGreaterThanOrEqual(3);
    const qw = await runQuery(db, { kind: 'well', well: 'Week10_40111:b2' }, { features: 'cellprofiler', k: 3, includeControls: true });
    expect(qw.query.wells[0]).toMatchObject({ plate: 'Week10_40111', well: 'B02', sites: 0 });
  });

  it('LINCS: one plate, 59 compounds, SMILES joined from the side table, pert_type "control" → negcon, doses kept', async () => {
    const db = project('lincs');
    const r = await importProfiles(db, LINCS, { createPlates: true, compoundsFile: LINCS_COMPOUNDS });
    expect(r).toMatchObject({ rows: 384, wells: 384, plates: 1, features: 454 });
    expect(r.columns).toMatchObject({ compound: 'Metadata_broad_sample', control: 'Metadata_pert_type', concentration: 'Metadata_mmoles_per_liter', batch: 'Metadata_Batch_Number' });
    expect(r.created).toMatchObject({ plates: 1, wells: 384, compounds: 59, compoundsWithSmiles: 45, controlWells: 24, batches: ['4'], sideTableMatches: 58, compoundsTable: { file: LINCS_COMPOUNDS, how: 'given' } });
    const imatinib = db.prepare("SELECT name, canonical_smiles AS s FROM compounds WHERE compound_id = 'BRD-K92723993-001-06-7'").get() as { name: string; s: string };
    expect(imatinib.name).toBe('imatinib');
    expect(imatinib.s).toBeTruthy();
    expect(count(db, "SELECT COUNT(DISTINCT concentration) n FROM wells WHERE pert_type = 'trt'")).toBeGreaterThanOrEqual(6);
    expect(r.profiles).toMatchObject({ wells: 384, controlWells: 24, spheringReference: 'negcon' });
  });

  it('without --compounds, the one compounds table next to the profile table is joined, and said; "none" turns it off', async () => {
    const r = await importProfiles(project('lincs-auto'), LINCS, { createPlates: true });
    expect(r.created).toMatchObject({ compoundsWithSmiles: 45, compoundsTable: { file: LINCS_COMPOUNDS, how: 'found next to the table' } });
    const b = await importProfiles(project('bbbc-auto'), BBBC, { createPlates: true });
    expect(b.created).toMatchObject({ compoundsWithSmiles: 25, compoundsTable: { file: BBBC_COMPOUNDS, how: 'found next to the table' } });
    const off = await importProfiles(project('lincs-none'), LINCS, { createPlates: true, compoundsFile: 'none' });
    expect(off.created).toMatchObject({ compoundsWithSmiles: 0, compoundsTable: null, sideTableMatches: null });
  });

  it('export → import --create-plates into an empty project → export gives the same file, byte for byte', async () => {
    const src = open[0];
    const a = path.join(dir, 'bbbc_raw.csv');
    await exportProfiles(src, a, { features: 'cellprofiler', profile: 'raw' });
    const db = project('roundtrip');
    const r = await importProfiles(db, a, { createPlates: true });
    expect(r.columns).toMatchObject({ source: 'Metadata_Source', batch: 'Metadata_Batch', compound: 'Metadata_JCP2022', name: 'Metadata_Name', smiles: 'Metadata_SMILES', control: 'Metadata_pert_type', target: 'Metadata_Target' });
    expect(r.created).toMatchObject({ plates: 55, wells: 632, compounds: 39, compoundsWithSmiles: 25, controlWells: 330 });
    const b = path.join(dir, 'bbbc_raw_again.csv');
    await exportProfiles(db, b, { features: 'cellprofiler', profile: 'raw' });
    expect(fs.readFileSync(b, 'utf8')).toBe(fs.readFileSync(a, 'utf8'));
    const n = path.join(dir, 'n1.csv');
    const n2 = path.join(dir, 'n2.csv');
    await exportProfiles(src, n, { features: 'cellprofiler' });
    await exportProfiles(db, n2, { features: 'cellprofiler' });
    expect(fs.readFileSync(n2, 'utf8')).toBe(fs.readFileSync(n, 'utf8'));
  });

  it('reads other spellings: --columns for unknown names, wells like a1, an NA value (feature dropped), no SMILES at all', async () => {
    const f = variant('odd.csv', (h, rows) => {
      h[h.indexOf('Metadata_Plate')] = 'Barcode';
      h[h.indexOf('Metadata_Well')] = 'Pos';
      h[h.indexOf('Metadata_broad_sample')] = 'Drug';
      h[h.indexOf('Metadata_pert_type')] = 'Kind';
      const pos = h.indexOf('Pos');
      const nuc = h.findIndex((c) => c.startsWith('Nuclei_'));
      rows.forEach((r, i) => {
        r[pos] = r[pos].replace(/^([A-P])0?(\d+)$/, (_, a: string, b: string) => `${a.toLowerCase()}${b}`);
        if (i === 3) r[nuc] = 'NA';
      });
    });
    // Without --columns the plate and well cannot be found: named, with the fix.
    await refused(importProfiles(project('odd0'), f, { createPlates: true }), /odd\.csv: no well \(Metadata_Well, Image_Metadata_Well or well\) column; found: .*--columns plate=…,well=…/);
    const db = project('odd');
    const r = await importProfiles(db, f, { createPlates: true, columns: 'plate=Barcode,well=pos,compound=Drug,control=Kind' });
    expect(r.columns).toMatchObject({ plate: 'Barcode', well: 'Pos', compound: 'Drug', control: 'Kind', smiles: null });
    expect(r.created).toMatchObject({ plates: 1, wells: 40, compoundsWithSmiles: 0 });
    expect(r.created!.controlWells).toBeGreaterThan(0);
    expect(r.droppedFeatures).toEqual([lincsLines[0].split(',').find((c) => c.startsWith('Nuclei_'))]);
    expect(r.missingValues).toMatch(/dropped and named/);
    expect(count(db, "SELECT COUNT(*) n FROM wells WHERE well = 'A01'")).toBe(1);
    expect(loadImportedWellFeatures(db, featureSetByName(db, 'cellprofiler')!.id).rows).toBe(40);
  });

  it('wells with no values (e.g. no cells: NaN everywhere) are left out and named, rather than every feature', async () => {
    const h0 = lincsLines[0].split(',');
    const first = h0.findIndex((c) => !c.startsWith('Metadata_'));
    const f = variant('empty_wells.csv', (h, rows) => {
      for (const i of [5, 17]) for (let k = first; k < h.length; k++) rows[i][k] = k % 2 ? 'NaN' : '';
      // and one broken column, empty almost everywhere
      rows.forEach((r, i) => i % 3 && (r[first + 3] = 'NA'));
    });
    const db = project('emptywells');
    const r = await importProfiles(db, f, { createPlates: true });
    const well = (i: number) => `SQ00015054:${lincsLines[i + 1].split(',')[h0.indexOf('Metadata_Well')]}`;
    expect(r.droppedWells).toEqual([well(5), well(17)]);
    expect(r.droppedFeatures).toEqual([h0[first + 3]]);
    expect(r).toMatchObject({ wells: 38, features: 453 });
    expect(r.created).toMatchObject({ wells: 40 });
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(new RegExp(`well ${well(5)} left out: no value for 454 features \\(first at line 7\\)`));
  });

  it('adds to an existing project: plates already there keep their wells; new plates are created', async () => {
    const db = project('lincs');
    const before = count(db, 'SELECT COUNT(*) n FROM wells');
    const r = await importProfiles(db, LINCS, { createPlates: true, name: 'again' });
    expect(r.created).toMatchObject({ plates: 0, wells: 0, existingPlates: ['SQ00015054'] });
    expect(count(db, 'SELECT COUNT(*) n FROM wells')).toBe(before);
  });
});

describe('bad tables are refused with file, line and column, and nothing is written', () => {
  const empty = () => project(`bad-${Math.random().toString(36).slice(2, 8)}`);
  const nothingWritten = (db: DB) => {
    for (const t of ['plates', 'wells', 'compounds', 'sources', 'batches', 'feature_sets', 'imported_well_features']) expect(count(db, `SELECT COUNT(*) n FROM ${t}`)).toBe(0);
  };

  it('no plate or well column', async () => {
    const db = empty();
    const f = variant('no_well.csv', (h) => (h[h.indexOf('Metadata_Well')] = 'Metadata_Position_Text'));
    await refused(importProfiles(db, f, { createPlates: true }), /no_well\.csv: no well \(Metadata_Well, Image_Metadata_Well or well\) column/);
    nothingWritten(db);
  });

  it('a word in a numeric column', async () => {
    const db = empty();
    const f = variant('word.csv', (h, rows) => (rows[6][30] = 'oops'));
    const col = lincsLines[0].split(',')[30];
    await refused(importProfiles(db, f, { createPlates: true }), new RegExp(`word\\.csv: line 8, column "${col}": "oops" is not a number`));
    nothingWritten(db);
  });

  it('one compound id with two different structures (both places named)', async () => {
    const db = empty();
    const f = variant('smiles.csv', (h, rows) => {
      h.push('Metadata_SMILES');
      rows.forEach((r, i) => r.push(i === 30 ? 'CCO' : r[1] === 'DMSO' ? 'CS(C)=O' : 'c1ccccc1'));
    });
    const id = lincsLines[31].split(',')[1];
    await refused(importProfiles(db, f, { createPlates: true }), new RegExp(`compound ${id} is given two different structures: "CCO" \\(.*smiles\\.csv: line 32\\) and "c1ccccc1" \\(.*smiles\\.csv: line \\d+\\)`));
    nothingWritten(db);
  });

  it('a well given twice', async () => {
    const db = empty();
    const f = variant('dup.csv', (h, rows) => (rows[9][h.indexOf('Metadata_Well')] = rows[2][h.indexOf('Metadata_Well')]));
    await refused(importProfiles(db, f, { createPlates: true }), /dup\.csv: well A03 of plate SQ00015054 appears twice \(line 4 and line 11; columns "Metadata_Plate", "Metadata_Well"\)/);
    nothingWritten(db);
    // Into a project that has the plate (no --create-plates): the same refusal.
    const lincs = open[1];
    await refused(importProfiles(lincs, f, { name: 'dup' }), /dup\.csv: well A03 of plate SQ00015054 appears twice \(line 4 and line 11; columns "Metadata_Plate", "Metadata_Well"\)/);
    expect(featureSetByName(lincs, 'dup')).toBeUndefined();
  });

  it('an unknown control type, and a word for a concentration', async () => {
    const db = empty();
    const ctl = variant('ctl.csv', (h, rows) => (rows[4][h.indexOf('Metadata_pert_type')] = 'weird'));
    await refused(importProfiles(db, ctl, { createPlates: true }), /ctl\.csv: line 6, column "Metadata_pert_type": unknown control type "weird"/);
    const conc = variant('conc.csv', (h, rows) => (rows[5][h.indexOf('Metadata_mmoles_per_liter')] = 'ten'));
    await refused(importProfiles(db, conc, { createPlates: true }), /conc\.csv: line 7, column "Metadata_mmoles_per_liter": concentration "ten" is not a number/);
    await refused(importProfiles(db, conc, { createPlates: true, columns: 'wellz=x' }), /--columns: unknown role "wellz"/);
    nothingWritten(db);
  });
});
