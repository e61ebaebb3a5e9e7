import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { crossValidate } from '../../../../main/core/eval/cross-validate.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { makeTrainingProject } from '../../../helpers/training-project.js';

describe('crossValidate', () => {
  it('holds every compound out once across folds, retrains on copies, pools held-out numbers, and leaves the project as it was', async () => {
    const file = await makeTrainingProject(path.join(tmpDir('micon-cv-'), 'p'));
    const db = openProject(file);
    try {
      const before = db.prepare('SELECT (SELECT COUNT(*) FROM models) m, (SELECT COUNT(*) FROM feature_sets) f, (SELECT COUNT(*) FROM splits) s').get();
      const messages: string[] = [];
      const r = await crossValidate(db, { projectPath: file, folds: 2, models: ['micon'], steps: 4, permutations: 0, onProgress: (m) => messages.push(m) });
      const treated = db.prepare("SELECT COUNT(*) n FROM (SELECT w.compound_id FROM wells w WHERE w.pert_type = 'trt' GROUP BY w.compound_id HAVING COUNT(*) >= 2)").get() as { n: number };
      expect(r.perFold).toHaveLength(2);
      const heldout = r.perFold.flatMap((f) => f.heldout);
      expect(new Set(heldout).size).toBe(heldout.length);
      expect(heldout).toHaveLength(treated.n);
      // The fair baselines are pooled too: each fold builds them next to the retrained models.
      expect(Object.keys(r.pooled).sort()).toEqual(['cellcount', 'handcrafted', 'handcrafted_z', 'micon', 'micon+handcrafted', 'micon_untrained']);
      for (const [name, p] of Object.entries(r.pooled)) {
        expect(p.queries).toBe(r.perFold.reduce((a, f) => a + f.featureSets[name].queries, 0));
        const [a, b] = r.perFold.map((f) => f.featureSets[name]);
        expect(p.nss.top1).toBeCloseTo((a.nss.top1! * a.queries + b.nss.top1! * b.queries) / (a.queries + b.queries), 10);
      }
      expect(messages.filter((m) => /trained micon/.test(m))).toHaveLength(2);
      expect(db.prepare('SELECT (SELECT COUNT(*) FROM models) m, (SELECT COUNT(*) FROM feature_sets) f, (SELECT COUNT(*) FROM splits) s').get()).toEqual(before);
      expect(fs.readdirSync(`${file}.d/cross-validation`)).toEqual([]);
    } finally {
      db.close();
    }
  }, 600_000);
});
