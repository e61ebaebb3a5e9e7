import { describe, expect, it } from 'vitest';
import { harmonize } from '../../../../main/core/profiles/harmony.js';
import { createMatrix, type Matrix } from '../../../../main/core/profiles/matrix.js';
import { mulberry32 } from '../../../../main/core/util/random.js';

/** 3 batches × 4 compounds × 8 wells in 12-d: compound centres 3 apart, batch shifts of size `shift`. */
function screen(shift: number, seed = 1): { x: Matrix; batch: string[]; compound: number[] } {
  const rnd = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const d = 12;
  const centres = Array.from({ length: 4 }, () => Array.from({ length: d }, () => 3 * gauss() / Math.sqrt(2)));
  const shifts = Array.from({ length: 3 }, () => Array.from({ length: d }, () => (shift * gauss()) / Math.sqrt(d)));
  const rows: number[] = [];
  const batch: string[] = [];
  const compound: number[] = [];
  for (let bi = 0; bi < 3; bi++)
    for (let c = 0; c < 4; c++)
      for (let r = 0; r < 8; r++) {
        for (let k = 0; k < d; k++) rows.push(centres[c][k] + shifts[bi][k] + 0.4 * gauss());
        batch.push(`b${bi}`);
        compound.push(c);
      }
  return { x: createMatrix(batch.length, d, Float32Array.from(rows)), batch, compound };
}

const row = (m: Matrix, i: number) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, k) => v - b[k]));
function mean(m: Matrix, idx: number[]): number[] {
  const out = new Array(m.cols).fill(0);
  for (const i of idx) row(m, i).forEach((v, k) => (out[k] += v / idx.length));
  return out;
}

/** Mean distance between the same compound's centroids in different batches, and between compounds (pooled over batches). */
function geometry(m: Matrix, batch: string[], compound: number[]): { batchGap: number; compoundGap: number; nnSameBatch: number; nnSameCompound: number } {
  const idx = (f: (i: number) => boolean) => batch.flatMap((_, i) => (f(i) ? [i] : []));
  let batchGap = 0;
  let nb = 0;
  for (let c = 0; c < 4; c++)
    for (const [a, b] of [['b0', 'b1'], ['b0', 'b2'], ['b1', 'b2']]) {
      batchGap += dist(mean(m, idx((i) => compound[i] === c && batch[i] === a)), mean(m, idx((i) => compound[i] === c && batch[i] === b)));
      nb++;
    }
  let compoundGap = 0;
  let nc = 0;
  for (let c = 0; c < 4; c++)
    for (let e = c + 1; e < 4; e++) {
      compoundGap += dist(mean(m, idx((i) => compound[i] === c)), mean(m, idx((i) => compound[i] === e)));
      nc++;
    }
  let sameBatch = 0;
  let sameCompound = 0;
  for (let i = 0; i < m.rows; i++) {
    let best = -1;
    let bd = Infinity;
    for (let j = 0; j < m.rows; j++) {
      if (j === i) continue;
      const v = dist(row(m, i), row(m, j));
      if (v < bd) {
        bd = v;
        best = j;
      }
    }
    if (batch[best] === batch[i]) sameBatch++;
    if (compound[best] === compound[i]) sameCompound++;
  }
  return { batchGap: batchGap / nb, compoundGap: compoundGap / nc, nnSameBatch: sameBatch / m.rows, nnSameCompound: sameCompound / m.rows };
}

describe('Harmony', () => {
  it('removes a batch shift without erasing compound differences', () => {
    const { x, batch, compound } = screen(6);
    const before = geometry(x, batch, compound);
    const h = harmonize(x, batch, { seed: 3 });
    const after = geometry(h.corrected, batch, compound);
    // Before: batches are far apart and every well's nearest neighbour is in its own batch.
    expect(before.batchGap).toBeGreaterThan(4);
    expect(before.nnSameBatch).toBe(1);
    // After: the same compound in different batches sits together (gap cut by more than 3/4) …
    expect(after.batchGap).toBeLessThan(before.batchGap / 4);
    // … neighbours mix batches (chance for 3 balanced batches ≈ 31/95 = 0.33) …
    expect(after.nnSameBatch).toBeLessThan(0.6);
    // … and compounds stay apart: nearest neighbours are replicates and the compound centroids keep their spacing.
    expect(after.nnSameCompound).toBeGreaterThan(0.95);
    expect(after.compoundGap).toBeGreaterThan(0.8 * before.compoundGap);
    // The objective falls round after round (soft k-means with the diversity penalty).
    expect(h.objective[h.objective.length - 1]).toBeLessThan(h.objective[0]);
    expect(h.rounds).toBeGreaterThan(0);
  });

  it('leaves data without a batch effect nearly as it was', () => {
    const { x, batch, compound } = screen(0, 2);
    const h = harmonize(x, batch, { seed: 3 });
    const before = geometry(x, batch, compound);
    const after = geometry(h.corrected, batch, compound);
    expect(after.compoundGap).toBeGreaterThan(0.9 * before.compoundGap);
    expect(after.nnSameCompound).toBeGreaterThanOrEqual(before.nnSameCompound - 0.02);
    // Moved by a small fraction of the compound spacing.
    let moved = 0;
    for (let i = 0; i < x.rows; i++) moved += dist(row(x, i), row(h.corrected, i)) / x.rows;
    expect(moved).toBeLessThan(0.15 * before.compoundGap);
  });

  it('is seeded, and one batch is returned unchanged', () => {
    const { x, batch } = screen(6);
    expect(harmonize(x, batch, { seed: 5 }).corrected.data).toEqual(harmonize(x, batch, { seed: 5 }).corrected.data);
    const one = harmonize(x, batch.map(() => 'b'), {});
    expect(one.corrected.data).toEqual(x.data);
    expect(one.rounds).toBe(0);
    expect(() => harmonize(x, ['a'])).toThrow(/1 batch labels for 96 rows/);
  });
});
