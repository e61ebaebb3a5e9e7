// Contrastive losses over L2-normalised rows. Labels are plain arrays (they come from the sampler, not
// from the graph), so the positive masks are built in JS and enter as constants.
import * as tf from '@tensorflow/tfjs';

// Finite, not -Infinity: the masked logits are multiplied by a 0 mask later and 0·∞ would be NaN.
const MASKED = -1e9;

function labelMasks(rows: ArrayLike<number>, cols: ArrayLike<number>, excludeDiagonal: boolean): { pos: Float32Array; self: Float32Array; anchors: Float32Array } {
  const n = rows.length;
  const m = cols.length;
  const pos = new Float32Array(n * m);
  const self = new Float32Array(n * m);
  const anchors = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (excludeDiagonal && i === j) self[i * m + j] = MASKED;
      else if (rows[i] === cols[j]) {
        pos[i * m + j] = 1;
        anchors[i] = 1;
      }
    }
  }
  return { pos, self, anchors };
}

/**
 * Mean over anchors i (those with at least one positive) of −1/|P(i)| Σ_{p∈P(i)} log softmax_j(a_i·b_j/τ)[p].
 * With `excludeDiagonal`, j = i is neither a positive nor in the denominator (a and b are the same set).
 */
function multiPositiveNce(a: tf.Tensor2D, b: tf.Tensor2D, rowLabels: ArrayLike<number>, colLabels: ArrayLike<number>, temperature: number, excludeDiagonal: boolean): tf.Scalar {
  return tf.tidy(() => {
    const n = a.shape[0];
    const m = b.shape[0];
    const { pos, self, anchors } = labelMasks(rowLabels, colLabels, excludeDiagonal);
    const nAnchors = anchors.reduce((s, v) => s + v, 0);
    if (nAnchors === 0) return tf.scalar(0);
    const logits = tf.add(tf.div(tf.matMul(a, b, false, true), temperature), tf.tensor2d(self, [n, m]));
    const logProb = tf.sub(logits, tf.logSumExp(logits, 1, true));
    const posMask = tf.tensor2d(pos, [n, m]);
    const nPos = tf.maximum(tf.sum(posMask, 1), 1);
    const perAnchor = tf.div(tf.sum(tf.mul(posMask, logProb), 1), nPos);
    return tf.div(tf.neg(tf.sum(tf.mul(perAnchor, tf.tensor1d(anchors)))), nAnchors) as tf.Scalar;
  });
}

/**
 * Supervised contrastive loss (Khosla et al. 2020, L_out) over rows `z` (L2-normalised) with integer
 * labels: same label = positive, self-pairs excluded; anchors without any positive are skipped.
 */
export function supConLoss(z: tf.Tensor2D, labels: ArrayLike<number>, temperature = 1.0): tf.Scalar {
  if (labels.length !== z.shape[0]) throw new Error(`supConLoss: ${labels.length} labels for ${z.shape[0]} rows`);
  return multiPositiveNce(z, z, labels, labels, temperature, true);
}

/**
 * SupCon between two sets (counterfactual PaCLR: real treated embeddings vs the generator's
 * predictions). Anchors from one set, candidates from the other, positives = same label; averaged over
 * both directions. Row k of `a` and of `b` are distinct samples, so nothing is masked.
 */
export function crossSupConLoss(a: tf.Tensor2D, b: tf.Tensor2D, labelsA: ArrayLike<number>, labelsB: ArrayLike<number>, temperature = 1.0): tf.Scalar {
  if (labelsA.length !== a.shape[0] || labelsB.length !== b.shape[0]) throw new Error('crossSupConLoss: labels and rows differ in number');
  return tf.tidy(() => tf.mul(tf.add(multiPositiveNce(a, b, labelsA, labelsB, temperature, false), multiPositiveNce(b, a, labelsB, labelsA, temperature, false)), 0.5) as tf.Scalar);
}

/**
 * CLIP-style symmetric InfoNCE between image rows and molecule rows. Row k of each is a matched pair;
 * pass `labels` when a compound appears in several rows so its other rows are not treated as negatives.
 */
export function clipLoss(img: tf.Tensor2D, mol: tf.Tensor2D, temperature = 0.1, labels?: ArrayLike<number>): tf.Scalar {
  if (img.shape[0] !== mol.shape[0]) throw new Error('clipLoss: image and molecule batches differ in size');
  const l = labels ?? Array.from({ length: img.shape[0] }, (_, i) => i);
  return crossSupConLoss(img, mol, l, l, temperature);
}
