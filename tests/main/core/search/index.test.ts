import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { featureSetByName } from '../../../../main/core/feature-sets/store.js';
import { SearchIndex, type RowFilter } from '../../../../main/core/search/index.js';
import { wellFromRowCol } from '../../../../main/core/plates/wells.js';
import { InputError } from '../../../../main/core/types.js';
import { mulberry32 } from '../../../../main/core/util/random.js';
import { fixtureWriter } from '../../../helpers/search-fixtures.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { REALDATA } from '../../../helpers/realdata.js';

// Exactness of the int8 first pass at profile width (700 features): search must equal a float64
// brute-force scan — rows, order (ties by well id) and similarity values — on data built to break an
// approximate first pass: near ties far inside the quantisation error, exact ties (duplicates and
// power-of-two multiples), rows whose codes lose most of the vector (one spike, the rest rounding to
// 0), queries pointing along a row's quantisation residual (where the bound is nearly attained),
// zero rows, a zero query, and filters that leave few wells or fewer than k.
const D = 700;
const PLATES = 10;
const PER_PLATE = 300;
const dir = tmpDir('micon-search-index-');
let db: DB;
/** The stored float32 profiles, in row order (wells are inserted in id order). */
const rows: Float32Array[] = [];
const rnd = mulberry32(2026);
const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd());
const randomVec = () => Float32Array.from({ length: D }, gauss);
const base = randomVec();
const wiggle = randomVec();
const signs = Float32Array.from({ length: D }, () => (rnd() < 0.5 ? -1 : 1));
/** Rows of the planted groups. */
const NEAR = { from: 0, count: 30 };
const DUPES = { from: 30, count: 12 };
const SPIKES = { from: 42, count: 20 };
const ZERO = 62;

function profileOf(i: number): Float32Array {
  // Near ties: base + ε·wiggle, ε ≤ 3e-4, so cosines to base differ by ~1e-8 — five orders of
  // magnitude inside the int8 error (~0.0075), in scrambled order of well id.
  if (i < NEAR.from + NEAR.count) return Float32Array.from(base, (v, k) => v + ((i * 7) % NEAR.count) * 1e-5 * wiggle[k]);
  // Exact ties: four copies of one vector and ×2, ×0.5 multiples (exact in float32, same cosine).
  if (i < DUPES.from + DUPES.count) {
    const f = [1, 1, 2, 0.5][i % 4];
    return Float32Array.from(rows[DUPES.from] ?? base, (v) => (i === DUPES.from ? v * 0.9 + 0.1 : v * f));
  }
  // Spikes: one value of 254, the rest a common ±0.99 pattern — under half a code step (254/127/2 = 1),
  // so all rounded to 0: the codes keep only the spike, and ρ ≈ ‖rest‖/‖x‖ ≈ 0.10 (typical rows ~0.0075).
  if (i < SPIKES.from + SPIKES.count) {
    const v = Float32Array.from(signs, (x) => 0.99 * x);
    v[i % D] = 254;
    return v;
  }
  if (i === ZERO) return new Float32Array(D);
  return randomVec();
}

beforeAll(() => {
  db = openProject(path.join(dir, 'wide.micon'));
  const w = fixtureWriter(db);
  db.transaction(() => {
    const fs = w.featureSet('profiles', D, 'imported');
    const dmso = w.compound('DMSO', { control: true });
    const cpds = Array.from({ length: 50 }, (_, i) => w.compound(`C${i}`));
    for (let p = 0; p < PLATES; p++) {
      const plate = w.plate(`W${p}`, `S${p % 3}`, `B${p % 5}`);
      for (let j = 0; j < PER_PLATE; j++) {
        const i = p * PER_PLATE + j;
        const ctl = i % 16 === 15;
        const id = w.well(plate, wellFromRowCol(Math.floor(j / 24), j % 24), ctl ? dmso : cpds[i % 50], {
          pertType: ctl ? 'negcon' : 'trt',
          concentration: ctl ? null : [0.1, 1, 10][i % 3],
        });
        const v = profileOf(i);
        rows.push(v);
        w.profile(fs, id, v);
      }
    }
  })();
});
afterAll(() => db?.close());

/** float64 brute force over the test's own copy of the profiles, in the index's arithmetic order. */
function bruteForce(index: SearchIndex, query: ArrayLike<number>, k: number, f: RowFilter, data = rows): { row: number; similarity: number }[] {
  const d = query.length;
  let qq = 0;
  for (let j = 0; j < d; j++) qq += query[j] * query[j];
  const inv = qq > 0 ? 1 / Math.sqrt(qq) : 0;
  const q = Float64Array.from(query, (v) => v * inv);
  const out: { row: number; similarity: number }[] = [];
  data.forEach((x, r) => {
    if (!index.passes(r, f)) return;
    let xx = 0;
    for (let j = 0; j < d; j++) xx += x[j] * x[j];
    const norm = Math.sqrt(xx);
    let s = 0;
    for (let j = 0; j < d; j++) s += x[j] * q[j];
    out.push({ row: r, similarity: norm > 0 ? s / norm : 0 });
  });
  out.sort((a, b) => b.similarity - a.similarity || index.wellIds[a.row] - index.wellIds[b.row]);
  return out.slice(0, k);
}

