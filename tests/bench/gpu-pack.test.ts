// The device script's bundle keeps working: pack.sh --stage lays out the bundled bench with only the
// native packages beside it (no node_modules of the checkout reachable from a temp folder), and it runs
// a tiny wasm/cpu bench and prints its summary. The full pack (xz, Node from npm) is not built here:
// minutes of compression; README "GPU benchmark" has the end-to-end check.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp-dir.js';

const run = promisify(execFile);

describe.skipIf(`${process.platform}-${process.arch}` !== 'linux-x64')('scripts/gpu-bench', () => {
  it('stages a bundle that runs without the checkout’s node_modules', async () => {
    const dir = tmpDir('micon-gpu-pack-');
    const stage = path.join(dir, 'app');
    await run('bash', ['scripts/gpu-bench/pack.sh', '--stage', stage]);
    expect(fs.readdirSync(path.join(stage, 'node_modules')).sort()).toEqual(['onnxruntime-common', 'onnxruntime-node', 'webgpu']);
    const env = { PATH: process.env.PATH, HOME: dir, MICON_TFJS_WASM_PATH: `${path.join(stage, 'wasm')}/` };
    const args = ['--backends', 'wasm', '--encoders', 'cnn', '--providers', 'cpu', '--steps', '1', '--warmup', '1', '--batch', '2', '--image', '16', '--embed-batch', '16', '--embed-sites', '16'];
    const out = path.join(dir, 'gpu.json');
    const { stdout } = await run(process.execPath, [path.join(stage, 'bench.mjs'), ...args, '--out', out], { cwd: dir, env });
    const r = JSON.parse(stdout);
    expect(r.part).toBe('gpu');
    expect(r.train).toEqual([expect.objectContaining({ backend: 'wasm', encoder: 'cnn', steps: 1, detail: expect.stringMatching(/SIMD/) })]);
    expect(r.embed).toEqual([expect.objectContaining({ provider: 'cpu', sites: 16 })]);
    const summary = (await run(process.execPath, [path.join(stage, 'bench.mjs'), '--summary', out], { cwd: dir, env })).stdout;
    expect(summary).toMatch(/wasm +cnn +[\d.]+ \(1 steps of 8 sites/);
    expect(summary).toMatch(/cpu +[\d.]+ \(batch 16/);
  });

  it('run.sh says what to do when the pack is missing; both scripts parse', async () => {
    // The tests above stop early in each script: `bash -n` reads all of it.
    for (const script of ['pack.sh', 'run.sh']) await run('bash', ['-n', `scripts/gpu-bench/${script}`]);
    const dir = tmpDir('micon-gpu-run-');
    const err = await run('bash', ['scripts/gpu-bench/run.sh'], { env: { PATH: process.env.PATH, OUT: dir, MICON_GPU_BENCH_DIR: path.join(dir, 'none') } }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2, stderr: expect.stringMatching(/node\.xz missing: run scripts\/gpu-bench\/pack\.sh/) });
  });
});
