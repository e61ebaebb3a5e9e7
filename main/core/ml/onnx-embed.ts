// Inference with onnxruntime-node (DESIGN.md "Compute backends"): the first execution provider that
// loads of cuda (its add-on installed) → dml (Windows) / coreml (macOS) → webgpu (a real GPU adapter)
// → cpu, one per attempt, and the embedder always says which one runs and why faster ones were skipped.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describeAdapter, findWebGpuAdapter } from '../system/webgpu.js';
import { InputError } from '../types.js';

export interface EmbedderOptions {
  /** Providers to try in order, e.g. ['cpu'] to force CPU; default: defaultExecutionProviders(). */
  executionProviders?: string[];
  /** Intra-op threads; default: all cores. */
  threads?: number;
  /** Let the webgpu provider run on a software adapter (SwiftShader, lavapipe, WARP): for tests, or when asked. */
  allowSoftwareGpu?: boolean;
}
export interface Embedder {
  provider: string;
  /** The GPU the webgpu provider runs on ("NVIDIA H200 (nvidia hopper)"); null for other providers. */
  adapter: string | null;
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

/**
 * The providers tried when none is asked for, fastest first: the ones this platform can have at all
 * (cuda: Linux/Windows add-on; dml: Windows; coreml: macOS; webgpu: Vulkan/D3D12/Metal through ORT's
 * own Dawn), then cpu.
 */
export function defaultExecutionProviders(platform: NodeJS.Platform = process.platform): string[] {
  const native = platform === 'win32' ? ['cuda', 'dml'] : platform === 'darwin' ? ['coreml'] : platform === 'linux' ? ['cuda'] : [];
  return [...native, 'webgpu', 'cpu'];
}

/** Whether a provider is worth asking ORT for, and on which GPU for webgpu. */
export type ProviderCheck = { name: string; ok: true; adapter: string | null } | { name: string; ok: false; reason: string };

/**
 * What can be known about `ep` before ORT tries it: whether this onnxruntime-node build offers it,
 * the CUDA add-on, and for webgpu the adapter. ORT's webgpu EP asks its own Dawn for the
 * high-performance adapter (its default) and takes a software one silently; the 1.30 Node binding
 * cannot steer it (`powerPreference` is refused as an unknown option, `extra` session entries do not
 * reach the EP, no device can be passed in). So the same request is put to our Dawn
 * (system/webgpu.ts) first, and a software or missing adapter skips webgpu with that reason.
 */
export async function checkProvider(ep: string, opts: Pick<EmbedderOptions, 'allowSoftwareGpu'> = {}): Promise<ProviderCheck> {
  const offered = ort.listSupportedBackends().map((b) => b.name);
  if (!offered.includes(ep)) return { name: ep, ok: false, reason: `not in this onnxruntime-node build (it has ${offered.join(', ')})` };
  if (ep === 'cuda') {
    const cuda = cudaAddonStatus();
    return cuda.available ? { name: ep, ok: true, adapter: null } : { name: ep, ok: false, reason: cuda.reason };
  }
  if (ep !== 'webgpu') return { name: ep, ok: true, adapter: null };
  const found = await findWebGpuAdapter({ allowSoftware: opts.allowSoftwareGpu });
  if (found.ok) return { name: ep, ok: true, adapter: describeAdapter(found.info) };
  // Without our Dawn (e.g. inside Electron) the adapter ORT would pick cannot be checked: only on request.
  if (!found.info && opts.allowSoftwareGpu && /webgpu package/.test(found.reason)) return { name: ep, ok: true, adapter: null };
  return { name: ep, ok: false, reason: found.reason };
}

/** An ORT session on the first execution provider that loads, saying which one and why others were skipped. */
export interface OpenedSession {
  session: ort.InferenceSession;
  provider: string;
  /** The webgpu provider's adapter, described; null for other providers. */
  adapter: string | null;
  /** Why a faster provider was not used (empty when none was skipped). */
  fallbackReason: string;
}

/**
 * Open `onnx` on the first provider of `executionProviders` (default: defaultExecutionProviders())
 * that passes checkProvider and loads. Throws with every provider's reason when none loads.
 */
export async function openSession(onnx: Uint8Array, opts: EmbedderOptions = {}): Promise<OpenedSession> {
  const reasons: string[] = [];
  const threads = opts.threads ?? os.availableParallelism();
  // One provider per attempt: given a list, ORT silently assigns nodes to whichever loads, so we could
  // not say which one runs.
  for (const ep of opts.executionProviders ?? defaultExecutionProviders()) {
    const check = await checkProvider(ep, opts);
    if (!check.ok) {
      reasons.push(`${ep}: ${check.reason}`);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(onnx, { executionProviders: [ep], intraOpNumThreads: threads, graphOptimizationLevel: 'all' });
      return { session, provider: ep, adapter: check.adapter, fallbackReason: reasons.join('; ') };
    } catch (e) {
      reasons.push(`${ep}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  // A user's choice (--execution-provider, no GPU) more often than a bug: a message, not a stack trace.
  throw new InputError(`no ONNX Runtime execution provider could load the model: ${reasons.join('; ')}`);
}

/** How a feature set was embedded, as kept with it (feature_sets.version) and shown in the app. */
export interface InferenceRecord {
  provider: string;
  adapter: string | null;
  /** Why faster providers were skipped; null when none was. */
  skipped: string | null;
}

export function inferenceRecord(s: { provider: string; adapter: string | null; fallbackReason: string }): InferenceRecord {
  return { provider: s.provider, adapter: s.adapter, skipped: s.fallbackReason || null };
}

export async function createEmbedder(onnx: Uint8Array, opts: EmbedderOptions = {}): Promise<Embedder> {
  const { session: s, provider, adapter, fallbackReason } = await openSession(onnx, opts);
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
    adapter,
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
