// Child process of onnx-embed-webgpu.test.ts. Dawn (ours and ORT's) reads VK_ICD_FILENAMES once per
// process, so each Vulkan setting (SwiftShader, none) runs here in its own process; the test sets the
// environment and reads one JSON line (after RESULT_MARK) from stdout. Dawn's warnings go to stderr.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeGrey16 } from '../../../../main/core/images/decode.js';
import { backboneInput, planBackbone, type ValueMeta } from '../../../../main/core/ml/backbone.js';
import { DEFAULT_IMAGE_ENCODER, encoderParamShapes } from '../../../../main/core/ml/encoder-spec.js';
import { checkProvider, createEmbedder, openSession, type EmbedderOptions } from '../../../../main/core/ml/onnx-embed.js';
import { exportImageEncoderOnnx } from '../../../../main/core/ml/onnx-export.js';
import { GraphBuilder } from '../../../../main/core/ml/onnx-graph.js';
import { toInput } from '../../../../main/core/ml/site-images.js';
import { REALDATA } from '../../../helpers/realdata.js';
import { maxAbsDiff, randomWeights, rng, uniform } from './onnx-helpers.js';

const RESULT_MARK = 'ORT-WEBGPU-PROBE ';

const spec = DEFAULT_IMAGE_ENCODER;

/**
 * One real Cell Painting field (Bray/CDRP, 520×696, five channels) as three square sites: the left,
 * centre and right 520×520 crops, each scaled to `size` as ingest does.
 */
async function realSites(size: number): Promise<Float32Array> {
  const dir = path.join(REALDATA, 'images-bray-cdrp-site');
  const planes = await Promise.all(['Hoechst', 'ERSyto', 'ERSytoBleed', 'Ph_golgi', 'Mito'].map((c) => decodeGrey16(path.join(dir, `${c}.tif`))));
  const { width, height } = planes[0];
  const side = Math.min(width, height);
  const out = new Float32Array(3 * 5 * size * size);
  [0, (width - side) >> 1, width - side].forEach((x0, k) => {
    const data = new Uint16Array(5 * side * side);
    planes.forEach((p, c) => {
      for (let y = 0; y < side; y++) data.set(p.data.subarray(y * width + x0, y * width + x0 + side), c * side * side + y * side);
    });
    out.set(toInput({ size: side, data }, size), k * 5 * size * size);
  });
  return out;
}

/**
 * A ResNet-like backbone on 3-channel images: 7×7/2 stem with batch norm, max pool, one residual
 * basic block, a strided 3×3, global average pool — the ops a frozen ImageNet CNN feeds ORT.
 */
function backboneModel(size: number): Uint8Array {
  const g = new GraphBuilder();
  const r = rng(5);
  let n = 0;
  const conv = (x: string, cin: number, cout: number, k: number, stride: number) => {
    const i = n++;
    const w = g.float(`w${i}`, [cout, cin, k, k], uniform(cout * cin * k * k, r, -Math.sqrt(6 / (cin * k * k)), Math.sqrt(6 / (cin * k * k))));
    const b = g.float(`b${i}`, [cout], uniform(cout, r, -0.1, 0.1));
    const y = g.op('Conv', [x, w, b], { kernel_shape: [k, k], strides: [stride, stride], pads: Array(4).fill(k >> 1) });
    const bn = (name: string, lo: number, hi: number) => g.float(`${name}${i}`, [cout], uniform(cout, r, lo, hi));
    return g.op('BatchNormalization', [y, bn('gamma', 0.5, 1.5), bn('beta', -0.2, 0.2), bn('mean', -0.1, 0.1), bn('var', 0.5, 2)]);
  };
  const stem = g.op('Relu', [conv('x', 3, 16, 7, 2)]);
  const pooled = g.op('MaxPool', [stem], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  const block = conv(g.op('Relu', [conv(pooled, 16, 16, 3, 1)]), 16, 16, 3, 1);
  const res = g.op('Relu', [g.op('Add', [block, pooled])]);
  const down = g.op('Relu', [conv(res, 16, 32, 3, 2)]);
  g.op('GlobalAveragePool', [down], {}, 'features');
  return g.model('backbone-like', { name: 'x', dims: ['N', 3, size, size] }, { name: 'features', dims: ['N', 32, 1, 1] }, {});
}

async function run(onnx: Uint8Array, input: Float32Array, dims: number[], opts: EmbedderOptions) {
  const s = await openSession(onnx, { threads: 1, ...opts });
  try {
    const out = await s.session.run({ [s.session.inputNames[0]]: new ort.Tensor('float32', input, dims) });
    return { provider: s.provider, adapter: s.adapter, fallbackReason: s.fallbackReason, y: out[s.session.outputNames[0]].data as Float32Array };
  } finally {
    await s.session.release();
  }
}

/** webgpu (software adapter allowed) against cpu on the same model and input. */
async function parity(onnx: Uint8Array, input: Float32Array, dims: number[]) {
  const cpu = await run(onnx, input, dims, { executionProviders: ['cpu'] });
  const gpu = await run(onnx, input, dims, { executionProviders: ['webgpu'], allowSoftwareGpu: true });
  return { provider: gpu.provider, adapter: gpu.adapter, values: gpu.y.length, maxAbs: Math.max(...cpu.y.map(Math.abs)), maxAbsDiff: maxAbsDiff(gpu.y, cpu.y) };
}

async function pick(opts: EmbedderOptions) {
  try {
    const e = await createEmbedder(exportImageEncoderOnnx(spec, randomWeights(encoderParamShapes(spec), 7)), { threads: 1, ...opts });
    await e.close();
    return { provider: e.provider, adapter: e.adapter, fallbackReason: e.fallbackReason };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const scenarios: Record<string, () => Promise<unknown>> = {
  async parity() {
    const sites = await realSites(spec.inputSize);
    const encoder = await parity(exportImageEncoderOnnx(spec, randomWeights(encoderParamShapes(spec), 7)), sites, [3, spec.channels, spec.inputSize, spec.inputSize]);
    // The backbone through `micon backbone`'s own feeding: each channel as a grey RGB image, ImageNet-scaled.
    const model = backboneModel(spec.inputSize);
    const meta = (name: string, shape: (number | string)[]): ValueMeta[] => [{ name, isTensor: true, type: 'float32', shape }];
    const plan = planBackbone('backbone-like', meta('x', ['N', 3, spec.inputSize, spec.inputSize]), meta('features', ['N', 32, 1, 1]));
    const images = backboneInput(plan, sites, 3, 'imagenet');
    const backbone = await parity(model, images, [3 * plan.imagesPerSite, 3, spec.inputSize, spec.inputSize]);
    return { encoder, backbone };
  },
  async choose() {
    return {
      default: await pick({}),
      allowSoftwareGpu: await pick({ allowSoftwareGpu: true }),
      webgpuOnly: await pick({ executionProviders: ['webgpu'] }),
      webgpuCheck: await checkProvider('webgpu'),
    };
  },
};

const name = process.argv[2];
const scenario = scenarios[name];
if (!scenario) throw new Error(`unknown scenario ${name}; one of ${Object.keys(scenarios).join(', ')}`);
process.stdout.write(`${RESULT_MARK}${JSON.stringify(await scenario())}\n`);
