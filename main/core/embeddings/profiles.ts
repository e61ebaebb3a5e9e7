import type { DB } from '../db/open.js';
import { evaluate, type EvalReport } from '../eval/report.js';
import { aggregateWells } from '../profiles/aggregate.js';
import { createMatrix, type Matrix } from '../profiles/matrix.js';
import { normalizeProfiles } from '../profiles/normalize.js';
import type { WellMeta } from '../profiles/well-meta.js';
import { activeSplit } from '../split/split.js';
import { featureSets, isWellLevelSet, loadImportedWellFeatures, loadSiteVectors, loadWellProfiles, wellInfo, writeWellProfiles } from './store.js';

export interface ProfileSummary {
  featureSet: string;
  wells: number;
  dim: number;
  controlWells: number;
  spheringReference: 'negcon' | 'all';
  fallbackPlates: number;
}

function metaFor(db: DB, wellIds: number[]): WellMeta[] {
  const byId = new Map(wellInfo(db).map((w) => [w.wellId, w]));
  return wellIds.map((id) => {
    const w = byId.get(id)!;
    return { wellId: id, plate: w.plate, batch: w.batch, source: w.source, compound: w.compound, pertType: w.pertType, moa: w.moa };
  });
}

/** Raw and normalised well profiles and the sphering transform, in one transaction. */
function writeNormalized(db: DB, featureSetId: number, wellIds: number[], raw: Matrix, n: ReturnType<typeof normalizeProfiles>): void {
  const { mean, matrix, controls } = n.transform;
  db.transaction(() => {
    writeWellProfiles(db, featureSetId, wellIds, raw.cols, raw.data, n.sphered.data);
    db.prepare('INSERT OR REPLACE INTO sphering (feature_set_id, mean, matrix, fitted_on) VALUES (?, ?, ?, ?)').run(
      featureSetId,
      Buffer.from(mean.buffer, mean.byteOffset, mean.byteLength),
      Buffer.from(matrix.buffer, matrix.byteOffset, matrix.byteLength),
      controls,
    );
  })();
}

/** Site vectors → well means → per-plate robust MAD vs DMSO → ZCA on controls; raw and normalised are both stored. */
export function buildProfiles(db: DB, featureSetId: number): ProfileSummary {
  const fs = featureSets(db).find((f) => f.id === featureSetId);
  if (!fs) throw new Error(`no feature set ${featureSetId}`);
  if (isWellLevelSet(db, fs)) return buildImportedProfiles(db, featureSetId);
  const sites = loadSiteVectors(db, featureSetId);
  const agg = aggregateWells(createMatrix(sites.rows, sites.cols, sites.data), sites.wellIds);
  const meta = metaFor(db, agg.wellIds);
  const n = normalizeProfiles(agg.profiles, meta);
  writeNormalized(db, featureSetId, agg.wellIds, agg.profiles, n);
  return {
    featureSet: fs.name,
    wells: agg.wellIds.length,
    dim: agg.profiles.cols,
    controlWells: meta.filter((m) => m.pertType === 'negcon').length,
    spheringReference: n.spheringReference,
    fallbackPlates: n.madReport.fallbackPlates.length,
  };
}

/**
 * A well-level feature set (`micon import-profiles`, or a model's embedding of one): its rows are
 * already wells, so the well means are the stored values themselves (joined to the project's wells
 * by plate and well name); then the same per-plate robust MAD vs DMSO and ZCA on controls as every
 * other set.
 */
export function buildImportedProfiles(db: DB, featureSetId: number): ProfileSummary {
  const fs = featureSets(db).find((f) => f.id === featureSetId);
  if (!fs) throw new Error(`no feature set ${featureSetId}`);
  if (!isWellLevelSet(db, fs)) throw new Error(`feature set ${fs.name} is not well-level (${fs.kind})`);
  const input = loadImportedWellFeatures(db, featureSetId);
  const profiles = createMatrix(input.rows, input.rows ? input.cols : fs.dim, input.data);
  const meta = metaFor(db, input.wellIds);
  const n = normalizeProfiles(profiles, meta);
  writeNormalized(db, featureSetId, input.wellIds, profiles, n);
  return {
    featureSet: fs.name,
    wells: input.rows,
    dim: profiles.cols,
    controlWells: meta.filter((m) => m.pertType === 'negcon').length,
    spheringReference: n.spheringReference,
    fallbackPlates: n.madReport.fallbackPlates.length,
  };
}

/** Profiles of every feature set, reporting each as it is done. */
export function buildAllProfiles(db: DB, onEach?: (summary: ProfileSummary, done: number, total: number) => void): ProfileSummary[] {
  const sets = featureSets(db);
  return sets.map((f, i) => {
    const s = buildProfiles(db, f.id);
    onEach?.(s, i + 1, sets.length);
    return s;
  });
}

/** Normalised well profiles of a feature set with their metadata, ready for evaluation and search. */
export function loadProfiles(db: DB, featureSetId: number): { profiles: Matrix; meta: WellMeta[] } {
  const p = loadWellProfiles(db, featureSetId);
  return { profiles: createMatrix(p.rows, p.cols, p.data), meta: metaFor(db, p.wellIds) };
}

export interface EvalResult {
  split: { id: number | null; heldout_compounds: number };
  featureSets: Record<string, EvalReport>;
}

/** Evaluate every feature set that has profiles, on the active split (held-out compounds first). */
export function evaluateAll(db: DB, opts: { permutations?: number; seed?: number } = {}): EvalResult {
  const split = activeSplit(db);
  const out: EvalResult = { split: { id: split.splitId, heldout_compounds: split.heldout.size }, featureSets: {} };
  for (const fs of featureSets(db)) {
    const { profiles, meta } = loadProfiles(db, fs.id);
    if (!profiles.rows) continue;
    out.featureSets[fs.name] = evaluate(profiles, meta, { heldoutCompounds: split.heldout, permutations: opts.permutations, seed: opts.seed });
  }
  db.prepare('INSERT INTO evaluations (created_at, split_id, result) VALUES (?, ?, ?)').run(new Date().toISOString(), split.splitId, JSON.stringify(out));
  return out;
}
