import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/core/ml/backend.js';
import { checkProvider, cudaAddonStatus, defaultExecutionProviders } from '../../../../main/core/ml/onnx-embed.js';
import { doctor, explainTfGpuError, type DoctorReport } from '../../../../main/core/system/doctor.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const run = promisify(execFile);

let r: DoctorReport;
beforeAll(async () => {
  r = await doctor();
}, 60_000);

describe('micon doctor', () => {
  it('lists every tfjs backend in the order training tries them, with why each missing one is missing', () => {
    expect(r.tfjs.version).toMatch(/^\d+\.\d+/);
    expect(r.tfjs.backends.map((b) => `${b.name}:${b.package}`)).toEqual([
      'tensorflow:@tensorflow/tfjs-node-gpu',
      'tensorflow:@tensorflow/tfjs-node',
      'wasm:@tensorflow/tfjs-backend-wasm',
      'cpu:@tensorflow/tfjs',
    ]);
    expect(r.tfjs.backends[0].device).toBe('CUDA');
    for (const b of r.tfjs.backends) if (!b.available) expect(b.reason, b.package).toBeTruthy();
    const wasm = r.tfjs.backends[2];
    expect(wasm.available).toBe(true);
    expect(typeof wasm.simd).toBe('boolean');
    expect(wasm.threads).toBeGreaterThanOrEqual(1);
    expect(wasm.detail).toMatch(wasm.simd ? /\(SIMD, \d+ threads?\)/ : /no SIMD/);
    expect(r.tfjs.backends[3]).toMatchObject({ available: true, threads: 1 });
  });

  it('reports threads: CPU, wasm, onnxruntime', () => {
    expect(r.threads).toEqual({ cpus: os.availableParallelism(), wasm: r.tfjs.backends[2].threads, onnxruntime: os.availableParallelism() });
  });

  it('reports onnxruntime-node: its version and every execution provider in the embedder\'s order, with why each unusable one is', async () => {
    const pkg = createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string };
    expect(r.onnxruntime).toMatchObject({ version: pkg.version, available: true });
    expect(r.onnxruntime.executionProviders.map((p) => p.name)).toEqual(defaultExecutionProviders());
    expect(r.onnxruntime.executionProviders.at(-1)).toEqual({ name: 'cpu', available: true });
    const cuda = r.onnxruntime.executionProviders.find((p) => p.name === 'cuda');
    if (cuda && !cudaAddonStatus().available) expect(cuda).toEqual({ name: 'cuda', available: false, reason: cudaAddonStatus().reason });
    // webgpu: the adapter it runs on, or the embedder's own reason (no adapter, software adapter refused).
    const webgpu = r.onnxruntime.executionProviders.find((p) => p.name === 'webgpu')!;
    const check = await checkProvider('webgpu');
    if (check.ok) expect(webgpu).toMatchObject({ available: true, adapter: check.adapter });
    else expect(webgpu).toEqual({ name: 'webgpu', available: false, reason: check.reason });
    for (const p of r.onnxruntime.executionProviders) if (!p.available) expect(p.reason, p.name).toBeTruthy();
    expect(r.components.find((c) => c.name === 'onnxruntime-node')).toMatchObject({ available: true, optional: false, version: pkg.version });
  });

  it('says which backend each job will use: training the one selectBackend picks, embedding the EP the embedder picks', async () => {
    const pick = await selectBackend('tensorflow');
    expect(r.jobs.train).toMatchObject({ backend: pick.name, detail: pick.detail, threads: pick.threads });
    if ('skipped' in r.jobs.train) expect(r.jobs.train.skipped).toHaveLength(pick.tried.filter((t) => !t.ok).length);
    const first = r.onnxruntime.executionProviders.find((p) => p.available)!;
    expect(r.jobs.embed).toMatchObject({ provider: first.name, adapter: first.adapter ?? null, threads: os.availableParallelism() });
    const skipped = r.onnxruntime.executionProviders.slice(0, r.onnxruntime.executionProviders.indexOf(first));
    expect(r.jobs.embed).toMatchObject({ skipped: skipped.length ? skipped.map((p) => `${p.name}: ${p.reason}`).join('; ') : null });
  });

  it('names the missing CUDA library and the fix when tfjs-node-gpu cannot load', () => {
    const m = explainTfGpuError('libcudart.so.11.0: cannot open shared object file: No such file or directory');
    expect(m).toMatch(/libcudart\.so\.11\.0 not found/);
    expect(m).toMatch(/CUDA 11 runtime and cuDNN 8/);
    expect(explainTfGpuError('something else')).toBe('something else');
  });

  it('`doctor --json` prints one object with backends, providers, threads and the jobs; text says the same', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'main/cli.ts', 'doctor', '--json'], { cwd: root, maxBuffer: 1 << 20 });
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(stdout) as DoctorReport;
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['components', 'threads', 'tfjs', 'onnxruntime', 'jobs']));
    expect(j.jobs.train).toEqual(r.jobs.train);
    expect(j.jobs.embed).toEqual(r.jobs.embed);
    expect(j.tfjs.backends.map((b) => b.available)).toEqual(r.tfjs.backends.map((b) => b.available));

    const text = (await run(process.execPath, ['--import', 'tsx', 'main/cli.ts', 'doctor'], { cwd: root, maxBuffer: 1 << 20 })).stdout;
    expect(text).toMatch(/training backends \(tfjs [\d.]+; tried in this order\)/);
    expect(text).toMatch(/wasm \(@tensorflow\/tfjs-backend-wasm\)\s+@tensorflow\/tfjs-backend-wasm [\d.]+ \((no )?SIMD, \d+ threads?\)/);
    expect(text).toMatch(/off {2}tensorflow \(@tensorflow\/tfjs-node-gpu\)|ok {3}tensorflow \(@tensorflow\/tfjs-node-gpu\)/);
    expect(text).toMatch(/inference \(onnxruntime-node [\d.]+\) execution providers/);
    expect(text).toMatch(/ok {3}cpu/);
    expect(text).toMatch(/threads: \d+ CPU, wasm \d+, onnxruntime \d+ intra-op/);
    expect(text).toContain(`train  tfjs ${r.jobs.train.backend}`);
    expect(text).toContain(`embed  onnxruntime ${r.jobs.embed.provider} execution provider`);
  }, 60_000);
});
