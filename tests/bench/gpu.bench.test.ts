// `npm run bench -- gpu` keeps working: tiny sizes, a few steps, the documented JSON keys. The WebGPU
// cases run on SwiftShader (Debian's chromium package), as CI installs it; they fail, not skip, on a
// Linux machine without it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TRAIN_DEFAULTS } from '../../main/core/ml/train-params.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { gpuBenchSettings, JOB_BATCH_COMPOUNDS } from './gpu.bench.js';

const run = promisify(execFile);
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const TINY = ['--steps', '2', '--warmup', '1', '--batch', '2', '--image', '16', '--embed-batch', '16', '--embed-sites', '32'];

interface Entry {
  backend?: string;
  provider?: string;
  encoder?: string;
  skipped?: string;
  sitesPerSecond?: number;
  steps?: number;
  loss?: number;
  detail?: string;
  maxAbsDiffVsCpu?: number | null;
}
interface Result {
  part: string;
  machine: Record<string, unknown>;
  versions: Record<string, string | null>;
  settings: Record<string, unknown>;
  webgpu: { adapter: string | null; software?: boolean; refused?: string } | null;
  train: Entry[];
  embed: Entry[];
  skipped: { what: string; why: string }[];
}

async function bench(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const base = { ...process.env };
  delete base.VK_ICD_FILENAMES;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'tests/bench/run.ts', 'gpu', ...TINY, ...args], {
    env: { ...base, XDG_RUNTIME_DIR: '/tmp', ...env },
    maxBuffer: 16 << 20,
  });
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1); // one JSON object, nothing else on stdout
  return JSON.parse(lines[0]) as Result;
}

const find = (xs: Entry[], k: Partial<Entry>) => xs.find((x) => Object.entries(k).every(([f, v]) => x[f as keyof Entry] === v));

describe('bench gpu', () => {
  it('measures wasm and cpu training and CPU embedding, says what it skipped, and writes --out', async () => {
    const out = path.join(tmpDir('micon-bench-gpu-'), 'gpu.json');
    const r = await bench(['--backends', 'wasm,cpu', '--providers', 'cpu', '--out', out]);
    expect(r.part).toBe('gpu');
    expect(Object.keys(r).sort()).toEqual(['embed', 'machine', 'part', 'settings', 'skipped', 'train', 'versions', 'webgpu']);
    expect(r.machine).toMatchObject({ cores: expect.any(Number), cpu: expect.any(String), platform: `${process.platform}-${process.arch}` });
    expect(r.versions).toMatchObject({ tfjs: '4.22.0', tfjsBackendWebgpu: '4.22.0', onnxruntimeNode: '1.30.0', webgpu: '0.6.2' });
    expect(r.webgpu).toBeNull(); // Dawn is not loaded when no WebGPU backend or provider is asked for
    for (const encoder of ['cnn', 'features']) {
      const w = find(r.train, { backend: 'wasm', encoder })!;
      expect(w.detail).toMatch(/tfjs-backend-wasm/);
      expect(w.steps).toBe(2);
      expect(w.sitesPerSecond).toBeGreaterThan(0);
      expect(Number.isFinite(w.loss)).toBe(true);
    }
    expect(find(r.train, { backend: 'cpu', encoder: 'features' })!.sitesPerSecond).toBeGreaterThan(0);
    expect(find(r.train, { backend: 'cpu', encoder: 'cnn' })!.skipped).toMatch(/--cpu-cnn/);
    expect(r.skipped).toEqual([{ what: 'train cpu cnn', why: expect.stringMatching(/pure-JS/) }]);
    const cpu = find(r.embed, { provider: 'cpu' })!;
    expect(cpu).toMatchObject({ batch: 16, maxAbsDiffVsCpu: 0 });
    expect(cpu.sitesPerSecond).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual(r);
  });

  it('defaults to the training job batch sizes and refuses unknown names', () => {
    expect(JOB_BATCH_COMPOUNDS.cnn).toBe(TRAIN_DEFAULTS.cnn.batchCompounds);
    expect(JOB_BATCH_COMPOUNDS.features).toBe(TRAIN_DEFAULTS.features.batchCompounds);
    expect(gpuBenchSettings({})).toMatchObject({ backends: ['tensorflow', 'webgpu', 'wasm', 'cpu'], providers: ['cuda', 'webgpu', 'cpu'], image: 64, batch: null, allowSoftwareGpu: false });
    expect(() => gpuBenchSettings({ backends: 'wasm,cuda' })).toThrow(/unknown backend cuda/);
    expect(() => gpuBenchSettings({ providers: 'dml' })).toThrow(/unknown provider dml/);
    expect(() => gpuBenchSettings({ steps: '0' })).toThrow(/--steps/);
  });

  describe.skipIf(process.platform !== 'linux')('on a software adapter (SwiftShader)', () => {
    const env = { VK_ICD_FILENAMES: SWIFTSHADER };

    it('refuses it without --allow-software-gpu, for training and for ORT', async () => {
      expect(fs.existsSync(SWIFTSHADER), `${SWIFTSHADER} missing: install chromium and libvulkan1 (CI does)`).toBe(true);
      const r = await bench(['--backends', 'webgpu', '--encoders', 'features', '--providers', 'webgpu'], env);
      expect(r.webgpu).toMatchObject({ adapter: expect.stringMatching(/SwiftShader/), refused: expect.stringMatching(/refused the software WebGPU adapter/) });
      expect(find(r.train, { backend: 'webgpu' })!.skipped).toMatch(/--allow-software-gpu/);
      expect(find(r.embed, { provider: 'webgpu' })!.skipped).toMatch(/--allow-software-gpu/);
    });

    it('with --allow-software-gpu trains on webgpu and embeds on ORT webgpu, matching the CPU provider', async () => {
      expect(fs.existsSync(SWIFTSHADER), `${SWIFTSHADER} missing: install chromium and libvulkan1 (CI does)`).toBe(true);
      const r = await bench(['--backends', 'webgpu', '--encoders', 'features', '--providers', 'webgpu,cpu', '--allow-software-gpu'], env);
      expect(r.webgpu).toMatchObject({ software: true, adapter: expect.stringMatching(/SwiftShader/) });
      const t = find(r.train, { backend: 'webgpu', encoder: 'features' })!;
      expect(t.detail).toMatch(/tfjs-backend-webgpu on SwiftShader/);
      expect(t.sitesPerSecond).toBeGreaterThan(0);
      expect(Number.isFinite(t.loss)).toBe(true);
      const e = find(r.embed, { provider: 'webgpu' })!;
      expect(e.sitesPerSecond).toBeGreaterThan(0);
      expect(e.maxAbsDiffVsCpu).toBeLessThan(1e-5);
    });
  });
});
