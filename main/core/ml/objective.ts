// The training objective of each model kind, and one optimizer step that reports every loss term.
//   micon:      PaCLR(treated ∪ controls) + w · counterfactual PaCLR(real treated, G(control, molecule));
//               config.loss chooses the reference's form (image embeddings detached in the second
//               term, one joint SupCon over real and predicted) or ours (encoder trained by both, cross-set)
//   image_only: PaCLR alone (the paper's ablation: compound labels, no structure, no generator)
//   clip:       symmetric InfoNCE between image and molecule embeddings
import * as tf from '@tensorflow/tfjs';
import type { Conv2DFn } from './conv-grad.js';
import { clipLoss, crossSupConLoss, supConLoss } from './losses.js';
import { generate, imageEmbed, moleculeEmbed, project, trainableVariables, type MiconModel } from './model.js';

/** Label every DMSO control shares; compound labels are 0, 1, 2, … */
export const CONTROL_LABEL = -1;

export interface ObjectiveBatch {
  /** Treated images: CNN [n, channels, S, S] or features [n, inputDim]. Each compound appears ≥ 2×. */
  treated: tf.Tensor;
  /** controls[k] is the control matched (same plate, else batch, else source) to treated[k]. */
  controls: tf.Tensor;
  /** [n, fpBits]: the Morgan fingerprint of treated[k]'s compound. */
  fingerprints: tf.Tensor2D;
  /** Compound index of treated[k]. */
  labels: number[];
}

export interface LossTerms {
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

/** Every loss term of the configured model kind; `total` is what the optimizer minimises. */
export function objective(m: MiconModel, b: ObjectiveBatch, conv?: Conv2DFn): LossTerms {
  const { loss, model } = m.config;
  const treatedEmb = imageEmbed(m, b.treated, conv);
  if (model === 'clip') {
    const c = clipLoss(treatedEmb, moleculeEmbed(m, b.fingerprints), loss.clipTemperature, b.labels);
    return { total: c, terms: { clip: c } };
  }
  const controlEmb = imageEmbed(m, b.controls, conv);
  const labels = [...b.labels, ...b.labels.map(() => CONTROL_LABEL)];
  const paclr = supConLoss(project(m, tf.concat([treatedEmb, controlEmb], 0)), labels, loss.temperature);
  if (model === 'image_only') return { total: paclr, terms: { paclr } };
  const detach = loss.counterfactualStopGradient ? stopGradient : (x: tf.Tensor2D) => x;
  const realEmb = detach(treatedEmb);
  const predicted = generate(m, detach(controlEmb), moleculeEmbed(m, b.fingerprints));
  const counterfactual =
    loss.counterfactualContrast === 'joint'
      ? supConLoss(project(m, tf.concat([realEmb, predicted], 0)), [...b.labels, ...b.labels], loss.temperature)
      : crossSupConLoss(project(m, realEmb), project(m, predicted), b.labels, b.labels, loss.temperature);
  return { total: tf.add(paclr, tf.mul(counterfactual, loss.counterfactualWeight)) as tf.Scalar, terms: { paclr, counterfactual } };
}

/** Identity forward, zero gradient backward (PyTorch's `.detach()`; tfjs has no public stop-gradient op). */
const detachOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});
export const stopGradient = (x: tf.Tensor2D): tf.Tensor2D => detachOp(x) as tf.Tensor2D;

/**
 * One optimizer step; returns the loss terms as numbers (computed before the update). Leaks no tensors.
 * The terms come back in one async read: dataSync cannot run on webgpu, and one read per step is the
 * only GPU→CPU sync a step needs.
 */
export async function trainStep(m: MiconModel, optimizer: tf.Optimizer, b: ObjectiveBatch, conv?: Conv2DFn): Promise<Record<string, number> & { total: number }> {
  let names: string[] = [];
  let all: tf.Tensor1D | null = null;
  const cost = optimizer.minimize(
    () => {
      const { total, terms } = objective(m, b, conv);
      names = Object.keys(terms);
      all = tf.keep(tf.stack([total, ...Object.values(terms)]) as tf.Tensor1D);
      return total;
    },
    false,
    trainableVariables(m),
  );
  cost?.dispose();
  const values = await (all as tf.Tensor1D | null)!.data();
  (all as tf.Tensor1D | null)!.dispose();
  const out: Record<string, number> & { total: number } = { total: values[0] };
  names.forEach((n, i) => (out[n] = values[i + 1]));
  return out;
}
