// The Trainer interface (trainer.ts) as request/response messages, so that a training job can drive
// a model that lives elsewhere: Electron's hidden compute window (Chromium's WebGPU), reached from the
// job process through its parent. One schema for every hop — job process ⇄ parent (fork IPC with
// 'advanced' serialization), parent ⇄ window (Electron IPC), and the tests' stand-ins — and every hop
// is a structured clone, so Float32Arrays travel as typed arrays, never as JSON number lists.
// No Node or Electron imports: the compute page bundles this file.
import { z } from 'zod';

// Typed as ArrayBufferLike-backed, as trainer.ts's HostTensor is (a structured clone never hands over a shared buffer).
const F32 = z.custom<Float32Array<ArrayBufferLike>>((v) => v instanceof Float32Array, 'expected a Float32Array');
const HostTensor = z.object({ shape: z.array(z.number().int().nonnegative()), data: F32 });
const Tensors = z.record(z.string(), HostTensor);
const Optimizer = z.object({ names: z.array(z.string()), tensors: Tensors });

export const TrainerCall = z.discriminatedUnion('method', [
  /** Find the adapter and activate the backend; a software adapter only with allowSoftware. */
  z.object({ method: z.literal('open'), allowSoftware: z.boolean() }),
  z.object({
    method: z.literal('init'),
    // MiconConfig: built by our own train.ts and read by model code that checks what it uses.
    config: z.record(z.string(), z.unknown()),
    start: z.object({ params: Tensors.optional(), partial: z.boolean().optional(), optimizer: Optimizer.optional() }).optional(),
  }),
  z.object({
    method: z.literal('step'),
    batch: z.object({ treated: HostTensor, controls: HostTensor, fingerprints: HostTensor, labels: z.array(z.number().int().nonnegative()) }),
  }),
  z.object({ method: z.literal('snapshot') }),
  /** Free the job's model and optimizer (also sent by the host when a job ends however it ends). */
  z.object({ method: z.literal('dispose') }),
]);
export type TrainerCall = z.infer<typeof TrainerCall>;
export type TrainerMethod = TrainerCall['method'];

/** Job process → parent → compute side. `id` pairs a reply with its call; `jobId` scopes the model. */
export const TrainerRequest = z.object({ type: z.literal('trainer-call'), jobId: z.string(), id: z.number().int(), call: TrainerCall });
export type TrainerRequest = z.infer<typeof TrainerRequest>;

export const TrainerReply = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('trainer-reply'), jobId: z.string(), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({
    type: z.literal('trainer-reply'),
    jobId: z.string(),
    id: z.number().int(),
    ok: z.literal(false),
    error: z.string(),
    /** `open` only: an adapter was found wanting (software, or none); the job may fall back. */
    refused: z.boolean().optional(),
  }),
]);
export type TrainerReply = z.infer<typeof TrainerReply>;

/** What each method answers with. */
export const OpenValue = z.object({ backend: z.string(), detail: z.string() });
// Any number, NaN and ±Infinity included (z.number() refuses them): a diverging loss must reach
// train.ts, which names the step and the last good checkpoint.
const AnyNumber = z.custom<number>((v) => typeof v === 'number', 'expected a number');
export const StepValue = z.record(z.string(), AnyNumber).refine((t) => typeof t.total === 'number', 'step terms lack total');
export const SnapshotValue = z.object({ params: Tensors, optimizer: Optimizer });
export const EmptyValue = z.null();

/**
 * The parent's side of the hop from a job process: forwards a call to wherever the model lives and
 * answers. Never rejects: a compute side that is gone answers `ok: false` with why.
 */
export interface TrainerRelay {
  call(req: TrainerRequest): Promise<TrainerReply>;
}

/** One hop's sender: resolves with the reply's value, throws Error(reply.error) (with `refused`) otherwise. */
export type TrainerTransport = (call: TrainerCall) => Promise<unknown>;

export class TrainerRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainerRefused';
  }
}

export const errorReply = (req: Pick<TrainerRequest, 'jobId' | 'id'>, error: string, refused = false): TrainerReply => ({
  type: 'trainer-reply',
  jobId: req.jobId,
  id: req.id,
  ok: false,
  error,
  ...(refused ? { refused: true } : {}),
});

/** A transport over a relay (tests; the host uses the job process's IPC instead). */
export function relayTransport(relay: TrainerRelay, jobId: string): TrainerTransport {
  let next = 1;
  return async (call) => {
    const reply = await relay.call({ type: 'trainer-call', jobId, id: next++, call });
    return unwrapReply(reply);
  };
}

export function unwrapReply(reply: TrainerReply): unknown {
  if (reply.ok) return reply.value;
  throw reply.refused ? new TrainerRefused(reply.error) : new Error(reply.error);
}
