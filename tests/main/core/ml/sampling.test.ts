import { describe, expect, it } from 'vitest';
import { ItemSampler, Rng, type SiteRef } from '../../../../main/core/ml/sampling.js';

// Two sources × one batch × two plates; compound A in 3 wells, B in 2 wells, C in 1 well, H held out.
const sites: SiteRef[] = [];
let id = 0;
const add = (wellId: number, compound: string | null, plate: string, batch: string, source: string, control = false, n = 2) => {
  for (let i = 0; i < n; i++) sites.push({ siteId: ++id, wellId, compound, plate, batch, source, control });
};
add(1, 'A', 'P1', 'B1', 'S1');
add(2, 'A', 'P2', 'B1', 'S1');
add(3, 'A', 'P3', 'B2', 'S2');
add(4, 'B', 'P1', 'B1', 'S1');
add(5, 'B', 'P3', 'B2', 'S2');
add(6, 'C', 'P1', 'B1', 'S1');
add(7, 'H', 'P1', 'B1', 'S1');
add(8, 'H', 'P2', 'B1', 'S1');
add(10, 'DMSO', 'P1', 'B1', 'S1', true);
add(11, 'DMSO', 'P3', 'B2', 'S2', true);
const info = new Map(sites.map((s) => [s.siteId, s]));

describe('ItemSampler', () => {
  const sampler = new ItemSampler(sites, new Set(['A', 'B', 'C']));

  it('uses only trainable compounds with at least two wells', () => {
    expect(sampler.compounds).toEqual(['A', 'B']);
  });

  it('pairs two images of one compound from different wells, never an image with itself', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      for (const item of sampler.batch(8, rng)) {
        const [a, b] = item.treated.map((s) => info.get(s)!);
        expect(a.compound).toBe(item.compound);
        expect(b.compound).toBe(item.compound);
        expect(a.wellId).not.toBe(b.wellId);
        expect(item.treated[0]).not.toBe(item.treated[1]);
      }
    }
  });

  it('matches each treated image with a control from its plate, else its batch, else its source', () => {
    const rng = new Rng(9);
    for (let i = 0; i < 200; i++) {
      for (const item of sampler.batch(2, rng)) {
        item.treated.forEach((t, k) => {
          const ts = info.get(t)!;
          const cs = info.get(item.controls[k])!;
          expect(cs.control).toBe(true);
          // P2 has no controls; its batch B1 does (on P1).
          if (ts.plate === 'P2') expect(cs.batch).toBe('B1');
          else expect(cs.plate).toBe(ts.plate);
        });
      }
    }
  });

  it('never yields held-out compounds, and is reproducible from the seed', () => {
    const a = sampler.batch(2, new Rng(42));
    const b = sampler.batch(2, new Rng(42));
    expect(a).toEqual(b);
    for (let i = 0; i < 100; i++) for (const it of sampler.batch(8, new Rng(i))) expect(it.compound).not.toBe('H');
  });
});
