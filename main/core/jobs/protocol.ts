// The typed protocol between the app (or CLI) and a job process: start → progress* → result | error,
// with cancel from the parent at any time. Messages are validated on receipt: a job process that
// misbehaves must not be able to confuse the UI.
import { z } from 'zod';
import type { TrainerTransport } from '../ml/trainer-protocol.js';

/** The jobs the job process runs (registry.ts); each returns its JobResults entry (results.ts). */
export const JobKind = z.enum(['ingest', 'import-profiles', 'train', 'embed', 'eval']);
export type JobKind = z.infer<typeof JobKind>;

export const ToJob = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    jobId: z.string(),
    // Any name: the job process answers an unknown one with an error (a test's job process serves its own).
    kind: z.string().min(1),
    params: z.record(z.string(), z.unknown()),
    /** The parent relays Trainer calls (trainer-protocol.ts) to a compute side: train jobs may use it. */
    remoteTrainer: z.boolean().optional(),
  }),
  z.object({ type: z.literal('cancel'), jobId: z.string() }),
]);
export type ToJob = z.infer<typeof ToJob>;

/** A training step as the job reports it: every loss term by name, throughput, and the tfjs backend that runs. */
export const TrainProgress = z.object({
  step: z.number().int().nonnegative(),
  steps: z.number().int().nonnegative(),
  loss: z.number(),
  terms: z.record(z.string(), z.number()),
  samplesPerSecond: z.number().nonnegative(),
  backend: z.string(),
  /** The backend's one-line description (package, adapter, "software adapter"); optional for older senders. */
  device: z.string().optional(),
});
export type TrainProgress = z.infer<typeof TrainProgress>;

export const Progress = z.object({
  stage: z.string(),
  done: z.number(),
  total: z.number(),
  metrics: z.record(z.string(), z.number()).optional(),
  /** Typed detail for training jobs (metrics carries the same numbers flat, for generic progress bars). */
  train: TrainProgress.optional(),
});
export type Progress = z.infer<typeof Progress>;

export const FromJob = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), jobId: z.string(), progress: Progress }),
  z.object({ type: z.literal('result'), jobId: z.string(), result: z.unknown() }),
  z.object({ type: z.literal('error'), jobId: z.string(), error: z.object({ message: z.string(), input: z.boolean() }) }),
  z.object({ type: z.literal('cancelled'), jobId: z.string() }),
]);
export type FromJob = z.infer<typeof FromJob>;

/** What a job function gets: where to report, and a signal that fires on cancel. */
export interface JobContext {
  progress(p: Progress): void;
  signal: AbortSignal;
  /** Present when the parent relays Trainer calls (Electron's compute window): the way to reach it. */
  remoteTrainer?: TrainerTransport;
}

export type JobFn<R = unknown> = (params: Record<string, unknown>, ctx: JobContext) => Promise<R>;

// Part of the protocol (a job ends with it when cancelled), defined in util/ so that the work jobs run need not import jobs/.
export { JobCancelled, throwIfCancelled } from '../util/cancel.js';
