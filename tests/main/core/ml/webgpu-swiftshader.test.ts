// The webgpu training backend on a software Vulkan adapter (SwiftShader from Debian's chromium), as
// CI runs it without a GPU. Dawn reads VK_ICD_FILENAMES once, when this process creates its instance,
// so this file sets it before anything touches Dawn, and tests with no adapter live in another file
// (vitest runs each file in its own process). SwiftShader is slow: tiny inputs, a few steps.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { openProject } from '../../../../main/core/db/open.js';
import { selectBackend } from '../../../../main/core/ml/backend.js';
import { loadLatestCheckpoint } from '../../../../main/core/ml/checkpoint.js';
import { makeConfig, type ConfigOverrides } from '../../../../main/core/ml/config.js';
import { createModel, disposeModel } from '../../../../main/core/ml/model.js';
import { objective } from '../../../../main/core/ml/objective.js';
import { train, type TrainOptions, type TrainProgress } from '../../../../main/core/ml/train.js';
import { doctor } from '../../../../main/core/system/doctor.js';
import { InputError } from '../../../../main/core/types.js';
import { runCli } from '../../../helpers/kill.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { copyProject, makeTrainingProject } from '../../../helpers/training-project.js';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
process.env.VK_ICD_FILENAMES = ICD;
process.env.XDG_RUNTIME_DIR ??= os.tmpdir();

// Linux CI installs chromium + libvulkan1, so a missing ICD there is a failure, not a skip.
const linux = process.platform === 'linux';

