// Worker thread: decodes one site's five files and reduces them to the cache size, so the CPU-heavy
// per-pixel work runs on every core while the main thread only writes to SQLite.
import { parentPort } from 'node:worker_threads';
import { processSite } from './process-site.js';
import type { SiteJob, SiteReply } from './site-pool.js';

parentPort!.on('message', async (job: SiteJob) => {
  try {
    const r = await processSite(job.site, job.size);
    const reply: SiteReply = { id: job.id, ok: true, result: r };
    parentPort!.postMessage(reply, [r.raw.buffer as ArrayBuffer]);
  } catch (e) {
    const reply: SiteReply = { id: job.id, ok: false, file: (e as { file?: string }).file, message: (e as Error).message };
    parentPort!.postMessage(reply);
  }
});
