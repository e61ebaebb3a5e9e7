import path from 'node:path';
import { tune, type TuneCandidate, type TuneResult } from '../core/eval/tune.js';
import { REFERENCE_LOSS, type ModelKind } from '../core/ml/config.js';
import { InputError } from '../core/types.js';
import { abortOnSigint, emit } from './output.js';
import { openCliProject } from './project.js';

const f2 = (x: number | null) => (x === null ? '   –' : x.toFixed(2).padStart(4));

/** Every combination of the temperatures and counterfactual forms asked for. */
function tuneCandidates(o: { temperatures?: string; forms?: string }): TuneCandidate[] {
  const temps = (o.temperatures ?? '').split(',').filter(Boolean).map((t) => {
    const v = Number(t);
    if (!(Number.isFinite(v) && v > 0)) throw new InputError(`--temperatures: "${t}" is not a positive number`);
    return v;
  });
  const forms = (o.forms ?? '').split(',').filter(Boolean);
  for (const f of forms) if (f !== 'ours' && f !== 'reference') throw new InputError(`--forms: "${f}" is not ours or reference`);
  const out: TuneCandidate[] = [];
  for (const form of forms.length ? forms : [null]) {
    for (const t of temps.length ? temps : [null]) {
      const loss = { ...(form === 'reference' ? { counterfactualStopGradient: REFERENCE_LOSS.counterfactualStopGradient, counterfactualContrast: REFERENCE_LOSS.counterfactualContrast } : {}), ...(t !== null ? { temperature: t } : {}) };
      out.push({ label: [form ? `${form} counterfactual` : null, t !== null ? `τ ${t}` : null].filter(Boolean).join(', ') || 'defaults', config: { loss } });
    }
  }
  if (out.length < 2) throw new InputError('give at least two settings to choose between, e.g. --temperatures 0.1,1 or --forms ours,reference');
  return out;
}

function formatTune(r: TuneResult): string {
  return [
    `nested tuning of ${r.model} on ${r.folds} validation folds of the training compounds`,
    `${'setting'.padEnd(36)} NSS@1  mAP  | NSS@1 per fold`,
    ...r.candidates.map((c) => `${c.label.padEnd(36)} ${f2(c.nssTop1)}  ${f2(c.map)}  | ${c.perFold.map((f) => f2(f.nssTop1)).join(' ')}`),
    '',
    `chosen: ${r.chosen}`,
    r.note,
    `${r.seconds.toFixed(0)} s`,
  ].join('\n');
}

export async function runTune(o: { db: string; model: ModelKind; temperatures?: string; forms?: string; folds: string; seed: string; steps?: string; json?: boolean }): Promise<void> {
  const candidates = tuneCandidates(o);
  const folds = Number(o.folds);
  if (!Number.isInteger(folds) || folds < 2) throw new InputError(`--folds must be an integer ≥ 2 (got ${o.folds})`);
  const steps = o.steps === undefined ? undefined : Number(o.steps);
  if (steps !== undefined && !(Number.isInteger(steps) && steps > 0)) throw new InputError(`--steps must be a positive integer (got ${o.steps})`);
  const db = openCliProject(o.db);
  const ctrlC = abortOnSigint();
  try {
    const r = await tune(db, { projectPath: path.resolve(o.db), model: o.model, candidates, folds, seed: Number(o.seed), steps, signal: ctrlC.signal, onProgress: o.json ? undefined : (m) => process.stderr.write(m + '\n') });
    emit(!!o.json, r, () => formatTune(r));
  } finally {
    ctrlC.release();
    db.close();
  }
}
