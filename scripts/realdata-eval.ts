// Real-data numbers for the README: a profile table → profiles-first project → k-fold over compounds
// (every compound with replicates held out once) → MICON (and the image-only head) trained per fold on
// the imported features → held-out replicate mAP and mechanism mAP per compound, pooled over folds, with
// 95 % compound-bootstrap intervals and paired differences against the baselines given the same input:
//   <set>      the imported features, per-plate robust MAD vs DMSO + ZCA (what every set gets);
//   <set>_z    the head's input treatment alone (per-plate robust z vs DMSO, clipped ±10), then the same.
//
//   npx tsx scripts/realdata-eval.ts TABLE [--compounds FILE] [--out DIR] [--folds 4] [--steps 500]
//     [--seed 1] [--models micon,image_only] [--mechanism-exclude batch|none] [--residual-rank R]
// Prints a markdown table; writes DIR/realdata-eval.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openProject, type DB } from '../main/core/db/open.js';
import { importProfiles } from '../main/core/embeddings/import-profiles.js';
import { embedModels } from '../main/core/embeddings/models.js';
import { buildAllProfiles, buildProfiles, loadProfiles } from '../main/core/embeddings/profiles.js';
import { replaceFeatureSet, setFeatureNames, featureNames, featureSetByName, featureSets, wellInfo, writeImportedWellFeatures } from '../main/core/feature-sets/store.js';
import { averagePrecision, classifyMechanism, classifyReplicates } from '../main/core/eval/ap.js';
import { encodeMeta, KIND_CONTROL, KIND_TREATED, treatedQueries, wellsOfKind, type Exclusion } from '../main/core/eval/labels.js';
import { forEachSimilarityRow } from '../main/core/eval/similarity.js';
import type { ModelKind } from '../main/core/ml/config.js';
import { train } from '../main/core/ml/train.js';
import { normalizedWellFeatures } from '../main/core/ml/train-data.js';
import { createSplit } from '../main/core/split/split.js';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    compounds: { type: 'string' },
    out: { type: 'string' },
    folds: { type: 'string', default: '4' },
    steps: { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    models: { type: 'string', default: 'micon,image_only' },
    'mechanism-exclude': { type: 'string', default: 'batch' },
    'residual-rank': { type: 'string' },
    bootstrap: { type: 'string', default: '2000' },
  },
});
const table = positionals[0];
if (!table) throw new Error('usage: realdata-eval.ts TABLE [--compounds FILE] [--out DIR] …');
const out = o.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'micon-realdata-'));
fs.mkdirSync(out, { recursive: true });
const folds = Number(o.folds);
const steps = Number(o.steps);
const seed = Number(o.seed);
const models = o.models.split(',').filter(Boolean) as ModelKind[];
const mechExclude = o['mechanism-exclude'] as Exclusion;
const residualRank = o['residual-rank'] ? Number(o['residual-rank']) : undefined;
const log = (m: string) => process.stderr.write(m + '\n');

interface Row {
  set: string;
  fold: number;
  compound: string;
  rep: number | null;
  mech: number | null;
  /** The well's concentration and distance from DMSO (norm of its normalised profile), for dose response. */
  conc: number | null;
  norm: number;
}

/** Held-out queries of every set with profiles: replicate AP (any other well) and mechanism AP (other compounds, `mechExclude`). */
function score(db: DB, heldout: Set<string>, fold: number): Row[] {
  const rows: Row[] = [];
  const concOf = new Map(wellInfo(db).map((w) => [w.wellId, w.concentration]));
  for (const fs0 of featureSets(db)) {
    const { profiles, meta } = loadProfiles(db, fs0.id);
    if (!profiles.rows) continue;
    const enc = encodeMeta(meta);
    const cands = wellsOfKind(enc, KIND_TREATED, KIND_CONTROL);
    const cls = new Int8Array(cands.length);
    forEachSimilarityRow(profiles, treatedQueries(enc, heldout), cands, (q, sims) => {
      const compound = enc.compoundNames[enc.compound[q]];
      classifyReplicates(enc, q, cands, 'none', cls);
      const rep = averagePrecision(sims, cls, cands.length)?.ap ?? null;
      const has = classifyMechanism(enc, q, cands, mechExclude, cls);
      const mech = has ? (averagePrecision(sims, cls, cands.length)?.ap ?? null) : null;
      const v = profiles.data.subarray(q * profiles.cols, (q + 1) * profiles.cols);
      rows.push({ set: fs0.name, fold, compound, rep, mech, conc: concOf.get(meta[q].wellId) ?? null, norm: Math.hypot(...v) });
    });
  }
  return rows;
}