/** The direction of row r's int8 quantisation residual (codes at scale max|x|/127, rounded). */
function residualDirection(r: number): Float64Array {
  const x = rows[r];
  const max = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return Float64Array.from(x, (v) => v - Math.round((v * 127) / max) * (max / 127));
}

function queries(): { name: string; q: ArrayLike<number> }[] {
  const qs: { name: string; q: ArrayLike<number> }[] = [
    { name: 'near ties (base)', q: base },
    { name: 'exact ties (a duplicated row)', q: rows[DUPES.from + 1] },
    { name: 'a spike row', q: rows[SPIKES.from + 3] },
    { name: 'the spikes’ small values (what their codes lost)', q: signs },
    { name: 'zero query', q: new Float32Array(D) },
    { name: 'mean of three rows', q: Float32Array.from(rows[100], (v, k) => v + rows[200][k] + rows[300][k]) },
  ];
  for (const r of [SPIKES.from, SPIKES.from + 9, 500, 1234]) qs.push({ name: `residual direction of row ${r}`, q: residualDirection(r) });
  for (let i = 0; i < 4; i++) qs.push({ name: `random ${i}`, q: randomVec() });
  return qs;
}

function filters(index: SearchIndex): { name: string; f: RowFilter; k: number }[] {
  const onePlate = Uint8Array.from(index.plates, (_, i) => (i === 7 ? 1 : 0));
  const notFirst = Uint8Array.from(index.plates, (p) => (p.sourceIdx === 0 ? 0 : 1));
  return [
    { name: 'none', f: { plateOk: null, includeControls: true }, k: 10 },
    { name: 'none, k=50', f: { plateOk: null, includeControls: true }, k: 50 },
    { name: 'treated only, k=1', f: { plateOk: null, includeControls: false, excludeRows: [0, 31] }, k: 1 },
    { name: 'one plate of ten, k=50', f: { plateOk: onePlate, includeControls: false }, k: 50 },
    { name: 'not-same-source + 10 µM', f: { plateOk: notFirst, includeControls: false, minConcentration: 10 }, k: 10 },
    { name: 'fewer wells than k', f: { plateOk: onePlate, includeControls: true, minConcentration: 0.5, maxConcentration: 2 }, k: 400 },
    { name: 'nothing passes', f: { plateOk: onePlate, includeControls: false, minConcentration: 100 }, k: 10 },
  ];
}

describe('the int8 first pass at 700 features', () => {
  for (const opts of [{ threads: 1 as const }, { threads: 2 as const }, { engine: 'js' as const }]) {
    it(`equals a float64 brute-force scan on adversarial data (${JSON.stringify(opts)})`, () => {
      const index = new SearchIndex(featureSetByName(db, 'profiles')!, db, opts);
      try {
        expect(index.n).toBe(PLATES * PER_PLATE);
        expect(index.kernel.threads).toBe(opts.threads ?? 1);
        let checked = 0;
        for (const { name, q } of queries()) {
          for (const { name: fname, f, k } of filters(index)) {
            const got = index.search(q, k, f);
            const want = bruteForce(index, q, k, f);
            expect({ query: name, filter: fname, hits: got }).toEqual({ query: name, filter: fname, hits: want });
            checked++;
          }
        }
        expect(checked).toBe(98);
      } finally {
        index.close();
      }
    });
  }

  it('bounds every row: ρ from the stored codes, the planted rows where the data put them', () => {
    const index = new SearchIndex(featureSetByName(db, 'profiles')!, db, { threads: 1 });
    try {
      expect(index.residual[ZERO]).toBe(0);
      for (let r = SPIKES.from; r < SPIKES.from + SPIKES.count; r++) {
        // Only the spike survives quantisation, so ρ is the norm of everything else over the norm.
        const x = rows[r];
        let rest = 0;
        for (let j = 0; j < D; j++) if (j !== r % D) rest += x[j] * x[j];
        expect(index.residual[r]).toBeCloseTo(Math.sqrt(rest) / index.norms[r], 12);
        expect(index.residual[r]).toBeGreaterThan(0.09);
      }
      // Along what their codes lost, the spike rows are among the 50 best by true cosine (~0.10), while
      // their int8 estimate is 0: only the per-row bound keeps them.
      const top = index.search(signs, 50, { plateOk: null, includeControls: true }).map((h) => h.row);
      expect(top.filter((r) => r >= SPIKES.from && r < SPIKES.from + SPIKES.count).length).toBeGreaterThan(10);
      const typical = [...index.residual.subarray(100)].sort((a, b) => a - b)[Math.floor((index.n - 100) / 2)];
      expect(typical).toBeGreaterThan(0.004);
      expect(typical).toBeLessThan(0.012);
      // On ordinary rows the bound lets few rows through: the re-rank reads tens of rows, not thousands.
      index.search(rows[1500], 10, { plateOk: null, includeControls: false, excludeRows: [1500] });
      expect(index.lastCandidates).toBeGreaterThanOrEqual(10);
      expect(index.lastCandidates).toBeLessThan(100);
      // The near-tie group must all be re-ranked (they sit within the error of each other).
      index.search(base, 10, { plateOk: null, includeControls: true });
      expect(index.lastCandidates).toBeGreaterThanOrEqual(NEAR.count);
    } finally {
      index.close();
    }
  });

  it('reads re-ranked rows from the project, and refuses one rewritten or deleted since the index was built', () => {
    const fs = featureSetByName(db, 'profiles')!;
    const index = new SearchIndex(fs, db, { threads: 1, nullSample: 0 });
    try {
      expect(Array.from(index.vector(2001))).toEqual(Array.from(rows[2001]));
      const wellId = index.wellIds[2001];
      db.prepare('SAVEPOINT gone').run();
      const changed = `feature set profiles: the profile of well ${wellId} changed since the search index was built; run the query again`;
      const other = Float32Array.from(rows[2001], (v, k) => (k === 3 ? v + 0.5 : v));
      db.prepare('UPDATE well_profiles SET normalized = ? WHERE feature_set_id = ? AND well_id = ?').run(Buffer.from(other.buffer), fs.id, wellId);
      expect(() => index.vector(2001)).toThrow(changed);
      expect(() => index.vector(2001)).toThrow(InputError);
      expect(() => index.search(rows[2001], 5, { plateOk: null, includeControls: true })).toThrow(changed);
      db.prepare('DELETE FROM well_profiles WHERE feature_set_id = ? AND well_id = ?').run(fs.id, wellId);
      expect(() => index.vector(2001)).toThrow(changed);
      db.prepare('ROLLBACK TO gone').run();
      db.prepare('RELEASE gone').run();
    } finally {
      index.close();
    }
  });
});

