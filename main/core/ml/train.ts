// The training job: sample MICON items, step the optimizer, report every loss term, checkpoint
// atomically, resume exactly (parameters, optimizer slots, sampler RNG, step), guard against NaN,
// and finally export the image side to ONNX for embedding with onnxruntime. Its parts: the options
// (train-params.ts, resolved by train-run.ts), the data (train-select.ts), the config and the
// starting state (train-resume.ts), the batches (train-batch.ts) and the models row (train-store.ts).
import type { DB } from '../db/open.js';
import { JobCancelled } from '../util/cancel.js';
import type { ConfigOverrides, MiconConfig } from './config.js';
import type { InitFromReport } from './init-from.js';
import { LocalTrainer } from './local-trainer.js';
import type { Trainer } from './trainer.js';
import { exportModelOnnx } from './export-model.js';
import { SiteImages } from './site-images.js';
import { stepBatch } from './train-batch.js';
import type { ModelKind, TrainParams } from './train-params.js';
import { resolveRunConfig, startTrainer, writeCheckpoint } from './train-resume.js';
import { lossOverrides, planRun } from './train-run.js';
import { selectTraining } from './train-select.js';
import { storeModel } from './train-store.js';

export type { EncoderKind } from './train-params.js';
export { modelName } from './train-run.js';

/** A run's options (train-params.ts) and what only a caller in this process can give. */
export interface TrainOptions extends TrainParams {
  model: ModelKind;
  /** Where checkpoints go; default `<project>.d/checkpoints/<model name>`. */
  checkpointDir?: string;
  projectPath: string;
  /** Overrides merged over the resolved config (head size, loss weights …), after the loss options of the params; checkpoints record the result. */
  config?: ConfigOverrides;
  /**
   * Run the model side here instead of in this process (Electron's hidden compute window). Its
   * backend must already be chosen; `backend` is then ignored.
   */
  trainer?: Trainer;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  terms: Record<string, number>;
  samplesPerSecond: number;
  backend: string;
  /** The backend's one-line description: package, adapter or CPU features. */
  device: string;
}

export interface TrainResult {
  name: string;
  steps: number;
  backend: string;
  /** What it ran on: "@tensorflow/tfjs-backend-webgpu on NVIDIA …", "… (SIMD, 1 thread)". */
  backendDetail: string;
  /** Whether that was a real GPU (steps and widths were scaled for one). */
  accelerated: boolean;
  /** Faster backends that were skipped, each with why ("webgpu: refused the software WebGPU adapter …"). */
  backendSkipped: string[];
  checkpoint: string;
  loss: number;
  /** Mean total loss over the first and last tenth of the run: shows whether it fell. */
  lossStart: number;
  lossEnd: number;
  resumedFrom: number | null;
  seconds: number;
  heldoutCompounds: number;
  trainCompounds: number;
  /** Training compounds left out as phenotypically inactive (with `compounds: 'active'`). */
  inactiveCompounds: string[];
  /** Where the parameters came from when fine-tuning (`initFrom`): loaded vs fresh, by name. */
  initFrom: InitFromReport | null;
  /** The feature set the feature head read (null for the CNN). */
  featureSource: string | null;
  /** The model's whole config, as stored with it (models.config) and in its checkpoints. */
  config: MiconConfig;
}

