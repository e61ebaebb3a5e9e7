// MICON trained on imported (well-level) profiles of the real tables in ../shared/realdata, the sequence
// held-back tables go through: import-profiles --create-plates, split, train --features <set>, embed,
// eval, and a query by an unseen SMILES. Wells are the samples; controls are DMSO wells of the same plate.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { importProfiles } from '../../../../main/core/embeddings/import-profiles.js';
import { evaluateAll } from '../../../../main/core/eval/evaluate-all.js';
import { featureSetByName, loadImportedWellFeatures } from '../../../../main/core/feature-sets/store.js';
import { embedAll } from '../../../../main/core/jobs/embed.js';
import { ItemSampler, Rng } from '../../../../main/core/ml/sampling.js';
import { train } from '../../../../main/core/ml/train.js';
import { normalizedWellFeatures } from '../../../../main/core/ml/train-data.js';
import { runQuery } from '../../../../main/core/search/query.js';
import { createSplit } from '../../../../main/core/split/split.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { REALDATA } from '../../../helpers/realdata.js';

const REAL = REALDATA;
const dir = tmpDir('micon-trainprof-');
const dbs: DB[] = [];
afterAll(() => dbs.forEach((d) => d.close()));

/** Imatinib: in neither BBBC021 nor (as a held-out check) trained on here. */
const IMATINIB = 'CN1CCN(Cc2ccc(cc2)C(=O)Nc2ccc(C)c(Nc3nccc(n3)-c3cccnc3)c2)CC1';

const cases = [
  { name: 'bbbc021', table: 'bbbc021-mcf7-moa/bbbc021_per_well_annotated.csv.gz', compounds: 'bbbc021-mcf7-moa/bbbc021_compounds_smiles_moa.csv', plates: 55, wells: 632 },
  { name: 'lincs', table: 'lincs-a549-SQ00015054/SQ00015054_normalized_feature_select.csv.gz', compounds: 'lincs-a549-SQ00015054/compounds_smiles.csv', plates: 1, wells: 384 },
];

describe.each(cases)('MICON over imported profiles: $name', (c) => {
  it('import → split → train --features cellprofiler → embed → eval → query --smiles', async () => {
    const file = path.join(dir, `${c.name}.micon`);
    const db = openProject(file);
    dbs.push(db);
    const imp = await importProfiles(db, path.join(REAL, c.table), { createPlates: true, compoundsFile: path.join(REAL, c.compounds) });
    expect(imp.created).toMatchObject({ plates: c.plates, wells: c.wells });
    const split = createSplit(db, { holdoutFraction: 0.25, seed: 1 });
    expect(split.heldout.length).toBeGreaterThan(0);

    // Samples are wells; each well's controls are DMSO wells of its own plate.
    const w = normalizedWellFeatures(db, 'cellprofiler');
    expect(w.samples).toHaveLength(c.wells);
    expect(w.feats.dim).toBe(imp.features);
    expect([...w.feats.bySite.values()].every((r) => r.every((x) => Number.isFinite(x) && Math.abs(x) <= 10))).toBe(true);
    const treated = w.samples.filter((s) => !s.control && s.compound && !split.heldout.includes(s.compound));
    const sampler = new ItemSampler(w.samples, new Set(treated.map((s) => s.compound!)));
    const byId = new Map(w.samples.map((s) => [s.siteId, s]));
    for (const it of sampler.batch(8, new Rng(5))) {
      for (let k = 0; k < 2; k++) {
        expect(byId.get(it.controls[k])!.control).toBe(true);
        expect(byId.get(it.controls[k])!.plate).toBe(byId.get(it.treated[k])!.plate);
      }
      expect(it.treated[0]).not.toBe(it.treated[1]);
    }

    const r = await train(db, { model: 'micon', featureSource: 'cellprofiler', backend: 'wasm', steps: 60, batchCompounds: 16, seed: 2, checkpointEvery: 1000, projectPath: file });
    expect(r).toMatchObject({ name: 'micon@cellprofiler', featureSource: 'cellprofiler', steps: 60 });
    expect(r.trainCompounds).toBeGreaterThanOrEqual(2);
    expect(r.lossEnd).toBeLessThan(r.lossStart);
    expect(r.heldoutCompounds).toBe(split.heldout.length);

    const e = await embedAll(db);
    expect(e.handcrafted).toBeNull();
    expect(e.models.map((m) => m.featureSets).flat()).toEqual(expect.arrayContaining(['micon@cellprofiler', 'micon@cellprofiler+cellprofiler']));
    expect(e.models[0].samples).toBe('wells');
    const emb = loadImportedWellFeatures(db, featureSetByName(db, 'micon@cellprofiler')!.id);
    expect(emb).toMatchObject({ rows: c.wells, cols: 64 });

    const ev = evaluateAll(db, { permutations: 20, seed: 1 });
    expect(Object.keys(ev.featureSets)).toEqual(expect.arrayContaining(['cellprofiler', 'micon@cellprofiler', 'micon@cellprofiler+cellprofiler']));
    for (const rep of Object.values(ev.featureSets)) {
      expect(rep.heldout.queries).toBeGreaterThan(0);
      expect(rep.heldout.map).not.toBeNull();
    }

    const q = await runQuery(db, { kind: 'smiles', smiles: IMATINIB }, { features: 'micon@cellprofiler', k: 5 });
    expect(q.query.prediction).toMatchObject({ model: 'micon@cellprofiler', controlWells: imp.created!.controlWells, controlSites: imp.created!.controlWells });
    expect(q.results).toHaveLength(5);
    expect(q.results.every((h) => Number.isFinite(h.similarity) && h.p > 0 && h.p <= 1)).toBe(true);
  });
});

