import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { activeSplit, createSplit } from '../../../../main/core/split/split.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-split-');

/** A project with one plate: DMSO in 2 wells, C1..C8 in 2 wells each, C9 in one well. */
function project(name: string): DB {
  const db = openProject(path.join(dir, `${name}.micon`));
  db.exec(`INSERT INTO sources (name) VALUES ('s'); INSERT INTO batches (source_id, name) VALUES (1, 'b');
    INSERT INTO plates (name, batch_id, layout, folder, rows, cols, channel_map, cache_size, channel_scale, ingested_at)
    VALUES ('P', 1, 'imagexpress', '/x', 8, 12, '{}', 16, '{}', 'now');
    INSERT INTO compounds (compound_id, is_control) VALUES ('DMSO', 1);`);
  const insC = db.prepare('INSERT INTO compounds (compound_id) VALUES (?)');
  const insW = db.prepare("INSERT INTO wells (plate_id, well, row, col, compound_id, pert_type) VALUES (1, ?, 0, ?, ?, ?)");
  let col = 0;
  insW.run(`A${++col}`, col, 1, 'negcon');
  insW.run(`A${++col}`, col, 1, 'negcon');
  for (let i = 1; i <= 9; i++) {
    const cid = Number(insC.run(`C${i}`).lastInsertRowid);
    for (let k = 0; k < (i === 9 ? 1 : 2); k++) insW.run(`B${++col}`, col, cid, 'trt');
  }
  return db;
}

describe('createSplit', () => {
  it('holds out a seeded fraction of the compounds that have replicates, and only treated compounds', () => {
    const db = project('a');
    const s = createSplit(db, { holdoutFraction: 0.25, seed: 3 });
    expect(s.heldout).toHaveLength(2); // 25 % of the 8 with two wells
    expect(s.heldout).not.toContain('C9');
    expect(s.heldout).not.toContain('DMSO');
    expect([...s.heldout, ...s.train].sort()).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9']);
    expect(createSplit(db, { holdoutFraction: 0.25, seed: 3 }).heldout).toEqual(s.heldout);
    expect(activeSplit(db).heldout).toEqual(new Set(s.heldout));
    db.close();
  });

  it('takes a list of compound ids and refuses unknown ones by name', () => {
    const db = project('b');
    const f = path.join(dir, 'holdout.txt');
    fs.writeFileSync(f, '# held back analogs\nC2\nC5\n');
    expect(createSplit(db, { holdoutCompoundsFile: f }).heldout).toEqual(['C2', 'C5']);
    fs.writeFileSync(f, 'C2\nNOPE\n');
    expect(() => createSplit(db, { holdoutCompoundsFile: f })).toThrow(/NOPE/);
    expect(() => createSplit(db, { holdoutFraction: 1.5 })).toThrow(/between 0 and 1/);
    db.close();
  });

  it('k folds hold every compound with replicates out exactly once, and refuse impossible folds', () => {
    const db = project('c');
    const parts = [0, 1, 2].map((fold) => createSplit(db, { folds: 3, fold, seed: 5 }).heldout);
    expect(parts.flat().sort()).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8']);
    expect(parts.map((p) => p.length).sort()).toEqual([2, 3, 3]);
    expect(createSplit(db, { folds: 3, fold: 1, seed: 5 }).heldout).toEqual(parts[1]);
    expect(() => createSplit(db, { folds: 3, fold: 3 })).toThrow(/--fold must be an integer from 1 to 3 \(got 4\)/);
    expect(() => createSplit(db, { folds: 1 })).toThrow(/--folds must be an integer ≥ 2/);
    expect(() => createSplit(db, { folds: 9 })).toThrow(/8 compounds with replicates cannot be cut into 9 folds/);
    db.close();
  });
});
