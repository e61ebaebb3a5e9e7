// Inference with onnxruntime-node (DESIGN.md "Compute backends"): CUDA execution provider where its
// add-on is installed and loads, else CPU — and the embedder always says which one runs and why.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

export interface EmbedderOptions {
  /** Providers to try in order, e.g. ['cpu'] to force CPU; default: CUDA when its add-on is present, then CPU. */
  executionProviders?: string[];
  /** Intra-op threads; default: all cores. */
  threads?: number;
}

export interface Embedder {
  provider: string;
  /** Why a faster provider was not used (empty when none was skipped). */
  fallbackReason: string;
  inputName: string;
  /** Shape of one item (the input shape without the batch dim), e.g. [channels, S, S]. */
  itemShape: number[];
  outputDim: number;
  /** `batch` holds `n` items back to back; returns n × outputDim numbers. */
  embed(batch: Float32Array, n: number): Promise<Float32Array>;
  close(): Promise<void>;
}

/**
 * Where onnxruntime-node keeps its native libraries. The CUDA add-on is a separate download
 * (skipped with ONNXRUNTIME_NODE_INSTALL_CUDA=skip); looking for it first avoids ORT printing a
 * load error on every CPU-only machine.
 */
export function cudaAddonStatus(): { available: boolean; reason: string } {
  if (process.platform !== 'linux' && process.platform !== 'win32') return { available: false, reason: `no CUDA build of onnxruntime-node for ${process.platform}` };
  try {
    const pkgDir = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const binRoot = path.join(pkgDir, 'bin');
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    for (const napi of fs.existsSync(binRoot) ? fs.readdirSync(binRoot) : []) {
      if (fs.existsSync(path.join(binRoot, napi, process.platform, process.arch, lib))) return { available: true, reason: '' };
    }
    return { available: false, reason: `onnxruntime-node CUDA add-on not installed (${lib} missing; install without ONNXRUNTIME_NODE_INSTALL_CUDA=skip)` };
  } catch (e) {
    return { available: false, reason: `cannot locate onnxruntime-node: ${(e as Error).message}` };
  }
}

/** An ORT session on the first execution provider that loads, saying which one and why others were skipped. */
export interface OpenedSession {
  session: ort.InferenceSession;
  provider: string;
  /** Why a faster provider was not used (empty when none was skipped). */
  fallbackReason: string;
}

/**
 * Open `onnx` on CUDA where its add-on is installed and loads, else CPU (or on `executionProviders`,
 * tried in order). Throws with every provider's reason when none loads.
 */
export async function openSession(onnx: Uint8Array, opts: EmbedderOptions = {}): Promise<OpenedSession> {
  const reasons: string[] = [];
  let wanted = opts.executionProviders;
  if (!wanted) {
    const cuda = cudaAddonStatus();
    if (!cuda.available) reasons.push(cuda.reason);
    wanted = cuda.available ? ['cuda', 'cpu'] : ['cpu'];
  }
  const threads = opts.threads ?? os.availableParallelism();
  let session: ort.InferenceSession | undefined;
  let provider = '';
  // One provider per attempt: given a list, ORT silently assigns nodes to whichever loads, so we could
  // not say which one runs.
  for (const ep of wanted) {
    try {
      session = await ort.InferenceSession.create(onnx, { executionProviders: [ep], intraOpNumThreads: threads, graphOptimizationLevel: 'all' });
      provider = ep;
      break;
    } catch (e) {
      reasons.push(`${ep}: ${(e as Error).message}`);
    }
  }
  if (!session) throw new Error(`no ONNX Runtime execution provider could load the model: ${reasons.join('; ')}`);
  return { session, provider, fallbackReason: reasons.join('; ') };
}

export async function createEmbedder(onnx: Uint8Array, opts: EmbedderOptions = {}): Promise<Embedder> {
  const { session: s, provider, fallbackReason } = await openSession(onnx, opts);
  const meta = s.inputMetadata[0];
  const outMeta = s.outputMetadata[0];
  if (!meta?.isTensor || !outMeta?.isTensor) throw new Error('model input/output must be tensors');
  const itemShape = meta.shape.slice(1).map(Number);
  const outputDim = Number(outMeta.shape[outMeta.shape.length - 1]);
  if (itemShape.some((d) => !Number.isInteger(d) || d <= 0) || !(outputDim > 0)) {
    throw new Error(`model needs fixed non-batch dims; input [${meta.shape}] output [${outMeta.shape}]`);
  }
  const itemSize = itemShape.reduce((a, b) => a * b, 1);
  const inputName = s.inputNames[0];
  const outputName = s.outputNames[0];
  return {
    provider,
    fallbackReason,
    inputName,
    itemShape,
    outputDim,
    async embed(batch, n) {
      if (batch.length !== n * itemSize) throw new Error(`embed: ${batch.length} values for ${n} items of [${itemShape}]`);
      if (n === 0) return new Float32Array(0);
      const out = await s.run({ [inputName]: new ort.Tensor('float32', batch, [n, ...itemShape]) });
      return out[outputName].data as Float32Array;
    },
    close: () => s.release(),
  };
}
