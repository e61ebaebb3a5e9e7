import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { loadLatestCheckpoint } from '../../../../main/core/ml/checkpoint.js';
import { defaultConfig, FEATURE_HEAD_DIM, makeConfig, moleculeHidden } from '../../../../main/core/ml/config.js';
import { train, type TrainOptions } from '../../../../main/core/ml/train.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { copyProject, makeTrainingProject } from '../../../helpers/training-project.js';

// The feature head on the small demo screen, on the wasm backend (deterministic: SIMD, one thread).
const dir = tmpDir('micon-train-');
let project: string;
beforeAll(async () => {
  project = await makeTrainingProject(dir);
}, 240_000);

type Meta = { losses: number[] };

async function run(file: string, ck: string, o: Partial<TrainOptions>) {
  const db = openProject(file);
  try {
    const r = await train(db, { model: 'micon', encoder: 'features', backend: 'wasm', batchCompounds: 8, seed: 7, checkpointEvery: 1000, projectPath: file, checkpointDir: path.join(dir, ck), ...o });
    const last = loadLatestCheckpoint<Meta>(path.join(dir, ck))!;
    return { r, last };
  } finally {
    db.close();
  }
}

describe('training: checkpoints, resume, seeds', () => {
  it('resuming from a checkpoint at step j reproduces the uninterrupted run exactly: parameters, optimizer state and loss history', async () => {
    const K = 24;
    const j = 10;
    const file = copyProject(project, 'resume');
    const straight = await run(file, 'straight', { steps: K });
    expect(straight.r.resumedFrom).toBeNull();
    expect(straight.last.step).toBe(K);

    const first = await run(file, 'split', { steps: j, checkpointEvery: 5 });
    expect(first.last.step).toBe(j);
    expect(first.last.meta.losses).toHaveLength(j);
    const resumed = await run(file, 'split', { steps: K, resume: true });
    expect(resumed.r.resumedFrom).toBe(j);
    expect(resumed.r.steps).toBe(K);
    expect(resumed.last.step).toBe(K);

    expect(resumed.last.meta.losses).toHaveLength(K);
    expect(resumed.last.meta.losses).toEqual(straight.last.meta.losses);
    // Parameters by name; optimizer slots (Adam's step count, first and second moments) in order,
    // as their names come from tfjs's process-wide variable counter.
    const params = (t: Record<string, unknown>) => Object.keys(t).filter((n) => n.startsWith('param:'));
    const slots = (t: Record<string, unknown>) => Object.keys(t).filter((n) => n.startsWith('opt:'));
    const A = straight.last.tensors;
    const B = resumed.last.tensors;
    expect(params(A).length).toBeGreaterThan(0);
    expect(params(B).sort()).toEqual(params(A).sort());
    expect(slots(A)[0]).toBe('opt:iter');
    expect(slots(B)).toHaveLength(slots(A).length);
    const pairs: [string, Float32Array, Float32Array][] = [
      ...params(A).map((n): [string, Float32Array, Float32Array] => [n, A[n].data, B[n].data]),
      ...slots(A).map((n, i): [string, Float32Array, Float32Array] => [n, A[n].data, B[slots(B)[i]].data]),
    ];
    expect(Array.from(B['opt:iter'].data)).toEqual([K]);
    for (const [n, a, b] of pairs) {
      expect(b.length, n).toBe(a.length);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      expect(worst, n).toBeLessThanOrEqual(1e-6);
    }
  });

  it('reports every checkpointed step, so what a user sees is never behind where a resume starts', async () => {
    const file = copyProject(project, 'reports');
    const seen: { step: number; rate: number }[] = [];
    await run(file, 'reports', { steps: 12, checkpointEvery: 4, onProgress: (p) => seen.push({ step: p.step, rate: p.samplesPerSecond }) });
    const steps = seen.map((p) => p.step);
    expect(steps).toEqual(expect.arrayContaining([4, 8, 12]));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    for (const p of seen) expect(Number.isFinite(p.rate)).toBe(true);
  });

  it('the same seed gives the same losses; another seed gives different ones', async () => {
    const file = copyProject(project, 'seeds');
    const a = await run(file, 'seed-a', { steps: 6, seed: 3 });
    const b = await run(file, 'seed-b', { steps: 6, seed: 3 });
    const c = await run(file, 'seed-c', { steps: 6, seed: 4 });
    expect(a.last.meta.losses).toHaveLength(6);
    expect(a.last.meta.losses.every(Number.isFinite)).toBe(true);
    expect(b.last.meta.losses).toEqual(a.last.meta.losses);
    expect(c.last.meta.losses).not.toEqual(a.last.meta.losses);
    expect(b.r.loss).toBe(a.r.loss);
  });

  it('refuses to resume a checkpoint of another objective', async () => {
    const file = copyProject(project, 'mismatch');
    await run(file, 'mm', { steps: 2 });
    await expect(run(file, 'mm', { steps: 4, model: 'image_only', resume: true })).rejects.toThrow(/holds a micon checkpoint, not image_only/);
  });

  it('the run config is defaultConfig for its image side and backend: returned, and stored with the model with the resolved options', async () => {
    const file = copyProject(project, 'config');
    const { r } = await run(file, 'cfg', { steps: 2, temperature: 0.5 });
    const enc = r.config.imageEncoder;
    expect(enc).toMatchObject({ kind: 'features', outDim: FEATURE_HEAD_DIM, source: 'handcrafted' });
    const backend = { name: r.backend, accelerated: r.accelerated };
    expect(r.config.molecule).toEqual({ fpBits: 2048, hidden: moleculeHidden(backend) });
    const side = { kind: 'features' as const, inputDim: enc.kind === 'features' ? enc.inputDim : -1, source: 'handcrafted' };
    expect(r.config).toEqual(makeConfig({ seed: 7, loss: { temperature: 0.5 } }, defaultConfig(side, backend)));
    const db = openProject(file);
    try {
      const row = db.prepare("SELECT config, metrics FROM models WHERE name = 'micon'").get() as { config: string; metrics: string };
      expect(JSON.parse(row.config)).toEqual(r.config);
      expect(JSON.parse(row.metrics).params).toEqual({ encoder: 'features', steps: 2, batchCompounds: 8, checkpointEvery: 1000, compounds: 'active-wells', featureSource: 'handcrafted', initFrom: null });
    } finally {
      db.close();
    }
  });
});