export async function train(db: DB, o: TrainOptions): Promise<TrainResult> {
  const t0 = performance.now();
  const plan = await planRun(db, o);
  const { name, ckDir, backend, steps, batchCompounds, featureSource } = plan;
  const { data, feats, activity, sampler } = await selectTraining(db, { model: o.model, featureSource, compounds: o.compounds, seed: o.seed });
  const params = lossOverrides(o);
  const overrides: ConfigOverrides = o.config ? makeOverrides(params, o.config) : params;
  const start = resolveRunConfig(plan, { model: o.model, seed: o.seed, resume: o.resume, residualRank: o.residualRank, overrides }, feats);
  const { config, resumed, initReport } = start;
  const images = config.imageEncoder.kind === 'cnn' ? new SiteImages(db, config.imageEncoder.spec.inputSize) : null;
  const trainer: Trainer = o.trainer ?? new LocalTrainer(backend.name, backend.detail);
  const init = await startTrainer(trainer, plan, start);
  const { rng, losses } = init;

  const fpBits = config.molecule.fpBits;
  let lastCheckpoint = resumed?.file ?? '';
  let windowStart = performance.now();
  let windowSamples = 0;
  try {
    let lastYield = performance.now();
    for (let step = init.start; step < steps; step++) {
      // A step on wasm/cpu computes synchronously before its one async read, so let the event loop in
      // now and then: that is how a cancel message or Ctrl-C reaches the signal.
      if (performance.now() - lastYield > 50) {
        await new Promise<void>((r) => setImmediate(r));
        lastYield = performance.now();
      }
      if (o.signal?.aborted) throw new JobCancelled();
      const { batch, samples } = stepBatch(sampler.batch(batchCompounds, rng), data, feats, images, fpBits);
      const terms = await trainer.step(batch);
      if (!Number.isFinite(terms.total)) {
        throw new Error(`loss became ${terms.total} at step ${step + 1}${lastCheckpoint ? `; the last good checkpoint is ${lastCheckpoint} (rerun with --resume and a lower learning rate)` : ''}`);
      }
      losses.push(terms.total);
      windowSamples += samples;
      const done = step + 1;
      const checkpointed = done % plan.checkpointEvery === 0 || done === steps;
      if (checkpointed) {
        lastCheckpoint = await writeCheckpoint(ckDir, done, trainer, { config, rng: rng.state, losses, optimizer: [] });
      }
      const now = performance.now();
      // A checkpoint is always reported, so the step a user sees is never behind the step a resume starts
      // from (a cancel between two throttled reports otherwise shows step 77 and offers "from step 80").
      if (now - windowStart > 200 || checkpointed) {
        const { total, ...rest } = terms;
        o.onProgress?.({ step: done, steps, loss: total, terms: rest, samplesPerSecond: (windowSamples * 1000) / Math.max(now - windowStart, 1), backend: backend.name, device: backend.detail });
        windowStart = now;
        windowSamples = 0;
      }
    }
    const onnx = exportModelOnnx(config, (await trainer.snapshot()).params);
    const resolved = { encoder: plan.encoder, steps, batchCompounds, checkpointEvery: plan.checkpointEvery, compounds: o.compounds ?? 'active-wells', featureSource, initFrom: o.initFrom ?? null };
    storeModel(db, { name, model: o.model, config, splitId: data.splitId, backend: backend.name, steps, checkpoint: lastCheckpoint, onnx, losses, initFrom: initReport, params: resolved });
    const tenth = Math.max(1, Math.floor(losses.length / 10));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return {
      name,
      steps,
      backend: backend.name,
      backendDetail: backend.detail,
      accelerated: backend.accelerated,
      backendSkipped: backend.tried.filter((t) => !t.ok).map((t) => `${t.name}: ${t.error ?? 'failed'}`),
      checkpoint: lastCheckpoint,
      loss: losses.at(-1) ?? NaN,
      lossStart: mean(losses.slice(0, tenth)),
      lossEnd: mean(losses.slice(-tenth)),
      resumedFrom: resumed ? resumed.step : null,
      seconds: (performance.now() - t0) / 1000,
      heldoutCompounds: data.heldout.size,
      trainCompounds: sampler.compounds.length,
      inactiveCompounds: activity?.inactive ?? [],
      initFrom: initReport,
      featureSource,
      config,
    };
  } finally {
    await trainer.dispose();
  }
}

/** The params' loss options, then the caller's overrides over them (loss merged key by key). */
function makeOverrides(fromParams: ConfigOverrides, o: ConfigOverrides): ConfigOverrides {
  return { ...fromParams, ...o, ...(fromParams.loss || o.loss ? { loss: { ...fromParams.loss, ...o.loss } } : {}) };
}

