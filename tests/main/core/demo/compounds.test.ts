import { describe, expect, it } from 'vitest';
import { compoundLibrary, DMSO, effectStrength } from '../../../../main/core/demo/compounds.js';

describe('demo compound library', () => {
  it('every SMILES (and DMSO) parses with RDKit', async () => {
    const RDKit = await (await import('@rdkit/rdkit')).default();
    const bad: string[] = [];
    for (const c of [...compoundLibrary('default'), { name: 'DMSO', smiles: DMSO.smiles }]) {
      const mol = RDKit.get_mol(c.smiles);
      if (!mol || !mol.is_valid()) bad.push(`${c.name}: ${c.smiles}`);
      mol?.delete();
    }
    expect(bad).toEqual([]);
  });

  it('is a realistic library: mechanisms with several members, analog series, mostly unique structures', () => {
    const lib = compoundLibrary('default');
    expect(lib.length).toBeGreaterThanOrEqual(30);
    expect(lib.length).toBeLessThanOrEqual(36);
    expect(new Set(lib.map((c) => c.id)).size).toBe(lib.length);
    expect(new Set(lib.map((c) => c.smiles)).size).toBe(lib.length);
    expect(lib.every((c) => /^MCN-\d{4}$/.test(c.id))).toBe(true);
    const byMech = new Map<string, number>();
    for (const c of lib) if (c.mechanism) byMech.set(c.mechanism, (byMech.get(c.mechanism) ?? 0) + 1);
    expect(byMech.size).toBeGreaterThanOrEqual(8);
    const series = new Map<string, typeof lib>();
    for (const c of lib) if (c.analogSeries) series.set(c.analogSeries, [...(series.get(c.analogSeries) ?? []), c]);
    expect(series.size).toBeGreaterThanOrEqual(1);
    for (const members of series.values()) {
      expect(members.length).toBeGreaterThanOrEqual(3);
      expect(new Set(members.map((m) => m.mechanism)).size).toBe(1);
      expect(new Set(members.map((m) => m.ec50)).size).toBe(members.length);
    }
    expect(lib.filter((c) => !c.mechanism).length).toBeGreaterThanOrEqual(4);
  });

  it('the small library keeps ≥ 2 mechanisms with ≥ 2 compounds, an analog series and inactive drugs, with the default ids', () => {
    const small = compoundLibrary('small');
    const full = new Map(compoundLibrary('default').map((c) => [c.id, c.name]));
    for (const c of small) expect(full.get(c.id)).toBe(c.name);
    const counts = new Map<string, number>();
    for (const c of small) if (c.mechanism) counts.set(c.mechanism, (counts.get(c.mechanism) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n >= 2).length).toBeGreaterThanOrEqual(2);
    expect(small.some((c) => c.analogSeries)).toBe(true);
    expect(small.some((c) => !c.mechanism)).toBe(true);
  });

  it('effect strength follows a Hill curve and is zero for inactive compounds', () => {
    const c = { ec50: 1, hill: 1.4, emax: 1 };
    expect(effectStrength(c, 1)).toBeCloseTo(0.5, 6);
    expect(effectStrength(c, 0.1)).toBeLessThan(effectStrength(c, 1));
    expect(effectStrength(c, 10)).toBeGreaterThan(0.9);
    expect(effectStrength({ ec50: null, hill: 1, emax: 1 }, 10)).toBe(0);
  });
});
