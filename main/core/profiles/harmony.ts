// Harmony batch correction (Korsunsky et al., Nat Methods 2019), written from the paper's algorithm
// (soft k-means with a batch-diversity penalty, then a per-cluster ridge regression that removes
// each batch's offset within the cluster), with the defaults of the reference implementations
// (harmonypy / R harmony): θ = 2, σ = 0.1, λ = 1, K = min(N/30, 100), 10 rounds of at most 20
// clustering iterations, blocks of 5 % of the rows. JUMP's production recipe and Arevalo et al.
// 2024 recommend it after sphering. No maintained JavaScript implementation exists.
import { mulberry32 } from '../util/random.js';
import { createMatrix, type Matrix, unitRows64 } from './matrix.js';

export interface HarmonyOptions {
  /** Diversity penalty: 0 = plain soft k-means; larger pushes every cluster toward the batches' overall mix. */
  theta?: number;
  /** Soft k-means bandwidth (larger = softer assignments). */
  sigma?: number;
  /** Ridge on the batch coefficients (larger = smaller corrections). */
  lambda?: number;
  clusters?: number;
  maxRounds?: number;
  maxKmeansIterations?: number;
  epsilonKmeans?: number;
  epsilonHarmony?: number;
  blockSize?: number;
  seed?: number;
}

export interface HarmonyResult {
  corrected: Matrix;
  clusters: number;
  rounds: number;
  converged: boolean;
  /** Objective after initialisation and after each round (should fall). */
  objective: number[];
}

/** k-means++ seeding and Lloyd iterations on unit rows (what harmonypy starts from), centroids normalised. */
function initCentroids(zc: Float64Array, n: number, d: number, K: number, rnd: () => number): Float64Array {
  const Y = new Float64Array(K * d);
  const d2 = new Float64Array(n).fill(Infinity);
  let pick = Math.floor(rnd() * n);
  for (let k = 0; k < K; k++) {
    Y.set(zc.subarray(pick * d, pick * d + d), k * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (zc[i * d + j] - Y[k * d + j]) ** 2;
      if (s < d2[i]) d2[i] = s;
      total += d2[i];
    }
    let r = rnd() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= d2[i];
      if (r <= 0) {
        pick = i;
        break;
      }
    }
  }
  const assign = new Int32Array(n);
  for (let it = 0; it < 10; it++) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDot = -Infinity;
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += zc[i * d + j] * Y[k * d + j];
        if (s > bestDot) {
          bestDot = s;
          best = k;
        }
      }
      assign[i] = best;
    }
    const sums = new Float64Array(K * d);
    const counts = new Int32Array(K);
    for (let i = 0; i < n; i++) {
      counts[assign[i]]++;
      for (let j = 0; j < d; j++) sums[assign[i] * d + j] += zc[i * d + j];
    }
    for (let k = 0; k < K; k++) if (counts[k]) Y.set(sums.subarray(k * d, k * d + d), k * d);
  }
  return normalizeCentroids(Y, K, d);
}

function normalizeCentroids(Y: Float64Array, K: number, d: number): Float64Array {
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += Y[k * d + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) Y[k * d + j] *= inv;
  }
  return Y;
}

/** Solve A x = b for a small dense system (Gaussian elimination, partial pivoting); A is m×m row-major, B is m×d. */
function solve(A: Float64Array, Bm: Float64Array, m: number, d: number): Float64Array {
  const a = Float64Array.from(A);
  const b = Float64Array.from(Bm);
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r * m + c]) > Math.abs(a[p * m + c])) p = r;
    if (p !== c) {
      for (let j = 0; j < m; j++) [a[c * m + j], a[p * m + j]] = [a[p * m + j], a[c * m + j]];
      for (let j = 0; j < d; j++) [b[c * d + j], b[p * d + j]] = [b[p * d + j], b[c * d + j]];
    }
    const piv = a[c * m + c];
    if (Math.abs(piv) < 1e-300) continue;
    for (let r = c + 1; r < m; r++) {
      const f = a[r * m + c] / piv;
      if (f === 0) continue;
      for (let j = c; j < m; j++) a[r * m + j] -= f * a[c * m + j];
      for (let j = 0; j < d; j++) b[r * d + j] -= f * b[c * d + j];
    }
  }
  for (let c = m - 1; c >= 0; c--) {
    const piv = a[c * m + c];
    for (let j = 0; j < d; j++) {
      let s = b[c * d + j];
      for (let k = c + 1; k < m; k++) s -= a[c * m + k] * b[k * d + j];
      b[c * d + j] = Math.abs(piv) < 1e-300 ? 0 : s / piv;
    }
  }
  return b;
}

