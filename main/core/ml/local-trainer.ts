// The Trainer that runs tfjs in this JavaScript context on whatever backend is active (tensorflow,
// webgpu, wasm, cpu). It imports only tfjs and the model code, so the same file runs in a job
// process and, bundled, in Electron's hidden compute window.
import * as tf from '@tensorflow/tfjs';
import type { MiconConfig } from './config.js';
import { createModel, disposeModel, loadParamData, readParamData, type MiconModel } from './model.js';
import { trainStep } from './objective.js';
import type { HostTensor, OptimizerState, StepBatch, StepTerms, Trainer, TrainerStart } from './trainer.js';

export class LocalTrainer implements Trainer {
  private model: MiconModel | null = null;
  private optimizer: tf.Optimizer | null = null;

  constructor(
    readonly backend: string = tf.getBackend(),
    readonly detail: string = backend,
  ) {}

  async init(config: MiconConfig, start: TrainerStart = {}): Promise<void> {
    if (tf.getBackend() !== this.backend) throw new Error(`LocalTrainer made for ${this.backend} but tfjs runs ${tf.getBackend()}`);
    this.model = createModel(config);
    this.optimizer = tf.train.adam(config.optimizer.learningRate);
    if (start.params) {
      if (start.partial) {
        for (const [k, t] of Object.entries(start.params)) {
          const v = this.model.params[k];
          if (v && v.shape.join() === t.shape.join()) tf.tidy(() => v.assign(tf.tensor(t.data, t.shape)));
        }
      } else loadParamData(this.model, start.params);
    }
    if (start.optimizer) {
      const o = start.optimizer;
      await this.optimizer.setWeights(o.names.map((n) => ({ name: n, tensor: tf.tensor(o.tensors[n].data, o.tensors[n].shape) })));
    }
  }

  async step(b: StepBatch): Promise<StepTerms> {
    const { model, optimizer } = this.ready();
    const batch = {
      treated: tf.tensor(b.treated.data, b.treated.shape),
      controls: tf.tensor(b.controls.data, b.controls.shape),
      fingerprints: tf.tensor2d(b.fingerprints.data, b.fingerprints.shape as [number, number]),
      labels: b.labels,
    };
    try {
      return await trainStep(model, optimizer, batch);
    } finally {
      tf.dispose([batch.treated, batch.controls, batch.fingerprints]);
    }
  }

  async snapshot(): Promise<{ params: Record<string, HostTensor>; optimizer: OptimizerState }> {
    const { model, optimizer } = this.ready();
    const params = await readParamData(model);
    const slots = await optimizer.getWeights();
    const tensors: Record<string, HostTensor> = {};
    // Adam's step counter comes back as an Int32Array; checkpoints store float32 by value.
    for (const s of slots) tensors[s.name] = { shape: s.tensor.shape, data: Float32Array.from((await s.tensor.data()) as ArrayLike<number>) };
    return { params, optimizer: { names: slots.map((s) => s.name), tensors } };
  }

  async dispose(): Promise<void> {
    if (this.model) disposeModel(this.model);
    this.optimizer?.dispose();
    this.model = null;
    this.optimizer = null;
  }

  private ready(): { model: MiconModel; optimizer: tf.Optimizer } {
    if (!this.model || !this.optimizer) throw new Error('trainer used before init()');
    return { model: this.model, optimizer: this.optimizer };
  }
}
