import { describe, expect, it } from 'vitest';
import { canonicalSmiles, stripCxExtensions } from '../../../../main/core/chem/rdkit.js';

describe('canonicalSmiles', () => {
  it('gives one canonical form for different spellings of aspirin', async () => {
    const a = await canonicalSmiles('CC(=O)Oc1ccccc1C(=O)O');
    const b = await canonicalSmiles('OC(=O)c1ccccc1OC(C)=O');
    expect(a).toBe(b);
    expect(a).toBe('CC(=O)Oc1ccccc1C(=O)O');
  });
  it('returns null for an invalid SMILES instead of throwing', async () => {
    expect(await canonicalSmiles('C1CC((')).toBeNull();
    expect(await canonicalSmiles('')).toBeNull();
  });
  it('accepts ChemAxon extended SMILES as written in RxRx3 metadata', async () => {
    expect(stripCxExtensions('C1=CC=CC=C1 |c:1,3|')).toBe('C1=CC=CC=C1');
    expect(await canonicalSmiles('C1=CC=CC=C1 |c:1,3|')).toBe('c1ccccc1');
  });
});
