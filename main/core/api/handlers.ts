// Every request of the API contract, implemented once for both transports. Each area's handlers
// live in handlers-<area>.ts next to its contract-<area>.ts; this file joins them.
import { currentActivity } from '../db/activity.js';
import type { DB } from '../db/open.js';
import { readOnlyReason, schemaVersion } from '../db/open.js';
import path from 'node:path';
import { FileScope, foldersFromEnv } from '../files/scope.js';
import { InputError, isBusyError, ProjectBusyError } from '../types.js';
import type { JobManager } from '../jobs/manager.js';
import type { Handlers } from './contract.js';
import { compoundHandlers } from './handlers-compounds.js';
import { jobHandlers } from './handlers-jobs.js';
import { joinDistinct } from './join-maps.js';
import { plateHandlers } from './handlers-plates.js';
import { projectHandlers } from './handlers-project.js';
import { searchHandlers } from './handlers-search.js';
import { ProjectSession, UI_BUSY_WAIT_MS } from '../project/session.js';

export { listPlates, listWells } from './handlers-plates.js';

export interface HandlerContext {
  /** The open project; or give db + projectPath for a fixed project (tests, `micon serve` of old). */
  session?: ProjectSession;
  db?: DB;
  projectPath?: string;
  transport: 'electron' | 'browser';
  transportNote: string | null;
  /** Runs long jobs in the job process; without one, jobs.* requests say that jobs are unavailable. */
  jobs?: JobManager;
  /** The folders paths from the page must lie in (default: the project's folder and MICON_ALLOWED_FOLDERS). */
  files?: FileScope;
  /** How long a request that finds the write lock held keeps retrying, off the event loop (default UI_BUSY_WAIT_MS). */
  busyWaitMs?: number;
}

export function sessionOf(ctx: HandlerContext): ProjectSession {
  if (ctx.session) return ctx.session;
  if (!ctx.db || !ctx.projectPath) throw new Error('createHandlers needs a session, or a db and its projectPath');
  return new ProjectSession(ctx.db, ctx.projectPath);
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const session = sessionOf(ctx);
  const files = ctx.files ?? new FileScope([path.dirname(session.path), ...foldersFromEnv()]);
  const joined = joinDistinct({
    projectHandlers: projectHandlers(session, ctx, files),
    plateHandlers: plateHandlers(session),
    compoundHandlers: compoundHandlers(session),
    searchHandlers: searchHandlers(session),
    jobHandlers: jobHandlers(session, ctx.jobs ?? null, files),
  });
  return translateWriteErrors(session, ctx.jobs, ctx.busyWaitMs ?? UI_BUSY_WAIT_MS, joined);
}

/**
 * A project opened read-only (newer schema, read-only file or folder) still serves every view; a request
 * that would write gets the reason as a user error instead of SQLite's "attempt to write a readonly
 * database" as a server failure.
 *
 * A write that finds the lock held elsewhere is retried on a timer for up to `busyWaitMs` (the UI's
 * connection has no SQLite busy timeout, which would wait synchronously and freeze every other request),
 * then answered "project busy" (409) naming who holds the lock. Retrying is safe because every write the
 * UI makes is one transaction (split.create; project.open/create's migrations): a busy error means
 * nothing of it was written. A handler that writes in several commits must not be added without that.
 */
function translateWriteErrors(session: ProjectSession, jobs: JobManager | undefined, busyWaitMs: number, handlers: Handlers): Handlers {
  const translate = (name: string, e: unknown): unknown => {
    if (isBusyError(e)) return new ProjectBusyError(`project busy: ${holder(session, jobs)}; ${name} can be tried again when it has finished`);
    const why = readOnlyReason(session.db);
    if (!why || !String((e as { code?: unknown })?.code ?? '').startsWith('SQLITE_READONLY')) return e;
    return new InputError(`${session.path} is open read-only (${why}); ${name} would change it`);
  };
  const wrapped = Object.entries(handlers).map(([name, fn]) => {
    const run = fn as (req: unknown) => unknown;
    const retrying = async (req: unknown, first: unknown) => {
      const deadline = Date.now() + busyWaitMs;
      let last = first;
      for (let delay = 20; isBusyError(last) && Date.now() + delay <= deadline; delay = Math.min(250, delay * 2)) {
        await new Promise((r) => setTimeout(r, delay));
        try {
          return await run(req);
        } catch (e) {
          last = e;
        }
      }
      throw translate(name, last);
    };
    const guarded = (req: unknown) => {
      try {
        const r = run(req);
        return r instanceof Promise ? r.catch((e: unknown) => (isBusyError(e) ? retrying(req, e) : Promise.reject(translate(name, e)))) : r;
      } catch (e) {
        if (isBusyError(e)) return retrying(req, e);
        throw translate(name, e);
      }
    };
    return [name, guarded];
  });
  return Object.fromEntries(wrapped) as Handlers;
}

/** Who holds the write lock, as well as we know: what a writer announced, else our own running job. */
function holder(session: ProjectSession, jobs: JobManager | undefined): string {
  const announced = currentActivity(session.db);
  if (announced) return `${announced} is running`;
  const job = jobs?.running()[0];
  if (job) return `a ${job.kind} job is running${job.progress?.stage ? ` (${job.progress.stage})` : ''}`;
  return 'another process is writing to it (an import, training, or a micon command)';
}

export { schemaVersion };
