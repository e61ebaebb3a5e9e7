import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { parseRequest, SearchQueryResult } from '../../../../main/core/api/contract.js';
import { createHandlers } from '../../../../main/core/api/handlers.js';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { featureSetByName } from '../../../../main/core/feature-sets/store.js';
import { empiricalP, getSearchIndex, SearchIndex } from '../../../../main/core/search/index.js';
import { runQuery, type QueryOptions, type QueryResult } from '../../../../main/core/search/query.js';
import { InputError } from '../../../../main/core/types.js';
import { mulberry32 } from '../../../../main/core/util/random.js';
import { fixtureWriter } from '../../../helpers/search-fixtures.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

// A hand-made screen in 4-d with known neighbours of the query well P1:A01 (compound X, along e1):
//   plate  source/batch  well  compound  conc  vector              cosine to e1
//   P1     A / A1        A02   Y         1     (0.99, 0.14, 0, 0)  0.990
//   P2     A / A1        A01   X         10    (0.95, 0.31, 0, 0)  0.951
//   P3     A / A2        A01   Z         0.1   (0.90, 0.44, 0, 0)  0.898
//   P4     B / B1        A01   X         10    (0.80, 0.60, 0, 0)  0.800
//   P4     B / B1        A02   Y         -     (0.60, 0.80, 0, 0)  0.600
//   P1     A / A1        B01   DMSO      -     (0.999, 0.04, 0, 0) 0.999 (a control: hidden by default)
// plus DMSO wells pointing elsewhere (the null) and an empty well.
const dir = tmpDir('micon-search-');
let db: DB;
const X = 'CPD-X';

beforeAll(() => {
  db = openProject(path.join(dir, 'hand.micon'));
  const w = fixtureWriter(db);
  db.transaction(() => {
    const fs = w.featureSet('micon', 4);
    const hc = w.featureSet('handcrafted', 4, 'handcrafted');
    const p1 = w.plate('P1', 'A', 'A1', 1);
    const p2 = w.plate('P2', 'A', 'A1', 2);
    const p3 = w.plate('P3', 'A', 'A2', 1);
    const p4 = w.plate('P4', 'B', 'B1', 1);
    const x = w.compound(X, { name: 'xenolol', smiles: 'CCO', moa: 'm1' });
    const y = w.compound('CPD-Y', { name: 'ypsilon', smiles: 'CCN', moa: 'm1' });
    const z = w.compound('CPD-Z', { name: 'zeta', smiles: 'CCC', moa: 'm2' });
    const dmso = w.compound('DMSO', { name: 'DMSO', smiles: 'CS(C)=O', control: true });
    const add = (plate: number, well: string, c: number | null, vec: number[], o: { concentration?: number | null; pertType?: 'trt' | 'negcon' | 'empty' } = {}) => {
      const id = w.well(plate, well, c, { sites: 2, ...o });
      w.profile(fs, id, vec);
      w.profile(hc, id, [vec[3], vec[2], vec[1], vec[0]]);
      return id;
    };
    add(p1, 'A01', x, [1, 0, 0, 0], { concentration: 1 });
    add(p1, 'A02', y, [0.99, 0.14, 0, 0], { concentration: 1 });
    add(p2, 'A01', x, [0.95, 0.31, 0, 0], { concentration: 10 });
    add(p3, 'A01', z, [0.9, 0.44, 0, 0], { concentration: 0.1 });
    add(p4, 'A01', x, [0.8, 0.6, 0, 0], { concentration: 10 });
    add(p4, 'A02', y, [0.6, 0.8, 0, 0]);
    add(p1, 'B01', dmso, [0.999, 0.04, 0, 0], { pertType: 'negcon' });
    add(p2, 'B01', dmso, [0, 0, 0, 1], { pertType: 'negcon' });
    add(p3, 'B01', dmso, [0, 0, -1, 0], { pertType: 'negcon' });
    add(p4, 'B01', dmso, [0, 0, 1, 0], { pertType: 'negcon' });
    add(p4, 'P24', null, [0.5, 0.5, 0.5, 0.5], { pertType: 'empty' });
  })();
});
afterAll(() => db?.close());

