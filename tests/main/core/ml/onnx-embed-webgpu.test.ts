// ORT's webgpu execution provider without a GPU: SwiftShader (software Vulkan from Debian's chromium
// package) stands in for one. Dawn reads VK_ICD_FILENAMES once per process, so every case runs
// onnx-webgpu-probe.ts in a child process with its own Vulkan setting. On Linux (CI) a missing
// SwiftShader fails these tests; macOS and Windows have no SwiftShader ICD at that path and skip.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../../..');
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const onLinux = process.platform === 'linux';
const run = promisify(execFile);

/** Run a probe scenario with `icd` as the only Vulkan driver; its JSON result. */
async function probe(scenario: string, icd: string): Promise<Record<string, unknown>> {
  if (icd === SWIFTSHADER && !fs.existsSync(SWIFTSHADER)) {
    throw new Error(`${SWIFTSHADER} missing: install Debian's chromium package (SwiftShader) and libvulkan1 to run the WebGPU tests`);
  }
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(here, 'onnx-webgpu-probe.ts'), scenario], {
    cwd: root,
    env: { ...process.env, VK_ICD_FILENAMES: icd, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', NODE_NO_WARNINGS: '1' },
    maxBuffer: 1 << 20,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('ORT-WEBGPU-PROBE '));
  if (!line) throw new Error(`probe ${scenario} printed no result:\n${stdout}`);
  return JSON.parse(line.slice('ORT-WEBGPU-PROBE '.length)) as Record<string, unknown>;
}

type Pick = { provider?: string; adapter?: string | null; fallbackReason?: string; error?: string };
type Parity = { provider: string; adapter: string; values: number; maxAbs: number; maxAbsDiff: number };

describe.runIf(onLinux)('ORT webgpu execution provider on a software adapter (SwiftShader)', () => {
  it('matches the cpu provider on a real site: MICON CNN encoder and a ResNet-like backbone', async () => {
    const r = (await probe('parity', SWIFTSHADER)) as { encoder: Parity; backbone: Parity };
    for (const [name, p] of Object.entries(r)) {
      console.log(`[ort webgpu vs cpu] ${name}: ${p.values} values, max |y| ${p.maxAbs.toPrecision(3)}, max abs diff ${p.maxAbsDiff.toExponential(2)} on ${p.adapter}`);
      expect(p.provider).toBe('webgpu');
      expect(p.adapter).toMatch(/SwiftShader/);
      expect(p.values).toBeGreaterThan(0);
      expect(p.maxAbs).toBeGreaterThan(0);
      // Both run float32; only the summation order differs (MLAS im2col GEMM vs WGSL tiles): about
      // sqrt(K)·eps relative per layer (K ≤ 147 here: 1.4e-6). Seen: 7e-8 (encoder), 1.9e-6 on
      // |y| ≤ 10 (backbone). 1e-5 of the output scale leaves room for other GPUs and is still far
      // below anything that moves a cosine ranking.
      expect(p.maxAbsDiff).toBeLessThanOrEqual(1e-5 * Math.max(1, p.maxAbs));
    }
  }, 120_000);

  it('refuses the software adapter unless asked, naming it; asked, runs on it', async () => {
    const r = (await probe('choose', SWIFTSHADER)) as Record<string, Pick>;
    expect(r.default.provider).toBe('cpu');
    expect(r.default.adapter).toBeNull();
    expect(r.default.fallbackReason).toMatch(/webgpu: refused the software WebGPU adapter SwiftShader.*--allow-software-gpu/);
    expect(r.allowSoftwareGpu).toMatchObject({ provider: 'webgpu', adapter: expect.stringMatching(/SwiftShader.*\[software\]/) });
    expect(r.allowSoftwareGpu.fallbackReason).not.toMatch(/webgpu/);
    // Asking for webgpu alone does not bypass the refusal.
    expect(r.webgpuOnly.error).toMatch(/no ONNX Runtime execution provider could load the model: webgpu: refused the software WebGPU adapter SwiftShader/);
  }, 120_000);
});

describe.runIf(onLinux)('ORT webgpu execution provider with no Vulkan driver at all', () => {
  it('falls back to cpu saying there is no WebGPU adapter, even with software adapters allowed', async () => {
    // A driver list naming no file: no adapter whatever ICDs this machine has installed.
    const r = (await probe('choose', path.join(root, 'no-such-vulkan-icd.json'))) as Record<string, Pick>;
    for (const p of [r.default, r.allowSoftwareGpu]) {
      expect(p.provider).toBe('cpu');
      expect(p.fallbackReason).toMatch(/webgpu: no WebGPU adapter: Dawn found no Vulkan GPU/);
    }
    expect(r.webgpuOnly.error).toMatch(/webgpu: no WebGPU adapter/);
  }, 120_000);
});
