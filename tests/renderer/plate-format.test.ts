import { describe, expect, it } from 'vitest';
import type { PlateSummary, WellSummary } from '../../main/core/api/contract.js';
import { displayOrder, formatConcentration, formatLabel, groupPlates, isControl, moveWell, rowLetters, wellName, wellTitle } from '../../renderer/src/plate-format.js';

const well = (o: Partial<WellSummary>): WellSummary => ({
  id: 1,
  well: 'B02',
  row: 1,
  col: 1,
  compoundId: 'CPD-1',
  compoundName: 'Nocodazole',
  smiles: 'COC(=O)NC1=NC2=CC=CC=C2N1',
  moa: 'tubulin inhibitor',
  concentration: 0.1,
  pertType: 'trt',
  sites: 4,
  qcFlags: [],
  thumbnail: null,
  ...o,
});

describe('plate geometry', () => {
  it('names rows and wells like ingest does, including 1536-well rows', () => {
    expect(rowLetters(0)).toBe('A');
    expect(rowLetters(25)).toBe('Z');
    expect(rowLetters(26)).toBe('AA');
    expect(rowLetters(31)).toBe('AF');
    expect(wellName({ row: 1, col: 1 })).toBe('B02');
    expect(wellName({ row: 31, col: 47 })).toBe('AF48');
  });

  it('labels standard formats and odd ones', () => {
    expect(formatLabel(8, 12)).toBe('96-well');
    expect(formatLabel(16, 24)).toBe('384-well');
    expect(formatLabel(32, 48)).toBe('1536-well');
    expect(formatLabel(4, 6)).toBe('4×6');
  });

  it('moves with arrow keys and stops at the edges', () => {
    expect(moveWell({ row: 0, col: 0 }, 'ArrowUp', 8, 12)).toEqual({ row: 0, col: 0 });
    expect(moveWell({ row: 0, col: 0 }, 'ArrowRight', 8, 12)).toEqual({ row: 0, col: 1 });
    expect(moveWell({ row: 7, col: 11 }, 'ArrowDown', 8, 12)).toEqual({ row: 7, col: 11 });
    expect(moveWell({ row: 3, col: 3 }, 'Enter', 8, 12)).toBeNull();
  });
});

describe('well labels', () => {
  it('treats DMSO as a control even without a pert type', () => {
    expect(isControl(well({ pertType: 'negcon' }))).toBe(true);
    expect(isControl(well({ pertType: null, compoundId: 'dmso' }))).toBe(true);
    expect(isControl(well({}))).toBe(false);
  });

  it('puts compound, id, SMILES, concentration, MoA, sites and QC in the hover text', () => {
    const t = wellTitle(well({ qcFlags: ['blur'] }));
    expect(t.split('\n')).toEqual([
      'B02: Nocodazole',
      'ID: CPD-1',
      'SMILES: COC(=O)NC1=NC2=CC=CC=C2N1',
      'Concentration: 0.1 µM',
      'MoA: tubulin inhibitor',
      'Sites: 4',
      'QC: blur',
    ]);
    expect(wellTitle(well({ pertType: 'negcon', compoundId: 'DMSO', compoundName: 'DMSO', smiles: null, moa: null, concentration: null }))).toMatch(/^B02: DMSO \(negative control\)/);
  });

  it('formats concentrations without float noise', () => {
    expect(formatConcentration(0.30000000000000004)).toBe('0.3 µM');
    expect(formatConcentration(10)).toBe('10 µM');
    expect(formatConcentration(null)).toBeNull();
  });
});

describe('plate grouping', () => {
  it('groups by source then batch and walks in display order', () => {
    const p = (id: number, source: string, batch: string) => ({ id, name: `P${id}`, source, batch }) as PlateSummary;
    const groups = groupPlates([p(1, 's1', 'b1'), p(2, 's1', 'b2'), p(3, 's2', 'b1'), p(4, 's1', 'b1')]);
    expect(groups.map((g) => [g.source, g.batches.map((b) => [b.batch, b.plates.map((x) => x.id)])])).toEqual([
      ['s1', [['b1', [1, 4]], ['b2', [2]]]],
      ['s2', [['b1', [3]]]],
    ]);
    expect(displayOrder(groups).map((x) => x.id)).toEqual([1, 4, 2, 3]);
  });
});
