// `micon doctor`'s inference lines where the only Vulkan driver is a software one (SwiftShader, from
// Debian's chromium package) and where there is none. Dawn reads VK_ICD_FILENAMES once per process,
// so each runs the CLI in a child process. Linux only (CI): a missing SwiftShader fails, not skips.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../../../main/core/system/doctor.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const run = promisify(execFile);

async function doctorWith(icd: string, json: boolean): Promise<string> {
  const env = { ...process.env, VK_ICD_FILENAMES: icd, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', NODE_NO_WARNINGS: '1' };
  // Exit code 0 or 1 (1 when a required component is missing); the report is on stdout either way.
  const r = await run(process.execPath, ['--import', 'tsx', 'main/cli.ts', 'doctor', ...(json ? ['--json'] : [])], { cwd: root, env, maxBuffer: 1 << 20 }).catch(
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
  );
  return r.stdout;
}

describe.runIf(process.platform === 'linux')('micon doctor: the webgpu execution provider without a usable GPU', () => {
  it('on a software adapter: webgpu off, saying it refused SwiftShader and why; embedding on cpu', async () => {
    expect(fs.existsSync(SWIFTSHADER), `${SWIFTSHADER} missing: install chromium (SwiftShader) and libvulkan1`).toBe(true);
    const j = JSON.parse(await doctorWith(SWIFTSHADER, true)) as DoctorReport;
    const webgpu = j.onnxruntime.executionProviders.find((p) => p.name === 'webgpu');
    expect(webgpu).toMatchObject({ available: false, reason: expect.stringMatching(/^refused the software WebGPU adapter SwiftShader.*\[software\].*--allow-software-gpu/) });
    expect(j.jobs.embed).toMatchObject({ provider: 'cpu', adapter: null, skipped: expect.stringContaining(`webgpu: ${webgpu!.reason}`) });
    const text = await doctorWith(SWIFTSHADER, false);
    expect(text).toMatch(/off {2}webgpu\s+refused the software WebGPU adapter SwiftShader/);
    expect(text).toMatch(/embed {2}onnxruntime cpu execution provider[^\n]*\n\s+skipped .*webgpu: refused the software WebGPU adapter SwiftShader/);
  }, 120_000);

  it('with no Vulkan driver: webgpu off, "no WebGPU adapter" and what to install', async () => {
    const j = JSON.parse(await doctorWith(path.join(root, 'no-such-vulkan-icd.json'), true)) as DoctorReport;
    expect(j.onnxruntime.executionProviders.find((p) => p.name === 'webgpu')).toEqual({
      name: 'webgpu',
      available: false,
      reason: expect.stringMatching(/^no WebGPU adapter: Dawn found no Vulkan GPU \(install the GPU vendor's Vulkan driver/),
    });
    expect(j.jobs.embed).toMatchObject({ provider: 'cpu', skipped: expect.stringContaining('webgpu: no WebGPU adapter') });
  }, 120_000);
});
