import { describe, expect, it } from 'vitest';
import { morganFingerprint, tanimoto } from '../../../../main/core/chem/fingerprint.js';

const ASPIRIN = 'CC(=O)Oc1ccccc1C(=O)O';
// RDKit Morgan radius 2, 2048 bits of aspirin (checked against the packed uint8 form too).
const ASPIRIN_BITS = [389, 456, 650, 695, 807, 909, 1017, 1035, 1047, 1057, 1088, 1199, 1380, 1410, 1447, 1468, 1616, 1729, 1750, 1775, 1873, 1917, 1970, 1991];

function onBits(fp: Float32Array): number[] {
  return [...fp.keys()].filter((i) => fp[i] === 1);
}

describe('morganFingerprint', () => {
  it('gives aspirin the same 2048 0/1 bits every time, whatever the spelling', async () => {
    const a = (await morganFingerprint(ASPIRIN))!;
    const b = (await morganFingerprint('OC(=O)c1ccccc1OC(C)=O'))!;
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(2048);
    expect(a.every((v) => v === 0 || v === 1)).toBe(true);
    expect(onBits(a)).toEqual(ASPIRIN_BITS);
    expect(onBits(b)).toEqual(ASPIRIN_BITS);
  });

  it('agrees with the packed byte form RDKit also offers', async () => {
    const { getRDKit } = await import('../../../../main/core/chem/rdkit.js');
    const mol = (await getRDKit()).get_mol(ASPIRIN)!;
    const packed = mol.get_morgan_fp_as_uint8array(JSON.stringify({ radius: 2, nBits: 2048 })) as Uint8Array;
    mol.delete();
    let count = 0;
    for (const byte of packed) for (let k = 0; k < 8; k++) count += (byte >> k) & 1;
    expect(packed.length).toBe(256);
    expect(count).toBe(ASPIRIN_BITS.length);
  });

  it('honours radius and nBits', async () => {
    const fp = (await morganFingerprint(ASPIRIN, { radius: 1, nBits: 1024 }))!;
    expect(fp.length).toBe(1024);
    expect(onBits(fp).length).toBeLessThan(ASPIRIN_BITS.length);
  });

  it('returns null for invalid SMILES', async () => {
    expect(await morganFingerprint('C1CC((')).toBeNull();
    expect(await morganFingerprint('')).toBeNull();
  });

  it('ranks close analogs above unrelated molecules by Tanimoto', async () => {
    const fp = async (s: string) => (await morganFingerprint(s))!;
    const aspirin = await fp(ASPIRIN);
    const salicylic = await fp('Oc1ccccc1C(=O)O');
    const methylSalicylate = await fp('COC(=O)c1ccccc1O');
    const caffeine = await fp('Cn1cnc2c1c(=O)n(C)c(=O)n2C');
    const ibuprofen = await fp('CC(C)Cc1ccc(cc1)C(C)C(=O)O');
    expect(tanimoto(aspirin, aspirin)).toBe(1);
    expect(tanimoto(aspirin, salicylic)).toBeGreaterThan(tanimoto(aspirin, caffeine));
    expect(tanimoto(aspirin, salicylic)).toBeGreaterThan(tanimoto(aspirin, ibuprofen));
    expect(tanimoto(salicylic, methylSalicylate)).toBeGreaterThan(tanimoto(salicylic, caffeine));
    expect(tanimoto(aspirin, caffeine)).toBeLessThan(0.15);
  });
});
