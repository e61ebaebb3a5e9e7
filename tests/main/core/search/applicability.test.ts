import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalSmiles } from '../../../../main/core/chem/rdkit.js';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { applicabilityDomain, LOW_SIMILARITY } from '../../../../main/core/search/applicability.js';
import { createSplit } from '../../../../main/core/split/split.js';
import { makeProject } from '../../../e2e/demo-project.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

// The small demo screen's compounds (real drug structures): colchicine and trichostatin A carry
// stereo that Morgan fingerprints (RDKit's default, no chirality) do not see.
const dir = tmpDir('micon-applicability-');
let db: DB;
let colchicine: { id: string; smiles: string };

beforeAll(async () => {
  db = openProject(await makeProject(dir));
  colchicine = db.prepare("SELECT compound_id AS id, canonical_smiles AS smiles FROM compounds WHERE name = 'colchicine'").get() as { id: string; smiles: string };
}, 120_000);
afterAll(() => db?.close());

describe('applicability domain of a SMILES query', () => {
  it('a trained compound is its own nearest neighbour (Tanimoto 1), no warning', async () => {
    const ad = await applicabilityDomain(db, colchicine.smiles, { modelSplitId: null, fpBits: 2048 });
    expect(ad.nearest).toMatchObject({ compound: colchicine.id, tanimoto: 1 });
    expect(ad.warnings).toEqual([]);
    expect(ad.trainingCompounds).toBeGreaterThan(5);
  });

  it('a structure unlike anything trained on is flagged as extrapolation', async () => {
    const far = (await canonicalSmiles('FC(F)(F)C(F)(F)C(F)(F)C(F)(F)S(=O)(=O)O'))!;
    const ad = await applicabilityDomain(db, far, { modelSplitId: null, fpBits: 2048 });
    expect(ad.nearest!.tanimoto).toBeLessThan(LOW_SIMILARITY);
    expect(ad.warnings.join(' ')).toMatch(/outside the applicability domain: the most similar training compound \(.+\) has Tanimoto 0\.\d\d < 0\.4/);
  });

  it('the other enantiomer of a trained compound: same fingerprint, a stereo warning', async () => {
    const flipped = (await canonicalSmiles(colchicine.smiles.includes('@@') ? colchicine.smiles.replace('@@', '@') : colchicine.smiles.replace('@', '@@')))!;
    expect(flipped).not.toBe(colchicine.smiles);
    const ad = await applicabilityDomain(db, flipped, { modelSplitId: null, fpBits: 2048 });
    expect(ad.nearest!.tanimoto).toBe(1);
    expect(ad.sameFingerprint).toEqual([{ compound: colchicine.id, smiles: colchicine.smiles }]);
    expect(ad.warnings.join(' ')).toMatch(/same Morgan fingerprint as training compound .*stereoisomer/);
  });

  it('held-out compounds are not training compounds', async () => {
    const list = path.join(dir, 'holdout.txt');
    fs.writeFileSync(list, `${colchicine.id}\n`);
    const split = createSplit(db, { holdoutCompoundsFile: list });
    const splitId = (db.prepare('SELECT id FROM splits WHERE active = 1').get() as { id: number }).id;
    expect(split.heldout).toEqual([colchicine.id]);
    const ad = await applicabilityDomain(db, colchicine.smiles, { modelSplitId: splitId, fpBits: 2048 });
    expect(ad.nearest!.compound).not.toBe(colchicine.id);
    expect(ad.nearest!.tanimoto).toBeLessThan(1);
  });
});
