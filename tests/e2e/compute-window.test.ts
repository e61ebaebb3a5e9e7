// Electron's hidden compute window, without Electron: the compute page (renderer/compute, built
// with the renderer's own Vite config) in Chromium with WebGPU on SwiftShader (software Vulkan,
// no GPU needed), driven by a RemoteTrainer through the same Trainer messages the Electron relay
// carries. Only Electron's transport (webContents IPC + the compute preload) is stood in for: a
// playwright binding delivers the messages, structured-cloned as the preload would.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/core/ml/backend.js';
import { makeConfig, type MiconConfig } from '../../main/core/ml/config.js';
import { LocalTrainer } from '../../main/core/ml/local-trainer.js';
import { RemoteTrainer } from '../../main/core/ml/remote-trainer.js';
import { relayTransport, TrainerRefused, TrainerReply, type TrainerRelay, type TrainerRequest } from '../../main/core/ml/trainer-protocol.js';
import type { HostTensor, StepBatch, Trainer } from '../../main/core/ml/trainer.js';
import { packageBin } from '../../scripts/start-lib.mjs';
import { tinyMiconData } from '../helpers/tiny-micon-data.js';
import { CHROMIUM, hasChromium, requireChromium, ROOT } from './browser.js';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** WebGPU on SwiftShader in headless Chromium 156 (the smallest set that works; no --disable-gpu here). Linux Chromium still gates WebGPU behind --enable-unsafe-webgpu. */
const WEBGPU_ARGS = ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Linux CI installs chromium (which ships SwiftShader): there, a missing ICD is a failure, not a skip.
const runnable = hasChromium && process.platform === 'linux';
if (process.platform === 'linux') requireChromium();
if (runnable && !fs.existsSync(SWIFTSHADER_ICD)) {
  it('needs SwiftShader for WebGPU without a GPU', () => {
    throw new Error(`${SWIFTSHADER_ICD} is missing: apt-get install -y chromium libvulkan1`);
  });
}
const suite = runnable && fs.existsSync(SWIFTSHADER_ICD) ? describe : describe.skip;

// Tiny data and a tiny CNN (SwiftShader is slow): 6 compounds × 2 treated sites, 5×16×16.
const S = 16;
const BITS = 64;
const COMPOUNDS = 6;
const config: MiconConfig = makeConfig({
  imageEncoder: { kind: 'cnn', spec: { inputSize: S, channels: 5, convs: [{ filters: 8, kernel: 3, stride: 2 }, { filters: 16, kernel: 3, stride: 2 }], perChannelDim: 8 } },
  molecule: { fpBits: BITS, hidden: 32 },
  projection: { hidden: 32, outDim: 16 },
  generator: { hidden: 32 },
  optimizer: { learningRate: 0.01 },
  seed: 11,
});

function batch(seed: number): StepBatch {
  const d = tinyMiconData({ seed, compounds: COMPOUNDS, size: S, bits: BITS });
  const n = d.labels.length;
  return { treated: { data: d.treated, shape: [n, 5, S, S] }, controls: { data: d.controls, shape: [n, 5, S, S] }, fingerprints: { data: d.fps, shape: [n, BITS] }, labels: d.labels };
}

/** ‖a − b‖₂ / ‖b‖₂ */
function relDiff(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
}

const worst = (a: Record<string, HostTensor>, b: Record<string, HostTensor>) => Math.max(...Object.keys(b).map((k) => relDiff(a[k].data, b[k].data)));

let tmp = '';
let server: http.Server;
let browser: Browser;
let page: Page;
let relay: TrainerRelay;

/** The relay Electron's main process is, with a playwright binding where Electron has IPC. */
async function pageRelay(p: Page): Promise<TrainerRelay> {
  const waiting = new Map<number, (r: TrainerReply) => void>();
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  await p.exposeFunction('__miconFromPage', (m: unknown) => {
    if ((m as { type?: string }).type === 'compute-ready') return ready();
    const r = TrainerReply.parse(m);
    waiting.get(r.id)?.(r);
    waiting.delete(r.id);
  });
  // What preload/compute.ts exposes, over the binding instead of ipcRenderer.
  await p.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    w.miconCompute = {
      onCall: (listener: unknown) => (w.__miconDeliver = listener),
      send: (m: unknown) => (w.__miconFromPage as (m: unknown) => void)(m),
    };
  });
  let next = 1;
  return {
    async call(req: TrainerRequest) {
      await isReady;
      // Ids are unique per relay (several jobs share the window), as compute-window.ts makes them.
      const id = next++;
      const reply = new Promise<TrainerReply>((r) => waiting.set(id, r));
      await p.evaluate((m) => (window as unknown as { __miconDeliver: (m: unknown) => void }).__miconDeliver(m), { ...req, id });
      return { ...(await reply), id: req.id };
    },
  };
}

