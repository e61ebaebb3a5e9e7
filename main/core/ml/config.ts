// MICON model and objective settings (tfjs-examples style): every knob has a value here, resolved
// for a run in one place (defaultConfig: the image side and the backend decide the sizes that
// depend on them), callers override only what they mean to change, and the merged config is what
// every run prints, the models table stores and checkpoints record. Options of the run itself
// (steps, batch, which wells) are train-params.ts.
import { DEFAULT_IMAGE_ENCODER, type ImageEncoderSpec } from './encoder-spec.js';
import type { ModelKind } from './kinds.js';

/** The image side: the per-channel CNN, or a head over precomputed per-site feature vectors. */
export type ImageEncoderConfig =
  | { kind: 'cnn'; spec: ImageEncoderSpec }
  /** `hidden` absent: a linear map; present: Linear-ReLU-Linear. Features arrive already normalised. */
  | {
      kind: 'features';
      inputDim: number;
      hidden?: number;
      outDim: number;
      /** The site-level feature set the head reads (normalised per plate vs DMSO); absent: 'handcrafted'. */
      source?: string;
      /**
       * Residual head: x + W2·ReLU(W1·x + b1) + b2 with W1 inputDim×r, W2 r×inputDim (zero at the start,
       * so training starts from the input itself); `outDim` must equal `inputDim`. On real profiles the
       * input treatment alone beat a learned 64-d head; this keeps the input and learns a correction.
       */
      residualRank?: number;
    };

export type { ModelKind };

export interface MiconConfig {
  model: ModelKind;
  imageEncoder: ImageEncoderConfig;
  molecule: { fpBits: number; hidden: number };
  projection: { hidden: number; outDim: number };
  generator: { hidden: number; /** predict control + Δ instead of the treated embedding outright */ residual: boolean };
  loss: {
    /**
     * SupCon temperature. At 1.0 the logits of unit vectors span only [-1, 1]: on batches of ~100
     * items the softmax stays near uniform and the loss barely moves (7.08 → 6.84 over 1,500 steps on
     * the demo). 0.1 (Khosla et al.'s default) was chosen on three compound splits of the demo whose
     * held-out compounds are also what eval reports, so not a nested choice: `micon tune` re-chooses it
     * on validation folds of the training compounds. The reference uses 1.0 (REFERENCE_LOSS).
     */
    temperature: number;
    /** Weight of counterfactual PaCLR relative to PaCLR. */
    counterfactualWeight: number;
    /**
     * Stop the counterfactual term's gradient at the image embeddings (the reference detaches the
     * real treated and control embeddings there: only the molecule encoder, generator and projection
     * learn from it; the image encoder learns from PaCLR alone). false: ours, the encoder learns from both.
     */
    counterfactualStopGradient: boolean;
    /**
     * `joint` (reference): one SupCon over real and predicted embeddings together (the reference's two
     * views), so real-real and predicted-predicted pairs are positives/negatives too. `cross` (ours):
     * anchors from one set, candidates from the other, both directions averaged.
     */
    counterfactualContrast: 'joint' | 'cross';
    /** InfoNCE temperature of the CLIP baseline (CLIP itself learns ~0.07; fixed here). */
    clipTemperature: number;
  };
  optimizer: { learningRate: number };
  seed: number;
}

/** Bits of the Morgan fingerprint the molecule encoder reads (radius 2, RDKit). */
export const FINGERPRINT_BITS = 2048;
/** Width of the feature head's output (the embedding), unless residual (then as wide as its input). */
export const FEATURE_HEAD_DIM = 64;

/** What the image side reads, as far as the config depends on it. */
export type ImageSide = { kind: 'cnn' } | { kind: 'features'; inputDim: number; source: string; residualRank?: number };

/**
 * Width of the molecule MLP's hidden layer: wasm's matmul costs ~1 µs per OUTPUT element whatever
 * the batch, so the fingerprint layer's weight gradient (2048 × hidden) sets the step time there:
 * keep it narrow on wasm/cpu (and software GPUs), as screens of a few dozen compounds need little
 * capacity anyway; native TensorFlow and real GPUs afford 256.
 */
export function moleculeHidden(backend: { name: string; accelerated: boolean }): number {
  return backend.accelerated || backend.name === 'tensorflow' ? 256 : 64;
}

