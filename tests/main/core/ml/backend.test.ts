import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { backendOrder, judgeNative, nativeLoadError, selectBackend } from '../../../../main/core/ml/backend.js';
import { moleculeHidden } from '../../../../main/core/ml/config.js';
import { defaultSteps, TRAIN_DEFAULTS } from '../../../../main/core/ml/train-params.js';

describe('selectBackend', () => {
  it('falls back past the optional native packages to wasm, and says why', async () => {
    const r = await selectBackend();
    expect(tf.getBackend()).toBe(r.name);
    expect(r.tried.map((t) => t.name)).toContain('@tensorflow/tfjs-node-gpu');
    // webgpu is tried after a CUDA tfjs-node-gpu and before every CPU backend.
    if (r.name !== 'tensorflow' || !r.accelerated) expect(r.tried.map((t) => t.name)).toContain('webgpu');
    if (r.name === 'wasm') expect(r.accelerated).toBe(false);
    const gpu = r.tried.find((t) => t.name === '@tensorflow/tfjs-node-gpu')!;
    if (!gpu.ok) expect(gpu.error).toBeTruthy();
    if (r.name === 'wasm') {
      expect(r.threads).toBeGreaterThanOrEqual(1);
      expect(r.detail).toMatch(/SIMD/);
    }
  });

  it('honours a preference and always ends on a working backend', async () => {
    expect((await selectBackend('wasm')).name).toBe('wasm');
    const cpu = await selectBackend('cpu');
    expect(cpu).toMatchObject({ name: 'cpu', threads: 1 });
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.tidy(() => tf.add(1, 2).dataSync()[0])).toBe(3);
  });
});

describe('honest native detection (tfjs-node-gpu cannot be installed here: the decision is a pure function)', () => {
  // What a CUDA-12-only machine shows: the import succeeds, libtensorflow lists no GPU device.
  const mislabel = { pkg: '@tensorflow/tfjs-node-gpu' as const, usingGpu: false, missingCudaLibs: ['libcudart.so.11.0', 'libcudnn.so.8'] };

  it('tfjs-node-gpu that imported but sees no GPU is labelled native CPU with the missing libraries, and ranked after webgpu', () => {
    const j = judgeNative(mislabel, 16);
    expect(j).toMatchObject({ accelerated: false, threads: 16 });
    expect(j.detail).toBe('@tensorflow/tfjs-node-gpu: native CPU (CUDA libraries not found: libcudart.so.11.0, libcudnn.so.8)');
    expect(j.detail).not.toMatch(/CUDA\)/);
    expect(backendOrder('tensorflow', j)).toEqual(['webgpu', 'tensorflow-cpu', 'wasm', 'cpu']);
    expect(judgeNative({ ...mislabel, missingCudaLibs: [] }, 4).detail).toBe('@tensorflow/tfjs-node-gpu: native CPU (libtensorflow found no CUDA GPU)');
  });

  it('a real CUDA device is labelled CUDA and tried first; forced and CPU preferences keep their order', () => {
    const gpu = judgeNative({ ...mislabel, usingGpu: true, missingCudaLibs: [] });
    expect(gpu).toMatchObject({ accelerated: true, detail: '@tensorflow/tfjs-node-gpu (CUDA)', threads: 1 });
    expect(backendOrder('tensorflow', gpu)).toEqual(['tensorflow-gpu']);
    expect(backendOrder('tensorflow', null)).toEqual(['webgpu', 'tensorflow-cpu', 'wasm', 'cpu']);
    expect(backendOrder('tensorflow', null, true)).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(backendOrder('webgpu', gpu)).toEqual(['webgpu']);
    expect(backendOrder('wasm', gpu)).toEqual(['wasm', 'cpu']);
    expect(backendOrder('cpu', null)).toEqual(['cpu']);
    expect(judgeNative({ pkg: '@tensorflow/tfjs-node', usingGpu: false, missingCudaLibs: [] }, 8)).toEqual({ accelerated: false, detail: '@tensorflow/tfjs-node (native CPU)', threads: 8 });
  });

  it("train's defaults scale for a GPU only when the backend really is one", () => {
    const mis = { name: 'tensorflow', ...judgeNative(mislabel) };
    const cuda = { name: 'tensorflow', ...judgeNative({ ...mislabel, usingGpu: true }) };
    for (const enc of ['features', 'cnn'] as const) {
      expect(defaultSteps(enc, mis)).toBe(TRAIN_DEFAULTS[enc].steps);
      expect(defaultSteps(enc, cuda)).toBe(TRAIN_DEFAULTS[enc].steps * 4);
      expect(defaultSteps(enc, { accelerated: false })).toBe(TRAIN_DEFAULTS[enc].steps);
    }
    // Native TensorFlow affords the wide molecule layer on a CPU; wasm and a software GPU do not.
    expect(moleculeHidden(mis)).toBe(256);
    expect(moleculeHidden({ name: 'webgpu', accelerated: true })).toBe(256);
    expect(moleculeHidden({ name: 'webgpu', accelerated: false })).toBe(64);
    expect(moleculeHidden({ name: 'wasm', accelerated: false })).toBe(64);
  });

  it('a native package that ships without its add-on is one line, not three', () => {
    const m = "The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/lib/napi-v8/tfjs_binding.node. \nPlease run command 'npm rebuild'\nIf you have problem…";
    expect(nativeLoadError('@tensorflow/tfjs-node-gpu', m)).toBe('installed without its native add-on (tfjs_binding.node): its install script could not download libtensorflow');
    expect(nativeLoadError('@tensorflow/tfjs-node', "Cannot find module '@tensorflow/tfjs-node'")).toBe('not installed');
    expect(nativeLoadError('@tensorflow/tfjs-node-gpu', 'libcudart.so.11.0: cannot open shared object file')).toMatch(/^libcudart\.so\.11\.0 not found: .*CUDA 11 runtime and cuDNN 8/);
  });
});
