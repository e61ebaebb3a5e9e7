import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { errorReply, TrainerRequest, type TrainerRelay } from '../ml/trainer-protocol.js';
import { FromJob, type JobKind, type Progress } from './protocol.js';

export interface JobHandle<R = unknown> {
  jobId: string;
  /** Settles with the job's result; rejects with its error, or with a JobCancelledError after cancel(). */
  done: Promise<R>;
  cancel(): void;
  /** The job process, so callers (and crash tests) can see or kill it. */
  process: ChildProcess;
}

export class JobFailed extends Error {
  constructor(
    message: string,
    readonly input: boolean,
  ) {
    super(message);
  }
}

export class JobCancelledError extends Error {
  constructor() {
    super('job cancelled');
  }
}

export interface RunJobOptions {
  /**
   * Where a train job's model runs when not in the job process (Electron: the hidden compute window).
   * With a relay, the job process gets a RemoteTrainer whose calls this host forwards, and IPC uses
   * 'advanced' serialization so batches and parameters cross as Float32Arrays. Without one (CLI,
   * browser mode) nothing changes: JSON IPC, the job process trains with its own backend.
   */
  trainerRelay?: TrainerRelay;
}

/**
 * Run one job in its own process. A crash of the job (even kill -9) rejects `done` with the exit
 * code; it never takes the caller down. Cancel asks nicely, then kills after `graceMs`.
 */
export function runJob<R = unknown>(kind: JobKind, params: Record<string, unknown>, onProgress?: (p: Progress) => void, graceMs = 5000, options: RunJobOptions = {}): JobHandle<R> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./child.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  return forkJob<R>(entry, kind, params, onProgress, graceMs, options);
}

/**
 * runJob on a given job-process module (one that calls serveJobs, job-loop.ts): child.ts serves the
 * registry's kinds; a test serves kinds of its own (tests/helpers/sleep-job.ts) the same way.
 */
export function forkJob<R = unknown>(entry: string, kind: string, params: Record<string, unknown>, onProgress?: (p: Progress) => void, graceMs = 5000, options: RunJobOptions = {}): JobHandle<R> {
  const jobId = crypto.randomUUID();
  const child = fork(entry, [], {
    execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: process.env,
    ...(options.trainerRelay ? { serialization: 'advanced' as const } : {}),
  });
  const relay = options.trainerRelay;
  let settled = false;
  let cancelled = false;
  let relayed = false;
  // However the job ends (result, error, cancel, crash, kill), the far side frees its model.
  const release = () => {
    if (relay && relayed) void relay.call({ type: 'trainer-call', jobId, id: -1, call: { method: 'dispose' } });
  };
  const done = new Promise<R>((resolve, reject) => {
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      if (child.connected) child.disconnect();
      release();
    };
    child.on('message', (raw) => {
      if (relay && (raw as { type?: unknown })?.type === 'trainer-call') {
        const req = TrainerRequest.safeParse(raw);
        if (!req.success || req.data.jobId !== jobId || settled) return;
        relayed = true;
        relay
          .call(req.data)
          .catch((e: unknown) => errorReply(req.data, `the compute side failed: ${e instanceof Error ? e.message : String(e)}`))
          // A job process killed meanwhile makes this write fail (EPIPE); with a callback that is not
          // the child's 'error' event, so its 'exit' settles the job and names the signal.
          .then((reply) => child.connected && child.send(reply, () => undefined));
        return;
      }
      const parsed = FromJob.safeParse(raw);
      if (!parsed.success || parsed.data.jobId !== jobId) return;
      const m = parsed.data;
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'result') finish(() => resolve(m.result as R));
      else if (m.type === 'cancelled') finish(() => reject(new JobCancelledError()));
      else finish(() => reject(new JobFailed(m.error.message, m.error.input)));
    });
    child.on('exit', (code, signal) => {
      finish(() => reject(cancelled ? new JobCancelledError() : new JobFailed(`job process exited (${signal ?? `code ${code}`}) before finishing`, false)));
    });
    child.on('error', (e) => finish(() => reject(e)));
  });
  child.send({ type: 'start', jobId, kind, params, ...(relay ? { remoteTrainer: true } : {}) });
  return {
    jobId,
    done,
    process: child,
    cancel() {
      if (settled) return;
      cancelled = true;
      if (child.connected) child.send({ type: 'cancel', jobId });
      setTimeout(() => !settled && child.kill('SIGKILL'), graceMs).unref();
    },
  };
}
