// Every request of the API contract, implemented once for both transports. Each area's handlers
// live in handlers-<area>.ts next to its contract-<area>.ts; this file joins them.
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
import { ProjectSession } from './session.js';

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
  return translateWriteErrors(session, ctx.jobs, joined);
}

/**
 * A project opened read-only (newer schema, read-only file or folder) still serves every view; a request
 * that would write gets the reason as a user error instead of SQLite's "attempt to write a readonly
 * database" as a server failure. A write that finds the lock held elsewhere is "project busy" (409),
 * naming the job when it is ours.
 */
function translateWriteErrors(session: ProjectSession, jobs: JobManager | undefined, handlers: Handlers): Handlers {
  const translate = (name: string, e: unknown): unknown => {
    if (isBusyError(e)) {
      const job = jobs?.running()[0];
      const who = job ? `a ${job.kind} job is running${job.progress?.stage ? ` (${job.progress.stage})` : ''}` : 'another process is writing to it (an import, training, or a micon command)';
      return new ProjectBusyError(`project busy: ${who}; ${name} can be tried again when it has finished`);
    }
    const why = readOnlyReason(session.db);
    if (!why || !String((e as { code?: unknown })?.code ?? '').startsWith('SQLITE_READONLY')) return e;
    return new InputError(`${session.path} is open read-only (${why}); ${name} would change it`);
  };
  const wrapped = Object.entries(handlers).map(([name, fn]) => {
    const run = fn as (req: unknown) => unknown;
    const guarded = (req: unknown) => {
      try {
        const r = run(req);
        return r instanceof Promise ? r.catch((e: unknown) => Promise.reject(translate(name, e))) : r;
      } catch (e) {
        throw translate(name, e);
      }
    };
    return [name, guarded];
  });
  return Object.fromEntries(wrapped) as Handlers;
}

export { schemaVersion };
