import type { DB } from '../db/open.js';
import type { MiconConfig } from '../ml/config.js';
import { createEmbedder, inferenceRecord, type EmbedderOptions } from '../ml/onnx-embed.js';
import { SiteImages } from '../ml/site-images.js';
import { exportModelOnnx } from '../ml/export-model.js';
import { initValues } from '../ml/init.js';
import { paramDefs } from '../ml/model.js';
import type { Weights } from '../ml/onnx-export.js';
import { isWellLevelSource, normalizedSiteFeatures, normalizedWellFeatures, type SiteFeatures } from '../ml/train-data.js';
import { InputError } from '../types.js';
import { UNTRAINED_SUFFIX } from './baselines.js';
import { HANDCRAFTED } from './handcrafted.js';
import { insertSiteVector, replaceFeatureSet, siteInfo, wellInfo, writeImportedWellFeatures, type SiteInfo } from '../feature-sets/store.js';

export interface ModelEmbedding {
  name: string;
  featureSets: string[];
  /** Vectors embedded: sites, or wells for a model over imported (well-level) profiles (see `samples`). */
  sites: number;
  samples: 'sites' | 'wells';
  /** The ONNX Runtime execution provider that ran the trained model, its GPU (webgpu), and why faster ones were skipped. */
  provider: string;
  adapter: string | null;
  providerNote: string | null;
  sitesPerSecond: number;
}

/** Which execution providers to try (default: cuda → dml/coreml → webgpu → cpu) and whether a software GPU may run. */
export type InferenceOptions = Pick<EmbedderOptions, 'executionProviders' | 'allowSoftwareGpu'>;

const BATCH = 256;

/**
 * Embed every site with each trained model's exported ONNX image side (onnxruntime on the fastest
 * execution provider that loads: ml/onnx-embed.ts; the model's feature set records which). A feature-head model reads the site-level set it was trained on (its
 * config's `source`: the hand-crafted features unless trained with `--features`, e.g. a frozen
 * backbone's output) and also gets `<name>+<source>` (`micon+handcrafted`): its embedding next to
 * those features, since on small screens the head refines rather than replaces them. Each model
 * also gets `<name>_untrained`: the same architecture at its initial weights, as a baseline.
 */
