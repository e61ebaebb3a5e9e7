import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
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

/**
 * Run one job in its own process. A crash of the job (even kill -9) rejects `done` with the exit
 * code; it never takes the caller down. Cancel asks nicely, then kills after `graceMs`.
 */
export function runJob<R = unknown>(kind: JobKind, params: Record<string, unknown>, onProgress?: (p: Progress) => void, graceMs = 5000): JobHandle<R> {
  const jobId = crypto.randomUUID();
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./child.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const child = fork(entry, [], {
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: process.env,
  });
  let settled = false;
  let cancelled = false;
  const done = new Promise<R>((resolve, reject) => {
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      if (child.connected) child.disconnect();
    };
    child.on('message', (raw) => {
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
  child.send({ type: 'start', jobId, kind, params });
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
