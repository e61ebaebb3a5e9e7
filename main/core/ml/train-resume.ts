// How a run starts: its config (a resumed run keeps the checkpoint's), and the trainer's parameters,
// optimizer slots, sampler RNG and step from a checkpoint (resume), a source model (fine-tune) or
// the seed; and the checkpoints it writes, which hold exactly that state.
import { HANDCRAFTED } from '../embeddings/handcrafted.js';
import { InputError } from '../types.js';
import { loadLatestCheckpoint, saveCheckpoint, type Checkpoint, type TensorData } from './checkpoint.js';
import { defaultConfig, makeConfig, type ConfigOverrides, type ImageSide, type MiconConfig } from './config.js';
import { inheritArchitecture, planInit, type InitFromReport } from './init-from.js';
import { paramDefs } from './model.js';
import { Rng } from './sampling.js';
import type { ModelKind } from './train-params.js';
import type { RunPlan } from './train-run.js';
import type { SiteFeatures } from './train-data.js';
import type { Trainer } from './trainer.js';

export interface CkMeta {
  config: MiconConfig;
  rng: number;
  losses: number[];
  optimizer: string[];
}

type Resumed = Checkpoint<CkMeta> & { file: string };

export interface RunStart {
  config: MiconConfig;
  resumed: Resumed | null;
  initReport: InitFromReport | null;
}

/**
 * The config of the run, resolved in one place: a resumed run's from its checkpoint; else
 * defaultConfig for this image side and backend, the fine-tuning source's sizes, then `overrides`.
 */
export function resolveRunConfig(
  plan: RunPlan,
  o: { model: ModelKind; seed?: number; resume?: boolean; residualRank?: number; overrides: ConfigOverrides },
  feats: SiteFeatures | null,
): RunStart {
  const { ckDir, initSource, featureSource } = plan;
  const resumed = o.resume ? loadLatestCheckpoint<CkMeta>(ckDir) : null;
  const side: ImageSide = feats ? { kind: 'features', inputDim: feats.dim, source: feats.source, residualRank: o.residualRank } : { kind: 'cnn' };
  const config =
    resumed?.meta.config ??
    makeConfig(
      {
        model: o.model,
        seed: o.seed ?? 1,
        // Fine-tuning keeps the source's sizes, so its parameters have the shapes to load.
        ...(initSource ? inheritArchitecture(initSource, plan.encoder, feats) : {}),
        ...o.overrides,
      },
      defaultConfig(side, plan.backend),
    );
  if (resumed && resumed.meta.config.model !== o.model) throw new InputError(`${ckDir} holds a ${resumed.meta.config.model} checkpoint, not ${o.model}`);
  const resumedEnc = resumed?.meta.config.imageEncoder;
  if (resumedEnc && (resumedEnc.kind === 'features' ? (resumedEnc.source ?? HANDCRAFTED) : null) !== featureSource) {
    throw new InputError(`${ckDir} holds a checkpoint whose image side reads ${resumedEnc.kind === 'features' ? `feature set "${resumedEnc.source ?? HANDCRAFTED}"` : 'the images (CNN)'}; resume it with the same --encoder/--features`);
  }
  return { config, resumed, initReport: initSource ? planInit(paramDefs(config), initSource) : null };
}

/** Loads the trainer's starting state; returns the step to start at, the loss history so far and the sampler RNG. */
export async function startTrainer(trainer: Trainer, plan: RunPlan, s: RunStart): Promise<{ start: number; losses: number[]; rng: Rng }> {
  const { config, resumed, initReport } = s;
  const rng = new Rng(config.seed * 7919 + 17);
  if (resumed) {
    const params = Object.fromEntries(Object.entries(resumed.tensors).flatMap(([k, v]) => (k.startsWith('param:') ? [[k.slice(6), v]] : [])));
    const names = resumed.meta.optimizer;
    await trainer.init(config, { params, optimizer: { names, tensors: Object.fromEntries(names.map((n) => [n, resumed.tensors[`opt:${n}`]])) } });
    rng.state = resumed.meta.rng;
    return { start: resumed.step, losses: resumed.meta.losses, rng };
  }
  const src = plan.initSource;
  if (src && initReport) await trainer.init(config, { params: Object.fromEntries(initReport.loaded.map((n) => [n, src.params[n]])), partial: true });
  else await trainer.init(config);
  return { start: 0, losses: [], rng };
}

/** Writes the trainer's parameters and optimizer slots with `meta` (its optimizer names filled in) atomically. */
export async function writeCheckpoint(dir: string, step: number, trainer: Trainer, meta: CkMeta): Promise<string> {
  const snap = await trainer.snapshot();
  const tensors: Record<string, TensorData> = {};
  for (const [k, v] of Object.entries(snap.params)) tensors[`param:${k}`] = v;
  meta.optimizer = snap.optimizer.names;
  for (const n of snap.optimizer.names) tensors[`opt:${n}`] = snap.optimizer.tensors[n];
  return saveCheckpoint(dir, { step, meta: meta as unknown as Record<string, unknown>, tensors });
}
