import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../../../main/core/db/open.js';
import { zeroShotEval } from '../../../../main/core/eval/zero-shot.js';
import { activeSplit, createSplit } from '../../../../main/core/split/split.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { makeEmbeddedProject } from '../../../helpers/embedded-project.js';

// The small demo screen, a split, a micon feature head trained a few steps, embed.
const dir = tmpDir('micon-zero-shot-');
let db: DB;

beforeAll(async () => {
  ({ db } = await makeEmbeddedProject(dir, [{ model: 'micon', encoder: 'features', backend: 'wasm', steps: 30, batchCompounds: 8, seed: 3 }], {
    name: 'zs',
    prepare: (db) => createSplit(db, { holdoutFraction: 0.25, seed: 1 }),
  }));
}, 300_000);
afterAll(() => db?.close());

describe('zero-shot retrieval from SMILES', () => {
  it('scores every held-out compound from its structure, against the nearest trained analog', async () => {
    const [r] = await zeroShotEval(db, { resamples: 200 });
    const heldout = activeSplit(db).heldout;
    expect(r.featureSet).toBe('micon');
    expect(r.compounds).toBe(heldout.size);
    expect(r.perCompound.map((c) => c.compound).sort()).toEqual([...heldout].sort());
    for (const c of r.perCompound) {
      // The analog is a training compound, never a held-out one, and never the query itself.
      expect(c.analog).not.toBeNull();
      expect(heldout.has(c.analog!)).toBe(false);
      expect(c.analogTanimoto!).toBeLessThan(1);
      expect(c.predictionRank).toBeGreaterThanOrEqual(0);
    }
    expect(r.prediction.top1).toBeCloseTo(r.perCompound.filter((c) => c.predictionRank === 0).length / r.compounds, 12);
    expect(r.nearestTrainedAnalog.top10).toBeCloseTo(r.perCompound.filter((c) => c.analogRank < 10).length / r.compounds, 12);
    expect(r.difference.map).toBeCloseTo(r.prediction.map! - r.nearestTrainedAnalog.map!, 12);
    for (const ci of [r.prediction.mapCi95, r.nearestTrainedAnalog.mapCi95, r.difference.mapCi95]) expect(ci![0]).toBeLessThanOrEqual(ci![1]);
  }, 120_000);
});