const wells = (r: { results: { plate: string; well: string }[] }) => r.results.map((h) => `${h.plate}:${h.well}`);
const byWell = (o: QueryOptions = {}) => runQuery(db, { kind: 'well', well: 'P1:A1' }, o);

describe('search by well on hand-made profiles', () => {
  it('ranks every treated well by cosine, leaving out the query well and the controls', async () => {
    const r = await byWell();
    expect(r.query).toMatchObject({ kind: 'well', featureSet: 'micon', k: 10, exclude: null, compound: { id: X, name: 'xenolol' } });
    expect(r.query.wells).toEqual([expect.objectContaining({ plate: 'P1', well: 'A01', source: 'A', batch: 'A1', replicate: 1, sites: 2 })]);
    expect(wells(r)).toEqual(['P1:A02', 'P2:A01', 'P3:A01', 'P4:A01', 'P4:A02']);
    expect(r.results.map((h) => h.similarity)).toEqual([0.99, 0.95, 0.9, 0.8, 0.6].map((x, i) => expect.closeTo(x / Math.hypot(x, [0.14, 0.31, 0.44, 0.6, 0.8][i]), 6)));
    expect(r.results.map((h) => h.isReplicate)).toEqual([false, true, false, true, false]);
    expect(r.results[1]).toMatchObject({ rank: 2, compound: X, compoundName: 'xenolol', smiles: 'CCO', moa: 'm1', concentration: 10, source: 'A', batch: 'A1', replicate: 2, sites: 2, pertType: 'trt' });
  });

  it('excludes the same plate, batch or source', async () => {
    expect(wells(await byWell({ exclude: 'same-plate' }))).toEqual(['P2:A01', 'P3:A01', 'P4:A01', 'P4:A02']);
    expect(wells(await byWell({ exclude: 'same-batch' }))).toEqual(['P3:A01', 'P4:A01', 'P4:A02']);
    expect(wells(await byWell({ exclude: 'same-source' }))).toEqual(['P4:A01', 'P4:A02']);
  });

  it('restricts to sources, batches and plates', async () => {
    expect(wells(await byWell({ sources: ['B'] }))).toEqual(['P4:A01', 'P4:A02']);
    expect(wells(await byWell({ batches: ['A2', 'B1'] }))).toEqual(['P3:A01', 'P4:A01', 'P4:A02']);
    expect(wells(await byWell({ plates: ['P2', 'P3'] }))).toEqual(['P2:A01', 'P3:A01']);
    expect(wells(await byWell({ plates: ['P1', 'P4'], exclude: 'same-plate' }))).toEqual(['P4:A01', 'P4:A02']);
  });

  it('includes DMSO and empty wells only when asked', async () => {
    const r = await byWell({ includeControls: true });
    // The three DMSO wells at cosine 0 tie: ascending well id breaks ties.
    expect(wells(r)).toEqual(['P1:B01', 'P1:A02', 'P2:A01', 'P3:A01', 'P4:A01', 'P4:A02', 'P4:P24', 'P2:B01', 'P3:B01', 'P4:B01']);
    expect(r.results[0]).toMatchObject({ compound: 'DMSO', pertType: 'negcon', isReplicate: false });
  });

  it('filters by concentration (wells without one drop out of a range)', async () => {
    expect(wells(await byWell({ minConcentration: 5 }))).toEqual(['P2:A01', 'P4:A01']);
    expect(wells(await byWell({ maxConcentration: 1 }))).toEqual(['P1:A02', 'P3:A01']);
    expect(wells(await byWell({ minConcentration: 0.1, maxConcentration: 0.1 }))).toEqual(['P3:A01']);
  });

  it('returns the k best', async () => {
    expect(wells(await byWell({ k: 2 }))).toEqual(['P1:A02', 'P2:A01']);
    expect(wells(await byWell({ k: 1, exclude: 'same-source' }))).toEqual(['P4:A01']);
  });

  it('p-values: empirical against DMSO + treated wells of other compounds, monotone in similarity', async () => {
    const r = await byWell({ includeControls: true });
    // The null here: the 4 DMSO wells, and the treated wells of Y and Z (X's are replicates).
    expect(r.query.null).toMatchObject({ controls: 4, treated: 3 });
    for (let i = 1; i < r.results.length; i++) expect(r.results[i].p).toBeGreaterThanOrEqual(r.results[i - 1].p);
    // n = 7. The best null cosine is DMSO P1:B01's own (0.999), so p ≥ (1 + 1) / 8 for every hit;
    // P2:A01 (0.951) is beaten by P1:B01 and Y's P1:A02 (0.990): p = (1 + 2) / 8.
    expect(r.results[0].p).toBeCloseTo(2 / 8, 12);
    expect(r.results.find((h) => h.well === 'A01' && h.plate === 'P2')!.p).toBeCloseTo(3 / 8, 12);
    expect(r.results.at(-1)!.p).toBeCloseTo(8 / 8, 12);
    expect(empiricalP(Float64Array.from([0.1, 0.2, 0.3]), 0.2)).toBeCloseTo(3 / 4, 12);
    expect(empiricalP(Float64Array.from([0.1, 0.2, 0.3]), 0.9)).toBeCloseTo(1 / 4, 12);
    expect(empiricalP(new Float64Array(0), 0.5)).toBe(1);
  });

  it('searches another feature set when asked', async () => {
    const r = await byWell({ features: 'handcrafted' });
    expect(r.query.featureSet).toBe('handcrafted');
    expect(wells(r)).toEqual(['P1:A02', 'P2:A01', 'P3:A01', 'P4:A01', 'P4:A02']);
  });
});

