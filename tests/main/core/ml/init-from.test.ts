// Fine-tuning (`micon train --init-from`): a new run whose parameters start from another model's
// checkpoint wherever names and shapes match. Checked at step 0 by training with learning rate 0
// (Adam then moves nothing), so the written checkpoint holds exactly the initial parameters.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLatestCheckpoint, saveCheckpoint, type TensorData } from '../../../../main/core/ml/checkpoint.js';
import { makeConfig, type MiconConfig } from '../../../../main/core/ml/config.js';
import { DEFAULT_IMAGE_ENCODER, encoderParamShapes } from '../../../../main/core/ml/encoder-spec.js';
import { isImageParam } from '../../../../main/core/ml/init-from.js';
import { train, type TrainOptions } from '../../../../main/core/ml/train.js';
import { InputError } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { copyProject, makeTrainingProject, withDb } from '../../../helpers/training-project.js';

const dir = tmpDir('micon-init-from-');
let project: string;
beforeAll(async () => {
  project = await makeTrainingProject(dir);
}, 240_000);

type Meta = { config: MiconConfig; losses: number[] };
const params = (t: Record<string, TensorData>) => Object.fromEntries(Object.entries(t).flatMap(([k, v]) => (k.startsWith('param:') ? [[k.slice(6), v]] : [])));

const base = (file: string): TrainOptions => ({ model: 'micon', encoder: 'features', backend: 'wasm', batchCompounds: 8, seed: 5, checkpointEvery: 1000, projectPath: file });
/** One step at learning rate 0: the checkpoint holds the run's initial parameters. */
const frozen = { steps: 1, config: { optimizer: { learningRate: 0 } } };

