// Fine-tuning (`micon train --init-from`): a NEW run — step 0, a fresh optimizer, its own sampler —
// whose parameters start from another checkpoint wherever names and shapes match, the rest from the
// seed. The usual case is an image_only model's image encoder and projection head carried into a
// micon model, whose molecule encoder and generator start fresh. Parameter names are shared by every
// model kind (model.ts), so "same name, same shape" is the whole matching rule.
import fs from 'node:fs';
import type { DB } from '../db/open.js';
import { HANDCRAFTED } from '../embeddings/handcrafted.js';
import { InputError } from '../types.js';
import { checkpointDirFor, decodeCheckpoint, loadLatestCheckpoint, type Checkpoint, type TensorData } from './checkpoint.js';
import type { ConfigOverrides, ImageEncoderConfig, MiconConfig, ModelKind } from './config.js';
import type { ParamDef } from './model.js';

export interface InitSource {
  /** What was asked for: a model name, a checkpoint folder or a checkpoint file. */
  spec: string;
  /** The checkpoint file read. */
  checkpoint: string;
  step: number;
  config: MiconConfig;
  /** Model parameters by name (the checkpoint's `param:` tensors). */
  params: Record<string, TensorData>;
}

/** What `train` reports (and records in the model's metrics) about where its parameters came from. */
export interface InitFromReport {
  source: string;
  checkpoint: string;
  /** The source checkpoint's step. */
  step: number;
  /** The source's model kind (micon, image_only, clip). */
  model: ModelKind;
  /** Parameters copied from the source (same name and shape). */
  loaded: string[];
  /** Parameters initialised from the seed: absent from the source, or another shape there. */
  fresh: string[];
  /** Source parameters this model has no use for (e.g. a micon generator when training image_only). */
  unused: string[];
}

/** Image-side parameter names: the per-channel CNN's (unprefixed, encoder-spec.ts) or the feature head's. */
export function isImageParam(name: string): boolean {
  return /^(conv\d+|dense|feat\d+)\//.test(name);
}

function readCheckpointFile(file: string, spec: string): Checkpoint<Record<string, unknown>> & { file: string } {
  try {
    return { ...decodeCheckpoint<Record<string, unknown>>(fs.readFileSync(file), file), file };
  } catch (e) {
    throw new InputError(`--init-from ${spec}: ${file} is not a readable MICON checkpoint (${(e as Error).message})`);
  }
}

function readCheckpointDir(dir: string, spec: string): Checkpoint<Record<string, unknown>> & { file: string } {
  let ck: (Checkpoint<Record<string, unknown>> & { file: string }) | null;
  try {
    ck = loadLatestCheckpoint<Record<string, unknown>>(dir);
  } catch (e) {
    throw new InputError(`--init-from ${spec}: cannot read the latest checkpoint in ${dir} (${(e as Error).message})`);
  }
  if (!ck) throw new InputError(`--init-from ${spec}: ${dir} holds no checkpoint (no latest.json)`);
  return ck;
}

/**
 * Find the checkpoint `spec` names: a model of the project (its `models.checkpoint`, else the latest
 * in `<project>.d/checkpoints/<name>`), else a checkpoint folder (its latest.json) or file.
 */
