import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { JobCancelledError, JobFailed, runJob, type JobHandle } from '../../../../main/core/jobs/host.js';
import { Progress } from '../../../../main/core/jobs/protocol.js';
import { exited, runCli, sleep, spawnCli, waitFor } from '../../../helpers/kill.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { copyProject, makeTrainingProject } from '../../../helpers/training-project.js';

const dir = tmpDir('micon-train-job-');
let project: string;
beforeAll(async () => {
  project = await makeTrainingProject(dir);
}, 240_000);

// wasm: deterministic and always there; the feature head keeps steps cheap.
const base = { model: 'micon', encoder: 'features', backend: 'wasm', batchCompounds: 8 };

function models(file: string): { name: string; status: string; step: number }[] {
  const db = openProject(file);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return db.prepare('SELECT name, status, step FROM models ORDER BY name').all() as { name: string; status: string; step: number }[];
  } finally {
    db.close();
  }
}

describe('train and embed jobs', () => {
  it('trains in the job process, reporting every loss term, samples/s and the backend', async () => {
    const db = copyProject(project, 'job');
    const seen: Progress[] = [];
    const r = await runJob<{ steps: number; backend: string; checkpoint: string; loss: number; resumedFrom: number | null }>('train', { ...base, db, steps: 30, seed: 3 }, (p) => seen.push(p)).done;
    expect(r).toMatchObject({ steps: 30, backend: 'wasm', resumedFrom: null });
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(fs.existsSync(r.checkpoint)).toBe(true);

    const train = seen.filter((p) => p.stage === 'train');
    expect(train.length).toBeGreaterThan(0);
    for (const p of train) {
      expect(Progress.parse(p)).toEqual(p);
      expect(p.train).toBeDefined();
      const t = p.train!;
      expect(t.backend).toBe('wasm');
      expect([p.done, p.total]).toEqual([t.step, t.steps]);
      expect(Object.keys(t.terms).length).toBeGreaterThanOrEqual(2);
      for (const v of Object.values(t.terms)) expect(Number.isFinite(v)).toBe(true);
      expect(t.samplesPerSecond).toBeGreaterThan(0);
      expect(p.metrics).toMatchObject({ ...t.terms, loss: t.loss, samplesPerSecond: t.samplesPerSecond });
    }
    expect(train.at(-1)!.train).toMatchObject({ step: 30, steps: 30, loss: r.loss });
    expect(models(db)).toEqual([{ name: 'micon', status: 'trained', step: 30 }]);
  });

  it('embeds in the job process: hand-crafted features, every trained model through onnxruntime, profiles', async () => {
    const db = copyProject(project, 'embed');
    await runJob('train', { ...base, db, steps: 4 }).done;
    const stages = new Map<string, Progress>();
    const r = await runJob<{ featureSets: { featureSet: string; wells: number }[]; models: { name: string; provider: string; sites: number }[] }>('embed', { db }, (p) =>
      stages.set(p.stage, p),
    ).done;
    expect([...stages.keys()]).toEqual(['handcrafted', 'models', 'profiles']);
    for (const p of stages.values()) expect(p.done).toBe(p.total);
    expect(r.models).toHaveLength(1);
    expect(r.models[0]).toMatchObject({ name: 'micon', sites: 192 });
    expect(['cpu', 'cuda', 'webgpu']).toContain(r.models[0].provider);
    expect(r.featureSets.map((f) => f.featureSet).sort()).toEqual(['cellcount', 'handcrafted', 'handcrafted_z', 'micon', 'micon+handcrafted', 'micon_untrained']);
    // The fair baselines (cellcount, handcrafted_z, micon_untrained) get profiles like every set.
    expect(stages.get('profiles')!.total).toBe(6);
    // The inference options reach the embedder: one provider only, and the result says so.
    const cpu = await runJob<{ models: { provider: string; adapter: string | null; providerNote: string | null }[] }>('embed', { db, executionProvider: 'cpu' }).done;
    expect(cpu.models[0]).toEqual(expect.objectContaining({ provider: 'cpu', adapter: null, providerNote: null }));
    await expect(runJob('embed', { db, executionProvider: 'no-such-ep' }).done).rejects.toThrow(/no-such-ep: not in this onnxruntime-node build/);
  });

  it('fine-tunes in the job process: initFrom, featureSource and compounds reach train()', async () => {
    const db = copyProject(project, 'finetune');
    await runJob('train', { ...base, db, model: 'image_only', steps: 3 }).done;
    const r = await runJob<{ name: string; initFrom: { loaded: string[]; fresh: string[] } | null; featureSource: string | null; inactiveCompounds: string[] }>('train', {
      ...base,
      db,
      steps: 2,
      initFrom: 'image_only',
      featureSource: 'handcrafted',
      compounds: 'all',
    }).done;
    expect(r.name).toBe('micon');
    expect(r.featureSource).toBe('handcrafted');
    expect(r.initFrom!.loaded).toContain('feat0/kernel');
    expect(r.initFrom!.fresh.some((n) => n.startsWith('gen'))).toBe(true);
    expect(r.inactiveCompounds).toEqual([]);
    await expect(runJob('train', { ...base, db, compounds: 'some' }).done).rejects.toMatchObject({ input: true, message: expect.stringMatching(/train job: compounds/) });
  });

  it('passes bad parameters and an empty project back as input errors', async () => {
    const bad = runJob('train', { db: path.join(dir, 'x.micon'), model: 'resnet' });
    await expect(bad.done).rejects.toBeInstanceOf(JobFailed);
    await expect(bad.done).rejects.toMatchObject({ input: true, message: expect.stringMatching(/train job: model/) });
    // A job never creates a project (a --db typo must not leave an empty one behind) …
    const missing = runJob('embed', { db: path.join(dir, 'missing.micon') });
    await expect(missing.done).rejects.toMatchObject({ input: true, message: expect.stringMatching(/missing\.micon: no such project file/) });
    expect(fs.existsSync(path.join(dir, 'missing.micon'))).toBe(false);
    // … and an existing project without plates says what is missing.
    openProject(path.join(dir, 'empty.micon')).close();
    const empty = runJob('embed', { db: path.join(dir, 'empty.micon') });
    await expect(empty.done).rejects.toMatchObject({ input: true, message: expect.stringMatching(/no ingested sites/) });
  });

  it('cancels mid-training: the job ends cancelled, no model claims to be trained, and the project opens', async () => {
    const db = copyProject(project, 'cancel');
    let cancelledAt = 0;
    const job: JobHandle = runJob('train', { ...base, db, steps: 100_000, checkpointEvery: 10 }, (p) => {
      if (p.stage === 'train' && !cancelledAt) {
        cancelledAt = p.done;
        job.cancel();
      }
    });
    await expect(job.done).rejects.toBeInstanceOf(JobCancelledError);
    await exited(job.process);
    expect(cancelledAt).toBeGreaterThan(0);
    expect(models(db)).toEqual([]);
  });

  // The job process hears `cancel` only when its event loop turns: a training loop that never
  // yields is stopped by the host's SIGKILL after the grace period instead of stopping itself.
  it('cancel is graceful: training stops within a second and the job process exits by itself', async () => {
    const db = copyProject(project, 'graceful');
    let cancelled = 0;
    const job: JobHandle = runJob(
      'train',
      { ...base, db, steps: 5_000, checkpointEvery: 1000 },
      (p) => {
        if (p.stage === 'train' && !cancelled) {
          cancelled = performance.now();
          job.cancel();
        }
      },
      60_000,
    );
    try {
      const outcome = await Promise.race([
        job.done.then(
          () => 'finished',
          (e) => (e instanceof JobCancelledError ? 'cancelled' : String(e)),
        ),
        (async () => {
          while (!cancelled) await sleep(50);
          await sleep(5000);
          return 'still training 5 s after cancel (the training loop never yields to the event loop)';
        })(),
      ]);
      expect(outcome).toBe('cancelled');
      expect(performance.now() - cancelled).toBeLessThan(5000);
      expect(await exited(job.process)).toEqual({ code: 0, signal: null });
    } finally {
      if (job.process.exitCode === null && job.process.signalCode === null) job.process.kill('SIGKILL');
    }
    expect(models(db)).toEqual([]);
  });
});

