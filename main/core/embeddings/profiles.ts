import type { DB } from '../db/open.js';
import { aggregateWells } from '../profiles/aggregate.js';
import { harmonize } from '../profiles/harmony.js';
import { createMatrix, type Matrix } from '../profiles/matrix.js';
import { normalizeProfiles } from '../profiles/normalize.js';
import type { WellMeta } from '../profiles/well-meta.js';
import { isWellLevel } from './baselines.js';
import { projectNormalization, type Normalization } from './normalization.js';
import { featureSets, isWellLevelSet, loadImportedWellFeatures, loadSiteVectors, loadWellProfiles, wellInfo, writeWellProfiles } from '../feature-sets/store.js';

export interface ProfileSummary {
  featureSet: string;
  wells: number;
  dim: number;
  controlWells: number;
  spheringReference: 'negcon' | 'all';
  fallbackPlates: number;
  normalization: Normalization;
  /** Harmony's rounds and whether it converged (only with batch correction). */
  harmony?: { clusters: number; rounds: number; converged: boolean };
}

function metaFor(db: DB, wellIds: number[]): WellMeta[] {
  const byId = new Map(wellInfo(db).map((w) => [w.wellId, w]));
  return wellIds.map((id) => {
    const w = byId.get(id)!;
    return { wellId: id, plate: w.plate, batch: w.batch, source: w.source, compound: w.compound, pertType: w.pertType, moa: w.moa, concentration: w.concentration };
  });
}

/** MAD per plate (against the chosen reference), ZCA with the chosen ridge, then optionally Harmony. */
function normalizeWith(profiles: Matrix, meta: WellMeta[], n: Normalization) {
  const r = normalizeProfiles(profiles, meta, { mad: { reference: n.reference === 'all' ? 'all' : 'negcon' }, sphering: { epsilonRel: n.whitenRidge } });
  if (n.batchCorrect !== 'harmony') return { ...r, final: r.sphered, harmony: undefined };
  const h = harmonize(r.sphered, meta.map((m) => (n.harmonyBy === 'plate' ? `${m.source}\u0000${m.batch}\u0000${m.plate}` : n.harmonyBy === 'batch' ? `${m.source}\u0000${m.batch}` : m.source)), { seed: 1 });
  return { ...r, final: h.corrected, harmony: { clusters: h.clusters, rounds: h.rounds, converged: h.converged } };
}

function summary(db: DB, featureSetId: number, name: string, wellIds: number[], raw: Matrix, meta: WellMeta[], n: Normalization): ProfileSummary {
  const r = normalizeWith(raw, meta, n);
  writeNormalized(db, featureSetId, wellIds, raw, r, n);
  return {
    featureSet: name,
    wells: wellIds.length,
    dim: raw.cols,
    controlWells: meta.filter((m) => m.pertType === 'negcon').length,
    spheringReference: r.spheringReference,
    fallbackPlates: r.madReport.fallbackPlates.length,
    normalization: n,
    ...(r.harmony ? { harmony: r.harmony } : {}),
  };
}

/** Raw and normalised well profiles, the sphering transform and the normalisation used, in one transaction. */
function writeNormalized(db: DB, featureSetId: number, wellIds: number[], raw: Matrix, n: ReturnType<typeof normalizeWith>, how: Normalization): void {
  const { mean, matrix, controls } = n.transform;
  db.transaction(() => {
    writeWellProfiles(db, featureSetId, wellIds, raw.cols, raw.data, n.final.data);
    db.prepare('UPDATE feature_sets SET normalization = ? WHERE id = ?').run(JSON.stringify(how), featureSetId);
    db.prepare('INSERT OR REPLACE INTO sphering (feature_set_id, mean, matrix, fitted_on) VALUES (?, ?, ?, ?)').run(
      featureSetId,
      Buffer.from(mean.buffer, mean.byteOffset, mean.byteLength),
      Buffer.from(matrix.buffer, matrix.byteOffset, matrix.byteLength),
      controls,
    );
  })();
}

/**
 * Site vectors → well means → per-plate robust MAD (vs DMSO, or all wells) → ZCA on controls
 * (→ Harmony); raw and normalised are both stored. `how` defaults to the project's choice.
 */
export function buildProfiles(db: DB, featureSetId: number, how: Normalization = projectNormalization(db)): ProfileSummary {
  const fs = featureSets(db).find((f) => f.id === featureSetId);
  if (!fs) throw new Error(`no feature set ${featureSetId}`);
  if (isWellLevel(fs) || isWellLevelSet(db, fs)) return buildImportedProfiles(db, featureSetId, how);
  const sites = loadSiteVectors(db, featureSetId);
  const agg = aggregateWells(createMatrix(sites.rows, sites.cols, sites.data), sites.wellIds);
  return summary(db, featureSetId, fs.name, agg.wellIds, agg.profiles, metaFor(db, agg.wellIds), how);
}

/**
 * A well-level feature set (`micon import-profiles`, its `_z` twin, or a model's embedding of an
 * imported set): its rows are already wells, so the well means are the stored values themselves
 * (joined to the project's wells by plate and well name); then the same normalisation as every set.
 */
export function buildImportedProfiles(db: DB, featureSetId: number, how: Normalization = projectNormalization(db)): ProfileSummary {
  const fs = featureSets(db).find((f) => f.id === featureSetId);
  if (!fs) throw new Error(`no feature set ${featureSetId}`);
  if (!isWellLevel(fs) && !isWellLevelSet(db, fs)) throw new Error(`feature set ${fs.name} is not imported (${fs.kind})`);
  const input = loadImportedWellFeatures(db, featureSetId);
  const profiles = createMatrix(input.rows, input.rows ? input.cols : fs.dim, input.data);
  return summary(db, featureSetId, fs.name, input.wellIds, profiles, metaFor(db, input.wellIds), how);
}

/** Profiles of every feature set, reporting each as it is done. */
export function buildAllProfiles(db: DB, onEach?: (summary: ProfileSummary, done: number, total: number) => void, how: Normalization = projectNormalization(db)): ProfileSummary[] {
  const sets = featureSets(db);
  return sets.map((f, i) => {
    const s = buildProfiles(db, f.id, how);
    onEach?.(s, i + 1, sets.length);
    return s;
  });
}

/** Normalised well profiles of a feature set with their metadata, ready for evaluation and search. */
export function loadProfiles(db: DB, featureSetId: number): { profiles: Matrix; meta: WellMeta[] } {
  const p = loadWellProfiles(db, featureSetId);
  return { profiles: createMatrix(p.rows, p.cols, p.data), meta: metaFor(db, p.wellIds) };
}
