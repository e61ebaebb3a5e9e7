// The training job: sample MICON items, step the optimizer, report every loss term, checkpoint
// atomically, resume exactly (parameters, optimizer slots, sampler RNG, step), guard against NaN,
// and finally export the image side to ONNX for embedding with onnxruntime.
import type { DB } from '../db/open.js';
import { JobCancelled } from '../util/cancel.js';
import { InputError } from '../types.js';
import { activeCompounds, activeWells } from './activity.js';
import { selectBackend, type BackendPreference } from './backend.js';
import { HANDCRAFTED } from '../embeddings/handcrafted.js';
import { checkpointDirFor, loadLatestCheckpoint, saveCheckpoint, type TensorData } from './checkpoint.js';
import { makeConfig, type ConfigOverrides, type MiconConfig, type ModelKind } from './config.js';
import { DEFAULT_IMAGE_ENCODER } from './encoder-spec.js';
import { inheritArchitecture, planInit, resolveInitSource, type InitFromReport } from './init-from.js';
import { paramDefs } from './model.js';
import { LocalTrainer } from './local-trainer.js';
import type { HostTensor, Trainer } from './trainer.js';
import { exportModelOnnx } from './export-model.js';
import { ItemSampler, Rng } from './sampling.js';
import { SiteImages } from './site-images.js';
import { isWellLevelSource, loadTrainData, normalizedSiteFeatures, normalizedWellFeatures } from './train-data.js';

export type EncoderKind = 'features' | 'cnn';

export interface TrainOptions {
  model: ModelKind;
  encoder?: EncoderKind;
  steps?: number;
  /** Compounds per batch (each contributes 2 treated images and 2 controls). */
  batchCompounds?: number;
  seed?: number;
  backend?: BackendPreference;
  /** Let webgpu run on a software adapter (SwiftShader, lavapipe): tests, or a user who asks (`--allow-software-gpu`). */
  allowSoftwareGpu?: boolean;
  resume?: boolean;
  checkpointEvery?: number;
  /** Where checkpoints go; default `<project>.d/checkpoints/<model name>`. */
  checkpointDir?: string;
  projectPath: string;
  /** Overrides merged into the defaults (head size, temperature, loss weights …); checkpoints record the result. */
  config?: ConfigOverrides;
  /**
   * Which treated wells PaCLR sees. `active-wells` (default): wells of phenotypically active compounds
   * (replicates differ from DMSO, activity.ts) that themselves lie outside DMSO's spread — an
   * ineffective dose looks like DMSO. `active`: every well of active compounds. `all`: everything.
   * Measured over 3 folds of the demo: see README, "Which configuration wins".
   */
  compounds?: 'all' | 'active' | 'active-wells';
  /** Store the model under this name instead of the kind's (to compare configurations side by side). */
  name?: string;
  /**
   * Fine-tune: start a new run (step 0, fresh optimizer) from this model name, checkpoint folder or
   * checkpoint file, loading every parameter whose name and shape match (init-from.ts); the rest
   * start from the seed. The source's architecture (encoder, head sizes) is kept. Not with `resume`.
   */
  initFrom?: string;
  /**
   * The site-level feature set the feature head trains on (default 'handcrafted'; e.g. a frozen
   * backbone's `backbone:<name>` from `micon backbone`). Recorded in the model config; the default
   * model name becomes `<kind>@<set>` for any set but the hand-crafted one.
   */
  featureSource?: string;
  /**
   * A residual feature head of this rank (input + low-rank correction, output as wide as the input)
   * instead of the 64-d head; the default model name becomes `<kind>-res<r>@<set>`.
   */
  residualRank?: number;
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
}

/** Defaults sized so ~1,000 sites train in minutes on 2 CPU cores; a real GPU scales them up. */
export const TRAIN_DEFAULTS = {
  features: { steps: 1500, batchCompounds: 24, checkpointEvery: 250 },
  cnn: { steps: 300, batchCompounds: 12, checkpointEvery: 50 },
};

