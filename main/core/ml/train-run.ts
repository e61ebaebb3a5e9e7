// A run's options resolved before any data is read: the checks between options, the model's name and
// checkpoint folder, the backend, and the sizes that default by encoder and backend.
import type { DB } from '../db/open.js';
import { HANDCRAFTED } from '../embeddings/handcrafted.js';
import { InputError } from '../types.js';
import { selectBackend } from './backend.js';
import { checkpointDirFor } from './checkpoint.js';
import { REFERENCE_LOSS, type ConfigOverrides, type MiconConfig } from './config.js';
import { resolveInitSource, type InitSource } from './init-from.js';
import { defaultSteps, TRAIN_DEFAULTS, type EncoderKind, type ModelKind, type TrainParams } from './train-params.js';
import type { Trainer } from './trainer.js';

export interface RunBackend {
  name: string;
  detail: string;
  accelerated: boolean;
  tried: { name: string; ok: boolean; error?: string }[];
}

export interface RunPlan {
  encoder: EncoderKind;
  initSource: InitSource | null;
  /** The feature set the feature head reads; null for the CNN. */
  featureSource: string | null;
  name: string;
  ckDir: string;
  backend: RunBackend;
  steps: number;
  batchCompounds: number;
  checkpointEvery: number;
}

export function modelName(model: ModelKind, encoder: EncoderKind, featureSource?: string | null): string {
  if (encoder === 'cnn') return `${model}_cnn`;
  return featureSource && featureSource !== HANDCRAFTED ? `${model}@${featureSource}` : model;
}

/** Options → plan; refuses contradictory options before anything heavy runs. */
export async function planRun(
  db: DB,
  o: TrainParams & { model: ModelKind; projectPath: string; checkpointDir?: string; trainer?: Trainer },
): Promise<RunPlan> {
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
  const backend: RunBackend = o.trainer
    ? { name: o.trainer.backend, detail: o.trainer.detail, accelerated: o.trainer.accelerated ?? false, tried: [] }
    : await selectBackend(o.backend ?? 'tensorflow', { allowSoftwareGpu: o.allowSoftwareGpu });
  return {
    encoder,
    initSource,
    featureSource,
    name,
    ckDir,
    backend,
    steps: o.steps ?? defaultSteps(encoder, backend),
    batchCompounds: o.batchCompounds ?? d.batchCompounds,
    checkpointEvery: o.checkpointEvery ?? d.checkpointEvery,
  };
}

/** The loss options of the params as config overrides (the reference preset first, explicit options over it). */
export function lossOverrides(p: TrainParams): ConfigOverrides {
  const loss: Partial<MiconConfig['loss']> = p.referenceLoss ? { ...REFERENCE_LOSS } : {};
  if (p.temperature !== undefined) loss.temperature = p.temperature;
  if (p.cfGradient) loss.counterfactualStopGradient = p.cfGradient === 'detach';
  if (p.cfContrast) loss.counterfactualContrast = p.cfContrast;
  return Object.keys(loss).length ? { loss } : {};
}
