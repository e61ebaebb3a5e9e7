// A job process serving one test-only kind, `sleep`: it reports progress until done or cancelled, so
// tests exercise the job protocol (progress, result, cancel, kill) without data. Started by sleep-job.ts.
import { serveJobs } from '../../main/core/jobs/job-loop.js';
import { throwIfCancelled } from '../../main/core/jobs/protocol.js';

serveJobs({
  sleep: async (p, ctx) => {
    const total = Number(p.steps ?? 10);
    for (let i = 1; i <= total; i++) {
      await new Promise((r) => setTimeout(r, Number(p.ms ?? 20)));
      throwIfCancelled(ctx.signal);
      ctx.progress({ stage: 'sleep', done: i, total });
    }
    return { slept: total };
  },
});
