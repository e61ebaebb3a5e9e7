// Job kinds, job results keyed by kind, and the enums the contract exports (contract-jobs.ts,
// contract-project.ts, ml/kinds.ts).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Channel, JobInfo, JobKind, JobProgress, JobStartRequest, parseRequest, type JobOf } from '../../../../main/core/api/contract.js';
import { ProjectSession } from '../../../../main/core/project/session.js';
import { eventMessage } from '../../../../main/app/ipc-guard.js';
import { openProject } from '../../../../main/core/db/open.js';
import { JobManager } from '../../../../main/core/jobs/manager.js';
import { ExecutionProvider, ModelKind } from '../../../../main/core/ml/kinds.js';
import { CHANNELS } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { writeImageXpressFixture } from '../../../helpers/vendor-fixtures.js';

const dir = tmpDir('micon-job-results-');

const job = (kind: string) => ({ jobId: 'j', kind, state: 'running', title: 't', params: {}, startedAt: '2026-01-01T00:00:00Z', endedAt: null, progress: null, trainHistory: [], result: null, error: null });

describe('job kinds', () => {
  it('every kind the job process runs is a job the UI can list; nothing else is', () => {
    expect(JobKind.options).toEqual(['ingest', 'import-profiles', 'train', 'embed', 'eval']);
    for (const kind of JobKind.options) expect(JobInfo.parse(job(kind)).kind).toBe(kind);
    expect(JobInfo.safeParse(job('sleep')).success).toBe(false);
    expect(JobProgress.safeParse({ jobId: 'j', kind: 'sleep', stage: 's', done: 1, total: 2 }).success).toBe(false);
    // Every kind the UI can start is a job kind.
    for (const kind of JobKind.options) expect(JobStartRequest.options.some((o) => o.shape.kind.value === kind), kind).toBe(true);
  });

  it('an ingest job’s result arrives typed by its kind and passes the contract as an event', async () => {
    const folder = path.join(dir, 'plates');
    await writeImageXpressFixture(folder, { wells: ['A01', 'A02'], sites: 1 });
    const file = path.join(dir, 'p.micon');
    const session = new ProjectSession(openProject(file), file, {}, true);
    const manager = new JobManager(session, () => undefined);
    const ended = new Promise<JobInfo>((resolve) => manager.onFinished(resolve));
    manager.start({ kind: 'ingest', folder });
    const end = await ended;
    session.close();
    expect(end.state).toBe('done');
    // No cast: the kind narrows the result to an IngestSummary (tsc checks these field names).
    if (end.kind !== 'ingest') throw new Error(`expected an ingest job, got ${end.kind}`);
    const summary: JobOf<'ingest'>['result'] = end.result;
    expect([summary?.plates, summary?.sites, summary?.layout, summary?.refused]).toEqual([1, 2, 'imagexpress', []]);
    expect(eventMessage('job.state', end).payload).toEqual(end);
  });
});

describe('enums the contract exports', () => {
  it('channels: the domain list, accepted by the ingest preview and the ingest job, anything else refused', () => {
    expect(Channel.options).toEqual([...CHANNELS]);
    expect(parseRequest('ingest.preview', { folder: '/x', channels: { w1: 'DNA' } })).toMatchObject({ channels: { w1: 'DNA' } });
    expect(() => parseRequest('ingest.preview', { folder: '/x', channels: { w1: 'Hoechst' } })).toThrow(/channels/);
    expect(() => parseRequest('jobs.start', { kind: 'ingest', folder: '/x', channels: { w1: 'dna' } })).toThrow(/channels/);
  });

  it('execution providers and model kinds: one list each', () => {
    for (const executionProvider of ExecutionProvider.options) expect(parseRequest('jobs.start', { kind: 'embed', executionProvider })).toMatchObject({ executionProvider });
    expect(() => parseRequest('jobs.start', { kind: 'embed', executionProvider: 'metal' })).toThrow(/executionProvider/);
    expect(ModelKind.options).toEqual(['micon', 'image_only', 'clip']);
  });
});
