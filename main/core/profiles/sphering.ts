import { symmetricEigen } from './eigen.js';
import { createMatrix, type Matrix } from './matrix.js';

/** A fitted ZCA whitening, stored with the profiles so new wells can be sphered the same way. */
export interface SpheringTransform {
  kind: 'zca';
  dim: number;
  /** Control mean, subtracted first. */
  mean: Float32Array;
  /** dim×dim row-major, symmetric: sphered = (x − mean) · matrix. */
  matrix: Float32Array;
  /** Absolute ridge added to every eigenvalue (= epsilonRel × mean non-null eigenvalue). */
  epsilon: number;
  epsilonRel: number;
  /** Directions the controls actually span (eigenvalues above 1e-9 × the largest). */
  rank: number;
  /** Number of wells the transform was fitted on. */
  controls: number;
}

export interface SpheringOptions {
  /**
   * Ridge relative to the spectrum: ε = epsilonRel × (mean of the non-null eigenvalues).
   * Default 0.1: with a few hundred control wells the small end of a 256–1000-d spectrum is
   * badly underestimated (Marchenko–Pastur), and whitening with the raw estimate would blow
   * those noise directions up by an order of magnitude. 0.1 is a mild shrinkage toward
   * isotropy (comparable to Ledoit–Wolf at α≈0.09); pass a smaller value when controls are
   * plentiful relative to the dimension.
   */
  epsilonRel?: number;
}

export const DEFAULT_SPHERING_EPSILON_REL = 0.1;
const NULL_TOL = 1e-9;

/**
 * Fit ZCA on the given rows (the controls). W = Σ v vᵀ/√(λ+ε) over the directions the controls
 * span; directions they do not span (more features than control wells, or constant features)
 * carry no information about control variability, so they get the average non-null eigenvalue
 * — neither blown up by 1/√ε nor dropped.
 */
export function fitSphering(x: Matrix, rows?: ArrayLike<number>, opts: SpheringOptions = {}): SpheringTransform {
  const idx = rows ?? Array.from({ length: x.rows }, (_, i) => i);
  const n = idx.length;
  const d = x.cols;
  const epsilonRel = opts.epsilonRel ?? DEFAULT_SPHERING_EPSILON_REL;
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = idx[r] * d;
    for (let k = 0; k < d; k++) mean[k] += x.data[o + k];
  }
  if (n > 0) for (let k = 0; k < d; k++) mean[k] /= n;

  const W = new Float64Array(d * d);
  let epsilon = 0;
  let rank = 0;
  if (n < 2) {
    for (let k = 0; k < d; k++) W[k * d + k] = 1;
  } else {
    const xc = new Float64Array(n * d);
    for (let r = 0; r < n; r++) {
      const o = idx[r] * d;
      for (let k = 0; k < d; k++) xc[r * d + k] = x.data[o + k] - mean[k];
    }
    const { values, vectors } = n <= d ? eigenViaGram(xc, n, d) : eigenViaCovariance(xc, n, d);
    const lmax = values.length ? Math.max(0, values[values.length - 1]) : 0;
    const kept: number[] = [];
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      if (lmax > 0 && values[i] > NULL_TOL * lmax) {
        kept.push(i);
        sum += values[i];
      }
    }
    rank = kept.length;
    if (rank === 0) {
      for (let k = 0; k < d; k++) W[k * d + k] = 1;
    } else {
      const meanLambda = sum / rank;
      epsilon = epsilonRel * meanLambda;
      const c0 = 1 / Math.sqrt(meanLambda + epsilon);
      for (let k = 0; k < d; k++) W[k * d + k] = c0;
      for (const i of kept) {
        const coef = 1 / Math.sqrt(values[i] + epsilon) - c0;
        const v = vectors.subarray(i * d, (i + 1) * d);
        for (let a = 0; a < d; a++) {
          const va = coef * v[a];
          if (va === 0) continue;
          const o = a * d;
          for (let b = 0; b < d; b++) W[o + b] += va * v[b];
        }
      }
    }
  }
  return { kind: 'zca', dim: d, mean: Float32Array.from(mean), matrix: Float32Array.from(W), epsilon, epsilonRel, rank, controls: n };
}

/** Eigenpairs of the d×d covariance; vectors as rows of length d. */
function eigenViaCovariance(xc: Float64Array, n: number, d: number): { values: Float64Array; vectors: Float64Array } {
  const S = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let a = 0; a < d; a++) {
      const xa = xc[o + a];
      if (xa === 0) continue;
      const so = a * d;
      for (let b = a; b < d; b++) S[so + b] += xa * xc[o + b];
    }
  }
  const inv = 1 / (n - 1);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = S[a * d + b] * inv;
      S[a * d + b] = v;
      S[b * d + a] = v;
    }
  }
  return symmetricEigen(S, d);
}

/**
 * With n ≤ d the covariance has rank < n, and the n×n Gram matrix has the same non-zero
 * spectrum: v = Xcᵀu / √((n−1)λ). Much cheaper than a d×d eigendecomposition.
 */
function eigenViaGram(xc: Float64Array, n: number, d: number): { values: Float64Array; vectors: Float64Array } {
  const G = new Float64Array(n * n);
  const inv = 1 / (n - 1);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += xc[i * d + k] * xc[j * d + k];
      G[i * n + j] = s * inv;
      G[j * n + i] = s * inv;
    }
  }
  const eg = symmetricEigen(G, n);
  const vectors = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const lambda = eg.values[i];
    if (!(lambda > 0)) continue;
    const scale = 1 / Math.sqrt((n - 1) * lambda);
    const v = vectors.subarray(i * d, (i + 1) * d);
    for (let r = 0; r < n; r++) {
      const u = eg.vectors[i * n + r] * scale;
      if (u === 0) continue;
      for (let k = 0; k < d; k++) v[k] += u * xc[r * d + k];
    }
  }
  return { values: eg.values, vectors };
}

/** sphered = (x − mean)·W for every row. Accumulates in float64 to keep ~1e-6 agreement at 1000-d. */
export function applySphering(x: Matrix, t: SpheringTransform): Matrix {
  if (x.cols !== t.dim) throw new RangeError(`sphering fitted on ${t.dim} features, profiles have ${x.cols}`);
  const d = t.dim;
  const out = createMatrix(x.rows, d);
  const xc = new Float64Array(d);
  const acc = new Float64Array(d);
  for (let r = 0; r < x.rows; r++) {
    const o = r * d;
    for (let k = 0; k < d; k++) xc[k] = x.data[o + k] - t.mean[k];
    acc.fill(0);
    for (let a = 0; a < d; a++) {
      const xa = xc[a];
      if (xa === 0) continue;
      const wo = a * d;
      for (let b = 0; b < d; b++) acc[b] += xa * t.matrix[wo + b];
    }
    for (let k = 0; k < d; k++) out.data[o + k] = acc[k];
  }
  return out;
}
