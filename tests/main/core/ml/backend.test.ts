import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../../main/core/ml/backend.js';

describe('selectBackend', () => {
  it('falls back past the optional native packages to wasm, and says why', async () => {
    const r = await selectBackend();
    expect(tf.getBackend()).toBe(r.name);
    expect(r.tried.map((t) => t.name)).toContain('@tensorflow/tfjs-node-gpu');
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
