import path from 'node:path';
import { crossValidate, type CrossValidationResult } from '../core/eval/cross-validate.js';
import { InputError } from '../core/types.js';
import { abortOnSigint, emit, nameColumn } from './output.js';
import { openCliProject } from './project.js';

const num = (v: string | undefined, name: string, min: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InputError(`${name} must be an integer ≥ ${min} (got ${v})`);
  return n;
};
const f2 = (x: number | null) => (x === null ? '   –' : x.toFixed(2).padStart(4));

function formatCrossValidation(r: CrossValidationResult): string {
  const col = nameColumn(Object.keys(r.pooled), 24);
  const lines = [
    `${r.folds}-fold cross-validation over compounds (seed ${r.seed}): every compound with replicates held out once; models retrained per fold`,
    `${col('feature set')} queries  NSB@1 NSS@1 NSS@5 NSS@10  mAP  mech  | NSS@1 per fold`,
  ];
  for (const [name, p] of Object.entries(r.pooled)) {
    const folds = r.perFold.map((f) => f2(f.featureSets[name]?.nss.top1 ?? null)).join(' ');
    lines.push(`${col(name)} ${String(p.queries).padStart(7)}  ${f2(p.nsb.top1)}  ${f2(p.nss.top1)}  ${f2(p.nss.top5)}  ${f2(p.nss.top10)}  ${f2(p.map)}  ${f2(p.mechanism)}  | ${folds}`);
  }
  lines.push('', `(held-out compounds only; pooled over folds: top-k and mechanism weighted by queries, mAP by compounds) ${r.seconds.toFixed(0)} s`);
  return lines.join('\n');
}

export async function runCrossValidate(o: { db: string; folds: string; seed: string; steps?: string; permutations: string; json?: boolean }): Promise<void> {
  const folds = num(o.folds, '--folds', 2)!;
  const seed = num(o.seed, '--seed', 0)!;
  const steps = num(o.steps, '--steps', 1);
  const permutations = num(o.permutations, '--permutations', 0)!;
  const db = openCliProject(o.db);
  const ctrlC = abortOnSigint();
  try {
    const r = await crossValidate(db, {
      projectPath: path.resolve(o.db),
      folds,
      seed,
      steps,
      permutations,
      signal: ctrlC.signal,
      onProgress: o.json ? undefined : (m) => process.stderr.write(m + '\n'),
    });
    emit(!!o.json, r, () => formatCrossValidation(r));
  } finally {
    ctrlC.release();
    db.close();
  }
}
