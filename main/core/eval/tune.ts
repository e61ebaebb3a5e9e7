// Nested tuning: choose a training setting (temperature, the counterfactual form, the training
// compounds) on validation folds of the *training* compounds only. The active split's held-out
// compounds are never trained on, never scored and never a retrieval candidate here, so the
// numbers `eval` reports on them stay untouched by the choice. Works on a copy of the project.
import fs from 'node:fs';
import path from 'node:path';
import { openProject, type DB } from '../db/open.js';
import { embedModels } from '../embeddings/models.js';
import { buildProfiles, loadProfiles } from '../embeddings/profiles.js';
import { featureSetByName } from '../feature-sets/store.js';
import { throwIfCancelled } from '../util/cancel.js';
import type { ConfigOverrides, ModelKind } from '../ml/config.js';
import { train } from '../ml/train.js';
import { selectRows } from '../profiles/matrix.js';
import { activeSplit, createSplit } from '../split/split.js';
import { InputError } from '../types.js';
import { evaluate } from './report.js';

export interface TuneCandidate {
  label: string;
  config?: ConfigOverrides;
  compounds?: 'all' | 'active' | 'active-wells';
}

export interface TuneOptions {
  projectPath: string;
  model?: ModelKind;
  candidates: TuneCandidate[];
  folds?: number;
  seed?: number;
  steps?: number;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface TuneResult {
  model: ModelKind;
  folds: number;
  /** The active split's held-out compounds: excluded from every fold (not trained, not scored, not candidates). */
  excludedHeldout: number;
  candidates: { label: string; perFold: { nssTop1: number | null; map: number | null; queries: number }[]; nssTop1: number | null; map: number | null }[];
  chosen: string;
  note: string;
  seconds: number;
}

const mean = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

export async function tune(db: DB, o: TuneOptions): Promise<TuneResult> {
  const t0 = performance.now();
  const model = o.model ?? 'micon';
  const folds = o.folds ?? 3;
  const seed = o.seed ?? 1;
  if (!o.candidates.length) throw new InputError('nothing to tune: give at least one candidate setting');
  const outer = activeSplit(db);
  const dir = path.join(`${o.projectPath}.d`, 'tune');
  fs.mkdirSync(dir, { recursive: true });
  const results = o.candidates.map((c) => ({ label: c.label, perFold: [] as TuneResult['candidates'][number]['perFold'] }));
  const compounds = (db.prepare("SELECT DISTINCT c.compound_id AS id FROM compounds c JOIN wells w ON w.compound_id = c.id WHERE c.is_control = 0 AND w.pert_type = 'trt' GROUP BY c.id HAVING COUNT(w.id) >= 2 ORDER BY c.compound_id").all() as { id: string }[])
    .map((r) => r.id)
    .filter((c) => !outer.heldout.has(c));
  if (compounds.length < folds) throw new InputError(`${compounds.length} training compounds with replicates cannot be cut into ${folds} validation folds`);
  // Seeded assignment of training compounds to validation folds.
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32);
  const order = compounds.map((c) => ({ c, r: rnd() })).sort((a, b) => a.r - b.r).map((x) => x.c);
  for (let fold = 0; fold < folds; fold++) {
    const validation = new Set(order.filter((_, i) => i % folds === fold));
    for (const [ci, cand] of o.candidates.entries()) {
      throwIfCancelled(o.signal ?? new AbortController().signal);
      const file = path.join(dir, `fold-${fold + 1}-${ci}.micon`);
      const clean = () => {
        for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
        fs.rmSync(`${file}.d`, { recursive: true, force: true });
      };
      clean();
      db.prepare('VACUUM INTO ?').run(file);
      const copy = openProject(file);
      try {
        copy.prepare('DELETE FROM models').run();
        copy.prepare("DELETE FROM feature_sets WHERE kind = 'model' OR model_id IS NOT NULL").run();
        const list = path.join(dir, `holdout-${fold + 1}.txt`);
        fs.writeFileSync(list, [...outer.heldout, ...validation].join('\n') + '\n');
        createSplit(copy, { holdoutCompoundsFile: list });
        await train(copy, { model, steps: o.steps, seed, projectPath: file, config: cand.config, compounds: cand.compounds, name: 'tune', signal: o.signal });
        await embedModels(copy);
        const fs_ = featureSetByName(copy, 'tune')!;
        buildProfiles(copy, fs_.id);
        const all = loadProfiles(copy, fs_.id);
        // The outer held-out compounds' wells leave the pool entirely.
        const keep = all.meta.flatMap((m, i) => (m.compound && outer.heldout.has(m.compound) ? [] : [i]));
        const r = evaluate(selectRows(all.profiles, keep), keep.map((i) => all.meta[i]), { heldoutCompounds: validation, permutations: 0, resamples: 0, seed });
        results[ci].perFold.push({ nssTop1: r.heldout.nss.top1, map: r.heldout.map, queries: r.heldout.queries });
        o.onProgress?.(`fold ${fold + 1}/${folds}, ${cand.label}: validation NSS@1 ${r.heldout.nss.top1?.toFixed(2)} mAP ${r.heldout.map?.toFixed(2)} (${validation.size} compounds)`);
      } finally {
        copy.close();
        clean();
      }
    }
  }
  const candidates = results.map((r) => ({ ...r, nssTop1: mean(r.perFold.map((f) => f.nssTop1)), map: mean(r.perFold.map((f) => f.map)) }));
  const best = [...candidates].sort((a, b) => (b.nssTop1 ?? -1) - (a.nssTop1 ?? -1) || (b.map ?? -1) - (a.map ?? -1))[0];
  return {
    model,
    folds,
    excludedHeldout: outer.heldout.size,
    candidates,
    chosen: best.label,
    note: `chosen on ${folds} validation folds of the ${compounds.length} training compounds (highest mean NSS@1, then mAP); the ${outer.heldout.size} held-out compounds were not trained on, scored or used as candidates`,
    seconds: (performance.now() - t0) / 1000,
  };
}
