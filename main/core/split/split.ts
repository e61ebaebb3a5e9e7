import fs from 'node:fs';
import type { DB } from '../db/open.js';
import { InputError } from '../types.js';

export interface SplitResult {
  splitId: number;
  heldout: string[];
  train: string[];
}

/** Treated compounds (not controls) with the number of treated wells each has. */
function treatedCompounds(db: DB): { id: number; compoundId: string; wells: number }[] {
  return db
    .prepare(
      `SELECT c.id, c.compound_id AS compoundId, COUNT(w.id) AS wells
         FROM compounds c JOIN wells w ON w.compound_id = c.id
        WHERE c.is_control = 0 AND w.pert_type = 'trt'
        GROUP BY c.id ORDER BY c.compound_id`,
    )
    .all() as { id: number; compoundId: string; wells: number }[];
}

/** Seeded Fisher–Yates, so a split is reproducible from its seed. */
function shuffled<T>(xs: T[], seed: number): T[] {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export interface SplitOptions {
  holdoutFraction?: number;
  holdoutCompoundsFile?: string;
  /** K-fold over compounds: the eligible compounds, shuffled by `seed`, cut into `folds` parts; hold out part `fold` (0-based). */
  folds?: number;
  fold?: number;
  seed?: number;
}

/**
 * Record which compounds are held out. Training must never see a held-out compound's treated
 * wells; evaluation reports them first. The new split becomes the active one.
 */
export function createSplit(db: DB, opts: SplitOptions): SplitResult {
  const all = treatedCompounds(db);
  if (!all.length) throw new InputError('no treated compounds in the project: ingest plates with a platemap first');
  let heldout: Set<string>;
  let method: string;
  if (opts.holdoutCompoundsFile) {
    const wanted = fs
      .readFileSync(opts.holdoutCompoundsFile, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const known = new Set(all.map((c) => c.compoundId));
    const unknown = wanted.filter((w) => !known.has(w));
    if (unknown.length) {
      throw new InputError(`${opts.holdoutCompoundsFile}: ${unknown.length} compound id(s) are not treated compounds of this project: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}`);
    }
    heldout = new Set(wanted);
    method = 'list';
  } else if (opts.folds !== undefined) {
    const k = opts.folds;
    const i = opts.fold ?? 0;
    if (!(Number.isInteger(k) && k >= 2)) throw new InputError(`--folds must be an integer ≥ 2 (got ${opts.folds})`);
    if (!(Number.isInteger(i) && i >= 0 && i < k)) throw new InputError(`--fold must be an integer from 1 to ${k} (got ${Number.isFinite(i) ? i + 1 : '?'})`);
    const eligible = shuffled(all.filter((c) => c.wells >= 2), opts.seed ?? 1);
    if (eligible.length < k) throw new InputError(`${eligible.length} compounds with replicates cannot be cut into ${k} folds`);
    heldout = new Set(eligible.filter((_, j) => j % k === i).map((c) => c.compoundId));
    method = 'fold';
  } else {
    const f = opts.holdoutFraction ?? 0.25;
    if (!(f > 0 && f < 1)) throw new InputError(`--holdout-fraction must be between 0 and 1 (got ${opts.holdoutFraction})`);
    // Only compounds with replicates can be judged by replicate retrieval; hold out among those.
    const eligible = all.filter((c) => c.wells >= 2);
    const n = Math.max(1, Math.round(f * eligible.length));
    heldout = new Set(shuffled(eligible, opts.seed ?? 1).slice(0, n).map((c) => c.compoundId));
    method = 'fraction';
  }
  if (heldout.size >= all.length) throw new InputError('the split holds out every compound; nothing would be left to train on');
  return db.transaction(() => {
    db.prepare('UPDATE splits SET active = 0').run();
    const splitId = Number(
      db
        .prepare('INSERT INTO splits (created_at, method, seed, params, active) VALUES (?, ?, ?, ?, 1)')
        .run(new Date().toISOString(), method, opts.seed ?? 1, JSON.stringify({ holdoutFraction: opts.holdoutFraction ?? null, file: opts.holdoutCompoundsFile ?? null, folds: opts.folds ?? null, fold: opts.fold ?? null })).lastInsertRowid,
    );
    const ins = db.prepare('INSERT INTO split_compounds (split_id, compound_id, role) VALUES (?, ?, ?)');
    for (const c of all) ins.run(splitId, c.id, heldout.has(c.compoundId) ? 'heldout' : 'train');
    return {
      splitId,
      heldout: all.filter((c) => heldout.has(c.compoundId)).map((c) => c.compoundId),
      train: all.filter((c) => !heldout.has(c.compoundId)).map((c) => c.compoundId),
    };
  })();
}

/** The active split's held-out compound ids (empty set and null id when no split was recorded). */
export function activeSplit(db: DB): { splitId: number | null; heldout: Set<string> } {
  const s = db.prepare('SELECT id FROM splits WHERE active = 1 ORDER BY id DESC LIMIT 1').get() as { id: number } | undefined;
  if (!s) return { splitId: null, heldout: new Set() };
  const rows = db
    .prepare("SELECT c.compound_id FROM split_compounds sc JOIN compounds c ON c.id = sc.compound_id WHERE sc.split_id = ? AND sc.role = 'heldout'")
    .all(s.id) as { compound_id: string }[];
  return { splitId: s.id, heldout: new Set(rows.map((r) => r.compound_id)) };
}
