import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PlateCorrection, SiteFeatureResult } from '../features/site-scale.js';
import { processSite, siteFeaturesFromFiles, type ProcessedSite } from './process-site.js';
import type { SiteFiles } from './sites.js';

export type SiteJob = { id: number; kind: 'process'; site: SiteFiles; size: number } | { id: number; kind: 'features'; site: SiteFiles; correction: PlateCorrection };
type Result = ProcessedSite | SiteFeatureResult;
export type SiteReply = { id: number; ok: true; result: Result } | { id: number; ok: false; file?: string; message: string };

class SiteError extends Error {
  constructor(
    readonly file: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Processes sites on worker threads (one per core), or in-process when workers are unavailable. */
export class SitePool {
  private workers: Worker[] = [];
  private pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private turn = 0;

  constructor(threads = Math.min(os.availableParallelism(), 4)) {
    const fromSource = import.meta.url.endsWith('.ts');
    const url = new URL(`./site-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
    for (let i = 0; i < threads; i++) {
      try {
        const w = fromSource ? tsWorker(url) : new Worker(url);
        w.on('message', (m: SiteReply) => this.settle(m));
        w.on('error', (e) => this.failAll(e));
        this.workers.push(w);
      } catch {
        break;
      }
    }
  }

  get threads(): number {
    return this.workers.length;
  }

  run(site: SiteFiles, size: number): Promise<ProcessedSite> {
    if (!this.workers.length) return processSite(site, size);
    return this.post({ id: this.nextId++, kind: 'process', site, size }) as Promise<ProcessedSite>;
  }

  /** Hand-crafted features of a site at full resolution (decoded again from its files). */
  features(site: SiteFiles, correction: PlateCorrection): Promise<SiteFeatureResult> {
    if (!this.workers.length) return siteFeaturesFromFiles(site, correction);
    return this.post({ id: this.nextId++, kind: 'features', site, correction }) as Promise<SiteFeatureResult>;
  }

  private post(job: SiteJob): Promise<Result> {
    const w = this.workers[this.turn++ % this.workers.length];
    return new Promise((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      w.postMessage(job);
    });
  }

  private settle(m: SiteReply) {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new SiteError(m.file, m.message));
  }

  private failAll(e: Error) {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}

/**
 * Run from source (CLI via tsx, Vitest), the worker is TypeScript: a tiny bootstrap registers tsx's
 * ESM hooks inside the worker, then imports it (Node 20 ignores --import in a worker's execArgv).
 */
function tsWorker(url: URL): Worker {
  // The ESM build of tsx's API (require.resolve would give the CommonJS one, which cannot register ESM hooks).
  const api = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true });
}