/**
 * Default step count: 4× on a real GPU. Keyed on `accelerated`, never on the backend's name or
 * text: tfjs-node-gpu that found no GPU is a CPU backend.
 */
export function defaultSteps(encoder: EncoderKind, backend: { accelerated: boolean }): number {
  return TRAIN_DEFAULTS[encoder].steps * (backend.accelerated ? 4 : 1);
}

/**
 * Width of the molecule MLP's hidden layer: wasm's matmul costs ~1 µs per OUTPUT element whatever
 * the batch, so the fingerprint layer's weight gradient (2048 × hidden) sets the step time there:
 * keep it narrow on wasm/cpu (and software GPUs), as screens of a few dozen compounds need little
 * capacity anyway; native TensorFlow and real GPUs afford 256.
 */
export function moleculeHidden(backend: { name: string; accelerated: boolean }): number {
  return backend.accelerated || backend.name === 'tensorflow' ? 256 : 64;
}

export function modelName(model: ModelKind, encoder: EncoderKind, featureSource?: string | null): string {
  if (encoder === 'cnn') return `${model}_cnn`;
  return featureSource && featureSource !== HANDCRAFTED ? `${model}@${featureSource}` : model;
}

interface CkMeta {
  config: MiconConfig;
  rng: number;
  losses: number[];
  optimizer: string[];
}

