// `npm run bench -- gpu`: training sites/s per tfjs backend and embedding sites/s per onnxruntime
// execution provider, on synthetic inputs the size of the demo's (5 channels × 64², the job's batch),
// so it needs no project and runs the same here, in CI and on a GPU machine (scripts/gpu-bench bundles
// it). Every backend or provider that does not run is listed with the reason.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import webgpuBackendPackage from '@tensorflow/tfjs-backend-webgpu/package.json' with { type: 'json' };
import { handcraftedFeatureNames } from '../../main/core/features/handcrafted.js';
import { selectBackend, type BackendPreference } from '../../main/core/ml/backend.js';
import { makeConfig, type MiconConfig } from '../../main/core/ml/config.js';
import { DEFAULT_IMAGE_ENCODER, encoderParamShapes, type ImageEncoderSpec } from '../../main/core/ml/encoder-spec.js';
import { LocalTrainer } from '../../main/core/ml/local-trainer.js';
import { exportImageEncoderOnnx } from '../../main/core/ml/onnx-export.js';
import { createEmbedder, cudaAddonStatus } from '../../main/core/ml/onnx-embed.js';
import type { StepBatch } from '../../main/core/ml/trainer.js';
import { describeAdapter, findWebGpuAdapter } from '../../main/core/system/webgpu.js';
import type { BenchOptions } from './args.js';

/**
 * Compounds per step: the training job's defaults (TRAIN_DEFAULTS in ml/train-params.ts; a test holds them
 * equal). Not imported from there: train.ts pulls the database and image code into the bundled bench.
 */
export const JOB_BATCH_COMPOUNDS = { cnn: 12, features: 24 } as const;

export const TRAIN_BACKENDS = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export const EMBED_PROVIDERS = ['cuda', 'webgpu', 'cpu'] as const;
const ENCODERS = ['cnn', 'features'] as const;
type Encoder = (typeof ENCODERS)[number];

export interface GpuBenchSettings {
  backends: string[];
  providers: string[];
  encoders: Encoder[];
  /** Measured training steps per run (after `warmup` unmeasured ones). */
  steps: number;
  warmup: number;
  /** Compounds per training step; each brings 2 treated sites and 2 matched controls. Default: the job's. */
  batch: number | null;
  /** Side of the CNN's input (the demo's 64 unless tiny sizes are wanted, e.g. in tests). */
  image: number;
  embedBatch: number;
  embedSites: number;
  allowSoftwareGpu: boolean;
  /** The pure-JS cpu backend's CNN steps take minutes at the demo's size: measured only when asked. */
  cpuCnn: boolean;
  /** A run stops measuring once this many seconds have passed (at least one step/batch is always measured). */
  maxSeconds: number;
  out: string | null;
}

function list(v: string | undefined, all: readonly string[], what: string): string[] {
  if (!v) return [...all];
  const xs = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = xs.filter((x) => !all.includes(x));
  if (bad.length) throw new Error(`bench gpu: unknown ${what} ${bad.join(', ')} (have: ${all.join(', ')})`);
  return xs;
}

function positive(v: string | undefined, dflt: number, name: string, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`bench gpu: --${name} must be a number ≥ ${min} (got "${v}")`);
  return n;
}

