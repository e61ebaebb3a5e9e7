import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { conv2dInputGrad, conv2dTrainable, samePadding, trainableConv2d } from '../../../../main/core/ml/conv-grad.js';

// Deterministic pseudo-random data so cpu and wasm see identical inputs.
function data(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

interface Case {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
  s: number;
}

const cases: Case[] = [];
for (const k of [1, 3, 5]) for (const s of [1, 2, 3]) for (const [h, w] of [[7, 7], [8, 8], [9, 6]]) for (const [cin, n] of [[1, 1], [3, 4]]) cases.push({ n, h, w, cin, cout: 2, k, s });

type Grads = { y: Float32Array; dx: Float32Array; dw: Float32Array };

function grads(c: Case, conv: (x: tf.Tensor4D, w: tf.Tensor4D, s: number) => tf.Tensor4D): Grads {
  return tf.tidy(() => {
    const x = tf.tensor4d(data(c.n * c.h * c.w * c.cin, 1 + c.k * 31 + c.s), [c.n, c.h, c.w, c.cin]);
    const w = tf.tensor4d(data(c.k * c.k * c.cin * c.cout, 7 + c.h), [c.k, c.k, c.cin, c.cout]);
    const up = tf.tensor(data(c.n * Math.ceil(c.h / c.s) * Math.ceil(c.w / c.s) * c.cout, 99));
    // A non-uniform upstream gradient, so every tap is weighted differently.
    const loss = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.sum(tf.mul(conv(a, b, c.s).reshape([-1]), up)) as tf.Scalar;
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor4D, b as tf.Tensor4D))([x, w]);
    return { y: conv(x, w, c.s).dataSync() as Float32Array, dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-12);
}

describe('samePadding', () => {
  it('matches TensorFlow SAME for odd/even sizes', () => {
    expect(samePadding(8, 3, 2)).toEqual({ out: 4, before: 0, after: 1 });
    expect(samePadding(7, 3, 2)).toEqual({ out: 4, before: 1, after: 1 });
    expect(samePadding(8, 1, 3)).toEqual({ out: 3, before: 0, after: 0 });
    expect(samePadding(9, 5, 1)).toEqual({ out: 9, before: 2, after: 2 });
  });
});

describe('conv2dInputGrad', () => {
  it('equals tf.conv2dTranspose (the built-in input gradient) on every shape', async () => {
    await tf.setBackend('cpu');
    let worst = 0;
    for (const c of cases) {
      const [ours, builtin] = tf.tidy(() => {
        const [oh, ow] = [Math.ceil(c.h / c.s), Math.ceil(c.w / c.s)];
        const dy = tf.tensor4d(data(c.n * oh * ow * c.cout, 5), [c.n, oh, ow, c.cout]);
        const w = tf.tensor4d(data(c.k * c.k * c.cin * c.cout, 6), [c.k, c.k, c.cin, c.cout]);
        const shape: [number, number, number, number] = [c.n, c.h, c.w, c.cin];
        return [conv2dInputGrad(dy, w, shape, c.s).dataSync() as Float32Array, tf.conv2dTranspose(dy, w, shape, c.s, 'same').dataSync() as Float32Array];
      });
      expect(ours.length).toBe(builtin.length);
      worst = Math.max(worst, relErr(ours, builtin));
    }
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('conv2dTrainable', () => {
  const reference = new Map<Case, Grads>();
  beforeAll(async () => {
    await tf.setBackend('cpu');
    for (const c of cases) reference.set(c, grads(c, (x, w, s) => tf.conv2d(x, w, s, 'same')));
  });

  it('wasm lacks Conv2DBackpropFilter, so training there picks conv2dTrainable', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(trainableConv2d('wasm')).toBe(conv2dTrainable);
    expect(trainableConv2d('cpu')).not.toBe(conv2dTrainable);
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`matches the cpu backend's built-in gradient on ${backend} (${cases.length} shapes)`, async () => {
      await tf.setBackend(backend);
      await tf.ready();
      const before = tf.memory().numTensors;
      let worst = 0;
      for (const c of cases) {
        const ref = reference.get(c)!;
        const got = grads(c, conv2dTrainable);
        const e = Math.max(relErr(got.y, ref.y), relErr(got.dx, ref.dx), relErr(got.dw, ref.dw));
        worst = Math.max(worst, e);
        expect(e, JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
      }
      expect(tf.memory().numTensors).toBe(before);
      console.log(`conv2dTrainable on ${backend}: worst relative error ${worst.toExponential(2)} over ${cases.length} shapes`);
    });
  }
});