async function run(t: Trainer, steps: number) {
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await t.step(batch(100 + i))).total);
  return losses;
}

suite('compute page: MICON on Chromium WebGPU (SwiftShader) through the Trainer protocol', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-compute-'));
    // The renderer's own Vite config (both pages), as electron-vite builds it for the app.
    const env = { ...process.env, NODE_ENV: 'production' };
    const b = spawnSync(process.execPath, [packageBin(ROOT, 'vite', 'bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--outDir', tmp, '--emptyOutDir', '--logLevel', 'error'], { cwd: ROOT, env, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`vite build failed: ${b.stdout}\n${b.stderr}`);
    server = http.createServer((req, res) => {
      const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const file = path.join(tmp, rel);
      if (!file.startsWith(tmp + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': file.endsWith('.js') ? 'text/javascript' : file.endsWith('.html') ? 'text/html' : 'application/octet-stream' }).end(fs.readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGPU_ARGS, env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD } });
    page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    relay = await pageRelay(page);
    // http://127.0.0.1 is a secure context (WebGPU needs one), like micon://app in the app.
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/compute/index.html`);
    expect(problems).toEqual([]);
    // The Node reference: LocalTrainer on wasm in this process.
    await selectBackend('wasm', { skipNative: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses the fallback (software) adapter unless allowSoftware, and says why', async () => {
    const open = RemoteTrainer.open(relayTransport(relay, 'refuse'), { allowSoftware: false });
    await expect(open).rejects.toBeInstanceOf(TrainerRefused);
    await expect(open).rejects.toThrow(/^refused the software WebGPU adapter .*swiftshader.*\[software\]: it emulates a GPU on the CPU .*--allow-software-gpu/i);
  });

  it('3 MICON steps (CNN encoder) on the page match LocalTrainer on wasm in Node', async () => {
    const remote = await RemoteTrainer.open(relayTransport(relay, 'parity'), { allowSoftware: true });
    expect(remote.backend).toBe('webgpu');
    expect(remote.detail).toMatch(/^webgpu on .*swiftshader.*\[software\]/i);
    const local = new LocalTrainer('wasm');
    expect(tf.getBackend()).toBe('wasm');
    await remote.init(config);
    await local.init(config);
    const start = await remote.snapshot();
    // Same seeded initial parameters on both sides.
    expect(worst(start.params, (await local.snapshot()).params)).toBe(0);
    const t0 = performance.now();
    const r = await run(remote, 3);
    const ms = (performance.now() - t0) / 3;
    const l = await run(local, 3);
    const lossRel = Math.max(...r.map((x, i) => Math.abs(x - l[i]) / Math.abs(l[i])));
    const a = await remote.snapshot();
    const b = await local.snapshot();
    const paramRel = worst(a.params, b.params);
    const slotRel = worst(a.optimizer.tensors, b.optimizer.tensors);
    console.log(
      `compute page webgpu (SwiftShader) vs wasm, 3 Adam steps, 12+12 sites 5×16×16: losses ${r.map((x) => x.toFixed(6)).join(' ')} vs ${l.map((x) => x.toFixed(6)).join(' ')}; ` +
        `max relative difference: loss ${lossRel.toExponential(2)}, parameters ${paramRel.toExponential(2)} (‖Δ‖/‖w‖ per tensor), Adam slots ${slotRel.toExponential(2)}; ${ms.toFixed(0)} ms/step on the page`,
    );
    // Float32 on two backends with different summation orders: 1e-4 relative leaves room for that
    // (measured well below it) and still catches any wrong kernel or lost update, which moves the
    // losses in the second decimal.
    expect(lossRel).toBeLessThanOrEqual(1e-4);
    expect(paramRel).toBeLessThanOrEqual(1e-4);
    expect(r[2]).toBeLessThan(r[0]);
    await remote.dispose();
    await local.dispose();
  });

  it('snapshot → init(start) in a new trainer resumes to the loss of the uninterrupted run', async () => {
    const whole = await RemoteTrainer.open(relayTransport(relay, 'whole'), { allowSoftware: true });
    await whole.init(config);
    await run(whole, 2);
    const snap = await whole.snapshot();
    const next = (await whole.step(batch(102))).total;
    await whole.dispose();
    const resumed = await RemoteTrainer.open(relayTransport(relay, 'resumed'), { allowSoftware: true });
    await resumed.init(config, { params: snap.params, optimizer: snap.optimizer });
    const again = (await resumed.step(batch(102))).total;
    await resumed.dispose();
    console.log(`resume on the page: uninterrupted step 3 loss ${next}, resumed ${again}`);
    expect(Math.abs(again - next) / Math.abs(next)).toBeLessThanOrEqual(1e-6);
  });
});