describe('residual feature head (train --residual-rank)', () => {
  it('starts as the normalised input, and its ONNX export computes what tfjs computes', async () => {
    const tf = await import('@tensorflow/tfjs');
    const { selectBackend } = await import('../../../../main/core/ml/backend.js');
    const { makeConfig } = await import('../../../../main/core/ml/config.js');
    const { createModel, disposeModel, imageEmbed, readParamData } = await import('../../../../main/core/ml/model.js');
    const { exportModelOnnx } = await import('../../../../main/core/ml/export-model.js');
    const { createEmbedder } = await import('../../../../main/core/ml/onnx-embed.js');
    await selectBackend('wasm', { skipNative: true });
    const d = 12;
    const config = makeConfig({ imageEncoder: { kind: 'features', inputDim: d, outDim: d, residualRank: 3 } });
    const model = createModel(config);
    try {
      expect(model.params['feat0/kernel'].shape).toEqual([d, 3]);
      expect(model.params['feat1/kernel'].shape).toEqual([3, d]);
      expect(model.params['mol1/kernel'].shape).toEqual([config.molecule.hidden, d]);
      const x = Float32Array.from({ length: 5 * d }, (_, i) => Math.sin(i * 1.7) * 3);
      const at0 = tf.tidy(() => imageEmbed(model, tf.tensor2d(x, [5, d])).dataSync() as Float32Array);
      for (let r = 0; r < 5; r++) {
        const row = x.subarray(r * d, (r + 1) * d);
        const n = Math.hypot(...row);
        for (let k = 0; k < d; k++) expect(at0[r * d + k]).toBeCloseTo(row[k] / n, 5);
      }
      // Give the correction weights, then compare tfjs with onnxruntime on the exported graph.
      model.params['feat1/kernel'].assign(tf.tensor2d(Float32Array.from({ length: 3 * d }, (_, i) => Math.cos(i) * 0.5), [3, d]));
      const want = tf.tidy(() => imageEmbed(model, tf.tensor2d(x, [5, d])).dataSync() as Float32Array);
      expect(Math.max(...want.map((v, i) => Math.abs(v - at0[i])))).toBeGreaterThan(0.01);
      const emb = await createEmbedder(exportModelOnnx(config, await readParamData(model)));
      try {
        const got = await emb.embed(x, 5);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
      } finally {
        await emb.close();
      }
    } finally {
      disposeModel(model);
    }
  });
});
