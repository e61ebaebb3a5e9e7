// Picks the fastest tfjs backend this machine can actually run and says which one, and why the
// faster ones were skipped. Native backends are optional dependencies, so they are imported by a
// computed specifier: neither TypeScript nor a bundler may insist they exist.
//
// The automatic order (`prefer` 'tensorflow'):
//   1. tensorflow through @tensorflow/tfjs-node-gpu, only if libtensorflow really placed itself on a
//      GPU (on a CUDA-12-only machine the import succeeds and silently runs on the CPU);
//   2. webgpu on a real (not software) adapter: a GPU of any vendor beats every CPU path;
//   3. tensorflow on the CPU (tfjs-node, or tfjs-node-gpu that found no GPU): multi-threaded Eigen;
//   4. wasm (SIMD, one thread under Node);
//   5. cpu (pure JS).
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { explainTfGpuError } from '../system/doctor.js';
import { describeAdapter, findWebGpuAdapter, TFJS_WEBGPU_TRAINING_FLAGS, tfjsDeviceDescriptor, type DawnAdapter, type GpuAdapterInfo } from '../system/webgpu.js';
import { InputError } from '../types.js';

import type { BackendPreference } from './train-params.js';

export type { BackendPreference };

export interface BackendAttempt {
  name: string;
  ok: boolean;
  error?: string;
}

export interface BackendChoice {
  name: string;
  detail: string;
  /** True when the backend computes on a real GPU (CUDA or a hardware WebGPU adapter): steps and widths scale up. */
  accelerated: boolean;
  /** Worker threads the backend computes with (1 for cpu and for wasm under Node, and for GPUs). */
  threads: number;
  /** wasm only: whether the SIMD binary runs. */
  simd?: boolean;
  /** webgpu only: the adapter it runs on. */
  adapter?: GpuAdapterInfo;
  tried: BackendAttempt[];
}

export interface BackendOptions {
  /** Folder (or URL prefix) with tfjs-backend-wasm's .wasm files; needed only when the package is bundled. */
  wasmPaths?: string;
  /** Skip the native tensorflow packages (tests use this to stay deterministic). */
  skipNative?: boolean;
  /** Accept a software WebGPU adapter (SwiftShader, lavapipe, WARP): `--allow-software-gpu`. */
  allowSoftwareGpu?: boolean;
}

/** What activating a native package showed: the facts `judgeNative` decides on. */
export interface NativeProbe {
  pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node';
  /** The backend's own `isUsingGpuDevice`: libtensorflow listed a GPU device at start-up. */
  usingGpu: boolean;
  /** CUDA 11 / cuDNN 8 libraries libtensorflow 2.9 loads that this machine lacks (see missingCudaLibraries). */
  missingCudaLibs: string[];
}

export interface NativeJudgement {
  accelerated: boolean;
  detail: string;
  threads: number;
  /** Why a GPU package computes on the CPU ("CUDA libraries not found: …"). */
  cpuBecause?: string;
}

/**
 * What a native package that imported is really worth. tfjs-node-gpu without a GPU device is a
 * CPU backend, whatever its name: it is labelled so and must be ranked as one (after webgpu).
 */
export function judgeNative(p: NativeProbe, cpus = os.availableParallelism()): NativeJudgement {
  if (p.pkg === '@tensorflow/tfjs-node-gpu' && p.usingGpu) return { accelerated: true, detail: `${p.pkg} (CUDA)`, threads: 1 };
  if (p.pkg === '@tensorflow/tfjs-node') return { accelerated: false, detail: `${p.pkg} (native CPU)`, threads: cpus };
  const why = p.missingCudaLibs.length ? `CUDA libraries not found: ${p.missingCudaLibs.join(', ')}` : 'libtensorflow found no CUDA GPU';
  return { accelerated: false, detail: `${p.pkg}: native CPU (${why})`, threads: cpus, cpuBecause: why };
}

/**
 * The order candidates are tried in, given what the GPU native package turned out to be
 * (null: not installed or failed to load). A native package on the CPU goes after webgpu.
 */