describe('search by compound on hand-made profiles', () => {
  it('finds the compound by id, name or any SMILES of it; queries each replicate and their mean', async () => {
    const byId = await runQuery(db, { kind: 'compound', compound: X });
    expect(byId.query).toMatchObject({ kind: 'compound', matchedBy: 'id', compound: { id: X } });
    expect(byId.query.wells.map((w) => `${w.plate}:${w.well}`)).toEqual(['P1:A01', 'P2:A01', 'P4:A01']);
    expect((await runQuery(db, { kind: 'compound', compound: 'XENOLOL' })).query.matchedBy).toBe('name');
    const bySmiles = await runQuery(db, { kind: 'compound', compound: 'OCC' });
    expect(bySmiles.query).toMatchObject({ matchedBy: 'smiles', compound: { id: X } });

    expect(byId.replicates!.map((r) => `${r.plate}:${r.well}`)).toEqual(['P1:A01', 'P2:A01', 'P4:A01']);
    expect(wells(byId.replicates![0])).toEqual(wells(await byWell()));
    // Each replicate's own list holds the other two replicates, flagged.
    for (const rep of byId.replicates!) {
      const flagged = rep.results.filter((h) => h.isReplicate).map((h) => `${h.plate}:${h.well}`);
      expect(flagged.sort()).toEqual(['P1:A01', 'P2:A01', 'P4:A01'].filter((w) => w !== `${rep.plate}:${rep.well}`));
    }
  });

  it('mean of wells: every hit is compared with a mean it had no part in (leave-one-out for its own wells)', async () => {
    const r = await runQuery(db, { kind: 'compound', compound: X });
    const mean = [1 + 0.95 + 0.8, 0.31 + 0.6, 0, 0].map((v) => v / 3);
    const cos = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0) / (Math.hypot(...a) * Math.hypot(...b));
    const own = r.results.filter((h) => h.isReplicate);
    expect(own.map((h) => `${h.plate}:${h.well}`).sort()).toEqual(['P1:A01', 'P2:A01', 'P4:A01']);
    const p2 = own.find((h) => h.plate === 'P2')!;
    expect(p2.consensusWells).toBe(2);
    expect(p2.similarity).toBeCloseTo(cos([0.95, 0.31, 0, 0], [(1 + 0.8) / 2, 0.6 / 2, 0, 0]), 6);
    const y = r.results.find((h) => h.plate === 'P1' && h.well === 'A02')!;
    expect(y.consensusWells).toBe(3);
    expect(y.similarity).toBeCloseTo(cos([0.99, 0.14, 0, 0], mean), 6);
    for (let i = 1; i < r.results.length; i++) expect(r.results[i].similarity).toBeLessThanOrEqual(r.results[i - 1].similarity);
  });

  it('mean of wells under an exclusion: hits in a source are scored against the wells from other sources', async () => {
    const r = await runQuery(db, { kind: 'compound', compound: X }, { exclude: 'same-source' });
    // Source A wells vs the mean of X's source-B well (P4:A01); P4 wells vs the mean of X's source-A wells.
    const got = Object.fromEntries(r.results.map((h) => [`${h.plate}:${h.well}`, h.consensusWells]));
    expect(got).toEqual({ 'P1:A01': 1, 'P1:A02': 1, 'P2:A01': 1, 'P3:A01': 1, 'P4:A01': 2, 'P4:A02': 2 });
  });
});

