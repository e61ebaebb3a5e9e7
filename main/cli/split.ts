import { createSplit } from '../core/split/split.js';
import { emit } from './output.js';
import { openCliProject } from './project.js';

export function runSplit(o: { db: string; holdoutFraction?: string; holdoutCompounds?: string; folds?: string; fold?: string; seed: string; json?: boolean }): void {
  const db = openCliProject(o.db);
  try {
    const s = createSplit(db, {
      holdoutFraction: o.holdoutFraction !== undefined ? Number(o.holdoutFraction) : undefined,
      holdoutCompoundsFile: o.holdoutCompounds,
      folds: o.folds !== undefined ? Number(o.folds) : undefined,
      fold: o.fold !== undefined ? Number(o.fold) - 1 : undefined,
      seed: Number(o.seed),
    });
    emit(!!o.json, { split: s.splitId, heldout_compounds: s.heldout.length, trained_compounds: s.train.length, heldout: s.heldout }, () =>
      [`split ${s.splitId}: ${s.heldout.length} compounds held out, ${s.train.length} for training`, `held out: ${s.heldout.join(', ')}`].join('\n'),
    );
  } finally {
    db.close();
  }
}
