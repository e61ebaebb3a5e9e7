import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../../../main/core/db/open.js';
import { runQuery } from '../../../../main/core/search/query.js';
import { createSplit } from '../../../../main/core/split/split.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { makeEmbeddedProject } from '../../../helpers/embedded-project.js';

// Issue 4's honest test: an analog held back from training entirely (its treated wells never reach
// PaCLR or the generator), then asked for by structure alone.
const dir = tmpDir('micon-unseen-analog-');
let db: DB;
const ANALOG = "3'-amino combretastatin A-4";

beforeAll(async () => {
  const prepare = (db: DB) => {
    const id = (db.prepare('SELECT compound_id AS id FROM compounds WHERE name = ?').get(ANALOG) as { id: string }).id;
    const list = path.join(dir, 'holdout.txt');
    fs.writeFileSync(list, `${id}\n`);
    createSplit(db, { holdoutCompoundsFile: list });
  };
  ({ db } = await makeEmbeddedProject(dir, [{ model: 'micon', backend: 'wasm', steps: 300, seed: 1 }], { name: 'analog', prepare }));
}, 600_000);
afterAll(() => db?.close());

describe('unseen-SMILES query for a held-back analog', () => {
  it('puts wells of its mechanism (other compounds) in the top 10, well above chance', async () => {
    const q = db.prepare('SELECT compound_id AS id, COALESCE(canonical_smiles, smiles) AS smiles, moa FROM compounds WHERE name = ?').get(ANALOG) as { id: string; smiles: string; moa: string };
    const r = await runQuery(db, { kind: 'smiles', smiles: q.smiles }, { k: 10 });
    expect(r.query.kind).toBe('smiles');
    expect(r.query.compound?.id).toBe(q.id);
    const others = r.results.filter((h) => h.compound !== q.id);
    const sameMechanism = others.filter((h) => h.moa === q.moa).length;
    // Chance: the share of other compounds' treated wells that carry this mechanism.
    const pool = db.prepare("SELECT c.moa FROM wells w JOIN compounds c ON c.id = w.compound_id WHERE w.pert_type = 'trt' AND c.compound_id != ?").all(q.id) as { moa: string | null }[];
    const chance = (others.length * pool.filter((w) => w.moa === q.moa).length) / pool.length;
    expect(sameMechanism).toBeGreaterThanOrEqual(3);
    expect(sameMechanism).toBeGreaterThan(2 * chance);
  }, 120_000);
});
