import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { createFusionSet } from '../../../../main/core/embeddings/fusion.js';
import { HANDCRAFTED } from '../../../../main/core/embeddings/handcrafted.js';
import { buildAllProfiles, buildProfiles, evaluateAll } from '../../../../main/core/embeddings/profiles.js';
import { featureSetByName, insertSiteVector, loadSiteVectors, loadWellProfiles, replaceFeatureSet } from '../../../../main/core/embeddings/store.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { copyProject, makeTrainingProject } from '../../../helpers/training-project.js';

const cos = (a: Float32Array, b: Float32Array) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
};
const row = (p: { cols: number; data: Float32Array }, i: number) => p.data.subarray(i * p.cols, (i + 1) * p.cols);

describe('fusion feature sets', () => {
  let base: string;
  let db: DB;
  beforeAll(async () => {
    base = await makeTrainingProject(path.join(tmpDir('micon-fusion-'), 'p'));
    db = openProject(copyProject(base, 'fusion'));
    // A second site-level set: a few hand-crafted columns, negated and squared, so its geometry differs.
    const hc = loadSiteVectors(db, featureSetByName(db, HANDCRAFTED)!.id);
    db.transaction(() => {
      const id = replaceFeatureSet(db, { name: 'other', kind: 'model', dim: 8, version: null, modelId: null });
      hc.siteIds.forEach((s, i) => insertSiteVector(db, id, s, Float32Array.from(row(hc, i).subarray(0, 8), (v, k) => (k % 2 ? -v : v * v))));
    })();
    createFusionSet(db, 'other+handcrafted', [HANDCRAFTED, 'other'], null);
  }, 300_000);
  afterAll(() => db?.close());

  it('needs its parts built first, and buildAllProfiles orders it after them', () => {
    expect(() => buildProfiles(db, featureSetByName(db, 'other+handcrafted')!.id)).toThrow(/build the profiles of handcrafted first/);
    const built = buildAllProfiles(db).map((s) => s.featureSet);
    expect(built.at(-1)).toBe('other+handcrafted');
    expect(built).toHaveLength(3);
  });

  it('cosine of fused profiles is the mean of the parts\' cosines; raw profiles are the parts side by side', () => {
    const fused = loadWellProfiles(db, featureSetByName(db, 'other+handcrafted')!.id);
    const a = loadWellProfiles(db, featureSetByName(db, HANDCRAFTED)!.id);
    const b = loadWellProfiles(db, featureSetByName(db, 'other')!.id);
    expect(fused.cols).toBe(a.cols + b.cols);
    expect(fused.wellIds).toEqual(a.wellIds);
    for (const [i, j] of [[0, 1], [3, 17], [5, 40]]) {
      expect(cos(row(fused, i), row(fused, j))).toBeCloseTo((cos(row(a, i), row(a, j)) + cos(row(b, i), row(b, j))) / 2, 5);
    }
    const rawF = loadWellProfiles(db, featureSetByName(db, 'other+handcrafted')!.id, 'raw');
    const rawB = loadWellProfiles(db, featureSetByName(db, 'other')!.id, 'raw');
    expect(Array.from(row(rawF, 2).subarray(a.cols))).toEqual(Array.from(row(rawB, 2)));
  });

  it('is evaluated side by side with its parts', () => {
    const r = evaluateAll(db, { permutations: 5 });
    expect(Object.keys(r.featureSets).sort()).toEqual(['handcrafted', 'other', 'other+handcrafted']);
    expect(r.featureSets['other+handcrafted'].trained.queries).toBe(r.featureSets.handcrafted.trained.queries);
  });
});
