// Every request of the API contract, implemented once for both transports. Each area's handlers
// live in handlers-<area>.ts next to its contract-<area>.ts; this file joins them.
import type { DB } from '../db/open.js';
import { schemaVersion } from '../db/open.js';
import type { JobManager } from '../jobs/manager.js';
import type { Handlers } from './contract.js';
import { compoundHandlers } from './handlers-compounds.js';
import { jobHandlers } from './handlers-jobs.js';
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
}

export function sessionOf(ctx: HandlerContext): ProjectSession {
  if (ctx.session) return ctx.session;
  if (!ctx.db || !ctx.projectPath) throw new Error('createHandlers needs a session, or a db and its projectPath');
  return new ProjectSession(ctx.db, ctx.projectPath);
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const session = sessionOf(ctx);
  return {
    ...projectHandlers(session, ctx),
    ...plateHandlers(session),
    ...compoundHandlers(session),
    ...searchHandlers(session),
    ...jobHandlers(session, ctx.jobs ?? null),
  };
}

export { schemaVersion };
