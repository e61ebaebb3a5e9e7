import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../../../main/core/db/open.js';
import { featureSetByName, loadWellProfiles, wellInfo } from '../../../../main/core/feature-sets/store.js';
import { createMatrix } from '../../../../main/core/profiles/matrix.js';
import { normalizeLikeStored } from '../../../../main/core/search/counterfactual.js';
import { runQuery } from '../../../../main/core/search/query.js';
import { openTable } from '../../../../main/core/embeddings/profile-table.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { makeEmbeddedProject } from '../../../helpers/embedded-project.js';

// The small generated demo screen, a micon feature-head model trained for a few steps on the wasm
// backend, then `embed` (hand-crafted + the model through onnxruntime + profiles).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const dir = tmpDir('micon-search-demo-');
let bare: string;
let project: string;
let db: DB;

beforeAll(async () => {
  ({ bare, project, db } = await makeEmbeddedProject(dir, [{ model: 'micon', encoder: 'features', backend: 'wasm', steps: 40, batchCompounds: 8, seed: 3 }]));
}, 300_000);
afterAll(() => db?.close());

// An analog of aspirin that the demo screen does not contain.
const UNSEEN = 'CCC(=O)Oc1ccccc1C(=O)O';

describe('search on the demo screen', () => {
  it('a compound query returns its replicate wells, flagged isReplicate', async () => {
    const treated = db.prepare("SELECT c.compound_id AS id, COUNT(*) AS n FROM wells w JOIN compounds c ON c.id = w.compound_id WHERE w.pert_type = 'trt' GROUP BY c.id HAVING n >= 3 ORDER BY c.compound_id").all() as { id: string }[];
    expect(treated.length).toBeGreaterThan(5);
    let withReplicateHit = 0;
    for (const { id } of treated) {
      const r = await runQuery(db, { kind: 'compound', compound: id }, { k: 10 });
      expect(r.query).toMatchObject({ kind: 'compound', featureSet: 'micon', compound: { id } });
      const own = new Set(r.query.wells.map((w) => w.wellId));
      for (const h of r.results) expect(h.isReplicate).toBe(h.compound === id);
      // Without an exclusion the mean-of-wells list can score the compound's own wells (leave-one-out).
      expect(r.results.filter((h) => own.has(h.wellId)).every((h) => h.isReplicate && h.consensusWells === own.size - 1)).toBe(true);
      expect(r.replicates).toHaveLength(own.size);
      if (r.replicates!.some((rep) => rep.results.some((h) => h.isReplicate))) withReplicateHit++;
    }
    // Every per-well list ranks the whole screen: most compounds find a replicate in the top 10.
    expect(withReplicateHit / treated.length).toBeGreaterThan(0.5);
  });

  it('an unseen SMILES is queried through the counterfactual head and says so', async () => {
    const r = await runQuery(db, { kind: 'smiles', smiles: UNSEEN }, { k: 5 });
    expect(r.query).toMatchObject({ kind: 'smiles', featureSet: 'micon', compound: null, smiles: { input: UNSEEN, screened: false } });
    expect(r.query.prediction).toMatchObject({ model: 'micon', step: 40, imageEncoder: 'features' });
    expect(r.query.prediction!.controlWells).toBeGreaterThan(0);
    expect(r.query.description).toMatch(/unseen SMILES .* predicted by micon's counterfactual head/);
    expect(r.results).toHaveLength(5);
    for (const h of r.results) expect(h.isReplicate).toBe(false);
    // A different molecule gives a different prediction.
    const other = await runQuery(db, { kind: 'smiles', smiles: 'c1ccc2ccccc2c1' }, { k: 5 });
    expect(other.results.map((h) => h.similarity)).not.toEqual(r.results.map((h) => h.similarity));
  });

  it('predicted profiles go through exactly the normalisation of the stored ones', () => {
    const fs = featureSetByName(db, 'micon')!;
    const raw = loadWellProfiles(db, fs.id, 'raw');
    const stored = loadWellProfiles(db, fs.id, 'normalized');
    const plate = new Map(wellInfo(db).map((w) => [w.wellId, w.plate]));
    const again = normalizeLikeStored(db, fs, createMatrix(raw.rows, raw.cols, raw.data), raw.wellIds.map((id) => plate.get(id)!));
    let worst = 0;
    for (let i = 0; i < again.data.length; i++) worst = Math.max(worst, Math.abs(again.data[i] - stored.data[i]));
    expect(worst).toBeLessThan(1e-5);
  });
});

const run = promisify(execFile);
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'main/cli.ts', 'query', ...args], { cwd: root, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout: string; stderr: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('micon query (CLI)', () => {
  it('--json prints one object in the DESIGN.md shape; text mode says the query kind', async () => {
    const plateWell = db.prepare("SELECT p.name AS plate, w.well FROM wells w JOIN plates p ON p.id = w.plate_id WHERE w.pert_type = 'trt' ORDER BY w.id LIMIT 1").get() as { plate: string; well: string };
    const [json, text, smiles] = await Promise.all([
      cli('--db', project, '--well', `${plateWell.plate}:${plateWell.well.replace(/^([A-Z])0/, '$1')}`, '--k', '3', '--exclude', 'same-source', '--json'),
      cli('--db', project, '--compound', 'aspirin', '--k', '2'),
      cli('--db', project, '--smiles', UNSEEN, '--k', '2', '--json'),
    ]);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout);
    expect(r.query).toMatchObject({ kind: 'well', exclude: 'same-source', wells: [{ plate: plateWell.plate, well: plateWell.well }] });
    expect(r.results).toHaveLength(3);
    for (const h of r.results) {
      expect(Object.keys(h)).toEqual(expect.arrayContaining(['plate', 'well', 'compound', 'smiles', 'source', 'batch', 'similarity', 'p', 'isReplicate', 'concentration', 'replicate', 'sites']));
      expect(h.source).not.toBe(r.query.wells[0].source);
    }
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^query \(compound\): compound aspirin/);
    expect(text.stdout).toMatch(/replicate .*:/);
    expect(smiles.code).toBe(0);
    expect(JSON.parse(smiles.stdout).query.kind).toBe('smiles');
  }, 120_000);

  it('--out writes the results as CSV and Parquet with Metadata_* columns that read back equal to the JSON', async () => {
    const csv = path.join(dir, 'hits.csv');
    const pq = path.join(dir, 'hits.parquet');
    const [a, b] = await Promise.all([
      cli('--db', project, '--compound', 'aspirin', '--k', '4', '--exclude', 'same-source', '--out', csv, '--json'),
      cli('--db', project, '--compound', 'aspirin', '--k', '4', '--exclude', 'same-source', '--out', pq, '--json'),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const r = JSON.parse(a.stdout);
    const expected = r.results.length + r.replicates.reduce((n: number, rep: { results: unknown[] }) => n + rep.results.length, 0);
    expect(r.export).toEqual({ file: csv, format: 'csv', rows: expected });
    for (const file of [csv, pq]) {
      const t = await openTable(file);
      expect(t.columns.slice(0, 4)).toEqual(['Metadata_Source', 'Metadata_Batch', 'Metadata_Plate', 'Metadata_Well']);
      expect(t.columns).toEqual(expect.arrayContaining(['Metadata_JCP2022', 'query_well', 'rank', 'similarity', 'p', 'is_replicate']));
      const rows: unknown[][] = [];
      for await (const row of t.rows()) rows.push(row.values);
      expect(rows).toHaveLength(expected);
      const col = (n: string) => t.columns.indexOf(n);
      r.results.forEach((h: { plate: string; well: string; similarity: number; isReplicate: boolean }, i: number) => {
        expect(rows[i][col('Metadata_Plate')]).toBe(h.plate);
        expect(rows[i][col('Metadata_Well')]).toBe(h.well);
        expect(Number(rows[i][col('similarity')])).toBeCloseTo(h.similarity, 6);
        expect(String(rows[i][col('is_replicate')])).toBe(String(h.isReplicate));
        expect(rows[i][col('query_well')] ?? '').toBe('');
      });
      expect(rows.at(-1)![col('query_well')]).toBe(`${r.replicates.at(-1).plate}:${r.replicates.at(-1).well}`);
    }
  }, 120_000);

  it('bad input: a clear message on stderr and a non-zero exit', async () => {
    const cases: [string[], RegExp, string?][] = [
      [['--smiles', 'C1CC('], /invalid SMILES:? "C1CC\("/],
      [['--well', 'S1B1P01:Z99'], /unknown well: plate S1B1P01 has no well Z99/],
      [['--well', 'NOPLATE:A01'], /unknown plate "NOPLATE"/],
      [['--compound', 'frobnicol'], /unknown compound "frobnicol"/],
      [['--compound', 'aspirin', '--k', '0'], /--k must be a positive whole number, got "0"/],
      [['--compound', 'aspirin', '--k', '2.5'], /--k must be a positive whole number, got "2.5"/],
      [['--compound', 'aspirin', '--exclude', 'same-galaxy'], /--exclude must be one of same-plate, same-batch, same-source/],
      [['--compound', 'aspirin'], /no well profiles yet: run micon embed/, bare],
      [['--smiles', 'CCO'], /no well profiles yet/, bare],
    ];
    const results = await Promise.all(cases.map(([args, , db]) => cli('--db', db ?? project, ...args)));
    results.forEach((res, i) => {
      expect(res.code, cases[i][0].join(' ')).not.toBe(0);
      expect(res.stderr, cases[i][0].join(' ')).toMatch(cases[i][1]);
      expect(res.stdout).toBe('');
    });
  }, 180_000);
});
