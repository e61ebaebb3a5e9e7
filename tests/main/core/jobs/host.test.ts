import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { forkJob, JobCancelledError, JobFailed, runJob, type JobHandle } from '../../../../main/core/jobs/host.js';
import type { Progress } from '../../../../main/core/jobs/protocol.js';
import { runSleepJob } from '../../../helpers/sleep-job.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { writeImageXpressFixture } from '../../../helpers/vendor-fixtures.js';

const dir = tmpDir('micon-jobs-');

describe('job processes', () => {
  it('reports typed progress and returns the result', async () => {
    const seen: Progress[] = [];
    const job = runSleepJob({ steps: 4, ms: 5 }, (p) => seen.push(p));
    expect(await job.done).toEqual({ slept: 4 });
    expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4]);
    expect(job.process.pid).not.toBe(process.pid);
  });

  it('cancels a running job', async () => {
    const job: JobHandle = runSleepJob({ steps: 1000, ms: 10 }, (p) => p.done === 3 && job.cancel());
    await expect(job.done).rejects.toBeInstanceOf(JobCancelledError);
  });

  it('survives the job process being killed, and says how it ended', async () => {
    const job: JobHandle = runSleepJob({ steps: 1000, ms: 10 }, (p) => p.done === 2 && job.process.kill('SIGKILL'));
    await expect(job.done).rejects.toThrow(/job process exited \(SIGKILL\) before finishing/);
  });

  it('answers a kind it does not serve with an input error (sleep is served only by the tests’ job process)', async () => {
    const child = fileURLToPath(new URL('../../../../main/core/jobs/child.ts', import.meta.url));
    const job = forkJob(child, 'sleep', { steps: 1 });
    await expect(job.done).rejects.toMatchObject({ message: 'unknown job kind sleep', input: true });
  });

  it('runs an ingest in the job process, with progress, and passes input errors back as such', async () => {
    await writeImageXpressFixture(path.join(dir, 'plates'), { wells: ['A01', 'A02'], sites: 1 });
    const db = path.join(dir, 'p.micon');
    const stages = new Set<string>();
    const s = await runJob<{ sites: number }>('ingest', { db, folder: path.join(dir, 'plates') }, (p) => stages.add(p.stage.split(' ').at(-1)!)).done;
    expect(s.sites).toBe(2);
    // Hand-crafted features are computed at ingest (pass 4, full resolution); then the plate is stored.
    expect([...stages]).toEqual(['decode', 'correct', 'features', 'write']);
    const check = openProject(db);
    expect((check.prepare('SELECT COUNT(*) n FROM sites').get() as { n: number }).n).toBe(2);
    check.close();
    const bad = runJob('ingest', { db, folder: path.join(dir, 'missing') });
    await expect(bad.done).rejects.toBeInstanceOf(JobFailed);
    await expect(bad.done).rejects.toMatchObject({ input: true });
  });
});

describe('kill -9 during ingest', () => {
  it('leaves the project openable with no half-written plate, and the ingest can be retried', async () => {
    const folder = path.join(dir, 'kill-plates');
    await writeImageXpressFixture(folder, { wells: ['A01', 'A02', 'A03', 'B01', 'B02', 'B03'], sites: 3, size: 256 });
    const db = path.join(dir, 'kill.micon');
    const job: JobHandle = runJob('ingest', { db, folder }, (p) => p.stage.endsWith('decode') && p.done === 3 && job.process.kill('SIGKILL'));
    await expect(job.done).rejects.toThrow(/SIGKILL/);
    const check = openProject(db);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((check.prepare('SELECT COUNT(*) n FROM plates').get() as { n: number }).n).toBe(0);
    expect((check.prepare('SELECT COUNT(*) n FROM sites').get() as { n: number }).n).toBe(0);
    check.close();
    const again = await runJob<{ sites: number }>('ingest', { db, folder }).done;
    expect(again.sites).toBe(18);
  });
});