export async function embedModels(db: DB, inference: InferenceOptions = {}): Promise<ModelEmbedding[]> {
  const models = db.prepare("SELECT id, name, config, onnx FROM models WHERE onnx IS NOT NULL AND status = 'trained' ORDER BY name").all() as {
    id: number;
    name: string;
    config: string;
    onnx: Buffer;
  }[];
  if (!models.length) return [];
  const allSites = siteInfo(db);
  const out: ModelEmbedding[] = [];
  const bySource = new Map<string, { feats: SiteFeatures; samples: SiteInfo[] | null }>();
  for (const m of models) {
    const config = JSON.parse(m.config) as MiconConfig;
    const enc = config.imageEncoder;
    let feats: SiteFeatures | null = null;
    // Well-level sources (imported profiles): the samples are wells, and so is the embedding.
    let wellSamples: SiteInfo[] | null = null;
    if (enc.kind === 'features') {
      const source = enc.source ?? HANDCRAFTED;
      let got = bySource.get(source);
      if (!got) {
        const w = isWellLevelSource(db, source) ? normalizedWellFeatures(db, source) : null;
        got = w ? { feats: w.feats, samples: w.samples } : { feats: normalizedSiteFeatures(db, allSites, source), samples: null };
        bySource.set(source, got);
      }
      feats = got.feats;
      wellSamples = got.samples;
      if (feats.dim !== enc.inputDim) {
        throw new InputError(`model ${m.name} was trained on ${enc.inputDim}-d vectors of feature set "${source}", which now has ${feats.dim}; retrain it (micon train --features ${source})`);
      }
    }
    const sites = wellSamples ?? allSites;
    if (!sites.length) continue;
    const trained = await embedSites(db, sites, config, new Uint8Array(m.onnx), feats, inference);
    // The fair baseline of every model: the same architecture with the weights it started from
    // (config.seed), so "what training added" is measured, not assumed.
    const untrained = await embedSites(db, sites, config, exportModelOnnx(config, initialWeights(config)), feats, inference);
    const names = [m.name, `${m.name}${UNTRAINED_SUFFIX}`];
    const wellName = wellSamples ? new Map(wellInfo(db).map((w) => [w.wellId, w])) : null;
    /** Store one set's vectors: per site, or per well (by plate and well name) for a well-level source. */
    const store = (fsId: number, rows: Map<number, Float32Array>) => {
      if (!wellName) for (const [id, v] of rows) insertSiteVector(db, fsId, id, v);
      else writeImportedWellFeatures(db, fsId, [...rows].map(([id, vec]) => ({ plate: wellName.get(id)!.plate, well: wellName.get(id)!.well, nRows: 1, vec })));
    };
    // The model's sets keep how they were embedded (shown with the model in the app).
    const how = JSON.stringify(inferenceRecord(trained));
    db.transaction(() => {
      const dim = trained.vectors.values().next().value!.length;
      const fsId = replaceFeatureSet(db, { name: m.name, kind: 'model', dim, version: how, modelId: m.id });
      store(fsId, trained.vectors);
      const u = replaceFeatureSet(db, { name: names[1], kind: 'baseline', dim, version: `untrained:${m.name}`, modelId: m.id });
      store(u, untrained.vectors);
      // The head's embedding next to the features it refines, per site; normalised and sphered
      // together like any set. Fusing separately normalised profiles instead (cosine = mean
      // of the parts' cosines) lost mAP over 3 folds of the demo (0.36 vs 0.38 for micon+handcrafted).
      if (feats) {
        const both = `${m.name}+${feats.source}`;
        names.push(both);
        const cat = replaceFeatureSet(db, { name: both, kind: 'model', dim: dim + feats.dim, version: how, modelId: m.id });
        const rows = new Map<number, Float32Array>();
        for (const [id, v] of trained.vectors) {
          const row = new Float32Array(dim + feats.dim);
          row.set(feats.bySite.get(id)!, 0);
          row.set(v, feats.dim);
          rows.set(id, row);
        }
        store(cat, rows);
      }
    })();
    out.push({ name: m.name, featureSets: names, sites: trained.vectors.size, samples: wellSamples ? 'wells' : 'sites', provider: trained.provider, adapter: trained.adapter, providerNote: trained.fallbackReason || null, sitesPerSecond: trained.vectors.size / trained.seconds });
  }
  return out;
}

/** The parameters a model of this config starts from (model.ts draws the same values per name and seed). */
function initialWeights(config: MiconConfig): Weights {
  return Object.fromEntries(paramDefs(config).map((p) => [p.name, { shape: p.shape, data: initValues(p.init, p.shape, config.seed, p.name) }]));
}

/** Every site through one exported image side with onnxruntime. */
async function embedSites(
  db: DB,
  sites: SiteInfo[],
  config: MiconConfig,
  onnx: Uint8Array,
  feats: SiteFeatures | null,
  inference: InferenceOptions,
): Promise<{ vectors: Map<number, Float32Array>; provider: string; adapter: string | null; fallbackReason: string; seconds: number }> {
  const enc = config.imageEncoder;
  const embedder = await createEmbedder(onnx, inference);
  const images = enc.kind === 'cnn' ? new SiteImages(db, enc.spec.inputSize) : null;
  const per = enc.kind === 'cnn' ? enc.spec.channels * enc.spec.inputSize * enc.spec.inputSize : enc.inputDim;
  const vectors = new Map<number, Float32Array>();
  const t0 = performance.now();
  try {
    for (let i = 0; i < sites.length; i += BATCH) {
      const ids = sites.slice(i, i + BATCH).map((s) => s.siteId);
      const input = new Float32Array(ids.length * per);
      ids.forEach((id, k) => input.set(images ? images.get(id) : feats!.bySite.get(id)!, k * per));
      const emb = await embedder.embed(input, ids.length);
      const dim = emb.length / ids.length;
      ids.forEach((id, k) => vectors.set(id, emb.slice(k * dim, (k + 1) * dim)));
    }
  } finally {
    await embedder.close();
  }
  return { vectors, provider: embedder.provider, adapter: embedder.adapter, fallbackReason: embedder.fallbackReason, seconds: (performance.now() - t0) / 1000 };
}
