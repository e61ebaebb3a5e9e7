// A Trainer whose model lives on the other side of a message channel (trainer-protocol.ts): in the
// Electron app, the hidden compute window running LocalTrainer on Chromium's WebGPU. train.ts drives
// it exactly like a LocalTrainer; every reply is validated before train.ts sees it.
import type { MiconConfig } from './config.js';
import { EmptyValue, OpenValue, SnapshotValue, StepValue, type TrainerTransport } from './trainer-protocol.js';
import type { HostTensor, OptimizerState, StepBatch, StepTerms, Trainer, TrainerStart } from './trainer.js';

export class RemoteTrainer implements Trainer {
  private disposed = false;

  private constructor(
    private readonly send: TrainerTransport,
    readonly backend: string,
    readonly detail: string,
  ) {}

  /**
   * Ask the far side for its adapter and backend. Throws TrainerRefused (with the reason) when it has
   * no adapter it may use, Error when the far side is unreachable.
   */
  static async open(send: TrainerTransport, opts: { allowSoftware?: boolean } = {}): Promise<RemoteTrainer> {
    const v = OpenValue.parse(await send({ method: 'open', allowSoftware: opts.allowSoftware ?? false }));
    return new RemoteTrainer(send, v.backend, v.detail);
  }

  async init(config: MiconConfig, start?: TrainerStart): Promise<void> {
    EmptyValue.parse(await this.send({ method: 'init', config: config as unknown as Record<string, unknown>, start }));
  }

  async step(batch: StepBatch): Promise<StepTerms> {
    return StepValue.parse(await this.send({ method: 'step', batch })) as StepTerms;
  }

  async snapshot(): Promise<{ params: Record<string, HostTensor>; optimizer: OptimizerState }> {
    return SnapshotValue.parse(await this.send({ method: 'snapshot' }));
  }

  /** Frees the far side's model. Idempotent; a far side that is already gone holds nothing to free. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      await this.send({ method: 'dispose' });
    } catch {
      // A crashed compute window has lost the model with itself; the job's own error says so.
    }
  }
}
