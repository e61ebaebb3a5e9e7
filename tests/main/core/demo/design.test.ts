import { describe, expect, it } from 'vitest';
import { planScreen } from '../../../../main/core/demo/design.js';

describe.each(['small', 'default'] as const)('demo screen plan (%s)', (size) => {
  const plan = planScreen(1, size);
  const wells = plan.plates.flatMap((p) => p.wells.map((w) => ({ plate: p, ...w })));

  it('has two sources with two batches each and unique plate barcodes', () => {
    expect(plan.plates.length).toBe(size === 'small' ? 4 : 8);
    expect(new Set(plan.plates.map((p) => p.name)).size).toBe(plan.plates.length);
    for (const s of ['source_1', 'source_2']) expect(new Set(plan.plates.filter((p) => p.source === s).map((p) => p.batch)).size).toBe(2);
  });

  it('images about the intended number of sites', () => {
    const sites = wells.reduce((n, w) => n + w.sites.length, 0);
    if (size === 'small') expect(sites).toBe(192);
    else {
      expect(sites).toBeGreaterThan(900);
      expect(sites).toBeLessThan(1100);
    }
  });

  it('puts ≥ 8 DMSO wells on every plate, spread over rows and columns', () => {
    for (const p of plan.plates) {
      const dmso = p.wells.filter((w) => !w.compound);
      expect(dmso.length).toBeGreaterThanOrEqual(8);
      expect(new Set(dmso.map((w) => w.row)).size).toBeGreaterThanOrEqual(3);
      expect(new Set(dmso.map((w) => w.col)).size).toBeGreaterThanOrEqual(3);
    }
  });

  it('replicates every compound in ≥ 4 wells over plates, batches and both sources, at 1–2 concentrations', () => {
    for (const c of plan.compounds) {
      const mine = wells.filter((w) => w.compound?.id === c.id);
      expect(mine.length, c.name).toBeGreaterThanOrEqual(4);
      expect(new Set(mine.map((w) => w.plate.name)).size).toBeGreaterThanOrEqual(2);
      expect(new Set(mine.map((w) => w.plate.source))).toEqual(new Set(['source_1', 'source_2']));
      expect(new Set(mine.map((w) => w.plate.batch)).size).toBeGreaterThanOrEqual(3);
      const concs = new Set(mine.map((w) => w.concentration));
      expect(concs.size).toBeGreaterThanOrEqual(1);
      expect(concs.size).toBeLessThanOrEqual(2);
    }
  });

  it('randomises layouts: the same well holds different compounds on different plates', () => {
    for (const s of ['source_1', 'source_2']) {
      const [a, b] = plan.plates.filter((p) => p.source === s);
      const same = a.wells.filter((w, i) => (w.compound?.id ?? 'DMSO') === (b.wells[i].compound?.id ?? 'DMSO')).length;
      expect(same / a.wells.length).toBeLessThan(0.35);
    }
  });

  it('leaves the outer ring empty on source 2 only', () => {
    for (const p of plan.plates) {
      const first = p.wells.map((w) => w.well).sort()[0];
      expect(first).toBe(p.source === 'source_1' ? 'A01' : 'B02');
    }
  });

  it('gives effect only to active compounds, growing with dose', () => {
    for (const w of wells) {
      if (!w.compound || !w.compound.mechanism) expect(w.strength).toBe(0);
      else expect(w.strength).toBeGreaterThan(0);
    }
    for (const c of plan.compounds.filter((x) => x.mechanism && x.doses.length === 2)) {
      const lo = wells.find((w) => w.compound?.id === c.id && w.concentration === c.doses[0])!;
      const hi = wells.find((w) => w.compound?.id === c.id && w.concentration === c.doses[1])!;
      expect(hi.strength).toBeGreaterThan(lo.strength);
    }
  });

  it('places deliberate QC failures, among them an out-of-focus site and a nearly empty field', () => {
    const qc = wells.flatMap((w) => w.sites.filter((s) => s.qc).map((s) => s.qc));
    expect(qc).toEqual(expect.arrayContaining(['out_of_focus', 'empty_field']));
  });

  it('gives each batch its own gain and illumination falloff, shared by the plates of the batch', () => {
    const byBatch = new Map<string, typeof plan.plates>();
    for (const p of plan.plates) byBatch.set(p.batch, [...(byBatch.get(p.batch) ?? []), p]);
    const first = [...byBatch.values()].map((ps) => ps[0].tech);
    expect(new Set(first.map((t) => JSON.stringify(t.vignetting.DNA))).size).toBe(4);
    expect(new Set(first.map((t) => t.gain.ER)).size).toBe(4);
    for (const ps of byBatch.values()) for (const p of ps) expect(p.tech.vignetting).toEqual(ps[0].tech.vignetting);
  });

  it('gives compounds of one mechanism related but distinct phenotypes', () => {
    const active = plan.compounds.filter((c) => c.mechanism);
    for (const a of active) {
      for (const b of active.filter((x) => x.mechanism === a.mechanism && x.id !== a.id)) {
        const sa = plan.signatures.get(a.id)!;
        const sb = plan.signatures.get(b.id)!;
        const keys = Object.keys(sa) as (keyof typeof sa)[];
        const dot = keys.reduce((n, k) => n + sa[k]! * sb[k]!, 0);
        const norm = (s: typeof sa) => Math.sqrt(keys.reduce((n, k) => n + s[k]! ** 2, 0));
        const cos = dot / (norm(sa) * norm(sb));
        expect(cos, `${a.name} vs ${b.name}`).toBeGreaterThan(0.3);
        expect(cos).toBeLessThan(0.999);
      }
    }
  });

  it('is the same plan for the same seed and a different one for another seed', () => {
    const again = planScreen(1, size);
    const layout = (p: typeof plan) => p.plates.map((x) => x.wells.map((w) => `${w.well}=${w.compound?.id ?? 'DMSO'}@${w.concentration}`).join(','));
    expect(layout(again)).toEqual(layout(plan));
    expect(layout(planScreen(2, size))).not.toEqual(layout(plan));
  });
});
