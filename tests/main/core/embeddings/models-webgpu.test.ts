// `micon embed` on ORT's webgpu execution provider without a GPU: SwiftShader (software Vulkan from
// Debian's chromium package) stands in, allowed with --allow-software-gpu. A feature-head model keeps
// it cheap (SwiftShader runs the CNN at a few sites/s). Dawn reads VK_ICD_FILENAMES once per process,
// so the CLI runs in a child process. Linux only (CI): a missing SwiftShader fails, not skips.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { listModels } from '../../../../main/core/api/handlers-jobs.js';
import { featureSetByName, loadSiteVectors } from '../../../../main/core/feature-sets/store.js';
import type { EmbedAllResult } from '../../../../main/core/jobs/embed.js';
import type { BackboneResult } from '../../../../main/core/ml/backbone.js';
import { encoderParamShapes, type ImageEncoderSpec } from '../../../../main/core/ml/encoder-spec.js';
import { exportImageEncoderOnnx } from '../../../../main/core/ml/onnx-export.js';
import { train } from '../../../../main/core/ml/train.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { maxAbsDiff, randomWeights } from '../ml/onnx-helpers.js';
import { copyProject, makeTrainingProject, withDb } from '../../../helpers/training-project.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const run = promisify(execFile);
const dir = tmpDir('micon-embed-webgpu-');
let project: string;

beforeAll(async () => {
  project = await makeTrainingProject(dir);
  await withDb(project, (db) => train(db, { model: 'micon', encoder: 'features', backend: 'wasm', batchCompounds: 8, steps: 4, projectPath: project }));
}, 240_000);

/** `micon <args> --json` with SwiftShader as the only Vulkan driver; its JSON output. */
async function cliJson<T>(args: string[]): Promise<T> {
  const env = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', NODE_NO_WARNINGS: '1' };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'main/cli.ts', ...args, '--json'], { cwd: root, env, maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as T;
}
const embedCli = (db: string, args: string[]) => cliJson<EmbedAllResult>(['embed', '--db', db, ...args]);

/** The stored vectors of one feature set, in site order. */
const vectors = (db: string, set: string) => withDb(db, async (d) => loadSiteVectors(d, featureSetByName(d, set)!.id));

describe.runIf(process.platform === 'linux')('micon embed on the webgpu execution provider (SwiftShader)', () => {
  it('--allow-software-gpu: runs on webgpu, says so in the output and with the model; same vectors as cpu', async () => {
    expect(fs.existsSync(SWIFTSHADER), `${SWIFTSHADER} missing: install chromium (SwiftShader) and libvulkan1`).toBe(true);
    const gpuDb = copyProject(project, 'gpu');
    const gpu = await embedCli(gpuDb, ['--allow-software-gpu']);
    expect(gpu.models).toHaveLength(1);
    expect(gpu.models[0]).toMatchObject({ name: 'micon', sites: 192, provider: 'webgpu', adapter: expect.stringMatching(/SwiftShader.*\[software\]/) });
    console.log(`[embed webgpu] ${gpu.models[0].sites} sites at ${gpu.models[0].sitesPerSecond.toFixed(0)} sites/s on ${gpu.models[0].adapter}`);
    const shown = await withDb(gpuDb, async (d) => listModels(d).find((m) => m.name === 'micon')!);
    expect(shown).toMatchObject({ embedded: true, inference: { provider: 'webgpu', adapter: gpu.models[0].adapter } });

    // Without the flag the software adapter is refused, named in the output and the record.
    const cpuDb = copyProject(project, 'cpu');
    const cpu = await embedCli(cpuDb, []);
    expect(cpu.models[0]).toMatchObject({ provider: 'cpu', adapter: null, providerNote: expect.stringMatching(/webgpu: refused the software WebGPU adapter SwiftShader/) });
    const cpuShown = await withDb(cpuDb, async (d) => listModels(d).find((m) => m.name === 'micon')!);
    expect(cpuShown.inference).toMatchObject({ provider: 'cpu', adapter: null, skipped: cpu.models[0].providerNote });

    // Same model, same sites: the provider must not change the embedding (float32, summation order only).
    const [a, b] = await Promise.all([vectors(gpuDb, 'micon'), vectors(cpuDb, 'micon')]);
    expect(a.siteIds).toEqual(b.siteIds);
    expect(a.rows).toBe(192);
    const diff = maxAbsDiff(a.data, b.data);
    console.log(`[embed webgpu vs cpu] max abs diff over ${a.rows} sites × ${a.cols}: ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
  }, 240_000);

  it('--execution-provider webgpu without the flag fails with the reason on stderr, no stack trace', async () => {
    const db = copyProject(project, 'forced');
    const err = await embedCli(db, ['--execution-provider', 'webgpu']).then(
      () => null,
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect(err).not.toBeNull();
    expect(err!.code).not.toBe(0);
    expect(err!.stdout).toBe('');
    expect(err!.stderr).toMatch(/no ONNX Runtime execution provider could load the model: webgpu: refused the software WebGPU adapter SwiftShader/);
    expect(err!.stderr).not.toMatch(/\n\s+at /);
  }, 240_000);

  it('micon backbone --allow-software-gpu: a small CNN on webgpu, recorded with the feature set; same vectors as cpu', async () => {
    // Small, so SwiftShader embeds the 192 sites in seconds.
    const spec: ImageEncoderSpec = { inputSize: 32, channels: 5, convs: [{ filters: 8, kernel: 3, stride: 2 }, { filters: 12, kernel: 3, stride: 2 }], perChannelDim: 6 };
    const file = path.join(dir, 'small-cnn.onnx');
    fs.writeFileSync(file, exportImageEncoderOnnx(spec, randomWeights(encoderParamShapes(spec), 11)));
    const db = copyProject(project, 'backbone');
    const gpu = await cliJson<BackboneResult>(['backbone', file, '--db', db, '--name', 'bb-gpu', '--allow-software-gpu']);
    expect(gpu).toMatchObject({ featureSet: 'bb-gpu', sites: 192, provider: 'webgpu', adapter: expect.stringMatching(/SwiftShader/) });
    const cpu = await cliJson<BackboneResult>(['backbone', file, '--db', db, '--name', 'bb-cpu', '--execution-provider', 'cpu']);
    expect(cpu).toMatchObject({ provider: 'cpu', adapter: null, providerNote: null });
    console.log(`[backbone] webgpu ${gpu.sitesPerSecond.toFixed(0)} sites/s on ${gpu.adapter}; cpu ${cpu.sitesPerSecond.toFixed(0)} sites/s`);
    const [a, b] = await Promise.all([vectors(db, 'bb-gpu'), vectors(db, 'bb-cpu')]);
    expect(maxAbsDiff(a.data, b.data)).toBeLessThanOrEqual(1e-5);
    const recorded = await withDb(db, async (d) => JSON.parse(featureSetByName(d, 'bb-gpu')!.version!) as { inference: unknown });
    expect(recorded.inference).toEqual({ provider: 'webgpu', adapter: gpu.adapter, skipped: gpu.providerNote });
  }, 240_000);
});
