// Seeded weights and images shared by the ONNX tests, so failures reproduce exactly.
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { encodeImages, type ImageEncoderSpec } from '../../../../main/core/ml/encoder-spec.js';
import type { Weights } from '../../../../main/core/ml/onnx-export.js';

import { mulberry32 as rng } from '../../../../main/core/util/random.js';

export { rng };

export function uniform(n: number, r: () => number, lo = 0, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** He-like scale so ReLU stacks neither die nor blow up; biases small but non-zero to exercise them. */
export function randomWeights(shapes: [string, number[]][], seed: number): Weights {
  const r = rng(seed);
  const w: Weights = {};
  for (const [name, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length > 1 ? n / shape[shape.length - 1] : 1;
    const s = name.endsWith('/bias') ? 0.1 : Math.sqrt(6 / fanIn);
    w[name] = { shape, data: uniform(n, r, -s, s) };
  }
  return w;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A python with the `onnx` module (pyenv's python3 may shadow Debian's /usr/bin/python3), or null. */
export function pythonWithOnnx(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import onnx'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

/** The encoder's output computed by tfjs on the active backend: the reference the ONNX runs are held to. */
export function tfjsEncode(spec: ImageEncoderSpec, w: Weights, x: Float32Array, n: number): Float32Array {
  const params = Object.fromEntries(Object.entries(w).map(([k, t]) => [k, tf.tensor(t.data, t.shape)]));
  const input = tf.tensor4d(x, [n, spec.channels, spec.inputSize, spec.inputSize]);
  const out = encodeImages(spec, params, input);
  const data = out.dataSync() as Float32Array;
  tf.dispose([out, input, ...Object.values(params)]);
  return data;
}
