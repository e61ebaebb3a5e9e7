// The message loop of a job process: one job at a time, cancellable by the parent. child.ts serves
// the registry's job kinds with it; a test's job process can serve kinds of its own.
import { InputError } from '../types.js';
import { FromJob, JobCancelled, ToJob, type JobFn } from './protocol.js';
import { parentTransport } from './remote-trainer-ipc.js';

export function serveJobs(jobs: Readonly<Record<string, JobFn>>): void {
  const send = (m: FromJob) => process.send?.(m);
  let current: { jobId: string; abort: AbortController } | null = null;

  process.on('message', async (raw) => {
    const parsed = ToJob.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === 'cancel') {
      if (current?.jobId === msg.jobId) current.abort.abort();
      return;
    }
    // Own keys only: a kind such as "constructor" must not find Object's.
    const fn = Object.hasOwn(jobs, msg.kind) ? jobs[msg.kind] : undefined;
    if (!fn) {
      send({ type: 'error', jobId: msg.jobId, error: { message: `unknown job kind ${msg.kind}`, input: true } });
      return;
    }
    const abort = new AbortController();
    current = { jobId: msg.jobId, abort };
    const remote = msg.remoteTrainer ? parentTransport(msg.jobId) : null;
    try {
      const result = await fn(msg.params, {
        signal: abort.signal,
        progress: (progress) => send({ type: 'progress', jobId: msg.jobId, progress }),
        ...(remote ? { remoteTrainer: remote.send } : {}),
      });
      send({ type: 'result', jobId: msg.jobId, result });
    } catch (e) {
      if (e instanceof JobCancelled || abort.signal.aborted) send({ type: 'cancelled', jobId: msg.jobId });
      else send({ type: 'error', jobId: msg.jobId, error: { message: (e as Error).message, input: e instanceof InputError } });
    } finally {
      remote?.close();
      current = null;
    }
  });
}
