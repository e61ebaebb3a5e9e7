import { describe, expect, it } from 'vitest';
import { checkSmiles } from '../../../../main/core/chem/check.js';
import { depict, depictMany } from '../../../../main/core/chem/depict.js';
import { DepictionCache } from '../../../../main/core/chem/depiction-cache.js';
import { InputError } from '../../../../main/core/types.js';

const ASPIRIN = 'CC(=O)Oc1ccccc1C(=O)O';
const CAFFEINE = 'Cn1cnc2c1c(=O)n(C)c(=O)n2C';

describe('depict', () => {
  it('draws an SVG of the requested size with the atoms of the molecule', async () => {
    const svg = (await depict(ASPIRIN, { width: 120, height: 90 }))!;
    expect(svg).toContain('<svg');
    expect(svg).toContain("width='120px' height='90px'");
    expect(svg).toMatch(/class='atom-\d+/);
    expect(svg).not.toMatch(/<script/i);
    const big = (await depict(ASPIRIN, { width: 300, height: 220, background: 'white' }))!;
    expect(big).toContain("width='300px' height='220px'");
    expect(big).toContain('#FFFFFF;');
    expect(svg).toContain('#FFFFFF00');
  });

  it('draws a different molecule differently, and null for an invalid SMILES', async () => {
    const [a, b, bad, empty] = await depictMany([ASPIRIN, CAFFEINE, 'C1CC((', ''], { width: 120, height: 90 });
    expect(a).not.toBe(b);
    expect(bad).toBeNull();
    expect(empty).toBeNull();
  });

  it('highlights the atoms of a substructure match, and refuses an invalid highlight query', async () => {
    const plain = (await depict(ASPIRIN, { width: 300, height: 220 }))!;
    const lit = (await depict(ASPIRIN, { width: 300, height: 220, highlight: 'c1ccccc1' }))!;
    expect(lit).not.toBe(plain);
    expect(lit).toContain('#FFC672'); // the highlight colour
    expect(plain).not.toContain('#FFC672');
    await expect(depict(ASPIRIN, { width: 120, height: 90, highlight: '[C;foo' })).rejects.toThrow(InputError);
  });
});

describe('checkSmiles', () => {
  it('gives the canonical SMILES and a depiction of a valid structure', async () => {
    const c = await checkSmiles('OC(=O)c1ccccc1OC(C)=O');
    expect(c).toMatchObject({ valid: true, canonical: ASPIRIN, error: null });
    expect(c.svg).toContain('<svg');
  });

  it('says why an invalid SMILES is invalid, and never throws', async () => {
    expect(await checkSmiles('C1CC')).toMatchObject({ valid: false, canonical: null, svg: null, error: expect.stringMatching(/unclosed ring/) });
    expect((await checkSmiles('c1ccccc1C(')).error).toMatch(/syntax error.*position 10/);
    expect((await checkSmiles('   ')).error).toMatch(/empty/);
    expect((await checkSmiles('c1cccc1')).error).toMatch(/kekulize/i);
  });
});

describe('DepictionCache', () => {
  it('draws each SMILES once, keyed by size and highlight, and forgets the least recently used', async () => {
    const cache = new DepictionCache(3);
    const drawn: string[] = [];
    const draw = async (xs: string[]) => (drawn.push(...xs), xs.map((x) => `svg:${x}`));
    const o = { width: 120, height: 90 };
    expect(await cache.getMany(['A', 'B', 'A'], o, draw)).toEqual(['svg:A', 'svg:B', 'svg:A']);
    expect(await cache.getMany(['B', 'C'], o, draw)).toEqual(['svg:B', 'svg:C']);
    expect(drawn).toEqual(['A', 'B', 'C']);
    await cache.getMany(['A'], { ...o, highlight: 'c' }, draw);
    expect(drawn).toEqual(['A', 'B', 'C', 'A']);
    // Capacity 3: A at 120x90 was used least recently and is gone; B and C remain.
    await cache.getMany(['A', 'B', 'C'], o, draw);
    expect(drawn).toEqual(['A', 'B', 'C', 'A', 'A']);
  });
});