export function backendOrder(prefer: BackendPreference, native: NativeJudgement | null, skipNative = false): string[] {
  if (prefer === 'cpu') return ['cpu'];
  if (prefer === 'wasm') return ['wasm', 'cpu'];
  if (prefer === 'webgpu') return ['webgpu'];
  if (skipNative) return ['webgpu', 'wasm', 'cpu'];
  return native?.accelerated ? ['tensorflow-gpu'] : ['webgpu', 'tensorflow-cpu', 'wasm', 'cpu'];
}

// The shared libraries libtensorflow 2.9 (tfjs-node-gpu 4.x) opens for its GPU device; any missing
// one makes it fall back to the CPU with only a warning on stderr.
const CUDA11_LIBS = ['libcudart.so.11.0', 'libcublas.so.11', 'libcublasLt.so.11', 'libcufft.so.10', 'libcurand.so.10', 'libcusolver.so.11', 'libcusparse.so.11', 'libcudnn.so.8'];

/** Which of those libraries neither LD_LIBRARY_PATH nor the dynamic linker's cache holds (Linux). */
export async function missingCudaLibraries(): Promise<string[]> {
  if (process.platform !== 'linux') return [];
  const fs = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  let cache = '';
  try {
    cache = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    try {
      cache = execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      /* no linker cache: LD_LIBRARY_PATH alone decides */
    }
  }
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return CUDA11_LIBS.filter((lib) => !cache.includes(`${lib} `) && !dirs.some((d) => fs.existsSync(`${d}/${lib}`)));
}

// Kept in a variable so the import below is not statically resolvable.
const importOptional = (specifier: string): Promise<unknown> => import(specifier);

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function activate(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
}

const notInstalled = (m: string) => /Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(m);

/** One line saying why a native package did not load (tfjs-node's own message spans several). */
export function nativeLoadError(pkg: string, m: string): string {
  if (notInstalled(m)) return 'not installed';
  if (/tfjs_binding\.node\) can not be found/.test(m)) return 'installed without its native add-on (tfjs_binding.node): its install script could not download libtensorflow';
  return pkg.endsWith('-gpu') ? explainTfGpuError(m.split('\n')[0]) : m.split('\n')[0];
}

/** Imports and activates one native package; null (with the reason in `tried`) when it does not load. */
async function probeNative(pkg: NativeProbe['pkg'], tried: BackendAttempt[]): Promise<NativeJudgement | null> {
  try {
    await importOptional(pkg);
    await activate('tensorflow');
    const b = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
    const usingGpu = Boolean(b.isUsingGpuDevice);
    const missing = pkg.endsWith('-gpu') && !usingGpu ? await missingCudaLibraries() : [];
    return judgeNative({ pkg, usingGpu, missingCudaLibs: missing });
  } catch (e) {
    const m = message(e);
    tried.push({ name: pkg, ok: false, error: nativeLoadError(pkg, m) });
    return null;
  }
}

let webgpuRegistered = false;

/**
 * Registers tfjs-backend-webgpu on the adapter we chose (not whatever navigator.gpu would pick) and
 * activates it. The backend checks `navigator.gpu` exists (Node 20 has no navigator), so one that
 * answers with our adapter is installed first. Registered once per process: Dawn is a singleton.
 */
async function activateWebGpu(adapter: DawnAdapter): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  const gpu = { requestAdapter: async () => adapter };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (!webgpuRegistered) {
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', async () => {
      const device = await adapter.requestDevice(tfjsDeviceDescriptor(adapter));
      return new WebGPUBackend(device as ConstructorParameters<typeof WebGPUBackend>[0], adapter.info as ConstructorParameters<typeof WebGPUBackend>[1]);
    }, 1);
    webgpuRegistered = true;
  }
  for (const [k, v] of Object.entries(TFJS_WEBGPU_TRAINING_FLAGS)) tf.env().set(k, v);
  await activate('webgpu');
}