export async function train(db: DB, o: TrainOptions): Promise<TrainResult> {
  const t0 = performance.now();
  const encoder = o.encoder ?? 'features';
  const d = TRAIN_DEFAULTS[encoder];
  if (o.initFrom && o.resume) throw new InputError("--init-from starts a new run from another model's parameters and --resume continues this model's own run: pass one or the other");
  if (encoder === 'cnn' && o.featureSource && o.featureSource !== HANDCRAFTED) {
    throw new InputError(`--features ${o.featureSource} feeds the feature head; the CNN encoder reads the images (drop --encoder cnn or --features)`);
  }
  const initSource = o.initFrom ? resolveInitSource(db, o.projectPath, o.initFrom) : null;
  const initEnc = initSource?.config.imageEncoder;
  const featureSource = encoder === 'features' ? (o.featureSource ?? (initEnc?.kind === 'features' ? initEnc.source : undefined) ?? HANDCRAFTED) : null;
  if (o.residualRank !== undefined && (encoder !== 'features' || !(Number.isInteger(o.residualRank) && o.residualRank >= 1))) {
    throw new InputError(`--residual-rank needs the feature head (not --encoder cnn) and a positive integer (got ${o.residualRank})`);
  }
  const name = o.name ?? modelName(o.residualRank ? (`${o.model}-res${o.residualRank}` as ModelKind) : o.model, encoder, featureSource);
  if (featureSource === name) throw new InputError(`model ${name} cannot train on its own embedding; pick another --features set or name`);
  const ckDir = o.checkpointDir ?? checkpointDirFor(o.projectPath, name);
  const backend = o.trainer
    ? { name: o.trainer.backend, detail: o.trainer.detail, accelerated: o.trainer.accelerated ?? false, tried: [] }
    : await selectBackend(o.backend ?? 'tensorflow', { allowSoftwareGpu: o.allowSoftwareGpu });
  const steps = o.steps ?? defaultSteps(encoder, backend);
  const batchCompounds = o.batchCompounds ?? d.batchCompounds;
  const every = o.checkpointEvery ?? d.checkpointEvery;

  // Imported profiles are well-level: each well is one sample (its id stands for the site id), its
  // controls the DMSO wells of its plate (else batch, else source), activity judged on that set.
  const wellLevel = isWellLevelSource(db, featureSource) ? normalizedWellFeatures(db, featureSource!) : null;
  const data = await loadTrainData(db, 2048, wellLevel?.samples);
  if (o.model !== 'image_only' && !data.fingerprints.size) {
    throw new InputError(
      `no treated compound of this project has a structure (SMILES), and ${o.model} pairs cells with molecules; add a SMILES column to the platemap or table, or join one with import-profiles --compounds FILE (image_only trains without)`,
    );
  }
  const feats = wellLevel ? wellLevel.feats : featureSource !== null ? normalizedSiteFeatures(db, data.sites, featureSource) : null;
  const which = o.compounds ?? 'active-wells';
  const activitySet = wellLevel ? featureSource! : undefined;
  const activity = which !== 'all' ? activeCompounds(db, data.trainCompounds, { seed: o.seed ?? 1, featureSet: activitySet }) : null;
  const usable = activity?.active ?? data.trainCompounds;
  const wells = which === 'active-wells' ? activeWells(db, usable, { featureSet: activitySet }) : null;
  const sampler = new ItemSampler(
    data.sites.filter((s) => s.control || (s.compound !== null && usable.has(s.compound) && (!wells || wells.has(s.wellId)))),
    usable,
  );
  if (sampler.compounds.length < 2) throw new InputError(`only ${sampler.compounds.length} trainable compound(s) with two or more wells; MICON needs replicates of several compounds`);

  const resumed = o.resume ? loadLatestCheckpoint<CkMeta>(ckDir) : null;
  const config =
    resumed?.meta.config ??
    makeConfig({
      model: o.model,
      seed: o.seed ?? 1,
      imageEncoder: feats
        ? { kind: 'features', inputDim: feats.dim, outDim: o.residualRank ? feats.dim : 64, source: feats.source, ...(o.residualRank ? { residualRank: o.residualRank } : {}) }
        : { kind: 'cnn', spec: DEFAULT_IMAGE_ENCODER },
      molecule: { hidden: moleculeHidden(backend) },
      // Fine-tuning keeps the source's sizes, so its parameters have the shapes to load.
      ...(initSource ? inheritArchitecture(initSource, encoder, feats) : {}),
      ...o.config,
    });
  if (resumed && resumed.meta.config.model !== o.model) throw new InputError(`${ckDir} holds a ${resumed.meta.config.model} checkpoint, not ${o.model}`);
  const resumedEnc = resumed?.meta.config.imageEncoder;
  if (resumedEnc && (resumedEnc.kind === 'features' ? (resumedEnc.source ?? HANDCRAFTED) : null) !== featureSource) {
    throw new InputError(`${ckDir} holds a checkpoint whose image side reads ${resumedEnc.kind === 'features' ? `feature set "${resumedEnc.source ?? HANDCRAFTED}"` : 'the images (CNN)'}; resume it with the same --encoder/--features`);
  }
  const images = config.imageEncoder.kind === 'cnn' ? new SiteImages(db, config.imageEncoder.spec.inputSize) : null;
  const initReport = initSource ? planInit(paramDefs(config), initSource) : null;
  const trainer: Trainer = o.trainer ?? new LocalTrainer(backend.name, backend.detail);
  const rng = new Rng(config.seed * 7919 + 17);
  let start = 0;
  let losses: number[] = [];
  if (resumed) {
    const params = Object.fromEntries(Object.entries(resumed.tensors).flatMap(([k, v]) => (k.startsWith('param:') ? [[k.slice(6), v]] : [])));
    const names = resumed.meta.optimizer;
    await trainer.init(config, { params, optimizer: { names, tensors: Object.fromEntries(names.map((n) => [n, resumed.tensors[`opt:${n}`]])) } });
    rng.state = resumed.meta.rng;
    start = resumed.step;
    losses = resumed.meta.losses;
  } else if (initSource && initReport) {
    await trainer.init(config, { params: Object.fromEntries(initReport.loaded.map((n) => [n, initSource.params[n]])), partial: true });
  } else {
    await trainer.init(config);
  }

  const fpBits = config.molecule.fpBits;
  let lastCheckpoint = resumed?.file ?? '';
  let windowStart = performance.now();
  let windowSamples = 0;
  try {
    let lastYield = performance.now();
    for (let step = start; step < steps; step++) {
      // A step on wasm/cpu computes synchronously before its one async read, so let the event loop in
      // now and then: that is how a cancel message or Ctrl-C reaches the signal.
      if (performance.now() - lastYield > 50) {
        await new Promise<void>((r) => setImmediate(r));
        lastYield = performance.now();
      }
      if (o.signal?.aborted) throw new JobCancelled();
      const items = sampler.batch(batchCompounds, rng);
      const treatedIds = items.flatMap((it) => it.treated);
      const controlIds = items.flatMap((it) => it.controls);
      const labels = items.flatMap((it) => [data.compoundIndex.get(it.compound)!, data.compoundIndex.get(it.compound)!]);
      const fp = new Float32Array(treatedIds.length * fpBits);
      items.forEach((it, i) => {
        const f = data.fingerprints.get(it.compound)!;
        fp.set(f, 2 * i * fpBits);
        fp.set(f, (2 * i + 1) * fpBits);
      });
      const input = (ids: number[]): HostTensor =>
        feats
          ? { data: concatRows(ids.map((id) => feats.bySite.get(id)!)), shape: [ids.length, feats.dim] }
          : { data: images!.batch(ids), shape: [ids.length, 5, images!.inputSize, images!.inputSize] };
      const terms = await trainer.step({ treated: input(treatedIds), controls: input(controlIds), fingerprints: { data: fp, shape: [treatedIds.length, fpBits] }, labels });
      if (!Number.isFinite(terms.total)) {
        throw new Error(`loss became ${terms.total} at step ${step + 1}${lastCheckpoint ? `; the last good checkpoint is ${lastCheckpoint} (rerun with --resume and a lower learning rate)` : ''}`);
      }
      losses.push(terms.total);
      windowSamples += treatedIds.length + controlIds.length;
      const done = step + 1;
      if (done % every === 0 || done === steps) {
        lastCheckpoint = await checkpoint(ckDir, done, trainer, { config, rng: rng.state, losses, optimizer: [] });
      }
      const now = performance.now();
      if (now - windowStart > 200 || done === steps) {
        const { total, ...rest } = terms;
        o.onProgress?.({ step: done, steps, loss: total, terms: rest, samplesPerSecond: (windowSamples * 1000) / (now - windowStart), backend: backend.name, device: backend.detail });
        windowStart = now;
        windowSamples = 0;
      }
    }
    const onnx = exportModelOnnx(config, (await trainer.snapshot()).params);
    const nowIso = new Date().toISOString();
    db.prepare(
      `INSERT INTO models (name, kind, config, split_id, backend, step, status, checkpoint, onnx, metrics, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'trained', ?, ?, ?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, config = excluded.config, split_id = excluded.split_id, backend = excluded.backend,
         step = excluded.step, status = excluded.status, checkpoint = excluded.checkpoint, onnx = excluded.onnx, metrics = excluded.metrics, updated_at = excluded.updated_at`,
    ).run(name, o.model, JSON.stringify(config), data.splitId, backend.name, steps, lastCheckpoint, Buffer.from(onnx), JSON.stringify({ losses, ...(initReport ? { initFrom: initReport } : {}) }), nowIso, nowIso);
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
    };
  } finally {
    await trainer.dispose();
  }
}

function concatRows(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows.length * rows[0].length);
  rows.forEach((r, i) => out.set(r, i * r.length));
  return out;
}

async function checkpoint(dir: string, step: number, trainer: Trainer, meta: CkMeta): Promise<string> {
  const snap = await trainer.snapshot();
  const tensors: Record<string, TensorData> = {};
  for (const [k, v] of Object.entries(snap.params)) tensors[`param:${k}`] = v;
  meta.optimizer = snap.optimizer.names;
  for (const n of snap.optimizer.names) tensors[`opt:${n}`] = snap.optimizer.tensors[n];
  return saveCheckpoint(dir, { step, meta: meta as unknown as Record<string, unknown>, tensors });
}
