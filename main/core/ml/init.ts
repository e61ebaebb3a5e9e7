// Seeded parameter initialisation, computed in JS rather than with tf.random*: the values then do not
// depend on the backend (cpu, wasm and tensorflow start from identical weights) nor on the order in
// which parameters are created (each draws from its own stream, keyed by seed and name).
import { mulberry32 } from '../util/random.js';

/** 32-bit FNV-1a, to turn (seed, parameter name) into a stream seed. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** One independent stream per (seed, parameter name), so weights do not depend on creation order. */
export function seededRandom(seed: number, stream = ''): () => number {
  return mulberry32(hash(`${seed}:${stream}`));
}

export type InitKind = 'zeros' | 'glorot' | 'he';

/** Fan-in/out as Keras counts them: kernels [k,k,cin,cout] have receptive field k·k. */
function fans(shape: number[]): [number, number] {
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [receptive * shape[shape.length - 2], receptive * shape[shape.length - 1]];
}

/** Glorot-uniform (layers feeding no ReLU) or He-uniform (layers feeding a ReLU) values, or zeros. */
export function initValues(kind: InitKind, shape: number[], seed: number, name: string): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (kind === 'zeros') return out;
  const [fanIn, fanOut] = fans(shape);
  const limit = kind === 'he' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
  const rand = seededRandom(seed, name);
  for (let i = 0; i < n; i++) out[i] = (2 * rand() - 1) * limit;
  return out;
}
