import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withQuery } from '../../../../main/core/chem/query.js';
import { getRDKit } from '../../../../main/core/chem/rdkit.js';
import { StructureLibrary } from '../../../../main/core/chem/substructure.js';
import { InputError } from '../../../../main/core/types.js';

const MOLS = [
  'CC(=O)Oc1ccccc1C(=O)O', // aspirin
  'Cn1cnc2c1c(=O)n(C)c(=O)n2C', // caffeine
  'CN(C)C(=N)N=C(N)N', // metformin
  'COc1ccc(/C=C\\c2cc(OC)c(OC)c(OC)c2)cc1O', // combretastatin A-4
  'COc1ccc(/C=C/c2cc(OC)c(OC)c(OC)c2)cc1O', // trans isomer
  'CCO',
];

/** The answer RDKit gives molecule by molecule, to check the library's screened answer against. */
async function bruteForce(query: string): Promise<Set<number>> {
  const R = await getRDKit();
  return withQuery(query, (q) => {
    const out = new Set<number>();
    MOLS.forEach((s, i) => {
      const m = R.get_mol(s)!;
      if (m.get_substruct_match(q) !== '{}') out.add(i + 100);
      m.delete();
    });
    return out;
  });
}

describe('StructureLibrary', () => {
  let lib: StructureLibrary;
  beforeAll(async () => {
    lib = await StructureLibrary.build(MOLS.map((smiles, i) => ({ key: i + 100, smiles })));
  });
  afterAll(() => lib.dispose());

  it('finds exactly the structures containing the query, as RDKit matching one by one does', async () => {
    for (const q of ['c1ccccc1', 'C(=O)O', '[OX2H]', 'c1ccccc1C=Cc1ccccc1', 'N', '[#7;R]']) {
      expect((await lib.search(q)).keys, q).toEqual(await bruteForce(q));
    }
    expect((await lib.search('c1ccccc1')).keys).toEqual(new Set([100, 103, 104]));
  });

  it('reads a Kekulé SMILES as the aromatic ring a chemist means, and SMARTS when it is not SMILES', async () => {
    expect(await lib.search('C1=CC=CC=C1')).toEqual({ keys: new Set([100, 103, 104]), as: 'smiles' });
    expect(await lib.search('[c;H0]-[OX2]')).toMatchObject({ as: 'smarts' });
    expect((await lib.search('[c;H0]-[OX2]')).keys).toEqual(new Set([100, 103, 104]));
  });

  it('refuses an invalid query with a message naming it and RDKit’s reason', async () => {
    await expect(lib.search('c1ccc(')).rejects.toThrow(InputError);
    await expect(lib.search('c1ccc(')).rejects.toThrow(/invalid SMARTS\/SMILES "c1ccc\(".*(syntax error|position)/);
    await expect(lib.search('  ')).rejects.toThrow(/empty substructure query/);
  });

  it('skips structures that do not parse instead of failing', async () => {
    const l = await StructureLibrary.build([
      { key: 1, smiles: 'C1CC((' },
      { key: 2, smiles: 'c1ccccc1' },
    ]);
    try {
      expect((await l.search('c1ccccc1')).keys).toEqual(new Set([2]));
    } finally {
      l.dispose();
    }
  });
});
