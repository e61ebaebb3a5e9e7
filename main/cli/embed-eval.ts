import { describeNormalization, type Normalization } from '../core/embeddings/normalization.js';
import { isBaselineName } from '../core/embeddings/baselines.js';
import { evaluateAll, type EvalResult } from '../core/eval/evaluate-all.js';
import type { ReplicateKey } from '../core/eval/labels.js';
import type { Ci95 } from '../core/eval/report.js';
import { featureSets } from '../core/feature-sets/store.js';
import { embedAll, ensureBaselines } from '../core/jobs/embed.js';
import { InputError } from '../core/types.js';
import { emit, nameColumn } from './output.js';
import { openCliProject } from './project.js';

export async function runEmbed(o: {
  db: string;
  json?: boolean;
  normalize?: 'dmso' | 'all';
  whitenRidge?: string;
  batchCorrect?: 'none' | 'harmony';
  harmonyBy?: Normalization['harmonyBy'];
  executionProvider?: string;
  allowSoftwareGpu?: boolean;
}): Promise<void> {
  const db = openCliProject(o.db);
  try {
    const tty = !o.json && process.stderr.isTTY;
    const whitenRidge = o.whitenRidge === undefined ? undefined : Number(o.whitenRidge);
    if (whitenRidge !== undefined && !(Number.isFinite(whitenRidge) && whitenRidge >= 0)) throw new InputError(`--whiten-ridge must be a number ≥ 0, not "${o.whitenRidge}"`);
    const r = await embedAll(db, {
      label: o.db,
      normalization: { reference: o.normalize, whitenRidge, batchCorrect: o.batchCorrect, harmonyBy: o.harmonyBy },
      inference: { executionProviders: o.executionProvider ? [o.executionProvider] : undefined, allowSoftwareGpu: o.allowSoftwareGpu },
      onProgress: tty
        ? (p) => {
            if (p.stage === 'handcrafted') process.stderr.write(`\rhandcrafted features ${p.done}/${p.total}   `);
            else if (p.stage === 'models' && p.done === 0) process.stderr.write('\r\x1b[K');
          }
        : undefined,
    });
    const { featureSets: profiles, models, seconds } = r;
    emit(!!o.json, r, () =>
      [
        `normalisation: ${describeNormalization(r.normalization)} (kept in the project)`,
        ...profiles.map((p) => `${p.featureSet.padEnd(24)} ${p.wells} well profiles × ${p.dim} (ZCA on ${p.controlWells} ${p.spheringReference} wells${p.harmony ? `; Harmony ${p.harmony.rounds} rounds, ${p.harmony.clusters} clusters${p.harmony.converged ? '' : ', not converged'}` : ''})`),
        ...r.baselines.map((b) => `  baseline ${b.name}: ${b.what}`),
        ...models.map(
          (m) =>
            `  ${m.name}: ${m.sites} ${m.samples} embedded with onnxruntime ${m.provider}${m.adapter ? ` on ${m.adapter}` : ''}, ${Math.round(m.sitesPerSecond)} ${m.samples}/s${m.providerNote ? `\n    skipped ${m.providerNote}` : ''}`,
        ),
        `time: ${seconds.toFixed(1)} s`,
      ].join('\n'),
    );
  } finally {
    db.close();
  }
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '   –' : x.toFixed(2).padStart(4));
const ci = (c: Ci95 | undefined) => (c ? `[${c[0].toFixed(2)},${c[1].toFixed(2)}]` : '      –      ');
const withCi = (x: number | null | undefined, c: Ci95 | undefined) => `${pct(x)} ${ci(c)}`;