export function gpuBenchSettings(o: BenchOptions): GpuBenchSettings {
  const image = positive(o.image, DEFAULT_IMAGE_ENCODER.inputSize, 'image', 8);
  return {
    backends: list(o.backends, TRAIN_BACKENDS, 'backend'),
    providers: list(o.providers, EMBED_PROVIDERS, 'provider'),
    encoders: list(o.encoders, ENCODERS, 'encoder') as Encoder[],
    steps: Math.round(positive(o.steps, 10, 'steps')),
    warmup: Math.round(positive(o.warmup, 2, 'warmup', 0)),
    batch: o.batch === undefined ? null : Math.round(positive(o.batch, 0, 'batch', 2)),
    image: Math.round(image),
    embedBatch: Math.round(positive(o['embed-batch'], 256, 'embed-batch')),
    embedSites: Math.round(positive(o['embed-sites'], 4096, 'embed-sites')),
    allowSoftwareGpu: o['allow-software-gpu'] === 'true',
    cpuCnn: o['cpu-cnn'] === 'true',
    maxSeconds: positive(o['max-seconds'], 120, 'max-seconds'),
    out: o.out && o.out !== 'true' ? o.out : null,
  };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function fill(n: number, f: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = f();
  return a;
}

/** One MICON batch as the training job builds it: compounds × (2 treated + 2 controls), fingerprints, labels. */
function syntheticBatch(config: MiconConfig, compounds: number, seed: number): StepBatch {
  const r = rng(seed);
  const n = 2 * compounds;
  const e = config.imageEncoder;
  const item = e.kind === 'cnn' ? [e.spec.channels, e.spec.inputSize, e.spec.inputSize] : [e.inputDim];
  const per = item.reduce((a, b) => a * b, 1);
  // Images in 0..1 like the cached site arrays; features roughly unit-scale like the per-plate z-scores.
  const value = e.kind === 'cnn' ? r : () => (r() - 0.5) * 4;
  const bits = config.molecule.fpBits;
  const fp = new Float32Array(n * bits);
  for (let c = 0; c < compounds; c++) {
    // ~45 bits set, as a drug-like molecule's 2048-bit Morgan fingerprint has; both replicates share it.
    const on = Array.from({ length: 45 }, () => Math.floor(r() * bits));
    for (const b of on) fp[2 * c * bits + b] = fp[(2 * c + 1) * bits + b] = 1;
  }
  return {
    treated: { shape: [n, ...item], data: fill(n * per, value) },
    controls: { shape: [n, ...item], data: fill(n * per, value) },
    fingerprints: { shape: [n, bits], data: fp },
    labels: Array.from({ length: n }, (_, i) => Math.floor(i / 2)),
  };
}

function trainConfig(encoder: Encoder, spec: ImageEncoderSpec): MiconConfig {
  return makeConfig({
    model: 'micon',
    imageEncoder: encoder === 'cnn' ? { kind: 'cnn', spec } : { kind: 'features', inputDim: handcraftedFeatureNames().length, outDim: 64 },
    // The job's CPU-sized molecule layer on every backend, so all of them do the same work.
    molecule: { hidden: 64 },
  });
}

type Activated = { ok: true; name: string; detail: string } | { ok: false; reason: string };

async function activate(backend: string, s: GpuBenchSettings): Promise<Activated> {
  if (backend === 'webgpu') {
    // Forced: no usable adapter is an error whose message says why (the refused software adapter too).
    try {
      const w = await selectBackend('webgpu', { allowSoftwareGpu: s.allowSoftwareGpu });
      return { ok: true, name: 'webgpu', detail: w.detail };
    } catch (e) {
      return { ok: false, reason: (e as Error).message.replace(/^--backend webgpu: /, '') };
    }
  }
  const choice = await selectBackend(backend as BackendPreference);
  if (choice.name === backend) return { ok: true, name: choice.name, detail: choice.detail };
  // selectBackend fell through to a slower backend: say why the wanted one did not load.
  const why = choice.tried.filter((t) => !t.ok).map((t) => `${t.name}: ${(t.error ?? '').split('\n')[0].trim()}`);
  return { ok: false, reason: why.join('; ') || `selectBackend('${backend}') gave ${choice.name}` };
}

export interface TrainRun {
  backend: string;
  encoder: Encoder;
  detail?: string;
  skipped?: string;
  batchCompounds?: number;
  sitesPerStep?: number;
  firstStepSeconds?: number;
  warmupSteps?: number;
  steps?: number;
  seconds?: number;
  sitesPerSecond?: number;
  stepsPerSecond?: number;
  loss?: number;
}

async function measureTrain(backend: string, detail: string, encoder: Encoder, s: GpuBenchSettings): Promise<TrainRun> {
  const spec: ImageEncoderSpec = { ...DEFAULT_IMAGE_ENCODER, inputSize: s.image };
  const config = trainConfig(encoder, spec);
  const compounds = s.batch ?? JOB_BATCH_COMPOUNDS[encoder];
  const batch = syntheticBatch(config, compounds, 7);
  const trainer = new LocalTrainer(backend, detail);
  try {
    await trainer.init(config);
    let t = performance.now();
    let loss = (await trainer.step(batch)).total;
    const firstStepSeconds = (performance.now() - t) / 1000;
    for (let i = 1; i < s.warmup; i++) loss = (await trainer.step(batch)).total;
    t = performance.now();
    let steps = 0;
    while (steps < s.steps && (steps === 0 || performance.now() - t < s.maxSeconds * 1000)) {
      loss = (await trainer.step(batch)).total;
      steps++;
    }
    const seconds = (performance.now() - t) / 1000;
    const sitesPerStep = 4 * compounds;
    return {
      backend,
      encoder,
      detail,
      batchCompounds: compounds,
      sitesPerStep,
      firstStepSeconds: round(firstStepSeconds, 3),
      warmupSteps: Math.max(1, s.warmup),
      steps,
      seconds: round(seconds, 3),
      sitesPerSecond: round((steps * sitesPerStep) / seconds, 1),
      stepsPerSecond: round(steps / seconds, 3),
      loss: round(loss, 4),
    };
  } finally {
    await trainer.dispose();
  }
}

export interface EmbedRun {
  provider: string;
  skipped?: string;
  batch?: number;
  sites?: number;
  firstBatchSeconds?: number;
  seconds?: number;
  sitesPerSecond?: number;
  /** Largest |difference| of this provider's first-batch embeddings from the cpu provider's. */
  maxAbsDiffVsCpu?: number | null;
}

async function measureEmbed(ep: string, onnx: Uint8Array, inputs: Float32Array[], s: GpuBenchSettings): Promise<{ run: EmbedRun; first?: Float32Array }> {
  if (ep === 'cuda') {
    const cuda = cudaAddonStatus();
    if (!cuda.available) return { run: { provider: ep, skipped: cuda.reason } };
  }
  if (ep === 'webgpu') {
    // ORT's webgpu EP takes Dawn's adapter itself; the same rule as training applies to which one that may be.
    const found = await findWebGpuAdapter({ allowSoftware: s.allowSoftwareGpu });
    if (!found.ok) return { run: { provider: ep, skipped: found.reason } };
  }
  let embedder;
  try {
    embedder = await createEmbedder(onnx, { executionProviders: [ep], allowSoftwareGpu: s.allowSoftwareGpu });
  } catch (e) {
    return { run: { provider: ep, skipped: (e as Error).message } };
  }
  try {
    const b = s.embedBatch;
    let t = performance.now();
    const first = Float32Array.from(await embedder.embed(inputs[0], b));
    const firstBatchSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    let sites = 0;
    for (let i = 0; sites < s.embedSites && (i === 0 || performance.now() - t < s.maxSeconds * 1000); i++) {
      await embedder.embed(inputs[i % inputs.length], b);
      sites += b;
    }
    const seconds = (performance.now() - t) / 1000;
    return { run: { provider: embedder.provider, batch: b, sites, firstBatchSeconds: round(firstBatchSeconds, 3), seconds: round(seconds, 3), sitesPerSecond: round(sites / seconds, 1) }, first };
  } finally {
    await embedder.close();
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function packageVersion(name: string): string | null {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

/** NVIDIA GPUs as nvidia-smi lists them, when it is installed (context for the figures, nothing depends on it). */
function nvidiaGpus(): string[] | null {
  const r = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim().split('\n').filter(Boolean) : null;
}

export async function benchGpu(o: BenchOptions): Promise<object> {
  const s = gpuBenchSettings(o);
  const spec: ImageEncoderSpec = { ...DEFAULT_IMAGE_ENCODER, inputSize: s.image };
  const log = (m: string) => process.stderr.write(`bench gpu: ${m}\n`);
  const skipped: { what: string; why: string }[] = [];

  const wantsGpu = s.backends.includes('webgpu') || s.providers.includes('webgpu');
  const found = wantsGpu ? await findWebGpuAdapter({ allowSoftware: s.allowSoftwareGpu }) : null;
  const webgpu = found === null ? null : found.ok ? { adapter: describeAdapter(found.info), ...found.info } : { adapter: found.info ? describeAdapter(found.info) : null, refused: found.reason };
  if (webgpu) log(`WebGPU adapter: ${webgpu.adapter ?? 'none'}${found && !found.ok ? ` (${found.reason})` : ''}`);

  const train: TrainRun[] = [];
  for (const backend of s.backends) {
    const a = await activate(backend, s);
    if (!a.ok) {
      log(`${backend}: skipped (${a.reason})`);
      skipped.push({ what: `train ${backend}`, why: a.reason });
      for (const encoder of s.encoders) train.push({ backend, encoder, skipped: a.reason });
      continue;
    }
    for (const encoder of s.encoders) {
      if (backend === 'cpu' && encoder === 'cnn' && !s.cpuCnn) {
        const why = 'pure-JS convolutions: ~124 s per step on the demo CNN (measured 2026-11-24); pass --cpu-cnn to measure anyway';
        skipped.push({ what: 'train cpu cnn', why });
        train.push({ backend, encoder, skipped: why });
        continue;
      }
      log(`train ${backend} ${encoder} …`);
      try {
        const r = await measureTrain(a.name, a.detail, encoder, s);
        log(`  ${r.sitesPerSecond} sites/s (${r.steps} steps of ${r.sitesPerStep} sites, first step ${r.firstStepSeconds} s)`);
        train.push(r);
      } catch (e) {
        const why = `failed: ${(e as Error).message}`;
        skipped.push({ what: `train ${backend} ${encoder}`, why });
        train.push({ backend, encoder, detail: a.detail, skipped: why });
      }
    }
  }

  const r = rng(11);
  const weights = Object.fromEntries(encoderParamShapes(spec).map(([k, shape]) => [k, { shape, data: fill(shape.reduce((x, y) => x * y, 1), () => (r() - 0.5) * 0.2) }]));
  const onnx = exportImageEncoderOnnx(spec, weights);
  const per = spec.channels * spec.inputSize * spec.inputSize;
  const inputs = [fill(s.embedBatch * per, r), fill(s.embedBatch * per, r)];
  const embed: EmbedRun[] = [];
  const firsts = new Map<string, Float32Array>();
  for (const ep of s.providers) {
    log(`embed ${ep} …`);
    const { run, first } = await measureEmbed(ep, onnx, inputs, s);
    if (run.skipped) {
      log(`  skipped (${run.skipped})`);
      skipped.push({ what: `embed ${ep}`, why: run.skipped });
    } else log(`  ${run.sitesPerSecond} sites/s (batch ${run.batch})`);
    if (first) firsts.set(ep, first);
    embed.push(run);
  }
  const cpuOut = firsts.get('cpu');
  for (const run of embed) {
    const out = firsts.get(run.provider);
    if (!out) continue;
    let d = 0;
    if (cpuOut) for (let i = 0; i < out.length; i++) d = Math.max(d, Math.abs(out[i] - cpuOut[i]));
    run.maxAbsDiffVsCpu = cpuOut ? d : null;
  }

  const result = {
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      platform: `${process.platform}-${process.arch}`,
      node: process.version,
      nvidiaGpus: nvidiaGpus(),
    },
    versions: {
      tfjs: tf.version.tfjs,
      tfjsBackendWebgpu: webgpuBackendPackage.version,
      webgpu: packageVersion('webgpu'),
      onnxruntimeNode: ort.env.versions.node ?? packageVersion('onnxruntime-node'),
    },
    settings: {
      ...s,
      encoder: `${spec.channels}×${spec.inputSize}² per site, shared per-channel CNN, convs ${spec.convs.map((c) => c.filters).join('/')}`,
      featureInputDim: handcraftedFeatureNames().length,
      config: 'micon objective (PaCLR + counterfactual), molecule hidden 64 on every backend; sites = treated + controls',
    },
    webgpu,
    train,
    embed,
    skipped,
  };
  if (s.out) {
    fs.mkdirSync(path.dirname(path.resolve(s.out)), { recursive: true });
    const tmp = `${s.out}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify({ part: 'gpu', ...result }, null, 2) + '\n');
    fs.renameSync(tmp, s.out);
  }
  return result;
}