/** Spearman correlation of x and y (average ranks for ties); null when either is constant. */
function spearman(x: number[], y: number[]): number | null {
  const rank = (a: number[]) => {
    const idx = a.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
    const out = new Array<number>(a.length);
    for (let i = 0; i < idx.length; ) {
      let j = i;
      while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
      for (let k = i; k <= j; k++) out[idx[k][1]] = (i + j) / 2;
      i = j + 1;
    }
    return out;
  };
  const rx = rank(x);
  const ry = rank(y);
  const m = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const mx = m(rx);
  const my = m(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx && syy ? sxy / Math.sqrt(sxx * syy) : null;
}

/** Per compound with ≥ 3 doses: Spearman of dose vs distance from DMSO. */
function doseResponse(rows: Row[]): Map<string, number> {
  const by = new Map<string, Row[]>();
  for (const r of rows) if (r.conc !== null) by.set(r.compound, [...(by.get(r.compound) ?? []), r]);
  const out = new Map<string, number>();
  for (const [c, rs] of by) {
    if (new Set(rs.map((r) => r.conc)).size < 3) continue;
    const rho = spearman(rs.map((r) => r.conc!), rs.map((r) => r.norm));
    if (rho !== null) out.set(c, rho);
  }
  return out;
}

/** Per compound: mean over its query wells (the copairs convention). */
function perCompound(rows: Row[], key: 'rep' | 'mech'): Map<string, number> {
  const acc = new Map<string, { s: number; n: number }>();
  for (const r of rows) {
    const v = r[key];
    if (v === null) continue;
    const a = acc.get(r.compound) ?? { s: 0, n: 0 };
    a.s += v;
    a.n++;
    acc.set(r.compound, a);
  }
  return new Map([...acc].map(([c, a]) => [c, a.s / a.n]));
}

function rng(s: number) {
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

/** Mean over compounds and its 95 % bootstrap interval (compounds resampled with replacement). */
function boot(values: Map<string, number>, compounds: string[], b: number, s: number): { mean: number; lo: number; hi: number; n: number } {
  const xs = compounds.map((c) => values.get(c)!);
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  const r = rng(s);
  const means: number[] = [];
  for (let i = 0; i < b; i++) {
    let t = 0;
    for (let j = 0; j < xs.length; j++) t += xs[Math.floor(r() * xs.length)];
    means.push(t / xs.length);
  }
  means.sort((a, c) => a - c);
  return { mean, lo: means[Math.floor(0.025 * b)], hi: means[Math.floor(0.975 * b)], n: xs.length };
}

const t0 = performance.now();
const base = path.join(out, 'project.micon');
for (const f of [base, `${base}-wal`, `${base}-shm`]) fs.rmSync(f, { force: true });
const db = openProject(base);
const imp = await importProfiles(db, table, { createPlates: true, compoundsFile: o.compounds });
const setName = imp.featureSet;
log(`imported ${imp.wells} wells × ${imp.features} features on ${imp.plates} plates; ${imp.created!.compounds} compounds, ${imp.created!.compoundsWithSmiles} with a structure`);
// <set>_z: the head's own input treatment as a feature set, normalised and sphered like every set.
{
  const w = normalizedWellFeatures(db, setName);
  const info = new Map(wellInfo(db).map((x) => [x.wellId, x]));
  db.transaction(() => {
    const id = replaceFeatureSet(db, { name: `${setName}_z`, kind: 'imported', dim: w.feats.dim, version: 'per-plate robust z vs DMSO, clipped ±10', modelId: null });
    setFeatureNames(db, id, featureNames(db, featureSetByName(db, setName)!.id)!);
    writeImportedWellFeatures(db, id, w.samples.map((s) => ({ plate: info.get(s.wellId)!.plate, well: info.get(s.wellId)!.well, nRows: 1, vec: w.feats.bySite.get(s.siteId)! })));
    buildProfiles(db, id);
  })();
}
const rows: Row[] = [];
const heldoutAll: string[] = [];
for (let fold = 0; fold < folds; fold++) {
  const file = path.join(out, `fold-${fold + 1}.micon`);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  fs.rmSync(`${file}.d`, { recursive: true, force: true });
  db.prepare('VACUUM INTO ?').run(file);
  const copy = openProject(file);
  try {
    const split = createSplit(copy, { folds, fold, seed });
    heldoutAll.push(...split.heldout);
    for (const model of models) {
      const r = await train(copy, {
        model,
        featureSource: setName,
        steps,
        seed,
        backend: 'wasm',
        projectPath: file,
        residualRank,
      });
      log(`fold ${fold + 1}/${folds}: ${split.heldout.length} held out; ${model}: ${r.trainCompounds} training compounds, loss ${r.lossStart.toFixed(3)} → ${r.lossEnd.toFixed(3)} (${r.seconds.toFixed(0)} s)`);
    }
    await embedModels(copy);
    buildAllProfiles(copy);
    rows.push(...score(copy, new Set(split.heldout), fold + 1));
  } finally {
    copy.close();
  }
}
db.close();

const sets = [...new Set(rows.map((r) => r.set))];
const B = Number(o.bootstrap);
const result: Record<string, Record<string, unknown>> = {};
const baselines = [setName, `${setName}_z`];
for (const key of ['rep', 'mech', 'dose'] as const) {
  const per = new Map(sets.map((s) => [s, key === 'dose' ? doseResponse(rows.filter((r) => r.set === s)) : perCompound(rows.filter((r) => r.set === s), key)]));
  if (!per.get(setName)!.size) continue;
  // Compounds every set scored, so intervals and differences are paired.
  const common = [...per.get(setName)!.keys()].filter((c) => sets.every((s) => per.get(s)!.has(c))).sort();
  for (const s of sets) {
    const b = boot(per.get(s)!, common, B, seed);
    const diffs = Object.fromEntries(
      baselines
        .filter((x) => x !== s)
        .map((x) => {
          const d = new Map(common.map((c) => [c, per.get(s)!.get(c)! - per.get(x)!.get(c)!]));
          return [x, boot(d, common, B, seed + 1)];
        }),
    );
    result[s] = { ...result[s], [key === 'rep' ? 'replicateMap' : key === 'mech' ? 'mechanismMap' : 'doseSpearman']: { ...b, minus: diffs } };
  }
}
const summary = {
  table: path.resolve(table),
  compoundsFile: o.compounds ? path.resolve(o.compounds) : null,
  wells: imp.wells,
  features: imp.features,
  plates: imp.plates,
  compounds: imp.created!.compounds,
  compoundsWithSmiles: imp.created!.compoundsWithSmiles,
  folds,
  steps,
  seed,
  models,
  residualRank: residualRank ?? null,
  mechanismExclude: mechExclude,
  heldoutCompounds: heldoutAll.length,
  bootstrap: B,
  sets: result,
  seconds: (performance.now() - t0) / 1000,
};
fs.writeFileSync(path.join(out, 'realdata-eval.json'), JSON.stringify(summary, null, 2));
const f = (x: { mean: number; lo: number; hi: number }) => `${x.mean.toFixed(3)} [${x.lo.toFixed(3)}, ${x.hi.toFixed(3)}]`;
const lines = [
  `| feature set | replicate mAP (held-out) | Δ vs ${setName} | mechanism mAP (${mechExclude === 'batch' ? 'other batches' : 'any well'}) | Δ vs ${setName} | dose ρ (distance from DMSO) |`,
  '|---|---|---|---|---|---|',
];
for (const s of sets) {
  const r = result[s] as Record<string, { mean: number; lo: number; hi: number; n: number; minus: Record<string, { mean: number; lo: number; hi: number }> }>;
  const d = (k: string) => (r[k]?.minus[setName] ? f(r[k].minus[setName]) : '—');
  lines.push(`| ${s} | ${f(r.replicateMap)} | ${d('replicateMap')} | ${r.mechanismMap ? f(r.mechanismMap) : '—'} | ${d('mechanismMap')} | ${r.doseSpearman ? f(r.doseSpearman) : '—'} |`);
}
process.stdout.write(lines.join('\n') + `\n\n${heldoutAll.length} held-out compounds over ${folds} folds; ${(result[setName] as { replicateMap: { n: number } }).replicateMap.n} scored; ${summary.seconds.toFixed(0)} s; JSON: ${path.join(out, 'realdata-eval.json')}\n`);
