import path from 'node:path';
import { z } from 'zod';
import { openProject } from '../db/open.js';
import { embedHandcrafted, HANDCRAFTED, refreshHandcrafted } from '../embeddings/handcrafted.js';
import { featureSetByName, featureSets } from '../feature-sets/store.js';
import { ingestFolder } from '../ingest/ingest.js';
import { InputError, type ChannelName } from '../types.js';
import { embedAll, ensureBaselines } from './embed.js';
import { chooseRemoteTrainer } from './remote-trainer-ipc.js';
import type { JobFn, JobKind } from './protocol.js';
import type { JobResults } from './results.js';
import { throwIfCancelled } from './protocol.js';
import { EncoderKind, ModelKind, TRAIN_PARAM_DEFAULTS, TrainParams } from '../ml/train-params.js';

const str = (p: Record<string, unknown>, k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);

/** What a `train` job accepts: the run's options (ml/train-params.ts), the project, and where checkpoints go. */
export const TrainJobParams = z.object({
  ...TrainParams.shape,
  db: z.string().min(1),
  model: ModelKind.default(TRAIN_PARAM_DEFAULTS.model),
  encoder: EncoderKind.default(TRAIN_PARAM_DEFAULTS.encoder),
  checkpointDir: z.string().optional(),
});
export type TrainJobParams = z.input<typeof TrainJobParams>;

export const EmbedJobParams = z.object({
  db: z.string().min(1),
  /** Run only on this ONNX Runtime execution provider (default: the fastest that loads). */
  executionProvider: z.string().min(1).optional(),
  /** Let the webgpu provider run on a software adapter. */
  allowSoftwareGpu: z.boolean().optional(),
});
export const EvalJobParams = z.object({ db: z.string().min(1), permutations: z.number().int().min(0).optional() });

function parseParams<T extends z.ZodType>(schema: T, kind: string, p: Record<string, unknown>): z.output<T> {
  const r = schema.safeParse(p);
  if (!r.success) throw new InputError(`${kind} job: ${r.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}`);
  return r.data;
}

// IPC carries JSON: a non-finite number would arrive as null and fail validation.
const finite = (x: number) => (Number.isFinite(x) ? x : 0);

/** Job kinds the job process can run; each opens its own connection to the project. */
export const jobs: { [K in JobKind]: JobFn<JobResults[K]> } = {
  ingest: async (p, ctx) => {
    const db = openProject(String(p.db));
    try {
      return await ingestFolder(db, String(p.folder), {
        platemap: str(p, 'platemap'),
        plateMeta: str(p, 'plateMeta'),
        source: str(p, 'source'),
        batch: str(p, 'batch'),
        channels: p.channels && typeof p.channels === 'object' ? (p.channels as Record<string, ChannelName>) : undefined,
        allowConflicts: p.allowConflicts === true,
        onProgress: (x) => {
          throwIfCancelled(ctx.signal);
          ctx.progress({ stage: `${x.plate ?? ''} ${x.stage}`.trim(), done: x.done, total: x.total });
        },
      });
    } finally {
      db.close();
    }
  },
  'import-profiles': async (p, ctx) => {
    const db = openProject(String(p.db));
    try {
      ctx.progress({ stage: 'reading', done: 0, total: 1 });
      const { importProfiles } = await import('../embeddings/import-profiles.js');
      const r = await importProfiles(db, String(p.file), { createPlates: true, compoundsFile: str(p, 'compounds'), columns: str(p, 'columns'), name: str(p, 'name'), replace: p.replace === true });
      ctx.progress({ stage: 'done', done: 1, total: 1 });
      return r;
    } finally {
      db.close();
    }
  },
  train: async (raw, ctx) => {
    const p = parseParams(TrainJobParams, 'train', raw);
    const db = openProject(p.db, { create: false });
    try {
      // The feature head trains on hand-crafted features; computing them here (rather than inside
      // train()) makes that stage visible and cancellable.
      if (p.encoder === 'features' && (p.featureSource ?? HANDCRAFTED) === HANDCRAFTED && !featureSetByName(db, HANDCRAFTED)) {
        await refreshHandcrafted(db, { signal: ctx.signal, onProgress: (done, total) => ctx.progress({ stage: 'handcrafted', done, total }) });
        embedHandcrafted(db, { signal: ctx.signal, onProgress: (done, total) => ctx.progress({ stage: 'handcrafted', done, total }) });
      }
      throwIfCancelled(ctx.signal);
      const { train } = await import('../ml/train.js');
      // In the Electron app the parent relays to its compute window (Chromium's WebGPU).
      const remote = ctx.remoteTrainer ? await chooseRemoteTrainer(ctx.remoteTrainer, p.backend, p.allowSoftwareGpu ?? false) : {};
      const { db: file, ...params } = p;
      const result = await train(db, {
        ...params,
        trainer: remote.trainer,
        projectPath: path.resolve(file),
        signal: ctx.signal,
        onProgress: (t) => {
          const terms = Object.fromEntries(Object.entries(t.terms).map(([k, v]) => [k, finite(v)]));
          const train = { step: t.step, steps: t.steps, loss: finite(t.loss), terms, samplesPerSecond: Math.max(0, finite(t.samplesPerSecond)), backend: t.backend, device: t.device };
          ctx.progress({ stage: 'train', done: t.step, total: t.steps, metrics: { ...terms, loss: train.loss, samplesPerSecond: train.samplesPerSecond }, train });
        },
      });
      return remote.note ? { ...result, computeWindow: remote.note } : result;
    } finally {
      db.close();
    }
  },
  embed: async (raw, ctx) => {
    const p = parseParams(EmbedJobParams, 'embed', raw);
    const db = openProject(p.db, { create: false });
    try {
      const inference = { executionProviders: p.executionProvider ? [p.executionProvider] : undefined, allowSoftwareGpu: p.allowSoftwareGpu };
      return await embedAll(db, { signal: ctx.signal, onProgress: ctx.progress, label: p.db, inference });
    } finally {
      db.close();
    }
  },
  eval: async (raw, ctx) => {
    const p = parseParams(EvalJobParams, 'eval', raw);
    const db = openProject(p.db, { create: false });
    try {
      if (!featureSets(db).length) throw new InputError(`${p.db}: nothing to evaluate yet; embed first`);
      ctx.progress({ stage: 'evaluate', done: 0, total: 1 });
      await ensureBaselines(db);
      const { evaluateAll } = await import('../eval/evaluate-all.js');
      const r = evaluateAll(db, { permutations: p.permutations });
      ctx.progress({ stage: 'evaluate', done: 1, total: 1 });
      return { split: r.split, featureSets: Object.keys(r.featureSets) };
    } finally {
      db.close();
    }
  },
};
