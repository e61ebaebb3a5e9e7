// The embedding step of the main job, shared by `micon embed` and the `embed` job: hand-crafted
// features for every site, every trained model's ONNX image side through onnxruntime (and its
// untrained twin), the fair baselines, then normalised well profiles for each feature set. Progress per stage; cancellable between stages.
import type { DB } from '../db/open.js';
import { embedBaselines, type BaselineSummary } from '../embeddings/baselines.js';
import { embedHandcrafted, refreshHandcrafted } from '../embeddings/handcrafted.js';
import type { InferenceOptions, ModelEmbedding } from '../embeddings/models.js';
import { setProjectNormalization, type Normalization } from '../embeddings/normalization.js';
import { buildAllProfiles, type ProfileSummary } from '../embeddings/profiles.js';
import { InputError } from '../types.js';
import { throwIfCancelled, type Progress } from './protocol.js';

export interface EmbedAllResult {
  featureSets: ProfileSummary[];
  /** null in a project without images (profiles only). */
  handcrafted: { featureSetId: number; sites: number; dim: number } | null;
  models: ModelEmbedding[];
  /** The fair baselines rebuilt with this embed (`<set>_z`, `cellcount`; `<model>_untrained` are listed under models). */
  baselines: BaselineSummary[];
  normalization: Normalization;
  seconds: number;
}

export async function embedAll(
  db: DB,
  opts: { onProgress?: (p: Progress) => void; signal?: AbortSignal; label?: string; normalization?: Partial<Normalization>; inference?: InferenceOptions } = {},
): Promise<EmbedAllResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const label = opts.label ?? 'project';
  const hasSites = !!(db.prepare('SELECT COUNT(*) n FROM site_arrays').get() as { n: number }).n;
  // A profiles-first project (import-profiles --create-plates) has no images: its models embed wells.
  const hasWellSets = !!db.prepare('SELECT 1 FROM imported_well_features LIMIT 1').get();
  if (!hasSites && !hasWellSets) throw new InputError(`${label}: no ingested sites to embed; run micon ingest first (or import-profiles --create-plates)`);
  const t0 = performance.now();
  // Recorded before any work, so every set built from now on (here, or by backbone/import-profiles later) follows it.
  const normalization = setProjectNormalization(db, opts.normalization ?? {});
  let handcrafted: EmbedAllResult['handcrafted'] = null;
  if (hasSites) {
    // Vectors of an older feature version (or none) are computed from the original images first.
    const refreshed = await refreshHandcrafted(db, { signal, onProgress: (done, total) => opts.onProgress?.({ stage: 'handcrafted', done, total }) });
    if (refreshed.failed.length) {
      const f = refreshed.failed;
      throw new InputError(`${label}: hand-crafted features could not be computed for ${f.length} site(s): ${f.slice(0, 3).map((x) => x.message).join('; ')}${f.length > 3 ? '; …' : ''}`);
    }
    handcrafted = embedHandcrafted(db, { signal, onProgress: (done, total) => opts.onProgress?.({ stage: 'handcrafted', done, total }) });
  }
  throwIfCancelled(signal);
  const trained = (db.prepare("SELECT COUNT(*) n FROM models WHERE onnx IS NOT NULL AND status = 'trained'").get() as { n: number }).n;
  opts.onProgress?.({ stage: 'models', done: 0, total: trained });
  // onnxruntime is loaded only when there is a model to run.
  const { embedModels } = await import('../embeddings/models.js');
  const models = await embedModels(db, opts.inference);
  opts.onProgress?.({ stage: 'models', done: models.length, total: trained });
  throwIfCancelled(signal);
  const baselines = embedBaselines(db);
  throwIfCancelled(signal);
  const profiles = buildAllProfiles(db, (_s, done, total) => {
    opts.onProgress?.({ stage: 'profiles', done, total });
    throwIfCancelled(signal);
  });
  return { featureSets: profiles, handcrafted, models, baselines, normalization, seconds: (performance.now() - t0) / 1000 };
}

/**
 * `eval` on a project embedded before the fair baselines existed: add whatever is missing (`<set>_z`,
 * `cellcount`, `<model>_untrained`) with its profiles, leaving every other set as it was. Returns the
 * sets it added.
 */
export async function ensureBaselines(db: DB): Promise<string[]> {
  const { featureSets } = await import('../feature-sets/store.js');
  const { buildProfiles } = await import('../embeddings/profiles.js');
  const { CELLCOUNT, UNTRAINED_SUFFIX, Z_SUFFIX } = await import('../embeddings/baselines.js');
  const have = () => new Set(featureSets(db).map((f) => f.name));
  const before = have();
  const sets = featureSets(db);
  const models = db.prepare("SELECT name FROM models WHERE onnx IS NOT NULL AND status = 'trained'").pluck().all() as string[];
  const needZ = sets.some((f) => ['handcrafted', 'backbone', 'imported'].includes(f.kind) && !before.has(`${f.name}${Z_SUFFIX}`)) || (before.has('handcrafted') && !before.has(CELLCOUNT));
  const needUntrained = models.some((m) => before.has(m) && !before.has(`${m}${UNTRAINED_SUFFIX}`));
  if (!needZ && !needUntrained) return [];
  if (needUntrained) {
    const { embedModels } = await import('../embeddings/models.js');
    await embedModels(db);
  }
  if (needZ) embedBaselines(db);
  // Profiles for the new sets, and for the model sets embedModels rewrote (same vectors, profiles dropped with them).
  for (const f of featureSets(db)) {
    const has = (db.prepare('SELECT COUNT(*) n FROM well_profiles WHERE feature_set_id = ?').get(f.id) as { n: number }).n;
    if (!has) buildProfiles(db, f.id);
  }
  return [...have()].filter((n) => !before.has(n));
}
