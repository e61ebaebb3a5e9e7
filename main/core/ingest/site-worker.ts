// Worker thread: decodes one site's five files and reduces them to the cache size, or computes its
// hand-crafted features at full resolution, so the CPU-heavy per-pixel work runs on every core while
// the main thread only writes to SQLite.
import { parentPort } from 'node:worker_threads';
import { processSite, siteFeaturesFromFiles } from './process-site.js';
import type { SiteJob, SiteReply } from './site-pool.js';

parentPort!.on('message', async (job: SiteJob) => {
  try {
    if (job.kind === 'features') {
      const r = await siteFeaturesFromFiles(job.site, job.correction);
      const reply: SiteReply = { id: job.id, ok: true, result: r };
      parentPort!.postMessage(reply, [r.vec.buffer as ArrayBuffer]);
      return;
    }
    const r = await processSite(job.site, job.size);
    const reply: SiteReply = { id: job.id, ok: true, result: r };
    parentPort!.postMessage(reply, [r.raw.buffer as ArrayBuffer]);
  } catch (e) {
    const reply: SiteReply = { id: job.id, ok: false, file: (e as { file?: string }).file, message: (e as Error).message };
    parentPort!.postMessage(reply);
  }
});
