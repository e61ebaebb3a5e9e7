import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCompounds } from '../../../../main/core/compounds/list.js';
import { compoundBySmiles, compoundWells } from '../../../../main/core/compounds/wells.js';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { InputError } from '../../../../main/core/types.js';
import { fixtureWriter } from '../../../helpers/search-fixtures.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

let db: DB;

beforeAll(() => {
  db = openProject(path.join(tmpDir(), 'p.micon'));
  const f = fixtureWriter(db);
  db.transaction(() => {
    const p1 = f.plate('P1', 'src-A', 'b1', 1);
    const p2 = f.plate('P2', 'src-A', 'b2', 2);
    const p3 = f.plate('P3', 'src-B', 'b1', 1);
    const aspirin = f.compound('CPD-1', { name: 'aspirin', smiles: 'CC(=O)Oc1ccccc1C(=O)O', moa: 'cyclooxygenase inhibitor' });
    const ca4 = f.compound('CPD-2', { name: 'combretastatin A-4', smiles: 'COc1ccc(/C=C\\c2cc(OC)c(OC)c(OC)c2)cc1O', moa: 'tubulin polymerization inhibitor' });
    const nostruct = f.compound('CPD-3', { name: 'mystery', smiles: null, moa: 'unknown' });
    const met = f.compound('CPD-4', { name: 'metformin', smiles: 'CN(C)C(=N)N=C(N)N', moa: 'AMPK activator' });
    const dmso = f.compound('DMSO', { name: 'DMSO', smiles: 'CS(C)=O', control: true });
    f.compound('CPD-5', { name: 'unplated', smiles: 'CCO' });
    for (const [p, base] of [
      [p1, 'A'],
      [p2, 'B'],
      [p3, 'C'],
    ] as const) {
      f.well(p, `${base}1`, aspirin, { concentration: 1 });
      f.well(p, `${base}2`, aspirin, { concentration: 10 });
      f.well(p, `${base}3`, dmso, { pertType: 'negcon' });
      f.well(p, `${base}4`, dmso, { pertType: 'negcon' });
    }
    f.well(p1, 'D1', ca4, { concentration: 0.1 });
    f.well(p1, 'D2', ca4, { concentration: 0.1 });
    f.well(p3, 'D3', ca4, { concentration: 0.1 });
    f.well(p2, 'D4', nostruct, { concentration: 5 });
    f.well(p2, 'D5', met, { concentration: 10 });
    const split = Number(db.prepare("INSERT INTO splits (created_at, method, params) VALUES ('2026', 'list', '{}')").run().lastInsertRowid);
    db.prepare("INSERT INTO split_compounds VALUES (?, ?, 'heldout'), (?, ?, 'train')").run(split, ca4, split, aspirin);
  })();
});
afterAll(() => db?.close());