/**
 * Correct rows of `x` (wells × features) for the batch each row belongs to (`batch[i]`, any labels).
 * Returns the corrected rows; the input is not modified. With one batch it returns a copy.
 */
export function harmonize(x: Matrix, batch: ArrayLike<string | number>, opts: HarmonyOptions = {}): HarmonyResult {
  const n = x.rows;
  const d = x.cols;
  if (batch.length !== n) throw new RangeError(`${batch.length} batch labels for ${n} rows`);
  const codes = new Map<string | number, number>();
  const b = Int32Array.from(Array.from(batch, (v) => {
    let c = codes.get(v);
    if (c === undefined) codes.set(v, (c = codes.size));
    return c;
  }));
  const B = codes.size;
  const K = opts.clusters ?? Math.max(1, Math.min(100, Math.round(n / 30)));
  if (B < 2 || n < 2 || K < 1) return { corrected: createMatrix(n, d, Float32Array.from(x.data)), clusters: 0, rounds: 0, converged: true, objective: [] };
  const theta = opts.theta ?? 2;
  const sigma = opts.sigma ?? 0.1;
  const lambda = opts.lambda ?? 1;
  const maxRounds = opts.maxRounds ?? 10;
  const maxKm = opts.maxKmeansIterations ?? 20;
  const epsKm = opts.epsilonKmeans ?? 1e-5;
  const epsH = opts.epsilonHarmony ?? 1e-4;
  const nBlocks = Math.ceil(1 / (opts.blockSize ?? 0.05));
  const rnd = mulberry32(opts.seed ?? 0);

  const Z = Float64Array.from(x.data);
  let Zcos = unitRows64(Z, n, d);
  let Zcorr = Float64Array.from(Z);
  const Pr = new Float64Array(B);
  for (let i = 0; i < n; i++) Pr[b[i]] += 1 / n;

  let Y = initCentroids(Zcos, n, d, K, rnd);
  const dist = new Float64Array(K * n);
  const R = new Float64Array(K * n);
  const E = new Float64Array(K * B);
  const O = new Float64Array(K * B);
  const computeDist = () => {
    for (let k = 0; k < K; k++)
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += Y[k * d + j] * Zcos[i * d + j];
        dist[k * n + i] = 2 * (1 - s);
      }
  };
  const stats = () => {
    E.fill(0);
    O.fill(0);
    for (let k = 0; k < K; k++)
      for (let i = 0; i < n; i++) {
        const r = R[k * n + i];
        O[k * B + b[i]] += r;
        for (let c = 0; c < B; c++) E[k * B + c] += r * Pr[c];
      }
  };
  const objective = () => {
    let km = 0;
    let ent = 0;
    let cross = 0;
    for (let k = 0; k < K; k++)
      for (let i = 0; i < n; i++) {
        const r = R[k * n + i];
        km += r * dist[k * n + i];
        if (r > 0) ent += sigma * r * Math.log(r);
        cross += sigma * r * theta * Math.log((O[k * B + b[i]] + 1) / (E[k * B + b[i]] + 1));
      }
    return km + ent + cross;
  };
  // Initial soft assignments.
  computeDist();
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, -dist[k * n + i] / sigma);
    let s = 0;
    for (let k = 0; k < K; k++) s += R[k * n + i] = Math.exp(-dist[k * n + i] / sigma - mx);
    for (let k = 0; k < K; k++) R[k * n + i] /= s;
  }
  stats();
  const objKm: number[] = [objective()];
  const objH: number[] = [objKm[0]];

  const updateR = () => {
    const scale = new Float64Array(K * n);
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) mx = Math.max(mx, -dist[k * n + i] / sigma);
      for (let k = 0; k < K; k++) scale[k * n + i] = Math.exp(-dist[k * n + i] / sigma - mx);
    }
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const per = Math.ceil(n / nBlocks);
    for (let start = 0; start < n; start += per) {
      const block = order.slice(start, start + per);
      // Take the block's cells out of the batch statistics, reassign them, put them back.
      for (const i of block)
        for (let k = 0; k < K; k++) {
          const r = R[k * n + i];
          O[k * B + b[i]] -= r;
          for (let c = 0; c < B; c++) E[k * B + c] -= r * Pr[c];
        }
      for (const i of block) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const v = scale[k * n + i] * ((E[k * B + b[i]] + 1) / (O[k * B + b[i]] + 1)) ** theta;
          R[k * n + i] = v;
          s += v;
        }
        for (let k = 0; k < K; k++) R[k * n + i] /= s;
        for (let k = 0; k < K; k++) {
          const r = R[k * n + i];
          O[k * B + b[i]] += r;
          for (let c = 0; c < B; c++) E[k * B + c] += r * Pr[c];
        }
      }
    }
  };

  const cluster = () => {
    computeDist();
    for (let it = 0; it < maxKm; it++) {
      Y = new Float64Array(K * d);
      for (let k = 0; k < K; k++)
        for (let i = 0; i < n; i++) {
          const r = R[k * n + i];
          if (r === 0) continue;
          for (let j = 0; j < d; j++) Y[k * d + j] += r * Zcos[i * d + j];
        }
      normalizeCentroids(Y, K, d);
      computeDist();
      updateR();
      objKm.push(objective());
      const w = 3;
      if (it > w) {
        let old = 0;
        let cur = 0;
        for (let j = 0; j < w; j++) {
          old += objKm[objKm.length - 2 - j];
          cur += objKm[objKm.length - 1 - j];
        }
        if (Math.abs(old - cur) / Math.abs(old) < epsKm) break;
      }
    }
    objH.push(objKm[objKm.length - 1]);
  };

  const m = B + 1;
  const correct = () => {
    Zcorr = Float64Array.from(Z);
    for (let k = 0; k < K; k++) {
      // Design [intercept, one-hot batch] weighted by R_k: X'RX + diag(0, λ…) and X'RZ.
      const A = new Float64Array(m * m);
      const rhs = new Float64Array(m * d);
      for (let i = 0; i < n; i++) {
        const r = R[k * n + i];
        const c = b[i] + 1;
        A[0] += r;
        A[c] += r;
        A[c * m] += r;
        A[c * m + c] += r;
        for (let j = 0; j < d; j++) {
          const v = r * Z[i * d + j];
          rhs[j] += v;
          rhs[c * d + j] += v;
        }
      }
      for (let c = 1; c < m; c++) A[c * m + c] += lambda;
      const W = solve(A, rhs, m, d);
      // The intercept (the cluster's mean) stays; each row loses its batch's offset in this cluster.
      for (let i = 0; i < n; i++) {
        const r = R[k * n + i];
        const c = b[i] + 1;
        for (let j = 0; j < d; j++) Zcorr[i * d + j] -= r * W[c * d + j];
      }
    }
    Zcos = unitRows64(Zcorr, n, d);
  };

  let rounds = 0;
  let converged = false;
  for (let round = 0; round < maxRounds; round++) {
    cluster();
    correct();
    rounds++;
    const old = objH[objH.length - 2];
    const cur = objH[objH.length - 1];
    if ((old - cur) / Math.abs(old) < epsH) {
      converged = true;
      break;
    }
  }
  return { corrected: createMatrix(n, d, Float32Array.from(Zcorr)), clusters: K, rounds, converged, objective: objH };
}