describe('query input errors', () => {
  const fails = async (p: Promise<QueryResult>, message: RegExp) => {
    await expect(p).rejects.toBeInstanceOf(InputError);
    await expect(p).rejects.toThrow(message);
  };
  it('names what is wrong', async () => {
    await fails(runQuery(db, { kind: 'well', well: 'P9:A01' }), /unknown plate "P9"/);
    await fails(runQuery(db, { kind: 'well', well: 'P1:Q99' }), /plate P1 has no well Q99/);
    await fails(runQuery(db, { kind: 'well', well: 'P1:5' }), /"5" is not a well name/);
    await fails(runQuery(db, { kind: 'well', well: 'A01' }), /expected PLATE:WELL/);
    await fails(runQuery(db, { kind: 'compound', compound: 'nothing-like-it' }), /unknown compound "nothing-like-it"/);
    await fails(runQuery(db, { kind: 'compound', compound: 'c1ccccc1' }), /no screened compound has the structure c1ccccc1; .*--smiles/);
    await fails(runQuery(db, { kind: 'smiles', smiles: 'C1CC(' }), /invalid SMILES/);
    await fails(runQuery(db, { kind: 'smiles', smiles: 'CCO' }), /no trained micon model/);
    await fails(byWell({ k: 0 }), /k must be a whole number/);
    await fails(byWell({ k: 2.5 }), /k must be a whole number/);
    await fails(byWell({ sources: ['C'] }), /unknown source: C \(have: A, B\)/);
    await fails(byWell({ minConcentration: 2, maxConcentration: 1 }), /min concentration 2 is above/);
    await fails(byWell({ features: 'nope' }), /no feature set "nope" \(have: handcrafted, micon\)/);
    const empty = openProject(path.join(dir, 'empty.micon'));
    try {
      await fails(runQuery(empty, { kind: 'compound', compound: 'x' }), /no well profiles yet: run micon embed/);
    } finally {
      empty.close();
    }
  });
});