/** The whole default config of a run: its image side, and the backend that will train it. */
export function defaultConfig(side: ImageSide, backend: { name: string; accelerated: boolean }): MiconConfig {
  return {
    model: 'micon',
    imageEncoder:
      side.kind === 'cnn'
        ? { kind: 'cnn', spec: DEFAULT_IMAGE_ENCODER }
        : {
            kind: 'features',
            inputDim: side.inputDim,
            outDim: side.residualRank ? side.inputDim : FEATURE_HEAD_DIM,
            source: side.source,
            ...(side.residualRank ? { residualRank: side.residualRank } : {}),
          },
    molecule: { fpBits: FINGERPRINT_BITS, hidden: moleculeHidden(backend) },
    projection: { hidden: 128, outDim: 64 },
    generator: { hidden: 256, residual: false },
    loss: { temperature: 0.1, counterfactualWeight: 1.0, counterfactualStopGradient: false, counterfactualContrast: 'cross', clipTemperature: 0.1 },
    optimizer: { learningRate: 5e-3 },
    seed: 1,
  };
}

/**
 * The CNN's config on native TensorFlow: the base of makeConfig for callers that build a model
 * outside a training run (tests, benchmarks, the compute window). A run resolves its own with
 * defaultConfig (the feature head by default, molecule.hidden by backend).
 */
export const DEFAULT_CONFIG: MiconConfig = defaultConfig({ kind: 'cnn' }, { name: 'tensorflow', accelerated: false });

/** The loss settings of the reference implementation (microsoft/MICON): temperature 1.0, detached image embeddings, joint contrast. */
export const REFERENCE_LOSS: Pick<MiconConfig['loss'], 'temperature' | 'counterfactualStopGradient' | 'counterfactualContrast'> = {
  temperature: 1.0,
  counterfactualStopGradient: true,
  counterfactualContrast: 'joint',
};

export type ConfigOverrides = Partial<{
  [K in keyof MiconConfig]: MiconConfig[K] extends object ? (K extends 'imageEncoder' ? MiconConfig[K] : Partial<MiconConfig[K]>) : MiconConfig[K];
}>;

/** `base` (DEFAULT_CONFIG unless given) with `o` merged in one level deep (the image encoder is replaced whole). */
export function makeConfig(o: ConfigOverrides = {}, base: MiconConfig = DEFAULT_CONFIG): MiconConfig {
  const d = base;
  return {
    model: o.model ?? d.model,
    imageEncoder: o.imageEncoder ?? d.imageEncoder,
    molecule: { ...d.molecule, ...o.molecule },
    projection: { ...d.projection, ...o.projection },
    generator: { ...d.generator, ...o.generator },
    // Checkpoints written before the counterfactual options existed lack them: the defaults are what they ran.
    loss: { ...d.loss, ...o.loss },
    optimizer: { ...d.optimizer, ...o.optimizer },
    seed: o.seed ?? d.seed,
  };
}

/** The config in one line, as every run prints it ("micon · feature head 57→64 (handcrafted) · …"). */
export function describeConfig(c: MiconConfig): string {
  const e = c.imageEncoder;
  const image =
    e.kind === 'cnn'
      ? `CNN ${e.spec.inputSize}px ×${e.spec.channels} channels → ${e.spec.channels * e.spec.perChannelDim}`
      : `feature head ${e.inputDim}→${e.residualRank ? `${e.outDim} residual rank ${e.residualRank}` : `${e.hidden ? `${e.hidden}→` : ''}${e.outDim}`} (${e.source ?? 'handcrafted'})`;
  const l = c.loss;
  return [
    c.model,
    image,
    `molecule ${c.molecule.fpBits}→${c.molecule.hidden}`,
    `projection ${c.projection.hidden}→${c.projection.outDim}`,
    `generator ${c.generator.hidden}${c.generator.residual ? ' residual' : ''}`,
    `temperature ${l.temperature}`,
    `counterfactual ×${l.counterfactualWeight} ${l.counterfactualContrast} ${l.counterfactualStopGradient ? 'detached' : 'through'}`,
    `lr ${c.optimizer.learningRate}`,
    `seed ${c.seed}`,
  ].join(' · ');
}