async function tryWebGpu(tried: BackendAttempt[], allowSoftware: boolean): Promise<BackendChoice | null> {
  if (process.versions.electron) {
    // Not even tried: dawn.node does not load inside Electron; the app runs WebGPU training in its compute window.
    tried.push({ name: 'webgpu', ok: false, error: "not in Electron's own processes (dawn.node does not load there): the desktop app trains on the GPU in its compute window" });
    return null;
  }
  const found = await findWebGpuAdapter({ allowSoftware });
  if (!found.ok) {
    tried.push({ name: 'webgpu', ok: false, error: found.reason });
    return null;
  }
  try {
    await activateWebGpu(found.adapter);
  } catch (e) {
    tried.push({ name: 'webgpu', ok: false, error: `${describeAdapter(found.info)}: ${message(e)}` });
    return null;
  }
  tried.push({ name: 'webgpu', ok: true });
  const soft = found.info.software ? ', software adapter (--allow-software-gpu): slower than wasm' : '';
  return { name: 'webgpu', detail: `@tensorflow/tfjs-backend-webgpu on ${describeAdapter(found.info)}${soft}`, accelerated: !found.info.software, threads: 1, adapter: found.info, tried };
}

async function tryWasm(tried: BackendAttempt[], wasmPaths?: string): Promise<BackendChoice | null> {
  try {
    const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
    if (wasmPaths) wasm.setWasmPaths(wasmPaths.endsWith('/') ? wasmPaths : `${wasmPaths}/`);
    await activate('wasm');
    // Under Node the threaded build needs cross-origin-isolated workers, so tfjs loads the SIMD single-thread binary.
    const threads = wasm.getThreadsCount();
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    tried.push({ name: 'wasm', ok: true });
    return { name: 'wasm', detail: `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm} (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`, accelerated: false, threads, simd, tried };
  } catch (e) {
    tried.push({ name: 'wasm', ok: false, error: message(e) });
    return null;
  }
}

/**
 * Activates the best available backend in `backendOrder`'s order and says why each one before it
 * was skipped. `webgpu` is forced by name: no usable adapter is an InputError naming why. Must be
 * awaited before any tensor is created: tensors belong to the backend that made them.
 */
export async function selectBackend(prefer: BackendPreference = 'tensorflow', opts: BackendOptions = {}): Promise<BackendChoice> {
  const tried: BackendAttempt[] = [];
  const wasmPaths = opts.wasmPaths ?? process.env.MICON_TFJS_WASM_PATH;
  const allowSoftware = Boolean(opts.allowSoftwareGpu);
  let native: NativeJudgement | null = null;
  if (prefer === 'tensorflow' && !opts.skipNative) {
    native = await probeNative('@tensorflow/tfjs-node-gpu', tried);
    if (native && !native.accelerated) tried.push({ name: '@tensorflow/tfjs-node-gpu', ok: false, error: `imported, but runs on the CPU (${native.cpuBecause}): ranked as a CPU backend, after webgpu` });
  }
  for (const step of backendOrder(prefer, native, opts.skipNative)) {
    if (step === 'tensorflow-gpu' && native) {
      tried.push({ name: '@tensorflow/tfjs-node-gpu', ok: true });
      return { name: 'tensorflow', accelerated: true, detail: native.detail, threads: native.threads, tried };
    }
    if (step === 'webgpu') {
      const w = await tryWebGpu(tried, allowSoftware);
      if (w) return w;
      if (prefer === 'webgpu') throw new InputError(`--backend webgpu: ${tried.at(-1)?.error ?? 'no WebGPU adapter'}`);
    }
    if (step === 'tensorflow-cpu') {
      // tfjs-node-gpu that found no GPU is already loaded as a CPU backend; a second libtensorflow
      // (tfjs-node) must not be loaded next to it.
      const cpuNative = native ?? (await probeNative('@tensorflow/tfjs-node', tried));
      if (cpuNative) {
        try {
          await activate('tensorflow');
          tried.push({ name: native ? '@tensorflow/tfjs-node-gpu (CPU)' : '@tensorflow/tfjs-node', ok: true });
          return { name: 'tensorflow', accelerated: false, detail: cpuNative.detail, threads: cpuNative.threads, tried };
        } catch (e) {
          tried.push({ name: '@tensorflow/tfjs-node', ok: false, error: message(e) });
        }
      }
    }
    if (step === 'wasm') {
      const w = await tryWasm(tried, wasmPaths);
      if (w) return w;
    }
  }
  await activate('cpu');
  tried.push({ name: 'cpu', ok: true });
  return { name: 'cpu', detail: '@tensorflow/tfjs pure-JS cpu backend (1 thread)', accelerated: false, threads: 1, tried };
}