describe('the in-memory index', () => {
  it('is cached per feature set and rebuilt when its profiles change', async () => {
    const fs = featureSetByName(db, 'micon')!;
    const a = getSearchIndex(db, fs);
    expect(getSearchIndex(db, fs)).toEqual({ index: a.index, cached: true });
    expect((await byWell()).index.cached).toBe(true);
    // Another write to the project that leaves the profiles alone keeps the index.
    db.prepare("INSERT INTO jobs (kind, state, params, created_at, updated_at) VALUES ('x', 'done', '{}', '', '')").run();
    expect(getSearchIndex(db, fs).cached).toBe(true);
    const w = fixtureWriter(db);
    const plate = (db.prepare("SELECT id FROM plates WHERE name = 'P4'").get() as { id: number }).id;
    const id = w.well(plate, 'C01', null);
    w.profile(fs.id, id, [1, 0.01, 0, 0]);
    const r = await byWell({ k: 1 });
    expect(r.index.cached).toBe(false);
    expect(wells(r)).toEqual(['P4:C01']);
    db.prepare('DELETE FROM wells WHERE id = ?').run(id);
    expect(wells(await byWell({ k: 1 }))).toEqual(['P1:A02']);
  });

  it('equals a float64 brute-force scan on random data, with filters, for both kernels', () => {
    const file = path.join(dir, 'random.micon');
    const rdb = openProject(file);
    try {
      const w = fixtureWriter(rdb);
      const d = 37;
      const rnd = mulberry32(5);
      rdb.transaction(() => {
        const fsId = w.featureSet('micon', d);
        const plates = Array.from({ length: 12 }, (_, i) => w.plate(`R${i}`, `S${i % 3}`, `B${i % 6}`));
        const c = Array.from({ length: 40 }, (_, i) => w.compound(`C${i}`));
        for (let i = 0; i < 1500; i++) {
          const ctl = i % 10 === 0;
          const id = w.well(plates[i % 12], `A${String(1 + Math.floor(i / 12)).padStart(2, '0')}`, ctl ? null : c[i % 40], { pertType: ctl ? 'negcon' : 'trt', concentration: ctl ? null : (i % 4) + 1 });
          // Coarse values make exact ties likely: they must break by well id.
          w.profile(fsId, id, Array.from({ length: d }, () => Math.round((rnd() * 2 - 1) * 4) / 4));
        }
      })();
      const fs = featureSetByName(rdb, 'micon')!;
      for (const engine of ['wasm-simd', 'js'] as const) {
        const index = new SearchIndex(fs, rdb, { engine });
        expect(index.kernel.engine).toBe(engine);
        for (let t = 0; t < 25; t++) {
          const q = Array.from({ length: d }, () => rnd() * 2 - 1);
          const plateOk = Uint8Array.from(index.plates, () => (rnd() < 0.7 ? 1 : 0));
          const f = { plateOk: t % 2 ? plateOk : null, includeControls: t % 3 === 0, minConcentration: t % 4 === 1 ? 2 : undefined, excludeRows: [t] };
          const k = 1 + (t % 12);
          const got = index.search(q, k, f);
          const qn = Math.hypot(...q);
          const ref: { row: number; s: number }[] = [];
          for (let r = 0; r < index.n; r++) {
            if (!index.passes(r, f)) continue;
            const v = index.vector(r);
            const dot = v.reduce((s, x, j) => s + x * q[j], 0);
            const nn = Math.hypot(...v);
            ref.push({ row: r, s: nn > 0 ? dot / (nn * qn) : 0 });
          }
          ref.sort((a, b) => b.s - a.s || index.wellIds[a.row] - index.wellIds[b.row]);
          expect(got.map((h) => h.row)).toEqual(ref.slice(0, k).map((x) => x.row));
          got.forEach((h, i) => expect(h.similarity).toBeCloseTo(ref[i].s, 12));
        }
      }
    } finally {
      rdb.close();
    }
  });
});

describe('search through the API contract', () => {
  it('validates the request with zod and answers in the declared response shape', async () => {
    const handlers = createHandlers({ db, projectPath: 'hand.micon', transport: 'browser', transportNote: null });
    const req = parseRequest('search.query', { query: { kind: 'compound', compound: X }, k: 3, exclude: 'same-plate', includeControls: false });
    const res = await handlers['search.query'](req);
    expect(SearchQueryResult.parse(res)).toEqual(res);
    expect(res.query.kind).toBe('compound');
    expect(res.results.length).toBeLessThanOrEqual(3);
    expect(() => parseRequest('search.query', { query: { kind: 'well', well: 'P1:A01' }, k: 0 })).toThrow(ZodError);
    expect(() => parseRequest('search.query', { query: { kind: 'protein', protein: 'x' } })).toThrow(ZodError);
    expect(() => parseRequest('search.query', { query: { kind: 'well', well: 'P1:A01' }, exclude: 'same-galaxy' })).toThrow(ZodError);
    await expect(handlers['search.query'](parseRequest('search.query', { query: { kind: 'well', well: 'P1:Z99' } }))).rejects.toBeInstanceOf(InputError);
  });
});
