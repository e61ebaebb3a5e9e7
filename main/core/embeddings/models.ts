import type { DB } from '../db/open.js';
import type { MiconConfig } from '../ml/config.js';
import { createEmbedder } from '../ml/onnx-embed.js';
import { SiteImages } from '../ml/site-images.js';
import { normalizedSiteFeatures } from '../ml/train-data.js';
import { createFusionSet } from './fusion.js';
import { HANDCRAFTED } from './handcrafted.js';
import { insertSiteVector, replaceFeatureSet, siteInfo } from './store.js';

export interface ModelEmbedding {
  name: string;
  featureSets: string[];
  sites: number;
  provider: string;
  providerNote: string | null;
  sitesPerSecond: number;
}

const BATCH = 256;

/**
 * Embed every site with each trained model's exported ONNX image side (onnxruntime; CUDA where its
 * add-on is installed). A feature-head model also gets `<name>+handcrafted`: its embedding next to
 * the hand-crafted features it was trained on, since on small screens the head refines rather than
 * replaces them.
 */
export async function embedModels(db: DB): Promise<ModelEmbedding[]> {
  const models = db.prepare("SELECT id, name, config, onnx FROM models WHERE onnx IS NOT NULL AND status = 'trained' ORDER BY name").all() as {
    id: number;
    name: string;
    config: string;
    onnx: Buffer;
  }[];
  if (!models.length) return [];
  const sites = siteInfo(db);
  const out: ModelEmbedding[] = [];
  let feats: ReturnType<typeof normalizedSiteFeatures> | null = null;
  for (const m of models) {
    const config = JSON.parse(m.config) as MiconConfig;
    const enc = config.imageEncoder;
    const embedder = await createEmbedder(new Uint8Array(m.onnx));
    const images = enc.kind === 'cnn' ? new SiteImages(db, enc.spec.inputSize) : null;
    if (enc.kind === 'features') feats ??= normalizedSiteFeatures(db, sites);
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
    const seconds = (performance.now() - t0) / 1000;
    const names = [m.name];
    db.transaction(() => {
      const dim = vectors.values().next().value!.length;
      const fsId = replaceFeatureSet(db, { name: m.name, kind: 'model', dim, version: null, modelId: m.id });
      for (const [id, v] of vectors) insertSiteVector(db, fsId, id, v);
      // The head's profiles next to the features it refines, fused at the profile level (fusion.ts).
      if (feats) {
        const both = `${m.name}+handcrafted`;
        names.push(both);
        createFusionSet(db, both, [HANDCRAFTED, m.name], m.id);
      }
    })();
    out.push({ name: m.name, featureSets: names, sites: vectors.size, provider: embedder.provider, providerNote: embedder.fallbackReason ?? null, sitesPerSecond: vectors.size / seconds });
  }
  return out;
}
