// The compute side of trainer-protocol.ts: answers calls with a LocalTrainer on whatever backend
// `openBackend` activates. Electron's compute window runs it on Chromium's WebGPU; tests run it in
// Node on wasm as a stand-in for the window. One model at a time: opening for a new job disposes any
// other job's model first, so nothing leaks from a job that ended without saying so.
// Imports only tfjs and model code (through LocalTrainer) and zod: bundled for the compute page.
import type { MiconConfig } from './config.js';
import { LocalTrainer } from './local-trainer.js';
import { errorReply, TrainerRequest, type TrainerReply } from './trainer-protocol.js';

/** What a compute side found: a backend it activated, or why it will not train. */
export type OpenedBackend = { ok: true; backend: string; detail: string } | { ok: false; reason: string };

export class TrainerServer {
  private readonly trainers = new Map<string, LocalTrainer>();
  /** Calls run one after another (a dispose waits for the step in flight). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly openBackend: (allowSoftware: boolean) => Promise<OpenedBackend>) {}

  /** How many models are alive (tests check nothing leaks). */
  get live(): number {
    return this.trainers.size;
  }

  handle(raw: unknown): Promise<TrainerReply> {
    const run = this.queue.then(() => this.answer(raw));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async answer(raw: unknown): Promise<TrainerReply> {
    const parsed = TrainerRequest.safeParse(raw);
    if (!parsed.success) {
      const r = (raw ?? {}) as { jobId?: unknown; id?: unknown };
      return errorReply({ jobId: String(r.jobId ?? ''), id: Number.isInteger(r.id) ? (r.id as number) : -1 }, `bad trainer call: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const req = parsed.data;
    const ok = (value: unknown): TrainerReply => ({ type: 'trainer-reply', jobId: req.jobId, id: req.id, ok: true, value });
    try {
      const c = req.call;
      if (c.method === 'open') {
        for (const id of [...this.trainers.keys()]) await this.drop(id);
        const b = await this.openBackend(c.allowSoftware);
        if (!b.ok) return errorReply(req, b.reason, true);
        this.trainers.set(req.jobId, new LocalTrainer(b.backend, b.detail));
        return ok({ backend: b.backend, detail: b.detail });
      }
      if (c.method === 'dispose') {
        await this.drop(req.jobId);
        return ok(null);
      }
      const t = this.trainers.get(req.jobId);
      if (!t) return errorReply(req, `no trainer open for job ${req.jobId} (open it first)`);
      if (c.method === 'init') {
        await t.init(c.config as unknown as MiconConfig, c.start);
        return ok(null);
      }
      if (c.method === 'step') return ok(await t.step(c.batch));
      return ok(await t.snapshot());
    } catch (e) {
      return errorReply(req, e instanceof Error ? e.message : String(e));
    }
  }

  private async drop(jobId: string): Promise<void> {
    const t = this.trainers.get(jobId);
    this.trainers.delete(jobId);
    await t?.dispose();
  }
}
