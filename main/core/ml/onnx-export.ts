// Our own ONNX exporter for the image encoder and the feature heads (DESIGN.md "Compute backends"):
// the graph is rebuilt op by op from the same spec the tfjs forward pass uses, so ORT and tfjs agree.
// Initialisers carry the checkpoint names from encoderParamShapes; conv kernels are stored transposed
// (tfjs HWIO → ONNX OIHW) under those names.
import { encoderParamShapes, type ImageEncoderSpec } from './encoder-spec.js';
import { GraphBuilder } from './onnx-graph.js';

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}
export type Weights = Record<string, WeightTensor>;

export const IMAGE_INPUT = 'images';
export const FEATURE_INPUT = 'features';
export const EMBEDDING_OUTPUT = 'embedding';
const EPS = 1e-12; // same epsilon as encodeImages

/** TF/tfjs 'same' padding: when the total is odd the extra pixel goes after (bottom/right), not before. */
export function samePads(size: number, kernel: number, stride: number): { before: number; after: number; out: number } {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return { before, after: total - before, out };
}

export function exportImageEncoderOnnx(spec: ImageEncoderSpec, weights: Weights): Uint8Array {
  const shapes = new Map(encoderParamShapes(spec));
  for (const [name, shape] of shapes) checkWeight(weights, name, shape);
  const S = spec.inputSize;
  const g = new GraphBuilder();
  // ONNX Conv has no "shared across channels" notion; folding channels into the batch keeps one
  // small kernel set (a grouped conv would need the weights tiled channels× and runs slower in ORT).
  let y = g.op('Reshape', [IMAGE_INPUT, g.int64('shape/per_channel', [-1, 1, S, S])]);
  let size = S;
  spec.convs.forEach((c, i) => {
    const name = `conv${i}/kernel`;
    const [k, , cin, cout] = shapes.get(name)!;
    g.float(name, [cout, cin, k, k], hwioToOihw(weights[name].data, k, cin, cout));
    g.float(`conv${i}/bias`, [cout], weights[`conv${i}/bias`].data);
    const p = samePads(size, k, c.stride);
    const conv = g.op('Conv', [y, name, `conv${i}/bias`], {
      kernel_shape: [k, k],
      strides: [c.stride, c.stride],
      pads: [p.before, p.before, p.after, p.after],
    });
    y = g.op('Relu', [conv]);
    size = p.out;
  });
  y = g.op('Flatten', [g.op('GlobalAveragePool', [y])], { axis: 1 });
  y = dense(g, y, 'dense', weights);
  y = g.op('Reshape', [y, g.int64('shape/concat', [-1, spec.channels * spec.perChannelDim])]);
  l2Normalise(g, y);
  return g.model(
    'micon_image_encoder',
    { name: IMAGE_INPUT, dims: ['N', spec.channels, S, S] },
    { name: EMBEDDING_OUTPUT, dims: ['N', spec.channels * spec.perChannelDim] },
    { 'micon.kind': 'image_encoder', 'micon.spec': JSON.stringify(spec) },
  );
}

/** A dense stack over a feature vector: `units[i]` outputs per layer, ReLU between layers (not after the last). */
export interface FeatureHeadSpec {
  inputDim: number;
  units: number[];
  /** ReLU between consecutive layers; default true. */
  relu?: boolean;
  /** L2-normalise the output rows; default true. */
  normalise?: boolean;
  /** Add the input to the stack's output (a residual head; the last layer's width equals inputDim). */
  residual?: boolean;
}

export function featureHeadParamShapes(spec: FeatureHeadSpec, prefix = 'head'): [string, number[]][] {
  const out: [string, number[]][] = [];
  let din = spec.inputDim;
  spec.units.forEach((u, i) => {
    out.push([`${prefix}/dense${i}/kernel`, [din, u]]);
    out.push([`${prefix}/dense${i}/bias`, [u]]);
    din = u;
  });
  return out;
}

export function exportFeatureHeadOnnx(spec: FeatureHeadSpec, weights: Weights, prefix = 'head'): Uint8Array {
  if (spec.units.length === 0) throw new Error('feature head needs at least one dense layer');
  for (const [name, shape] of featureHeadParamShapes(spec, prefix)) checkWeight(weights, name, shape);
  const g = new GraphBuilder();
  let y = FEATURE_INPUT;
  spec.units.forEach((_, i) => {
    y = dense(g, y, `${prefix}/dense${i}`, weights);
    if ((spec.relu ?? true) && i < spec.units.length - 1) y = g.op('Relu', [y]);
  });
  const outDim = spec.units[spec.units.length - 1];
  if (spec.residual) {
    if (outDim !== spec.inputDim) throw new Error(`residual feature head: output ${outDim} ≠ input ${spec.inputDim}`);
    y = g.op('Add', [FEATURE_INPUT, y]);
  }
  if (spec.normalise ?? true) l2Normalise(g, y);
  else g.op('Identity', [y], {}, EMBEDDING_OUTPUT);
  return g.model(
    'micon_feature_head',
    { name: FEATURE_INPUT, dims: ['N', spec.inputDim] },
    { name: EMBEDDING_OUTPUT, dims: ['N', outDim] },
    { 'micon.kind': 'feature_head', 'micon.spec': JSON.stringify({ ...spec, prefix }) },
  );
}

function dense(g: GraphBuilder, x: string, name: string, w: Weights): string {
  const k = w[`${name}/kernel`];
  g.float(`${name}/kernel`, k.shape, k.data);
  g.float(`${name}/bias`, w[`${name}/bias`].shape, w[`${name}/bias`].data);
  return g.op('Add', [g.op('MatMul', [x, `${name}/kernel`]), `${name}/bias`]);
}

function l2Normalise(g: GraphBuilder, x: string): void {
  const eps = g.float('const/eps', [], Float32Array.of(EPS));
  const norm = g.op('Add', [g.op('ReduceL2', [x], { axes: [1], keepdims: 1 }), eps]);
  g.op('Div', [x, norm], {}, EMBEDDING_OUTPUT);
}

function checkWeight(w: Weights, name: string, shape: number[]): void {
  const t = w[name];
  if (!t) throw new Error(`missing weight ${name}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`weight ${name}: shape [${t.shape}] but the spec needs [${shape}]`);
  }
  if (t.data.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`weight ${name}: ${t.data.length} values for [${shape}]`);
}

function hwioToOihw(src: Float32Array, k: number, cin: number, cout: number): Float32Array {
  const dst = new Float32Array(src.length);
  for (let y = 0; y < k; y++)
    for (let x = 0; x < k; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) dst[((o * cin + i) * k + y) * k + x] = src[((y * k + x) * cin + i) * cout + o];
  return dst;
}