describe('kill -9 during `micon train`, then --resume', () => {
  it('leaves an intact project with no trained model, and --resume continues from the last checkpoint to the end', async () => {
    const db = copyProject(project, 'kill');
    const steps = 400;
    const latest = path.join(`${db}.d`, 'checkpoints', 'micon', 'latest.json');
    const { child, stderr } = spawnCli('train', '--db', db, '--model', 'micon', '--backend', 'wasm', '--batch', '8', '--steps', String(steps), '--checkpoint-every', '10', '--json');
    const gone = exited(child);
    try {
      // Kill once a couple of checkpoints exist, well before the end.
      await waitFor('a checkpoint', () => {
        if (child.exitCode !== null) throw new Error(`train exited early (${child.exitCode}): ${stderr()}`);
        const step = fs.existsSync(latest) ? (JSON.parse(fs.readFileSync(latest, 'utf8')) as { step: number }).step : 0;
        return step >= 20 ? step : undefined;
      });
      child.kill('SIGKILL');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect((await gone).signal).toBe('SIGKILL');
    const at = (JSON.parse(fs.readFileSync(latest, 'utf8')) as { step: number; file: string });
    expect(at.step % 10).toBe(0);
    expect(at.step).toBeLessThan(steps);
    expect(fs.existsSync(path.join(path.dirname(latest), at.file))).toBe(true);

    // integrity_check inside models(); the killed run never got as far as a models row.
    expect(models(db)).toEqual([]);

    const stdout = await runCli('train', '--db', db, '--model', 'micon', '--backend', 'wasm', '--batch', '8', '--steps', String(steps), '--checkpoint-every', '10', '--resume', '--json');
    // `--json`: exactly one JSON object on stdout.
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const r = JSON.parse(stdout) as Record<string, unknown>;
    expect(r).toMatchObject({ steps, backend: 'wasm', resumedFrom: at.step });
    expect(typeof r.checkpoint).toBe('string');
    expect(path.basename(r.checkpoint as string)).toBe(`step-${String(steps).padStart(8, '0')}.ckpt`);
    expect(fs.existsSync(r.checkpoint as string)).toBe(true);
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(models(db)).toEqual([{ name: 'micon', status: 'trained', step: steps }]);
  }, 120_000);

  it('`train --json` prints one object with steps, backend, checkpoint and loss; bad numbers are input errors', async () => {
    const db = copyProject(project, 'json');
    const stdout = await runCli('train', '--db', db, '--backend', 'wasm', '--steps', '5', '--json');
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const r = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['steps', 'backend', 'checkpoint', 'loss']));
    expect(r.steps).toBe(5);
    expect(['tensorflow', 'wasm', 'cpu']).toContain(r.backend);
    expect(typeof r.checkpoint).toBe('string');
    expect(typeof r.loss).toBe('number');

    const bad = await runCli('train', '--db', db, '--checkpoint-every', '0', '--json').then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad!.stderr).toMatch(/--checkpoint-every must be a positive integer/);
  }, 60_000);
});
