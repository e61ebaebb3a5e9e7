// The job manager runs real job processes (the test-only `sleep` kind, tests/helpers/sleep-job.ts, exercises the protocol without data).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventName, JobInfo, JobProgress } from '../../../../main/core/api/contract.js';
import { ProjectSession } from '../../../../main/core/project/session.js';
import { openProject } from '../../../../main/core/db/open.js';
import { JobManager } from '../../../../main/core/jobs/manager.js';
import type { runJob } from '../../../../main/core/jobs/host.js';
import { runSleepJob } from '../../../helpers/sleep-job.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-manager-');

function setup() {
  const file = path.join(dir, `p${Math.random().toString(36).slice(2)}.micon`);
  const session = new ProjectSession(openProject(file), file, {}, true);
  const events: { event: EventName; payload: unknown }[] = [];
  // 'sleep' is not a start request the UI can make; this runner lets the test drive one.
  const sleepy = ((_kind, params, onProgress) => runSleepJob({ steps: params.steps ?? 30, ms: params.ms ?? 20 }, onProgress)) as typeof runJob;
  const m = new JobManager(session, (event, payload) => events.push({ event, payload }), sleepy);
  const finished = () => new Promise<JobInfo>((resolve) => m.onFinished(resolve));
  return { session, m, events, finished };
}

describe('job manager', () => {
  it('starts a job, forwards throttled progress, and reports how it ended with the result', async () => {
    const { session, m, events, finished } = setup();
    const done = finished();
    const info = m.start({ kind: 'embed' });
    expect(info.state).toBe('running');
    expect(info.title).toBe('embed every model and build profiles');
    expect(m.running().map((j) => j.jobId)).toEqual([info.jobId]);
    const end = await done;
    expect(end.state).toBe('done');
    expect(end.result).toEqual({ slept: 30 });
    const states = events.filter((e) => e.event === 'job.state').map((e) => (e.payload as JobInfo).state);
    expect(states).toEqual(['running', 'done']);
    const progress = events.filter((e) => e.event === 'job.progress').map((e) => e.payload as JobProgress);
    // 30 steps of 20 ms = 600 ms at most 10 events/s: fewer events than steps, but the last one always arrives.
    expect(progress.length).toBeLessThan(30);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)!.done).toBe(30);
    expect(progress.every((p) => p.jobId === info.jobId && p.kind === 'embed')).toBe(true);
    expect(m.list()[0].progress?.done).toBe(30);
    session.close();
  });

  it('refuses a second job while one runs, and cancels on request', async () => {
    const { session, m, finished } = setup();
    const done = finished();
    const info = m.start({ kind: 'eval' });
    expect(() => m.start({ kind: 'embed' })).toThrow(/an? eval job is already running/);
    expect(m.cancel(info.jobId)).toBe(true);
    const end = await done;
    expect(end.state).toBe('cancelled');
    expect(m.cancel(info.jobId)).toBe(false);
    expect(() => m.cancel('no-such-job')).toThrow(/no job no-such-job/);
    // Free again.
    const next = finished();
    m.start({ kind: 'embed' });
    expect((await next).state).toBe('done');
    session.close();
  });

  it('passes the open project and the request to the job, without the request kind', async () => {
    const { session } = setup();
    const seen: Record<string, unknown>[] = [];
    const capture = new JobManager(session, () => undefined, (kind, params, onProgress) => {
      seen.push({ kind, ...params });
      return runSleepJob({ steps: 1, ms: 1 }, onProgress);
    });
    const ended = new Promise<JobInfo>((resolve) => capture.onFinished(resolve));
    capture.start({ kind: 'ingest', folder: '/data/plate1', source: 'site_A' });
    expect(seen).toEqual([{ kind: 'ingest', db: session.path, folder: '/data/plate1', source: 'site_A' }]);
    expect(capture.list()[0].title).toBe('import /data/plate1');
    await ended;
    session.close();
  });

  it('reports a job process that dies as failed, with why', async () => {
    const { session } = setup();
    const dying = ((_k, _p, onProgress) => {
      const h = runSleepJob({ steps: 100, ms: 10 }, (p) => {
        onProgress?.(p);
        if (p.done === 2) h.process.kill('SIGKILL');
      });
      return h;
    }) as typeof runJob;
    const m = new JobManager(session, () => undefined, dying);
    const ended = new Promise<JobInfo>((resolve) => m.onFinished(resolve));
    const a = m.start({ kind: 'embed' });
    const end = await ended;
    expect(end.jobId).toBe(a.jobId);
    expect(end.state).toBe('failed');
    expect(end.error).toMatch(/SIGKILL/);
    session.close();
  });
});
