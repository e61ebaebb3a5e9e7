// How a feature set's well profiles are normalised: the per-plate reference of the robust MAD step,
// the ZCA ridge, and batch correction. The project keeps one choice (set by `embed`), every set
// records the one it was built with, and `eval` reports it next to the set's numbers.
import type { DB } from '../db/open.js';
import { DEFAULT_SPHERING_EPSILON_REL } from '../profiles/normalize.js';
import { InputError } from '../types.js';

export interface Normalization {
  /** Per-plate reference of the robust MAD: the plate's DMSO wells, or all its wells. */
  reference: 'dmso' | 'all';
  /** ZCA ridge relative to the mean non-null eigenvalue of the control covariance. */
  whitenRidge: number;
  batchCorrect: 'none' | 'harmony';
  /** The grouping Harmony removes (ignored without it). */
  harmonyBy: 'plate' | 'batch' | 'source';
}

const DEFAULT_NORMALIZATION: Normalization = { reference: 'dmso', whitenRidge: DEFAULT_SPHERING_EPSILON_REL, batchCorrect: 'none', harmonyBy: 'plate' };

export function projectNormalization(db: DB): Normalization {
  const r = db.prepare("SELECT value FROM project_settings WHERE key = 'normalization'").get() as { value: string } | undefined;
  return { ...DEFAULT_NORMALIZATION, ...(r ? (JSON.parse(r.value) as Partial<Normalization>) : {}) };
}

/** Validate and store the project's choice; returns the merged settings. */
export function setProjectNormalization(db: DB, o: Partial<Normalization>): Normalization {
  const n = { ...projectNormalization(db), ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as Normalization;
  if (n.reference !== 'dmso' && n.reference !== 'all') throw new InputError(`--normalize must be dmso or all, not "${n.reference}"`);
  if (!(Number.isFinite(n.whitenRidge) && n.whitenRidge >= 0)) throw new InputError(`--whiten-ridge must be a number ≥ 0 (relative to the mean eigenvalue), not "${n.whitenRidge}"`);
  if (n.batchCorrect !== 'none' && n.batchCorrect !== 'harmony') throw new InputError(`--batch-correct must be none or harmony, not "${n.batchCorrect}"`);
  if (!['plate', 'batch', 'source'].includes(n.harmonyBy)) throw new InputError(`--harmony-by must be plate, batch or source, not "${n.harmonyBy}"`);
  db.prepare("INSERT INTO project_settings (key, value) VALUES ('normalization', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(n));
  return n;
}

/** What a set was normalised with (null for sets built before this was recorded). */
export function setNormalization(db: DB, featureSetId: number): Normalization | null {
  const r = db.prepare('SELECT normalization FROM feature_sets WHERE id = ?').get(featureSetId) as { normalization: string | null } | undefined;
  return r?.normalization ? (JSON.parse(r.normalization) as Normalization) : null;
}

export function describeNormalization(n: Normalization): string {
  const parts = [`MAD vs ${n.reference === 'dmso' ? 'DMSO' : 'all wells'} per plate`, `ZCA ridge ${n.whitenRidge}`];
  if (n.batchCorrect === 'harmony') parts.push(`Harmony by ${n.harmonyBy}`);
  return parts.join(', ');
}
