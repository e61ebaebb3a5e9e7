import { openProject } from '../db/open.js';
import { ingestFolder } from '../ingest/ingest.js';
import type { JobFn, JobKind } from './protocol.js';
import { throwIfCancelled } from './protocol.js';

const str = (p: Record<string, unknown>, k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);

/** Job kinds the job process can run; each opens its own connection to the project. */
export const jobs: Partial<Record<JobKind, JobFn>> = {
  ingest: async (p, ctx) => {
    const db = openProject(String(p.db));
    try {
      return await ingestFolder(db, String(p.folder), {
        platemap: str(p, 'platemap'),
        plateMeta: str(p, 'plateMeta'),
        source: str(p, 'source'),
        batch: str(p, 'batch'),
        onProgress: (x) => {
          throwIfCancelled(ctx.signal);
          ctx.progress({ stage: `${x.plate ?? ''} ${x.stage}`.trim(), done: x.done, total: x.total });
        },
      });
    } finally {
      db.close();
    }
  },
  // A job that only reports progress until cancelled: lets tests exercise the protocol without data.
  sleep: async (p, ctx) => {
    const total = Number(p.steps ?? 10);
    for (let i = 1; i <= total; i++) {
      await new Promise((r) => setTimeout(r, Number(p.ms ?? 20)));
      throwIfCancelled(ctx.signal);
      ctx.progress({ stage: 'sleep', done: i, total });
    }
    return { slept: total };
  },
};
