import type { DB } from '../db/open.js';

export interface ModelEmbedding {
  name: string;
  sites: number;
  provider: string;
  sitesPerSecond: number;
}

/** Embed every site with each trained model's exported ONNX encoder. No trained model yet: nothing to do. */
export async function embedModels(db: DB): Promise<ModelEmbedding[]> {
  void db;
  return [];
}
