// A finished run into the project: the models row (config, split, backend, checkpoint, the ONNX image
// side, the loss history and the resolved options), inserted or replacing a model of that name.
import type { DB } from '../db/open.js';
import type { MiconConfig } from './config.js';
import type { InitFromReport } from './init-from.js';

export interface StoredRun {
  name: string;
  model: string;
  config: MiconConfig;
  splitId: number | null;
  backend: string;
  steps: number;
  checkpoint: string;
  onnx: Uint8Array;
  losses: number[];
  initFrom: InitFromReport | null;
  /** The run's resolved options (steps, batch, which wells …): with the config, what reproduces it. */
  params: Record<string, unknown>;
}

export function storeModel(db: DB, r: StoredRun): void {
  const nowIso = new Date().toISOString();
  const metrics = { losses: r.losses, ...(r.initFrom ? { initFrom: r.initFrom } : {}), params: r.params };
  db.prepare(
    `INSERT INTO models (name, kind, config, split_id, backend, step, status, checkpoint, onnx, metrics, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'trained', ?, ?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, config = excluded.config, split_id = excluded.split_id, backend = excluded.backend,
       step = excluded.step, status = excluded.status, checkpoint = excluded.checkpoint, onnx = excluded.onnx, metrics = excluded.metrics, updated_at = excluded.updated_at`,
  ).run(r.name, r.model, JSON.stringify(r.config), r.splitId, r.backend, r.steps, r.checkpoint, Buffer.from(r.onnx), JSON.stringify(metrics), nowIso, nowIso);
}
