import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { projectNormalization } from '../../../../main/core/embeddings/normalization.js';
import { buildProfiles } from '../../../../main/core/embeddings/profiles.js';
import { evaluateAll } from '../../../../main/core/eval/evaluate-all.js';
import { featureSetByName, loadSiteVectors, siteInfo } from '../../../../main/core/feature-sets/store.js';
import { handcraftedFeatureNames } from '../../../../main/core/features/handcrafted.js';
import { embedAll, ensureBaselines } from '../../../../main/core/jobs/embed.js';
import type { MiconConfig } from '../../../../main/core/ml/config.js';
import { createModel, disposeModel, imageEmbed } from '../../../../main/core/ml/model.js';
import { normalizedSiteFeatures } from '../../../../main/core/ml/train-data.js';
import { createSplit } from '../../../../main/core/split/split.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { makeEmbeddedProject } from '../../../helpers/embedded-project.js';
import { copyProject } from '../../../helpers/training-project.js';

// The small generated demo screen: a split, micon and image_only feature heads trained for a few
// steps, then `embed` — which must add every fair baseline — and `eval`.
const dir = tmpDir('micon-baselines-');
let bare: string;
let db: DB;

beforeAll(async () => {
  const run = { encoder: 'features', backend: 'wasm', steps: 30, batchCompounds: 8, seed: 3 } as const;
  ({ bare, db } = await makeEmbeddedProject(dir, [{ ...run, model: 'micon' }, { ...run, model: 'image_only' }], {
    prepare: (db) => createSplit(db, { holdoutFraction: 0.25, seed: 1 }),
  }));
}, 300_000);
afterAll(() => db?.close());

const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));

describe('fair baselines from embed', () => {
  it('eval --json has every acceptance key for every set, baselines included', () => {
    const r = evaluateAll(db, { permutations: 50, seed: 1, resamples: 200 });
    for (const name of ['handcrafted', 'handcrafted_z', 'micon', 'micon_untrained', 'image_only', 'image_only_untrained', 'cellcount']) {
      const set = r.featureSets[name];
      expect(set, name).toBeDefined();
      const g = set.heldout;
      expect(g.queries).toBeGreaterThan(0);
      for (const ci of [g.nss.top1Ci95, g.nsb.top1Ci95, g.mapCi95]) {
        expect(ci).toHaveLength(2);
        expect(ci![0]).toBeLessThanOrEqual(ci![1]);
      }
      expect(g.mapActivity.map).toBeGreaterThan(0);
      expect(g.mapActivity.fractionRetrieved).not.toBeNull();
      expect(g.samePlateNeighbourRate).toBeGreaterThanOrEqual(0);
      expect(set.normalization).toMatchObject({ reference: 'dmso', batchCorrect: 'none' });
    }
    expect(r.featureSets.cellcount.kind).toBe('baseline');
    expect(r.comparisons.find((c) => c.featureSet === 'micon')).toMatchObject({ reference: 'handcrafted_z' });
    expect(r.tuning).toMatch(/training compounds/);
  });

  it('handcrafted_z is exactly the feature head\'s input, L2-normalised per site', () => {
    const sites = siteInfo(db);
    const head = normalizedSiteFeatures(db, sites, 'handcrafted');
    const z = loadSiteVectors(db, featureSetByName(db, 'handcrafted_z')!.id);
    expect(z.rows).toBe(sites.length);
    for (let i = 0; i < z.rows; i += 17) {
      const v = z.data.subarray(i * z.cols, (i + 1) * z.cols);
      const x = head.bySite.get(z.siteIds[i])!;
      expect(norm(v)).toBeCloseTo(1, 5);
      const n = norm(x);
      for (let k = 0; k < z.cols; k += 31) expect(v[k]).toBeCloseTo(x[k] / n, 5);
      expect(Math.max(...Array.from(x).map(Math.abs))).toBeLessThanOrEqual(10);
    }
  });

  it('micon_untrained is the same head at the weights training started from', async () => {
    await tf.setBackend('cpu');
    const row = db.prepare("SELECT config FROM models WHERE name = 'micon'").get() as { config: string };
    const config = JSON.parse(row.config) as MiconConfig;
    const model = createModel(config);
    const sites = siteInfo(db);
    const head = normalizedSiteFeatures(db, sites, 'handcrafted');
    const u = loadSiteVectors(db, featureSetByName(db, 'micon_untrained')!.id);
    const t = loadSiteVectors(db, featureSetByName(db, 'micon')!.id);
    const ids = [0, 50, 100].map((i) => u.siteIds[i]);
    const x = tf.tensor2d(ids.flatMap((id) => Array.from(head.bySite.get(id)!)), [ids.length, head.dim]);
    const expected = imageEmbed(model, x).arraySync();
    x.dispose();
    disposeModel(model);
    let trainedDiffers = 0;
    [0, 50, 100].forEach((i, r) => {
      for (let k = 0; k < u.cols; k++) expect(u.data[i * u.cols + k]).toBeCloseTo(expected[r][k], 4);
      if (Math.abs(t.data[i * t.cols] - u.data[i * u.cols]) > 1e-3) trainedDiffers++;
    });
    expect(trainedDiffers).toBeGreaterThan(0);
  });

  it('cellcount is the nuclei count of each site, one number', () => {
    const hc = loadSiteVectors(db, featureSetByName(db, 'handcrafted')!.id);
    const cc = loadSiteVectors(db, featureSetByName(db, 'cellcount')!.id);
    const k = handcraftedFeatureNames().indexOf('nuc_count');
    expect(cc.cols).toBe(1);
    expect(Array.from(cc.data)).toEqual(Array.from({ length: hc.rows }, (_, i) => hc.data[i * hc.cols + k]));
    expect(new Set(cc.data).size).toBeGreaterThan(3);
  });
});

