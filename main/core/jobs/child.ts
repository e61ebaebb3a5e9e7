// Entry point of a job process (child_process.fork from the CLI/browser mode; Electron's
// utilityProcess runs the same file). One job at a time; the parent may cancel it.
import { InputError } from '../types.js';
import { FromJob, JobCancelled, ToJob } from './protocol.js';
import { jobs } from './registry.js';
import { parentTransport } from './remote-trainer-ipc.js';

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
  const fn = jobs[msg.kind];
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
