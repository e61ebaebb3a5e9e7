// The embedding step of the main job, shared by `micon embed` and the `embed` job: hand-crafted
// features for every site, every trained model's ONNX image side through onnxruntime, then
// normalised well profiles for each feature set. Progress per stage; cancellable between stages.
import type { DB } from '../db/open.js';
import { embedHandcrafted } from '../embeddings/handcrafted.js';
import type { ModelEmbedding } from '../embeddings/models.js';
import { buildAllProfiles, type ProfileSummary } from '../embeddings/profiles.js';
import { InputError } from '../types.js';
import { throwIfCancelled, type Progress } from './protocol.js';

export interface EmbedAllResult {
  featureSets: ProfileSummary[];
  /** null in a project without images (profiles only). */
  handcrafted: { featureSetId: number; sites: number; dim: number } | null;
  models: ModelEmbedding[];
  seconds: number;
}

export async function embedAll(db: DB, opts: { onProgress?: (p: Progress) => void; signal?: AbortSignal; label?: string } = {}): Promise<EmbedAllResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const label = opts.label ?? 'project';
  const hasSites = !!(db.prepare('SELECT COUNT(*) n FROM site_arrays').get() as { n: number }).n;
  // A profiles-first project (import-profiles --create-plates) has no images: its models embed wells.
  const hasWellSets = !!db.prepare('SELECT 1 FROM imported_well_features LIMIT 1').get();
  if (!hasSites && !hasWellSets) throw new InputError(`${label}: no ingested sites to embed; run micon ingest first (or import-profiles --create-plates)`);
  const t0 = performance.now();
  const handcrafted = hasSites
    ? embedHandcrafted(db, { signal, onProgress: (done, total) => opts.onProgress?.({ stage: 'handcrafted', done, total }) })
    : null;
  throwIfCancelled(signal);
  const trained = (db.prepare("SELECT COUNT(*) n FROM models WHERE onnx IS NOT NULL AND status = 'trained'").get() as { n: number }).n;
  opts.onProgress?.({ stage: 'models', done: 0, total: trained });
  // onnxruntime is loaded only when there is a model to run.
  const { embedModels } = await import('../embeddings/models.js');
  const models = await embedModels(db);
  opts.onProgress?.({ stage: 'models', done: models.length, total: trained });
  throwIfCancelled(signal);
  const profiles = buildAllProfiles(db, (_s, done, total) => {
    opts.onProgress?.({ stage: 'profiles', done, total });
    throwIfCancelled(signal);
  });
  return { featureSets: profiles, handcrafted, models, seconds: (performance.now() - t0) / 1000 };
}