describe('eval on a project embedded before the baselines existed', () => {
  it('adds the missing baselines with profiles and leaves the other sets as they were', async () => {
    const file = path.join(dir, 'old.micon');
    db.prepare('VACUUM INTO ?').run(file);
    const old = openProject(file);
    try {
      old.prepare("DELETE FROM feature_sets WHERE kind = 'baseline'").run();
      const micon = () => old.prepare("SELECT p.normalized FROM well_profiles p JOIN feature_sets f ON f.id = p.feature_set_id WHERE f.name = 'micon' ORDER BY p.well_id").pluck().all();
      const before = micon();
      const added = await ensureBaselines(old);
      expect(added.sort()).toEqual(['cellcount', 'handcrafted_z', 'image_only_untrained', 'micon_untrained']);
      expect(micon()).toEqual(before);
      expect(Object.keys(evaluateAll(old, { permutations: 0, resamples: 0 }).featureSets)).toEqual(expect.arrayContaining(added));
      expect(await ensureBaselines(old)).toEqual([]);
    } finally {
      old.close();
    }
  }, 120_000);
});

describe('normalisation choices are kept and reported', () => {
  it('embed --normalize all --batch-correct harmony is recorded per set and in the project, and later builds follow it', async () => {
    const file = copyProject(bare, 'harmony');
    const h = openProject(file);
    try {
      createSplit(h, { holdoutFraction: 0.25, seed: 1 });
      const r = await embedAll(h, { normalization: { reference: 'all', batchCorrect: 'harmony', harmonyBy: 'plate', whitenRidge: 0.01 } });
      expect(r.normalization).toEqual({ reference: 'all', batchCorrect: 'harmony', harmonyBy: 'plate', whitenRidge: 0.01 });
      expect(r.featureSets.find((s) => s.featureSet === 'handcrafted')!.harmony!.rounds).toBeGreaterThan(0);
      expect(projectNormalization(h)).toEqual(r.normalization);
      // A later build (as backbone / import-profiles do) follows the project's choice.
      const again = buildProfiles(h, featureSetByName(h, 'handcrafted_z')!.id);
      expect(again.normalization).toEqual(r.normalization);
      const ev = evaluateAll(h, { permutations: 0, resamples: 100 });
      expect(ev.featureSets.handcrafted.normalizationDescription).toBe('MAD vs all wells per plate, ZCA ridge 0.01, Harmony by plate');
      // Harmony by plate must leave fewer nearest neighbours on their own plate than no correction.
      const plain = evaluateAll(db, { permutations: 0, resamples: 0 });
      expect(ev.featureSets.handcrafted.trained.samePlateNeighbourRate!).toBeLessThan(plain.featureSets.handcrafted.trained.samePlateNeighbourRate!);
    } finally {
      h.close();
    }
  }, 120_000);
});
