import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { activeCompounds } from '../../../../main/core/ml/activity.js';
import { demoGroundTruth } from '../../../helpers/demo-cache.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { makeTrainingProject } from '../../../helpers/training-project.js';

describe('activeCompounds', () => {
  let file: string;
  let truth: { id: string; active: boolean }[];
  beforeAll(async () => {
    const dir = path.join(tmpDir('micon-activity-'), 'p');
    file = await makeTrainingProject(dir);
    // The generator's sidecar: read by the test, never by the code under test.
    truth = ((await demoGroundTruth()) as { compounds: typeof truth }).compounds;
  }, 300_000);

  it('flags the compounds the generator made inactive, keeps most active ones, and looks only at the compounds it is given', () => {
    const db = openProject(file);
    try {
      const treated = new Set((db.prepare("SELECT DISTINCT c.compound_id id FROM wells w JOIN compounds c ON c.id = w.compound_id WHERE w.pert_type = 'trt'").all() as { id: string }[]).map((r) => r.id));
      const inactiveTruth = truth.filter((c) => !c.active && treated.has(c.id)).map((c) => c.id);
      const activeTruth = truth.filter((c) => c.active && treated.has(c.id)).map((c) => c.id);
      expect(inactiveTruth.length).toBeGreaterThan(0);
      const r = activeCompounds(db, treated, { permutations: 200 });
      for (const c of inactiveTruth) expect(r.active.has(c), `${c} is inactive in the generator`).toBe(false);
      expect(activeTruth.filter((c) => r.active.has(c)).length / activeTruth.length).toBeGreaterThan(0.6);
      expect([...r.active, ...r.inactive].sort()).toEqual([...treated].sort());

      const some = new Set([...activeTruth.slice(0, 3), inactiveTruth[0]]);
      const sub = activeCompounds(db, some, { permutations: 200 });
      expect([...sub.active, ...sub.inactive].sort()).toEqual([...some].sort());
    } finally {
      db.close();
    }
  }, 300_000);
});