export function resolveInitSource(db: DB, projectPath: string, spec: string): InitSource {
  const row = db.prepare('SELECT checkpoint FROM models WHERE name = ?').get(spec) as { checkpoint: string | null } | undefined;
  const modelDir = checkpointDirFor(projectPath, spec);
  let ck: Checkpoint<Record<string, unknown>> & { file: string };
  if (row?.checkpoint && fs.existsSync(row.checkpoint)) ck = readCheckpointFile(row.checkpoint, spec);
  else if (fs.existsSync(`${modelDir}/latest.json`)) ck = readCheckpointDir(modelDir, spec);
  else if (fs.existsSync(spec)) ck = fs.statSync(spec).isDirectory() ? readCheckpointDir(spec, spec) : readCheckpointFile(spec, spec);
  else if (row) throw new InputError(`--init-from ${spec}: the model exists but its checkpoint ${row.checkpoint ? `${row.checkpoint} is gone` : 'was never written'}, and ${modelDir} holds none`);
  else {
    const names = (db.prepare('SELECT name FROM models ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    throw new InputError(`--init-from ${spec}: no such model (trained models: ${names.join(', ') || 'none'}), checkpoint folder or file`);
  }
  const config = ck.meta.config as MiconConfig | undefined;
  if (!config?.imageEncoder || !config.model) throw new InputError(`--init-from ${spec}: ${ck.file} records no model configuration (not a micon train checkpoint)`);
  const params: Record<string, TensorData> = {};
  for (const [k, v] of Object.entries(ck.tensors)) if (k.startsWith('param:')) params[k.slice(6)] = v;
  return { spec, checkpoint: ck.file, step: ck.step, config, params };
}

function describeEncoder(e: ImageEncoderConfig): string {
  return e.kind === 'cnn' ? 'the per-channel CNN' : `a feature head over "${e.source ?? HANDCRAFTED}"`;
}

/**
 * The source's architecture where this run can reuse it (image encoder, molecule hidden width,
 * projection and generator sizes), so its parameters have the shapes to load; explicit overrides
 * still win. Refuses an image side of another kind or over another feature set: nothing of the
 * image encoder could carry over.
 */
export function inheritArchitecture(src: InitSource, encoder: 'features' | 'cnn', feats: { source: string; dim: number } | null): ConfigOverrides {
  const e = src.config.imageEncoder;
  if (e.kind !== encoder) {
    throw new InputError(`--init-from ${src.spec}: its image encoder is ${describeEncoder(e)}, but this run trains ${encoder === 'cnn' ? 'the per-channel CNN' : 'a feature head'}; pass --encoder ${e.kind}`);
  }
  let imageEncoder: ImageEncoderConfig;
  if (e.kind === 'cnn') imageEncoder = { kind: 'cnn', spec: e.spec };
  else {
    const was = e.source ?? HANDCRAFTED;
    if (!feats || feats.source !== was) {
      throw new InputError(`--init-from ${src.spec}: its feature head reads feature set "${was}", this run "${feats?.source}"; pass --features ${was}`);
    }
    imageEncoder = { kind: 'features', inputDim: feats.dim, ...(e.hidden ? { hidden: e.hidden } : {}), outDim: e.outDim, source: feats.source };
  }
  const c = src.config;
  return { imageEncoder, molecule: { hidden: c.molecule.hidden }, projection: { ...c.projection }, generator: { ...c.generator } };
}

/** Which of `defs` load from the source; refuses when no weight of the image side would. */
export function planInit(defs: ParamDef[], src: InitSource): InitFromReport {
  const loaded: string[] = [];
  const fresh: string[] = [];
  const mismatched: string[] = [];
  for (const d of defs) {
    const t = src.params[d.name];
    if (t && t.shape.join() === d.shape.join()) loaded.push(d.name);
    else {
      fresh.push(d.name);
      if (t) mismatched.push(`${d.name} [${t.shape}] vs [${d.shape}]`);
    }
  }
  // Weights, not biases, carry what was learnt: a bias alone loading is still "nothing".
  if (!loaded.some((n) => isImageParam(n) && n.endsWith('/kernel'))) {
    throw new InputError(
      `--init-from ${src.spec}: none of its image-encoder parameters fit this model${mismatched.length ? ` (checkpoint vs model: ${mismatched.filter(isImageParam).join('; ')})` : ''}; nothing would load for the image side`,
    );
  }
  const used = new Set(loaded);
  return {
    source: src.spec,
    checkpoint: src.checkpoint,
    step: src.step,
    model: src.config.model,
    loaded,
    fresh,
    unused: Object.keys(src.params).filter((k) => !used.has(k)),
  };
}