describe.runIf(linux)('webgpu training on a software adapter (SwiftShader)', () => {
  const dir = tmpDir('micon-webgpu-');
  let project: string;
  beforeAll(async () => {
    expect(fs.existsSync(ICD), `${ICD} missing: apt-get install -y chromium libvulkan1`).toBe(true);
    project = await makeTrainingProject(dir);
  }, 240_000);

  it('refuses the software adapter unless asked: automatic choice skips it with the reason, --backend webgpu is an InputError', async () => {
    const auto = await selectBackend('tensorflow');
    expect(auto.name).not.toBe('webgpu');
    const w = auto.tried.find((t) => t.name === 'webgpu');
    expect(w).toMatchObject({ ok: false });
    expect(w!.error).toMatch(/^refused the software WebGPU adapter SwiftShader.*--allow-software-gpu/);
    const e = await selectBackend('webgpu').then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/^--backend webgpu: refused the software WebGPU adapter SwiftShader/);

    const soft = await selectBackend('webgpu', { allowSoftwareGpu: true });
    expect(soft).toMatchObject({ name: 'webgpu', accelerated: false, threads: 1 });
    expect(soft.detail).toMatch(/^@tensorflow\/tfjs-backend-webgpu on SwiftShader.*software adapter/);
    expect(soft.adapter?.software).toBe(true);
    expect(tf.getBackend()).toBe('webgpu');
    expect(Array.from(await tf.tidy(() => tf.square(tf.tensor([1, 2, 3]))).data())).toEqual([1, 4, 9]);
  });

  it('`micon train --backend webgpu` without --allow-software-gpu: one clear line on stderr, no stack trace, exit ≠ 0', async () => {
    const db = copyProject(project, 'cli');
    // The CLI inherits this process's VK_ICD_FILENAMES, so it sees SwiftShader too.
    const r = (await runCli('train', '--db', db, '--backend', 'webgpu').then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    ));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/refused the software WebGPU adapter SwiftShader/);
    expect(r.stderr).toMatch(/--allow-software-gpu/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('doctor says the software adapter was refused and that training has no GPU', async () => {
    const r = await doctor();
    const row = r.tfjs.backends.find((b) => b.name === 'webgpu')!;
    expect(row).toMatchObject({ available: false, device: 'GPU' });
    expect(row.adapter).toMatch(/SwiftShader.*\[software\]/);
    expect(row.reason).toMatch(/^refused the software WebGPU adapter/);
    expect(r.tfjs.gpu.usable).toBe(false);
    expect(r.tfjs.gpu.summary).toMatch(/^no usable GPU for training.*refused the software WebGPU adapter/);
    expect(r.tfjs.gpu.advice).toMatch(/CUDA 11\.x runtime.*cuDNN 8.*LD_LIBRARY_PATH/);
  }, 120_000);

  it('the MICON objective (CNN encoder, a few compounds) has the same gradient on webgpu as on wasm (≤ 1e-5 of the gradient scale)', async () => {
    const S = 16;
    const BITS = 64;
    const n = 8; // 4 compounds × 2 treated images, a control each
    const spec = { inputSize: S, channels: 5, convs: [{ filters: 8, kernel: 3, stride: 2 }, { filters: 16, kernel: 3, stride: 2 }], perChannelDim: 8 };
    const cfg: ConfigOverrides = { imageEncoder: { kind: 'cnn', spec }, molecule: { fpBits: BITS, hidden: 32 }, projection: { hidden: 32, outDim: 16 }, generator: { hidden: 32 }, seed: 5 };
    let s = 7;
    const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const treated = Float32Array.from({ length: n * 5 * S * S }, r);
    const controls = Float32Array.from({ length: n * 5 * S * S }, r);
    const fps = Float32Array.from({ length: n * BITS }, () => (r() < 0.2 ? 1 : 0));
    const labels = [0, 0, 1, 1, 2, 2, 3, 3];
    const grads = async (backend: 'wasm' | 'webgpu') => {
      await selectBackend(backend, { allowSoftwareGpu: true });
      expect(tf.getBackend()).toBe(backend);
      const model = createModel(makeConfig(cfg));
      const batch = { treated: tf.tensor4d(treated, [n, 5, S, S]), controls: tf.tensor4d(controls, [n, 5, S, S]), fingerprints: tf.tensor2d(fps, [n, BITS]), labels };
      const { grads: g } = tf.variableGrads(() => objective(model, batch).total);
      // Variable names are engine-wide counters; parameters come in the same order on both backends.
      const out: Float32Array[] = [];
      for (const v of Object.values(g)) out.push((await v.data()) as Float32Array);
      tf.dispose([g, batch.treated, batch.controls, batch.fingerprints]);
      disposeModel(model);
      return out;
    };
    const w = await grads('wasm');
    const g = await grads('webgpu');
    expect(g).toHaveLength(w.length);
    // The gradient scale is the largest |g| over every parameter; per parameter (its own largest |g|)
    // is stricter where a parameter's gradients are small (the first conv's biases): printed too.
    let maxDiff = 0;
    let scale = 0;
    let perParam = 0;
    w.forEach((a, i) => {
      const own = Math.max(...a.map(Math.abs), 1e-12);
      scale = Math.max(scale, own);
      for (let j = 0; j < a.length; j++) {
        const d = Math.abs(a[j] - g[i][j]);
        maxDiff = Math.max(maxDiff, d);
        perParam = Math.max(perParam, d / own);
      }
    });
    const rel = maxDiff / scale;
    console.log(
      `MICON objective gradient (CNN encoder, 4 compounds, 5×${S}×${S}, ${w.length} parameters), webgpu on SwiftShader vs wasm: ` +
        `max |Δ| ${maxDiff.toExponential(2)} = ${rel.toExponential(2)} of the gradient scale ${scale.toFixed(3)}; worst per parameter ${perParam.toExponential(2)}`,
    );
    expect(rel).toBeLessThanOrEqual(1e-5);
    expect(perParam).toBeLessThanOrEqual(1e-4);
  }, 240_000);

  it('a full train on webgpu (software adapter allowed): resuming from a mid-run checkpoint equals the uninterrupted run', async () => {
    const file = copyProject(project, 'webgpu');
    const run = async (ck: string, o: Partial<TrainOptions>) => {
      const db = openProject(file);
      const progress: TrainProgress[] = [];
      try {
        const r = await train(db, {
          model: 'micon',
          encoder: 'features',
          backend: 'webgpu',
          allowSoftwareGpu: true,
          batchCompounds: 6,
          seed: 5,
          checkpointEvery: 1000,
          projectPath: file,
          checkpointDir: path.join(dir, ck),
          onProgress: (p) => progress.push(p),
          ...o,
        });
        return { r, progress, last: loadLatestCheckpoint<{ losses: number[] }>(path.join(dir, ck))! };
      } finally {
        db.close();
      }
    };
    const K = 6;
    const straight = await run('straight', { steps: K });
    expect(straight.r).toMatchObject({ backend: 'webgpu', accelerated: false, steps: K });
    expect(straight.r.backendDetail).toMatch(/SwiftShader.*software adapter/);
    expect(straight.r.backendSkipped).toEqual([]);
    expect(straight.progress.at(-1)).toMatchObject({ backend: 'webgpu', step: K });
    expect(straight.progress.at(-1)!.device).toMatch(/SwiftShader/);
    expect(straight.last.meta.losses).toHaveLength(K);
    expect(straight.last.meta.losses.every(Number.isFinite)).toBe(true);

    await run('split', { steps: 3, checkpointEvery: 3 });
    const resumed = await run('split', { steps: K, resume: true });
    expect(resumed.r.resumedFrom).toBe(3);
    expect(resumed.last.meta.losses).toHaveLength(K);
    resumed.last.meta.losses.forEach((l, i) => expect(l, `loss ${i + 1}`).toBeCloseTo(straight.last.meta.losses[i], 5));
    const A = straight.last.tensors;
    const B = resumed.last.tensors;
    const params = Object.keys(A).filter((k) => k.startsWith('param:'));
    expect(params.length).toBeGreaterThan(0);
    let worst = 0;
    for (const k of params) {
      expect(B[k].data.length, k).toBe(A[k].data.length);
      for (let i = 0; i < A[k].data.length; i++) worst = Math.max(worst, Math.abs(A[k].data[i] - B[k].data[i]));
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
    expect(Array.from(B['opt:iter'].data)).toEqual([K]);
  }, 300_000);
});
