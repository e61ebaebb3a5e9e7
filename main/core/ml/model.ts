// MICON's parameters as plain tf.Variables in one name → tensor map (no Layers API): checkpoints, the
// ONNX exporter and the forward functions all address weights by the same names. The image CNN keeps
// encoder-spec's names unprefixed (conv0/kernel …, dense/…) so encodeImages and the exporter take this
// map as is; the other parts are prefixed feat*/mol*/proj*/gen*.
import * as tf from '@tensorflow/tfjs';
import type { MiconConfig } from './config.js';
import { conv2dTrainable, conv2dTrainableDataInput, trainableConv2d, type Conv2DFn } from './conv-grad.js';
import { encodeImages, encoderParamShapes, embeddingDim as cnnEmbeddingDim } from './encoder-spec.js';
import { initValues, type InitKind } from './init.js';

export interface ParamDef {
  name: string;
  shape: number[];
  init: InitKind;
}

export interface MiconModel {
  config: MiconConfig;
  params: Record<string, tf.Variable>;
}

/** Dimension of the image (and molecule, and generator) embedding. */
export function embeddingDim(config: MiconConfig): number {
  const e = config.imageEncoder;
  return e.kind === 'cnn' ? cnnEmbeddingDim(e.spec) : e.outDim;
}

/** An MLP's parameters: `prefix{i}/kernel|bias`; hidden layers feed a ReLU (He init), the last does not. */
function mlpDefs(prefix: string, dims: number[]): ParamDef[] {
  const out: ParamDef[] = [];
  for (let i = 0; i + 1 < dims.length; i++) {
    const last = i + 2 === dims.length;
    out.push({ name: `${prefix}${i}/kernel`, shape: [dims[i], dims[i + 1]], init: last ? 'glorot' : 'he' });
    out.push({ name: `${prefix}${i}/bias`, shape: [dims[i + 1]], init: 'zeros' });
  }
  return out;
}

function imageDims(config: MiconConfig): number[] {
  const e = config.imageEncoder;
  if (e.kind !== 'features') throw new Error('imageDims: CNN encoders have no feature head');
  if (e.residualRank) return [e.inputDim, e.residualRank, e.inputDim];
  return e.hidden ? [e.inputDim, e.hidden, e.outDim] : [e.inputDim, e.outDim];
}

/** Every parameter the config needs, in a fixed order. Parts a model kind never trains are left out. */
export function paramDefs(config: MiconConfig): ParamDef[] {
  const d = embeddingDim(config);
  const e = config.imageEncoder;
  const defs: ParamDef[] =
    e.kind === 'cnn'
      ? encoderParamShapes(e.spec).map(([name, shape]) => ({ name, shape, init: shape.length === 1 ? 'zeros' : name.startsWith('conv') ? 'he' : 'glorot' }))
      : mlpDefs('feat', imageDims(config)).map((p) => (e.residualRank && p.name === 'feat1/kernel' ? { ...p, init: 'zeros' as const } : p));
  if (config.model !== 'image_only') defs.push(...mlpDefs('mol', [config.molecule.fpBits, config.molecule.hidden, d]));
  if (config.model !== 'clip') defs.push(...mlpDefs('proj', [d, config.projection.hidden, config.projection.outDim]));
  if (config.model === 'micon') defs.push(...mlpDefs('gen', [2 * d, config.generator.hidden, d]));
  return defs;
}

/** Fresh parameters from config.seed; identical on every backend. */
export function createModel(config: MiconConfig): MiconModel {
  const params: Record<string, tf.Variable> = {};
  for (const p of paramDefs(config)) {
    params[p.name] = tf.tidy(() => tf.variable(tf.tensor(initValues(p.init, p.shape, config.seed, p.name), p.shape), true));
  }
  return { config, params };
}

export function disposeModel(m: MiconModel): void {
  for (const v of Object.values(m.params)) v.dispose();
}

export function trainableVariables(m: MiconModel): tf.Variable[] {
  return Object.values(m.params);
}

function l2normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.add(tf.norm(x, 'euclidean', 1, true), 1e-12));
}

function mlp(p: Record<string, tf.Tensor>, prefix: string, x: tf.Tensor2D): tf.Tensor2D {
  let y = x;
  for (let i = 0; p[`${prefix}${i}/kernel`]; i++) {
    if (i > 0) y = tf.relu(y);
    y = tf.add(tf.matMul(y, p[`${prefix}${i}/kernel`] as tf.Tensor2D), p[`${prefix}${i}/bias`]);
  }
  return y;
}

/**
 * L2-normalised image embeddings. CNN: `x` is [n, channels, S, S] in 0..1; features: `x` is [n, inputDim].
 * `conv` defaults to one whose gradient the active backend can compute.
 */
export function imageEmbed(m: MiconModel, x: tf.Tensor, conv: Conv2DFn = trainableConv2d()): tf.Tensor2D {
  const e = m.config.imageEncoder;
  if (e.kind === 'cnn') {
    // encodeImages calls conv layer by layer, so the first call is the one whose input is the images:
    // with our own gradient, that layer skips the input gradient nobody reads.
    let first = conv === conv2dTrainable;
    const layered: Conv2DFn = (a, w, s) => {
      const f = first ? conv2dTrainableDataInput : conv;
      first = false;
      return f(a, w, s);
    };
    return encodeImages(e.spec, m.params, x as tf.Tensor4D, layered);
  }
  return tf.tidy(() => {
    const y = mlp(m.params, 'feat', x as tf.Tensor2D);
    return l2normalize(e.residualRank ? tf.add(x as tf.Tensor2D, y) : y);
  });
}

/** L2-normalised molecule embeddings from [n, fpBits] Morgan fingerprints. */
export function moleculeEmbed(m: MiconModel, fp: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => l2normalize(mlp(m.params, 'mol', fp)));
}

/** The projection head the contrastive losses see (L2-normalised); downstream uses the embeddings. */
export function project(m: MiconModel, emb: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => l2normalize(mlp(m.params, 'proj', emb)));
}

/** Counterfactual generator: control-image embedding + molecule embedding → predicted treated embedding. */
export function generate(m: MiconModel, controlEmb: tf.Tensor2D, molEmb: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const out = mlp(m.params, 'gen', tf.concat([controlEmb, molEmb], 1));
    return l2normalize(m.config.generator.residual ? tf.add(controlEmb, out) : out);
  });
}

/**
 * Parameter values as plain arrays (checkpoints, ONNX export), read asynchronously: dataSync cannot
 * run on webgpu, so there is no synchronous twin.
 */
export async function readParamData(m: MiconModel): Promise<Record<string, { shape: number[]; data: Float32Array }>> {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [k, v] of Object.entries(m.params)) out[k] = { shape: v.shape, data: (await v.data()) as Float32Array };
  return out;
}

/** Overwrite parameters from a checkpoint's tensors; names or shapes that do not match are an error. */
export function loadParamData(m: MiconModel, tensors: Record<string, { shape: number[]; data: Float32Array }>): void {
  for (const [k, v] of Object.entries(m.params)) {
    const t = tensors[k];
    if (!t) throw new Error(`checkpoint lacks parameter ${k}`);
    if (t.shape.join() !== v.shape.join()) throw new Error(`parameter ${k}: checkpoint shape [${t.shape}] ≠ model [${v.shape}]`);
    tf.tidy(() => v.assign(tf.tensor(t.data, t.shape)));
  }
}