describe('listCompounds', () => {
  it('counts wells, plates, batches, sources, replicates and doses as SQL does', async () => {
    const { compounds, total } = await listCompounds(db, { includeControls: true });
    expect(total).toBe(6);
    expect(compounds.map((c) => c.compoundId)).toEqual(['CPD-1', 'CPD-2', 'CPD-3', 'CPD-4', 'CPD-5', 'DMSO']);
    for (const c of compounds) {
      const sql = db
        .prepare(
          `SELECT COUNT(w.id) AS wells, COUNT(DISTINCT w.plate_id) AS plates, COUNT(DISTINCT p.batch_id) AS batches, COUNT(DISTINCT b.source_id) AS sources
             FROM compounds c LEFT JOIN wells w ON w.compound_id = c.id LEFT JOIN plates p ON p.id = w.plate_id LEFT JOIN batches b ON b.id = p.batch_id
            WHERE c.compound_id = ?`,
        )
        .get(c.compoundId);
      expect({ wells: c.wells, plates: c.plates, batches: c.batches, sources: c.sources }, c.compoundId).toEqual(sql);
    }
    const [asp, ca4, , , unplated, dmso] = compounds;
    expect(asp).toMatchObject({ wells: 6, plates: 3, batches: 3, sources: 2, replicates: 3, concentrations: 2, minConcentration: 1, maxConcentration: 10, concentrationUnit: 'uM', splitRole: 'train', isControl: false });
    expect(asp.canonicalSmiles).toBe('CC(=O)Oc1ccccc1C(=O)O');
    expect(ca4).toMatchObject({ wells: 3, plates: 2, replicates: 3, concentrations: 1, splitRole: 'heldout' });
    expect(unplated).toMatchObject({ wells: 0, plates: 0, replicates: 0, minConcentration: null, splitRole: null });
    expect(dmso).toMatchObject({ isControl: true, wells: 6, sources: 2 });
  });

  it('leaves controls out unless asked, and searches id, name, MoA and target as text', async () => {
    expect((await listCompounds(db)).compounds.map((c) => c.compoundId)).not.toContain('DMSO');
    expect((await listCompounds(db, { text: 'TUBULIN' })).compounds.map((c) => c.compoundId)).toEqual(['CPD-2']);
    expect((await listCompounds(db, { text: 'cpd-4' })).compounds.map((c) => c.compoundId)).toEqual(['CPD-4']);
    expect((await listCompounds(db, { text: 'aspir' })).compounds.map((c) => c.compoundId)).toEqual(['CPD-1']);
    expect((await listCompounds(db, { text: 'dmso', includeControls: true })).total).toBe(1);
    const limited = await listCompounds(db, { limit: 2 });
    expect(limited.compounds).toHaveLength(2);
    expect(limited.total).toBe(5);
  });

  it('finds by substructure, combined with text, and says how the query was read', async () => {
    const benz = await listCompounds(db, { substructure: 'c1ccccc1' });
    expect(benz.compounds.map((c) => c.compoundId)).toEqual(['CPD-1', 'CPD-2']);
    expect(benz.substructureAs).toBe('smiles');
    expect(benz.withoutStructure).toBe(1);
    expect((await listCompounds(db, { substructure: 'c1ccccc1', text: 'tubulin' })).compounds.map((c) => c.compoundId)).toEqual(['CPD-2']);
    expect((await listCompounds(db, { substructure: '[S;X3]=O', includeControls: true })).compounds.map((c) => c.compoundId)).toEqual(['DMSO']);
    expect((await listCompounds(db, { substructure: '[S;X3]=O', includeControls: true })).substructureAs).toBe('smarts');
    await expect(listCompounds(db, { substructure: 'c1cc(' })).rejects.toThrow(/invalid SMARTS\/SMILES "c1cc\("/);
  });

  it('sees compounds added after a search (the structure index is rebuilt)', async () => {
    expect((await listCompounds(db, { substructure: 'CCCCCCCC' })).total).toBe(0);
    fixtureWriter(db).compound('CPD-6', { name: 'octanol', smiles: 'CCCCCCCCO' });
    expect((await listCompounds(db, { substructure: 'CCCCCCCC' })).compounds.map((c) => c.compoundId)).toEqual(['CPD-6']);
    db.prepare("DELETE FROM compounds WHERE compound_id = 'CPD-6'").run();
  });
});

describe('compoundWells', () => {
  it('lists every well of a compound with plate, batch, source and replicate', () => {
    const wells = compoundWells(db, 'CPD-2');
    expect(wells.map((w) => `${w.source}/${w.batch}/${w.plate}:${w.well}`)).toEqual(['src-A/b1/P1:D1', 'src-A/b1/P1:D2', 'src-B/b1/P3:D3']);
    expect(wells[0]).toMatchObject({ replicate: 1, concentration: 0.1, concentrationUnit: 'uM', pertType: 'trt' });
    expect(() => compoundWells(db, 'nope')).toThrow(InputError);
  });

  it('finds a project compound by canonical SMILES', () => {
    expect(compoundBySmiles(db, 'CC(=O)Oc1ccccc1C(=O)O')).toEqual({ compoundId: 'CPD-1', name: 'aspirin' });
    expect(compoundBySmiles(db, 'CCCl')).toBeNull();
  });
});
