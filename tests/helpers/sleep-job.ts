import { fileURLToPath } from 'node:url';
import { forkJob, type JobHandle } from '../../main/core/jobs/host.js';
import type { Progress } from '../../main/core/jobs/protocol.js';

const entry = fileURLToPath(new URL('./sleep-job-process.ts', import.meta.url));

/** A real job process running the test-only `sleep` kind: `steps` progress reports `ms` apart, then `{ slept: steps }`. */
export function runSleepJob<R = { slept: number }>(params: { steps?: unknown; ms?: unknown }, onProgress?: (p: Progress) => void): JobHandle<R> {
  return forkJob<R>(entry, 'sleep', params, onProgress);
}
