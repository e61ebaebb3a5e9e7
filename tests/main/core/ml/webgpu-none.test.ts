// No WebGPU adapter at all (the GPU-less machine without software Vulkan): the Vulkan loader is
// pointed at a driver list that does not exist before Dawn starts in this process (vitest runs each
// file in its own process; Dawn reads the variable once). Training must skip webgpu with the reason
// and fall back, in-process and in a job process (which inherits this environment).
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDoctor } from '../../../../main/cli/doctor.js';
import { runJob } from '../../../../main/core/jobs/host.js';
import type { Progress } from '../../../../main/core/jobs/protocol.js';
import { selectBackend } from '../../../../main/core/ml/backend.js';
import { doctor } from '../../../../main/core/system/doctor.js';
import { InputError } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { copyProject, makeTrainingProject } from '../../../helpers/training-project.js';

process.env.VK_ICD_FILENAMES = '/nonexistent/no-vulkan-driver.json';

const NO_ADAPTER = process.platform === 'linux' ? /^no WebGPU adapter: Dawn found no Vulkan GPU/ : /^no WebGPU adapter/;

describe.runIf(process.platform === 'linux')('no WebGPU adapter', () => {
  const dir = tmpDir('micon-nogpu-');
  let project: string;
  beforeAll(async () => {
    project = await makeTrainingProject(dir);
  }, 240_000);

  it('automatic choice skips webgpu with "no WebGPU adapter" and falls back; --backend webgpu is an InputError saying so', async () => {
    const auto = await selectBackend('tensorflow');
    expect(auto.name).not.toBe('webgpu');
    expect(auto.accelerated).toBe(false);
    expect(auto.tried.find((t) => t.name === 'webgpu')).toMatchObject({ ok: false, error: expect.stringMatching(NO_ADAPTER) });
    const e = await selectBackend('webgpu', { allowSoftwareGpu: true }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/^--backend webgpu: no WebGPU adapter/);
  });

  it('a train job falls back to a CPU backend and says which, in its progress and its result', async () => {
    const db = copyProject(project, 'job');
    const seen: Progress[] = [];
    const r = await runJob<{ backend: string; backendDetail: string; accelerated: boolean; backendSkipped: string[]; steps: number }>(
      'train',
      { db, model: 'micon', encoder: 'features', steps: 2, batchCompounds: 8, checkpointDir: path.join(dir, 'ck') },
      (p) => seen.push(p),
    ).done;
    expect(r.steps).toBe(2);
    expect(r.backend).not.toBe('webgpu');
    expect(r.accelerated).toBe(false);
    expect(r.backendSkipped).toContainEqual(expect.stringMatching(/^webgpu: no WebGPU adapter/));
    expect(r.backendDetail).toMatch(r.backend === 'wasm' ? /tfjs-backend-wasm .*SIMD/ : /./);
    const last = seen.filter((p) => p.train).at(-1)!.train!;
    expect(last).toMatchObject({ backend: r.backend, device: r.backendDetail, step: 2 });
  }, 120_000);

  it('`micon doctor` says there is no usable GPU for training, and why', async () => {
    const r = await doctor();
    // Listed in the order training tries them (doctor.test.ts checks the whole list): after CUDA.
    const webgpu = r.tfjs.backends[1];
    expect(webgpu).toMatchObject({ available: false, device: 'GPU', reason: expect.stringMatching(NO_ADAPTER) });
    expect(r.tfjs.gpu.usable).toBe(false);
    const text = formatDoctor(r);
    expect(text).toMatch(/NO GPU no usable GPU for training, so it runs on the CPU \(.+\): @tensorflow\/tfjs-node-gpu: .+; @tensorflow\/tfjs-backend-webgpu: no WebGPU adapter/);
    expect(text).toMatch(/→ .*webgpu backend needs only the GPU vendor's driver.*CUDA 11\.x runtime.*cuDNN 8.*LD_LIBRARY_PATH/);
    expect(text).toMatch(/off {2}webgpu \(@tensorflow\/tfjs-backend-webgpu\)\s+no WebGPU adapter/);
  }, 120_000);
});
