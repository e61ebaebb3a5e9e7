import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { tune } from '../../../../main/core/eval/tune.js';
import { activeSplit, createSplit } from '../../../../main/core/split/split.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { copyProject, makeTrainingProject } from '../../../helpers/training-project.js';

const dir = tmpDir('micon-tune-');
let db: DB;
let file: string;

beforeAll(async () => {
  file = copyProject(await makeTrainingProject(dir), 'tune');
  db = openProject(file);
  createSplit(db, { holdoutFraction: 0.25, seed: 1 });
}, 120_000);
afterAll(() => db?.close());

describe('nested tuning', () => {
  it('scores each setting on validation folds of the training compounds only, each validated once; the project is untouched', async () => {
    const before = (db.prepare('SELECT COUNT(*) n FROM models').get() as { n: number }).n;
    const heldout = activeSplit(db).heldout;
    const r = await tune(db, {
      projectPath: file,
      candidates: [
        { label: 'τ 0.1', config: { loss: { temperature: 0.1 } } },
        { label: 'τ 1', config: { loss: { temperature: 1 } } },
      ],
      folds: 2,
      steps: 20,
      seed: 2,
    });
    expect(r.excludedHeldout).toBe(heldout.size);
    // Every training compound with replicates is validated exactly once: the folds' queries add up to their treated wells.
    const wells = db
      .prepare("SELECT c.compound_id AS id, COUNT(w.id) AS n FROM compounds c JOIN wells w ON w.compound_id = c.id WHERE c.is_control = 0 AND w.pert_type = 'trt' GROUP BY c.id HAVING n >= 2")
      .all() as { id: string; n: number }[];
    const expected = wells.filter((w) => !heldout.has(w.id)).reduce((a, w) => a + w.n, 0);
    for (const c of r.candidates) {
      expect(c.perFold).toHaveLength(2);
      expect(c.perFold.reduce((a, f) => a + f.queries, 0)).toBe(expected);
      expect(c.nssTop1).not.toBeNull();
    }
    expect(['τ 0.1', 'τ 1']).toContain(r.chosen);
    expect(r.note).toMatch(/held-out compounds were not trained on, scored or used as candidates/);
    expect((db.prepare('SELECT COUNT(*) n FROM models').get() as { n: number }).n).toBe(before);
    expect(activeSplit(db).heldout).toEqual(heldout);
  }, 300_000);
});