describe('the int8 first pass on a real profile table', () => {
  // LINCS Cell Painting plate SQ00015054 (A549; pycytominer normalised + feature-selected, 454 features;
  // cytomining/cytominer-eval example data, CC0): real feature distributions, heavier-tailed than the
  // synthetic ones, so larger quantisation errors.
  const file = path.join(REALDATA, 'lincs-a549-SQ00015054/SQ00015054_normalized_feature_select.csv.gz');
  it('equals float64 brute force for every well as the query, with and without filters', () => {
    const table = parse(zlib.gunzipSync(fs.readFileSync(file)), { columns: true }) as Record<string, string>[];
    const features = Object.keys(table[0]).filter((c) => !c.startsWith('Metadata_'));
    expect([table.length, features.length]).toEqual([384, 454]);
    const pdb = openProject(path.join(dir, 'lincs.micon'));
    try {
      const w = fixtureWriter(pdb);
      const data: Float32Array[] = [];
      pdb.transaction(() => {
        const fsId = w.featureSet('lincs', features.length, 'imported');
        const plate = w.plate('SQ00015054', 'LINCS', '2016_04_01_a549_48hr_batch1');
        const compounds = new Map<string, number>();
        for (const rec of table) {
          const control = rec.Metadata_pert_type === 'control';
          const name = rec.Metadata_broad_sample;
          if (!compounds.has(name)) compounds.set(name, w.compound(name, { control }));
          const id = w.well(plate, rec.Metadata_Well, compounds.get(name)!, { pertType: control ? 'negcon' : 'trt', concentration: control ? null : Number(rec.Metadata_mmoles_per_liter) });
          const v = Float32Array.from(features, (c) => Number(rec[c]));
          expect(v.every(Number.isFinite)).toBe(true);
          data.push(v);
          w.profile(fsId, id, v);
        }
      })();
      const index = new SearchIndex(featureSetByName(pdb, 'lincs')!, pdb, { threads: 2 });
      try {
        const wellsOf = (hits: { row: number }[]) => hits.map((h) => index.wellIds[h.row]);
        const candidates: number[] = [];
        for (let r = 0; r < index.n; r++) {
          for (const [f, k] of [
            [{ plateOk: null, includeControls: false, excludeRows: [r] }, 10],
            [{ plateOk: null, includeControls: true, minConcentration: 1, excludeRows: [r] }, 5],
          ] as const) {
            const got = index.search(data[r], k, f);
            candidates.push(index.lastCandidates);
            const want = bruteForce(index, data[r], k, f, data);
            expect(wellsOf(got)).toEqual(wellsOf(want));
            expect(got.map((h) => h.similarity)).toEqual(want.map((h) => h.similarity));
          }
        }
        // Measured: ρ median 0.0074, max 0.025; a median query re-ranks 10 of the 384 rows.
        const rho = [...index.residual].sort((a, b) => a - b);
        expect(rho[192]).toBeLessThan(0.01);
        expect(rho[383]).toBeLessThan(0.05);
        expect(candidates.sort((a, b) => a - b)[candidates.length >> 1]).toBeLessThanOrEqual(20);
      } finally {
        index.close();
      }
    } finally {
      pdb.close();
    }
  });
});
