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
import { featureSetByName, loadSiteVectors } from '../../../../main/core/embeddings/store.js';
import type { EmbedAllResult } from '../../../../main/core/jobs/embed.js';
import { train } from '../../../../main/core/ml/train.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { maxAbsDiff } from '../ml/onnx-helpers.js';
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

async function embedCli(db: string, args: string[]): Promise<EmbedAllResult> {
  const env = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', NODE_NO_WARNINGS: '1' };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'main/cli.ts', 'embed', '--db', db, '--json', ...args], { cwd: root, env, maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as EmbedAllResult;
}

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
});