describe('train --init-from', () => {
  it('image_only → micon: the image encoder and projection load, the molecule encoder and generator start from the seed', async () => {
    const file = copyProject(project, 'ft');
    await withDb(file, async (db) => {
      const src = await train(db, { ...base(file), model: 'image_only', steps: 5 });
      const srcParams = params(loadLatestCheckpoint<Meta>(path.dirname(src.checkpoint))!.tensors);

      const ft = await train(db, { ...base(file), ...frozen, initFrom: 'image_only' });
      expect(ft.name).toBe('micon');
      expect(ft.resumedFrom).toBeNull();
      expect(ft.initFrom).toMatchObject({ source: 'image_only', checkpoint: src.checkpoint, step: 5, model: 'image_only', unused: [] });
      const { loaded, fresh } = ft.initFrom!;
      expect([...loaded].sort()).toEqual(['feat0/bias', 'feat0/kernel', 'proj0/bias', 'proj0/kernel', 'proj1/bias', 'proj1/kernel']);
      expect(fresh.every((n) => /^(mol|gen)\d\//.test(n))).toBe(true);
      expect(fresh.some((n) => n.startsWith('mol'))).toBe(true);
      expect(fresh.some((n) => n.startsWith('gen'))).toBe(true);

      const got = params(loadLatestCheckpoint<Meta>(path.dirname(ft.checkpoint))!.tensors);
      for (const n of loaded) expect(Array.from(got[n].data), n).toEqual(Array.from(srcParams[n].data));
      // The fresh parts equal a from-scratch micon run of the same seed; the loaded ones do not.
      const scratch = await train(db, { ...base(file), ...frozen, name: 'micon_scratch' });
      const ref = params(loadLatestCheckpoint<Meta>(path.dirname(scratch.checkpoint))!.tensors);
      for (const n of fresh) expect(Array.from(got[n].data), n).toEqual(Array.from(ref[n].data));
      expect(Array.from(got['feat0/kernel'].data)).not.toEqual(Array.from(ref['feat0/kernel'].data));

      // The run is recorded with its origin; the CLI JSON (TrainResult) carries the same.
      const metrics = JSON.parse((db.prepare('SELECT metrics FROM models WHERE name = ?').get('micon') as { metrics: string }).metrics) as { initFrom?: { source: string; loaded: string[] } };
      expect(metrics.initFrom).toMatchObject({ source: 'image_only', loaded });

      // And it trains on from there: a normal run with a real learning rate moves the loaded weights.
      const moved = await train(db, { ...base(file), steps: 3, initFrom: 'image_only', name: 'micon_ft' });
      expect(moved.steps).toBe(3);
      expect(Number.isFinite(moved.loss)).toBe(true);
    });
  });

  it('micon → image_only by checkpoint folder and by file: the molecule encoder and generator are reported unused', async () => {
    const file = copyProject(project, 'ft-back');
    await withDb(file, async (db) => {
      const src = await train(db, { ...base(file), steps: 3 });
      for (const spec of [path.dirname(src.checkpoint), src.checkpoint]) {
        const r = await train(db, { ...base(file), ...frozen, model: 'image_only', initFrom: spec, name: 'io' });
        expect(r.initFrom!.checkpoint).toBe(src.checkpoint);
        expect(r.initFrom!.fresh).toEqual([]);
        expect(r.initFrom!.unused.length).toBeGreaterThan(0);
        expect(r.initFrom!.unused.every((n) => /^(mol|gen)\d\//.test(n))).toBe(true);
      }
    });
  });

  it('keeps the source architecture (head sizes) so its parameters load', async () => {
    const file = copyProject(project, 'ft-arch');
    await withDb(file, async (db) => {
      await train(db, { ...base(file), model: 'image_only', steps: 2, config: { projection: { hidden: 48, outDim: 24 } } });
      const r = await train(db, { ...base(file), ...frozen, initFrom: 'image_only' });
      expect(r.initFrom!.loaded).toEqual(expect.arrayContaining(['proj0/kernel', 'proj1/kernel']));
      const config = JSON.parse((db.prepare('SELECT config FROM models WHERE name = ?').get('micon') as { config: string }).config) as MiconConfig;
      expect(config.projection).toMatchObject({ hidden: 48, outDim: 24 });
    });
  });

  it('refuses: with --resume, a source that does not exist, another image encoder kind, another feature set, nothing of the image side fitting', async () => {
    const file = copyProject(project, 'ft-bad');
    await withDb(file, async (db) => {
      const run = (o: Partial<TrainOptions>) => train(db, { ...base(file), ...frozen, ...o });
      await expect(run({ initFrom: 'image_only', resume: true })).rejects.toThrow(/--init-from .* --resume .*one or the other/);
      await expect(run({ initFrom: 'nope' })).rejects.toThrow(InputError);
      await expect(run({ initFrom: 'nope' })).rejects.toThrow(/--init-from nope: no such model \(trained models: none\), checkpoint folder or file/);

      // A CNN checkpoint (written directly: no need to train a CNN for this).
      const cnnConfig = makeConfig({ model: 'image_only', imageEncoder: { kind: 'cnn', spec: DEFAULT_IMAGE_ENCODER } });
      const cnnTensors: Record<string, TensorData> = {};
      for (const [n, shape] of encoderParamShapes(DEFAULT_IMAGE_ENCODER)) cnnTensors[`param:${n}`] = { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
      const cnnFile = saveCheckpoint(path.join(dir, 'cnn-ck'), { step: 1, meta: { config: cnnConfig }, tensors: cnnTensors });
      await expect(run({ initFrom: cnnFile })).rejects.toThrow(/its image encoder is the per-channel CNN, but this run trains a feature head; pass --encoder cnn/);

      // A feature head trained on another set.
      const other = makeConfig({ model: 'image_only', imageEncoder: { kind: 'features', inputDim: 30, outDim: 64, source: 'backbone:x' } });
      const otherFile = saveCheckpoint(path.join(dir, 'other-ck'), { step: 1, meta: { config: other }, tensors: { 'param:feat0/kernel': { shape: [30, 64], data: new Float32Array(30 * 64) } } });
      await expect(run({ initFrom: otherFile, featureSource: 'handcrafted' })).rejects.toThrow(/reads feature set "backbone:x", this run "handcrafted"; pass --features backbone:x/);
      // Without --features the run follows the source's set, which this project lacks.
      await expect(run({ initFrom: otherFile })).rejects.toThrow(/no feature set named "backbone:x"/);

      // The same set but another width (the set was recomputed since): nothing of the image side loads.
      const narrow = makeConfig({ model: 'image_only', imageEncoder: { kind: 'features', inputDim: 7, outDim: 64 } });
      const narrowFile = saveCheckpoint(path.join(dir, 'narrow-ck'), {
        step: 1,
        meta: { config: narrow },
        tensors: { 'param:feat0/kernel': { shape: [7, 64], data: new Float32Array(7 * 64) }, 'param:feat0/bias': { shape: [64], data: new Float32Array(64) } },
      });
      await expect(run({ initFrom: narrowFile })).rejects.toThrow(/none of its image-encoder parameters fit this model \(checkpoint vs model: feat0\/kernel \[7,64\] vs \[\d+,64\]\); nothing would load for the image side/);

      // Not a checkpoint at all.
      await expect(run({ initFrom: path.join(process.cwd(), 'package.json') })).rejects.toThrow(/is not a readable MICON checkpoint/);
      expect((db.prepare('SELECT COUNT(*) n FROM models').get() as { n: number }).n).toBe(0);
    });
  });

  it('CLI: train --init-from … --json reports loaded and fresh parameters; with --resume it exits 2', async () => {
    const file = copyProject(project, 'ft-cli');
    await withDb(file, (db) => train(db, { ...base(file), model: 'image_only', steps: 2 }));
    const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.resolve('main/cli.ts'), 'train', '--db', file, ...args], { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    const r = cli(['--init-from', 'image_only', '--steps', '2', '--batch', '8', '--backend', 'wasm', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { name: string; steps: number; featureSource: string; initFrom: { source: string; loaded: string[]; fresh: string[] } };
    expect(j).toMatchObject({ name: 'micon', steps: 2, featureSource: 'handcrafted', initFrom: { source: 'image_only' } });
    expect(j.initFrom.loaded).toContain('feat0/kernel');
    expect(j.initFrom.fresh).toContain('gen0/kernel');
    const bad = cli(['--init-from', 'image_only', '--resume', '--json']);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/one or the other/);
  }, 120_000);

  it('isImageParam names the image side of both encoders', () => {
    expect(['conv0/kernel', 'dense/bias', 'feat1/kernel'].every(isImageParam)).toBe(true);
    expect(['mol0/kernel', 'proj0/bias', 'gen1/kernel'].some(isImageParam)).toBe(false);
  });
});