export function formatEval(r: EvalResult): string {
  const sets = Object.entries(r.featureSets);
  const label = (name: string) => `${name}${isBaselineName(name) ? ' *' : ''}`;
  const col = nameColumn([...sets.map(([name]) => label(name)), ...(Array.isArray(r.zeroShot) ? r.zeroShot.map((z) => z.featureSet) : [])], 26);
  const lines = [
    `split: ${r.split.heldout_compounds} held-out compounds${r.split.id === null ? ' (no split recorded: run micon split; every compound counts as trained)' : ''}; replicates: ${r.replicates ?? 'compound'}; [95 % compound-bootstrap intervals]`,
  ];
  for (const group of ['heldout', 'trained'] as const) {
    lines.push('', `${group === 'heldout' ? 'HELD-OUT compounds (never seen in training)' : 'TRAINED compounds (memory, not generalisation)'}`);
    lines.push(`${col('feature set')} queries miss  ${'NSB@1'.padEnd(18)} ${'NSS@1'.padEnd(18)} NSS@5  ${'mAP'.padEnd(18)} ${'mAP vs DMSO'.padEnd(18)} retr  same-plate NN`);
    for (const [name, rep] of sets) {
      const g = rep[group];
      lines.push(
        `${col(label(name))} ${String(g.queries).padStart(7)} ${String(g.nss.skipped).padStart(4)}  ${withCi(g.nsb.top1, g.nsb.top1Ci95)} ${withCi(g.nss.top1, g.nss.top1Ci95)} ${pct(g.nss.top5)}  ${withCi(g.map, g.mapCi95)} ${withCi(g.mapActivity?.map, g.mapActivity?.mapCi95)} ${pct(g.mapActivity?.fractionRetrieved)}  ${pct(g.samePlateNeighbourRate)} (chance ${pct(g.samePlateChance)})`,
      );
    }
  }
  lines.push(
    '',
    '* fair baseline: <set>_z = the input a feature head gets (robust z vs DMSO, clip, L2) with no head; <model>_untrained = same architecture, initial weights; cellcount = nuclei per well.',
    'miss: NSS queries with no replicate in another source (counted as misses). mAP vs DMSO: copairs activity; retr: fraction retrieved (BH q < 0.05).',
  );
  const norms = [...new Set(sets.map(([, rep]) => rep.normalizationDescription).filter((d): d is string => !!d))];
  if (norms.length) lines.push(`normalisation: ${norms.join(' | ')}`);
  if (r.comparisons?.length) {
    lines.push('', `HELD-OUT, paired difference vs ${r.comparisons[0].reference} (same compound resamples)`);
    for (const c of r.comparisons) lines.push(`${col(c.featureSet)} NSS@1 ${signed(c.nssTop1.diff)} ${ci(c.nssTop1.ci95)}   mAP ${signed(c.map.diff)} ${ci(c.map.ci95)}`);
  }
  if (r.zeroShot && 'error' in r.zeroShot) lines.push('', `zero-shot from SMILES: not run (${r.zeroShot.error})`);
  else if (r.zeroShot?.length) {
    lines.push('', 'HELD-OUT compounds found from their SMILES alone (own wells among all treated wells)');
    for (const z of r.zeroShot) {
      lines.push(
        `${col(z.featureSet)} ${z.compounds} compounds  predicted profile: top1 ${withCi(z.prediction.top1, z.prediction.top1Ci95)} top10 ${pct(z.prediction.top10)} mAP ${withCi(z.prediction.map, z.prediction.mapCi95)}`,
        `${col('')} ${''.padEnd(String(z.compounds).length)}            nearest trained analog: top1 ${withCi(z.nearestTrainedAnalog.top1, z.nearestTrainedAnalog.top1Ci95)} top10 ${pct(z.nearestTrainedAnalog.top10)} mAP ${withCi(z.nearestTrainedAnalog.map, z.nearestTrainedAnalog.mapCi95)}`,
        `${col('')} difference (predicted − analog): top1 ${signed(z.difference.top1)} ${ci(z.difference.top1Ci95)}  mAP ${signed(z.difference.map)} ${ci(z.difference.mapCi95)}`,
      );
    }
  }
  if (r.split.id !== null) lines.push('', bestLine(r));
  if (r.tuning) lines.push(`tuning: ${r.tuning}`);
  return lines.join('\n');
}

const signed = (x: number | null) => (x === null ? '   –' : `${x >= 0 ? '+' : ''}${x.toFixed(2)}`);

/** Which feature set leads on held-out compounds, per headline metric (ties named together). */
function bestLine(r: EvalResult): string {
  const lead = (get: (g: EvalResult['featureSets'][string]['heldout']) => number | null) => {
    const scored = Object.entries(r.featureSets).flatMap(([n, rep]) => {
      const v = get(rep.heldout);
      return v === null ? [] : [{ n, v: Math.round(v * 100) / 100 }];
    });
    const top = Math.max(...scored.map((x) => x.v));
    return scored.length ? `${scored.filter((x) => x.v === top).map((x) => x.n).join(', ')} (${top.toFixed(2)})` : '–';
  };
  return `highest point estimate on held-out compounds (check the intervals before calling a winner): NSS@1 ${lead((g) => g.nss.top1)}; mAP ${lead((g) => g.map)}; mechanism ${lead((g) => g.mechanism?.map ?? null)}`;
}

export async function runEval(o: { db: string; permutations: string; replicates?: ReplicateKey; resamples?: string; zeroShot?: boolean; json?: boolean }): Promise<void> {
  const db = openCliProject(o.db);
  try {
    if (!featureSets(db).length) throw new InputError(`${o.db}: nothing to evaluate yet; run micon embed first`);
    const resamples = Number(o.resamples ?? 1000);
    if (!Number.isInteger(resamples) || resamples < 0) throw new InputError(`--resamples must be a whole number ≥ 0, not "${o.resamples}"`);
    const added = await ensureBaselines(db);
    if (added.length && !o.json) process.stderr.write(`added the fair baselines this project lacked: ${added.join(', ')}\n`);
    const r = evaluateAll(db, { permutations: Number(o.permutations), replicates: o.replicates, resamples });
    if (o.zeroShot !== false) {
      // A model whose checkpoint is gone cannot predict; the rest of the evaluation still stands.
      const { zeroShotEval } = await import('../core/eval/zero-shot.js');
      try {
        r.zeroShot = await zeroShotEval(db, { resamples });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        r.zeroShot = { error: e.message };
      }
    }
    emit(!!o.json, r, () => formatEval(r));
  } finally {
    db.close();
  }
}
