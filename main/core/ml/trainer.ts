// The model side of a training run behind one interface, so that the same loop (train.ts: data,
// sampling, checkpoints, progress, cancel) drives it in this process — tfjs on tensorflow, webgpu,
// wasm or cpu — or in Electron's hidden compute window, where Chromium's own WebGPU runs it
// (dawn.node does not load inside Electron). Only plain data crosses: batches in, loss terms and
// parameter snapshots out, so every implementation can sit across a message channel.
import type { MiconConfig } from './config.js';

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export interface StepBatch {
  /** CNN [n, channels, S, S] or features [n, inputDim]. */
  treated: HostTensor;
  controls: HostTensor;
  /** [n, fpBits] */
  fingerprints: HostTensor;
  labels: number[];
}

/** Every loss term of one step (computed before the update); `total` is what the optimizer minimised. */
export type StepTerms = Record<string, number> & { total: number };

export interface OptimizerState {
  /** Adam's slot names in tfjs order (optimizer.getWeights()). */
  names: string[];
  tensors: Record<string, HostTensor>;
}

export interface TrainerStart {
  /** Parameters to load after creation: resume gives all of them, init-from the ones whose name and shape match. */
  params?: Record<string, HostTensor>;
  /** When true, parameters absent from `params` keep their seeded values (init-from); otherwise all must be present. */
  partial?: boolean;
  /** Resume: every optimizer slot. */
  optimizer?: OptimizerState;
}

export interface Trainer {
  /** The tfjs backend it runs on ('webgpu', 'wasm', …). */
  readonly backend: string;
  /** One line naming the device, e.g. "webgpu on NVIDIA … (Vulkan)". */
  readonly detail: string;
  /** True on a real GPU (not a software adapter): train() then scales default steps and widths. Absent = false. */
  readonly accelerated?: boolean;
  init(config: MiconConfig, start?: TrainerStart): Promise<void>;
  /** One optimizer step: one async read of the loss terms, never dataSync (webgpu cannot). */
  step(batch: StepBatch): Promise<StepTerms>;
  /** Parameters and optimizer slots, for checkpoints and the ONNX export. */
  snapshot(): Promise<{ params: Record<string, HostTensor>; optimizer: OptimizerState }>;
  dispose(): Promise<void>;
}
