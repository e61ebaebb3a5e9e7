// Picks the fastest tfjs backend this machine can actually run and says which one, and why the
// faster ones were skipped. Native backends are optional dependencies, so they are imported by a
// computed specifier: neither TypeScript nor a bundler may insist they exist.
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { explainTfGpuError } from '../system/doctor.js';

export type BackendPreference = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendAttempt {
  name: string;
  ok: boolean;
  error?: string;
}

export interface BackendChoice {
  name: string;
  detail: string;
  /** Worker threads the backend computes with (1 for cpu and for wasm under Node). */
  threads: number;
  /** wasm only: whether the SIMD binary runs. */
  simd?: boolean;
  tried: BackendAttempt[];
}

export interface BackendOptions {
  /** Folder (or URL prefix) with tfjs-backend-wasm's .wasm files; needed only when the package is bundled. */
  wasmPaths?: string;
  /** Skip the native tensorflow packages (tests use this to stay deterministic). */
  skipNative?: boolean;
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

async function tryNative(tried: BackendAttempt[]): Promise<BackendChoice | null> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await importOptional(pkg);
      await activate('tensorflow');
      tried.push({ name: pkg, ok: true });
      const gpu = pkg.endsWith('-gpu');
      return { name: 'tensorflow', detail: `${pkg} (${gpu ? 'CUDA' : 'native CPU'})`, threads: gpu ? 1 : os.availableParallelism(), tried };
    } catch (e) {
      const m = message(e);
      const missing = /Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(m);
      tried.push({ name: pkg, ok: false, error: missing ? 'not installed' : pkg.endsWith('-gpu') ? explainTfGpuError(m) : m });
    }
  }
  return null;
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
    return { name: 'wasm', detail: `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm} (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`, threads, simd, tried };
  } catch (e) {
    tried.push({ name: 'wasm', ok: false, error: message(e) });
    return null;
  }
}

/**
 * Activates the best available backend, trying (from `prefer` down) tensorflow (GPU, then CPU),
 * wasm, cpu. Must be awaited before any tensor is created: tensors belong to the backend that made them.
 */
export async function selectBackend(prefer: BackendPreference = 'tensorflow', opts: BackendOptions = {}): Promise<BackendChoice> {
  const tried: BackendAttempt[] = [];
  const wasmPaths = opts.wasmPaths ?? process.env.MICON_TFJS_WASM_PATH;
  if (prefer === 'tensorflow' && !opts.skipNative) {
    const native = await tryNative(tried);
    if (native) return native;
  }
  if (prefer !== 'cpu') {
    const w = await tryWasm(tried, wasmPaths);
    if (w) return w;
  }
  await activate('cpu');
  tried.push({ name: 'cpu', ok: true });
  return { name: 'cpu', detail: '@tensorflow/tfjs pure-JS cpu backend (1 thread)', threads: 1, tried };
}
