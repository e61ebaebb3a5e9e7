// Jobs the UI starts (ingest, train, embed, evaluate), each in its own process through runJob. The
// manager remembers what ran in this session, forwards progress as contract events (throttled, so
// a fast training loop cannot flood the page) and refuses a second job while one runs: two writers
// on one project would only slow each other down.
import type { EventName, EventPayload, JobInfo, JobProgress, JobStartRequest } from '../api/contract.js';
import type { ProjectSession } from '../project/session.js';
import { InputError } from '../types.js';
import { JobCancelledError, runJob, type JobHandle } from './host.js';
import type { Progress, TrainProgress } from './protocol.js';

export type Emit = <K extends EventName>(event: K, payload: EventPayload<K>) => void;
type Runner = typeof runJob;

const PROGRESS_EVERY_MS = 100;
const MAX_HISTORY = 5000;
const MAX_JOBS_KEPT = 50;

interface Entry {
  info: JobInfo;
  handle: JobHandle;
  lastSent: number;
  pending: JobProgress | null;
  timer: ReturnType<typeof setTimeout> | null;
}

function titleOf(r: JobStartRequest): string {
  switch (r.kind) {
    case 'ingest':
      return `import ${r.folder}`;
    case 'import-profiles':
      return `import profiles ${r.file}`;
    case 'train':
      return `${r.resume ? 'resume' : 'train'} ${r.model}${r.steps ? `, ${r.steps} steps` : ''}${r.initFrom ? ` from ${r.initFrom}` : ''}`;
    case 'embed':
      return 'embed every model and build profiles';
    case 'eval':
      return 'evaluate every feature set';
  }
}

/** The state now: listeners and callers must not see later changes of the live record. */
const snapshot = (j: JobInfo): JobInfo => ({ ...j, trainHistory: [...j.trainHistory] });

/** JSON-safe copy (results travel over IPC/WebSocket). */
const plain = (x: unknown): unknown => (x === undefined ? null : JSON.parse(JSON.stringify(x)));

export class JobManager {
  private readonly jobs = new Map<string, Entry>();
  private readonly finishedListeners = new Set<(info: JobInfo) => void>();

  constructor(
    private readonly session: ProjectSession,
    private readonly emit: Emit,
    private readonly run: Runner = runJob,
  ) {}

  list(): JobInfo[] {
    return [...this.jobs.values()].map((e) => snapshot(e.info)).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  running(): JobInfo[] {
    return this.list().filter((j) => j.state === 'running');
  }

  /** Called when a job ends, however it ends (the app refreshes what the job changed). */
  onFinished(listener: (info: JobInfo) => void): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  start(req: JobStartRequest): JobInfo {
    const busy = this.running()[0];
    if (busy) throw new InputError(`a ${busy.kind} job is already running (${busy.title}); wait for it or cancel it first`);
    const { kind, ...rest } = req;
    const params: Record<string, unknown> = { ...rest, db: this.session.path };
    const info: JobInfo = {
      jobId: '',
      kind,
      state: 'running',
      title: titleOf(req),
      params: plain(rest) as Record<string, unknown>,
      startedAt: new Date().toISOString(),
      endedAt: null,
      progress: null,
      trainHistory: [],
      result: null,
      error: null,
    };
    const entry = { info, lastSent: 0, pending: null, timer: null } as unknown as Entry;
    entry.handle = this.run(kind, params, (p) => this.progress(entry, p));
    info.jobId = entry.handle.jobId;
    this.jobs.set(info.jobId, entry);
    this.prune();
    this.emit('job.state', snapshot(info));
    entry.handle.done.then(
      (result) => this.finish(entry, 'done', plain(result), null),
      (e: unknown) => {
        if (e instanceof JobCancelledError) this.finish(entry, 'cancelled', null, null);
        else this.finish(entry, 'failed', null, e instanceof Error ? e.message : String(e));
      },
    );
    return info;
  }

  cancel(jobId: string): boolean {
    const e = this.jobs.get(jobId);
    if (!e) throw new InputError(`no job ${jobId} in this session`);
    if (e.info.state !== 'running') return false;
    e.handle.cancel();
    return true;
  }

  /** Cancel whatever runs (the app is closing or switching projects). */
  cancelAll(): void {
    for (const j of this.running()) this.cancel(j.jobId);
  }

  private progress(e: Entry, p: Progress): void {
    const ev: JobProgress = { jobId: e.info.jobId, kind: e.info.kind, ...p };
    e.info.progress = ev;
    if (p.train) this.remember(e.info.trainHistory, p.train);
    e.pending = ev;
    const wait = e.lastSent + PROGRESS_EVERY_MS - Date.now();
    if (wait <= 0) this.flush(e);
    else e.timer ??= setTimeout(() => this.flush(e), wait);
  }

  private remember(history: TrainProgress[], t: TrainProgress): void {
    history.push(t);
    // Keep the whole run's shape in bounded memory: drop every other point of the older half.
    if (history.length > MAX_HISTORY) {
      const half = history.length >> 1;
      const older = history.slice(0, half).filter((_, i) => i % 2 === 0);
      history.splice(0, history.length, ...older, ...history.slice(half));
    }
  }

  private flush(e: Entry): void {
    if (e.timer) clearTimeout(e.timer);
    e.timer = null;
    if (!e.pending) return;
    e.lastSent = Date.now();
    this.emit('job.progress', e.pending);
    e.pending = null;
  }

  private finish(e: Entry, state: JobInfo['state'], result: unknown, error: string | null): void {
    this.flush(e);
    e.info.state = state;
    // The job process of this kind produced it (registry.ts is typed by JobResults per kind).
    e.info.result = result as JobInfo['result'];
    e.info.error = error;
    e.info.endedAt = new Date().toISOString();
    this.emit('job.state', snapshot(e.info));
    for (const l of this.finishedListeners) l(e.info);
  }

  private prune(): void {
    const done = this.list().filter((j) => j.state !== 'running');
    for (const j of done.slice(MAX_JOBS_KEPT)) this.jobs.delete(j.jobId);
  }
}
