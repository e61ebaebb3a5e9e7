// A frozen imported ONNX backbone (`micon backbone`) on the small generated demo screen: backbones
// made with our own exporter (5-channel, 1-channel and 3-channel inputs) and small hand-built graphs
// (dynamic spatial dims, rank-4 output), checked against tfjs / plain arithmetic on the same sites;
// the refusals; profiles; and training the MICON feature head on it (`micon train --features`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedModels } from '../../../../main/core/embeddings/models.js';
import { buildAllProfiles } from '../../../../main/core/embeddings/profiles.js';
import { evaluateAll } from '../../../../main/core/eval/evaluate-all.js';
import { featureSetByName, loadSiteVectors, loadWellProfiles, siteArray, siteInfo } from '../../../../main/core/feature-sets/store.js';
import { backboneInput, defaultBackboneName, embedBackbone, planBackbone, poolOutput, type ValueMeta } from '../../../../main/core/ml/backbone.js';
import type { MiconConfig } from '../../../../main/core/ml/config.js';
import { DEFAULT_IMAGE_ENCODER, encoderParamShapes, type ImageEncoderSpec } from '../../../../main/core/ml/encoder-spec.js';
import { onnx } from '../../../../main/core/ml/onnx-graph.js';
import { exportImageEncoderOnnx, type Weights } from '../../../../main/core/ml/onnx-export.js';
import { toInput } from '../../../../main/core/ml/site-images.js';
import { normalizedSiteFeatures } from '../../../../main/core/ml/train-data.js';
import { train } from '../../../../main/core/ml/train.js';
import { InputError } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { copyProject, makeTrainingProject, withDb } from '../../../helpers/training-project.js';
import { maxAbsDiff, randomWeights, tfjsEncode } from './onnx-helpers.js';

const TOL = 1e-4;
const dir = tmpDir('micon-backbone-');
let project: string;

// Small CNNs so the whole screen embeds in well under a second.
const SPEC5: ImageEncoderSpec = { inputSize: 32, channels: 5, convs: [{ filters: 8, kernel: 3, stride: 2 }, { filters: 12, kernel: 3, stride: 2 }], perChannelDim: 6 };
const SPEC1: ImageEncoderSpec = { ...SPEC5, channels: 1 };
const SPEC3: ImageEncoderSpec = { ...SPEC5, channels: 3 };
const W = randomWeights(encoderParamShapes(SPEC5), 11); // the CNN's weights do not depend on `channels`

function writeModel(name: string, bytes: Uint8Array): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, bytes);
  return f;
}

/** tfjs forward pass of our encoder on [n, channels, S, S] (cpu backend: exact reference). */
async function tfjsEncodeCpu(spec: ImageEncoderSpec, w: Weights, x: Float32Array, n: number): Promise<Float32Array> {
  await tf.setBackend('cpu');
  return tfjsEncode(spec, w, x, n);
}

type Dims = (number | string)[];
/** A raw ONNX model: any inputs/outputs, float initialisers, nodes (for the shapes our exporter never makes). */
function rawModel(
  inputs: [string, Dims][],
  outputs: [string, Dims][],
  nodes: { op: string; in: string[]; out: string; attrs?: Record<string, number[]> }[],
  inits: [string, number[], Float32Array | BigInt64Array][] = [],
): Uint8Array {
  const vi = (name: string, dims: Dims) => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
  const m = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'test',
    graph: {
      name: 'g',
      node: nodes.map((n, i) => ({
        opType: n.op,
        input: n.in,
        output: [n.out],
        name: `n${i}`,
        attribute: Object.entries(n.attrs ?? {}).map(([name, ints]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints })),
      })),
      initializer: inits.map(([name, dims, data]) => ({
        name,
        dims,
        dataType: data instanceof BigInt64Array ? onnx.TensorProto.DataType.INT64 : onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(data.buffer.slice(0)),
      })),
      input: inputs.map(([n, d]) => vi(n, d)),
      output: outputs.map(([n, d]) => vi(n, d)),
    },
  });
  return onnx.ModelProto.encode(m).finish();
}

beforeAll(async () => {
  project = await makeTrainingProject(dir);
}, 240_000);

describe('planBackbone (how the five channels reach the model)', () => {
  const inp = (shape: Dims, name = 'x'): ValueMeta[] => [{ name, isTensor: true, type: 'float32', shape }];
  const out = (shape: Dims): ValueMeta[] => [{ name: 'y', isTensor: true, type: 'float32', shape }];

  it('channels 5 or dynamic: one 5-channel image per site; 1: per channel grey; 3: per channel RGB', () => {
    expect(planBackbone('m', inp(['N', 5, 32, 32]), out(['N', 10]))).toMatchObject({ mode: 'five-channel', inputSize: 32, imagesPerSite: 1, channelsPerImage: 5, fixedBatch: null });
    expect(planBackbone('m', inp(['N', 'C', 'H', 'W']), out(['N', 10]))).toMatchObject({ mode: 'five-channel', inputSize: DEFAULT_IMAGE_ENCODER.inputSize });
    expect(planBackbone('m', inp(['N', 1, 'H', 'W']), out(['N', 10]), { inputSize: 48 })).toMatchObject({ mode: 'per-channel-grey', inputSize: 48, imagesPerSite: 5, channelsPerImage: 1 });
    expect(planBackbone('m', inp([1, 3, 224, 224]), out([1, 512, 7, 7]))).toMatchObject({ mode: 'per-channel-rgb', inputSize: 224, imagesPerSite: 5, channelsPerImage: 3, fixedBatch: 1 });
    // one static spatial dim fixes both
    expect(planBackbone('m', inp(['N', 5, 40, 'W']), out([]))).toMatchObject({ inputSize: 40 });
  });

  it('refuses what cannot be fed, naming the input or output', () => {
    const bad = (f: () => unknown, re: RegExp) => {
      expect(f).toThrow(InputError);
      expect(f).toThrow(re);
    };
    bad(() => planBackbone('m', [...inp(['N', 5, 8, 8], 'a'), ...inp(['N', 5, 8, 8], 'b')], out(['N', 2])), /2 inputs \(a, b\)/);
    bad(() => planBackbone('m', inp(['N', 100]), out(['N', 2])), /input "x" has rank 2 \[N, 100\]/);
    bad(() => planBackbone('m', inp([]), out(['N', 2])), /no declared shape/);
    bad(() => planBackbone('m', inp(['N', 4, 8, 8]), out(['N', 2])), /has 4 channels; supported: 5/);
    bad(() => planBackbone('m', inp(['N', 5, 8, 16]), out(['N', 2])), /not square/);
    bad(() => planBackbone('m', inp(['N', 5, 8, 8]), out(['N', 2]), { inputSize: 16 }), /fixes its input at 8×8; --input-size 16 conflicts/);
    bad(() => planBackbone('m', inp(['N', 5, 8, 8]), out(['N', 16, 2])), /output "y" has rank 3/);
    bad(() => planBackbone('m', [{ name: 'x', isTensor: true, type: 'uint8', shape: ['N', 3, 8, 8] }], out(['N', 2])), /uint8; only float32/);
  });

  it('RGB mode repeats each channel plane three times (optionally ImageNet-scaled); rank-4 outputs are averaged per map', () => {
    const plan = planBackbone('m', inp(['N', 3, 2, 2]), out(['N', 4]));
    const site = Float32Array.from({ length: 5 * 4 }, (_, i) => i / 20);
    const x = backboneInput(plan, site, 1);
    expect(x.length).toBe(5 * 3 * 4);
    for (let c = 0; c < 5; c++) for (let k = 0; k < 3; k++) expect(Array.from(x.subarray((c * 3 + k) * 4, (c * 3 + k + 1) * 4))).toEqual(Array.from(site.subarray(c * 4, c * 4 + 4)));
    const xn = backboneInput(plan, site, 1, 'imagenet');
    expect(xn[4]).toBeCloseTo((site[0] - 0.456) / 0.224, 6); // plane 0, green copy
    const grey = planBackbone('m', inp(['N', 1, 2, 2]), out(['N', 4]));
    expect(backboneInput(grey, site, 1)).toBe(site); // [1, 5, S, S] is [5, 1, S, S]: no copy
    const p = poolOutput(plan, 'm', [2, 2, 1, 3], Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), 2);
    expect(p).toEqual({ dim: 2, rows: Float32Array.of(2, 5, 8, 11), pooled: true });
    expect(() => poolOutput(plan, 'm', [2, 2, 3], new Float32Array(12), 2)).toThrow(/output "y" has rank 3/);
  });

  it('default name: backbone:<file stem>', () => {
    expect(defaultBackboneName('/models/resnet18-v1.7.onnx')).toBe('backbone:resnet18-v1.7');
    expect(defaultBackboneName('my model (v2).onnx')).toBe('backbone:my_model__v2_');
  });
});

describe('embedBackbone on the demo screen', () => {
  it('5-channel backbone from our exporter: one vector per site equal to our tfjs encoder (≤1e-4); profiles; eval lists it', async () => {
    const file = writeModel('enc5.onnx', exportImageEncoderOnnx(SPEC5, W));
    const copy = copyProject(project, 'bb5');
    await withDb(copy, async (db) => {
      const r = await embedBackbone(db, file, { threads: 2 });
      const sites = siteInfo(db);
      expect(r).toMatchObject({ featureSet: 'backbone:enc5', sites: sites.length, dim: 5 * SPEC5.perChannelDim, mode: 'five-channel', inputSize: 32, output: { name: 'embedding', pooled: false } });
      expect(['cpu', 'cuda', 'webgpu']).toContain(r.provider);
      console.log(`[backbone] ${r.sites} sites × ${r.dim} via ${r.provider}${r.providerNote ? ` (${r.providerNote})` : ''}: ${Math.round(r.sitesPerSecond)} sites/s`);
      const fs = featureSetByName(db, 'backbone:enc5')!;
      expect(fs.kind).toBe('backbone');
      expect(JSON.parse(fs.version!)).toMatchObject({ mode: 'five-channel', inputSize: 32, file: path.resolve(file) });
      const v = loadSiteVectors(db, fs.id);
      expect(v.rows).toBe(sites.length);
      expect(v.cols).toBe(30);
      // The same sites through tfjs.
      const pick = [0, 1, Math.floor(v.rows / 2), v.rows - 1];
      const x = new Float32Array(pick.length * 5 * 32 * 32);
      pick.forEach((row, k) => x.set(toInput(siteArray(db, v.siteIds[row]), 32), k * 5 * 32 * 32));
      const ref = await tfjsEncodeCpu(SPEC5, W, x, pick.length);
      const got = new Float32Array(pick.length * 30);
      pick.forEach((row, k) => got.set(v.data.subarray(row * 30, (row + 1) * 30), k * 30));
      const diff = maxAbsDiff(got, ref);
      console.log(`[backbone] ORT vs tfjs max |Δ| = ${diff.toExponential(2)} over ${pick.length} sites`);
      expect(diff).toBeLessThanOrEqual(TOL);
      // Profiles were built; evaluation compares the set with the others.
      expect(r.profiles.wells).toBeGreaterThan(0);
      expect(loadWellProfiles(db, fs.id).rows).toBe(r.profiles.wells);
      const ev = evaluateAll(db, { permutations: 10 });
      expect(Object.keys(ev.featureSets)).toContain('backbone:enc5');
      expect(ev.featureSets['backbone:enc5'].heldout.queries + ev.featureSets['backbone:enc5'].trained.queries).toBeGreaterThan(0);
      // Re-importing replaces the set (same name); a name of another kind is refused.
      await embedBackbone(db, file, { threads: 2 });
      expect(loadSiteVectors(db, featureSetByName(db, 'backbone:enc5')!.id).rows).toBe(sites.length);
      await expect(embedBackbone(db, file, { name: 'handcrafted' })).rejects.toThrow(/already exists.*pick another --name/);
    });
  });

  it('1-channel backbone: run per channel, the five outputs concatenated, each equal to tfjs on that channel', async () => {
    const file = writeModel('grey.onnx', exportImageEncoderOnnx(SPEC1, W));
    const copy = copyProject(project, 'bb1');
    await withDb(copy, async (db) => {
      const r = await embedBackbone(db, file, { name: 'grey', threads: 2 });
      expect(r).toMatchObject({ featureSet: 'grey', mode: 'per-channel-grey', dim: 5 * SPEC1.perChannelDim });
      expect(r.modeDescription).toMatch(/each channel alone/);
      const v = loadSiteVectors(db, featureSetByName(db, 'grey')!.id);
      const row = 3;
      const site = toInput(siteArray(db, v.siteIds[row]), 32);
      // [1, 5, S, S] read as five one-channel images
      const ref = await tfjsEncodeCpu(SPEC1, W, site, 5);
      expect(maxAbsDiff(v.data.subarray(row * r.dim, (row + 1) * r.dim), ref)).toBeLessThanOrEqual(TOL);
    });
  });

  it('3-channel backbone: each Cell Painting channel repeated to RGB, run per channel, concatenated', async () => {
    const file = writeModel('rgb.onnx', exportImageEncoderOnnx(SPEC3, W));
    const copy = copyProject(project, 'bb3');
    await withDb(copy, async (db) => {
      const r = await embedBackbone(db, file, { threads: 2 });
      expect(r).toMatchObject({ featureSet: 'backbone:rgb', mode: 'per-channel-rgb', dim: 5 * 3 * SPEC3.perChannelDim });
      const v = loadSiteVectors(db, featureSetByName(db, 'backbone:rgb')!.id);
      const row = 5;
      const site = toInput(siteArray(db, v.siteIds[row]), 32);
      const rgb = new Float32Array(5 * 3 * 32 * 32);
      for (let c = 0; c < 5; c++) for (let k = 0; k < 3; k++) rgb.set(site.subarray(c * 1024, (c + 1) * 1024), (c * 3 + k) * 1024);
      const ref = await tfjsEncodeCpu(SPEC3, W, rgb, 5);
      expect(maxAbsDiff(v.data.subarray(row * r.dim, (row + 1) * r.dim), ref)).toBeLessThanOrEqual(TOL);
    });
  });

  it('dynamic spatial dims take --input-size; a rank-4 output is global-average-pooled; a fixed batch of 1 is honoured', async () => {
    // 1×1 conv, 5 → 3 maps: its spatial mean is W·(channel means) + b, checkable by hand.
    const w = Float32Array.from({ length: 15 }, (_, i) => ((i * 7) % 11) / 10 - 0.5);
    const b = Float32Array.of(0.1, -0.2, 0.3);
    for (const [batch, name] of [['N', 'dyn'], [1, 'one']] as const) {
      const file = writeModel(`conv1x1-${name}.onnx`, rawModel([['x', [batch, 5, 'H', 'W']]], [['y', [batch, 3, 'H', 'W']]], [{ op: 'Conv', in: ['x', 'w', 'b'], out: 'y', attrs: { kernel_shape: [1, 1] } }], [['w', [3, 5, 1, 1], w], ['b', [3], b]]));
      const copy = copyProject(project, `conv-${name}`);
      await withDb(copy, async (db) => {
        const r = await embedBackbone(db, file, { inputSize: 16, threads: 1 });
        expect(r).toMatchObject({ mode: 'five-channel', inputSize: 16, dim: 3, output: { name: 'y', pooled: true } });
        const v = loadSiteVectors(db, featureSetByName(db, `backbone:conv1x1-${name}`)!.id);
        expect(v.rows).toBe(siteInfo(db).length);
        for (const row of [0, v.rows - 1]) {
          const site = toInput(siteArray(db, v.siteIds[row]), 16);
          const mean = Array.from({ length: 5 }, (_, c) => site.subarray(c * 256, (c + 1) * 256).reduce((a, x) => a + x, 0) / 256);
          const want = Float32Array.from({ length: 3 }, (_, o) => b[o] + mean.reduce((a, m, c) => a + w[o * 5 + c] * m, 0));
          expect(maxAbsDiff(v.data.subarray(row * 3, row * 3 + 3), want)).toBeLessThanOrEqual(1e-5);
        }
      });
    }
  });

  it('refuses: missing file, not ONNX, more than one input, wrong input rank, rank-3 output — leaving the project untouched', async () => {
    const copy = copyProject(project, 'bb-bad');
    await withDb(copy, async (db) => {
      const before = (db.prepare('SELECT COUNT(*) n FROM feature_sets').get() as { n: number }).n;
      await expect(embedBackbone(db, path.join(dir, 'nope.onnx'))).rejects.toThrow(/nope\.onnx: no such file/);
      const junk = writeModel('junk.onnx', new TextEncoder().encode('this is not a model, just text\n'.repeat(20)));
      await expect(embedBackbone(db, junk)).rejects.toThrow(/junk\.onnx is not an ONNX model/);
      const two = writeModel('two.onnx', rawModel([['a', ['N', 5, 8, 8]], ['b', ['N', 5, 8, 8]]], [['y', ['N', 5, 8, 8]]], [{ op: 'Add', in: ['a', 'b'], out: 'y' }]));
      await expect(embedBackbone(db, two)).rejects.toThrow(/two\.onnx has 2 inputs \(a, b\)/);
      const flat = writeModel('flat.onnx', rawModel([['x', ['N', 100]]], [['y', ['N', 100]]], [{ op: 'Relu', in: ['x'], out: 'y' }]));
      await expect(embedBackbone(db, flat)).rejects.toThrow(/input "x" has rank 2/);
      // ViT-style tokens [N, T, D]: refused from the declared output rank, before any run.
      const rank3 = writeModel('rank3.onnx', rawModel([['x', ['N', 5, 8, 8]]], [['y', ['N', 5, 64]]], [{ op: 'Reshape', in: ['x', 'shape'], out: 'y' }], [['shape', [3], BigInt64Array.of(0n, 5n, 64n)]]));
      await expect(embedBackbone(db, rank3)).rejects.toThrow(/output "y" has rank 3/);
      await expect(embedBackbone(db, writeModel('enc5b.onnx', exportImageEncoderOnnx(SPEC5, W)), { normalize: 'imagenet' })).rejects.toThrow(/imagenet is for 3-channel/);
      expect((db.prepare('SELECT COUNT(*) n FROM feature_sets').get() as { n: number }).n).toBe(before);
    });
  });
});

describe('MICON heads on a frozen backbone (train --features)', () => {
  it('normalizedSiteFeatures reads any site-level set and refuses unknown or well-level ones', async () => {
    const file = writeModel('enc5-n.onnx', exportImageEncoderOnnx(SPEC5, W));
    const copy = copyProject(project, 'bb-norm');
    await withDb(copy, async (db) => {
      await embedBackbone(db, file, { name: 'bb', threads: 2 });
      const sites = siteInfo(db);
      const f = normalizedSiteFeatures(db, sites, 'bb');
      expect(f).toMatchObject({ source: 'bb', dim: 30 });
      expect(f.bySite.size).toBe(sites.length);
      expect([...f.bySite.values()].every((r) => r.every((x) => Number.isFinite(x) && Math.abs(x) <= 10))).toBe(true);
      expect(() => normalizedSiteFeatures(db, sites, 'nope')).toThrow(/no feature set named "nope".*site-level sets: bb, handcrafted/);
      // Sites without a vector: refused with how to fix it.
      db.prepare('DELETE FROM site_features WHERE feature_set_id = ? AND site_id = ?').run(featureSetByName(db, 'bb')!.id, sites[0].siteId);
      expect(() => normalizedSiteFeatures(db, sites, 'bb')).toThrow(/no vector for 1 of \d+ sites.*micon backbone/);
    });
  });

  it('trains a few steps on backbone:enc5, records the source, embeds as micon@backbone:enc5 and micon@backbone:enc5+backbone:enc5', async () => {
    const file = writeModel('enc5.onnx', exportImageEncoderOnnx(SPEC5, W));
    const copy = copyProject(project, 'bb-train');
    await withDb(copy, async (db) => {
      await embedBackbone(db, file, { threads: 2 });
      const r = await train(db, { model: 'micon', encoder: 'features', featureSource: 'backbone:enc5', backend: 'wasm', steps: 4, batchCompounds: 8, seed: 3, checkpointEvery: 1000, projectPath: copy });
      expect(r).toMatchObject({ name: 'micon@backbone:enc5', steps: 4, featureSource: 'backbone:enc5', initFrom: null });
      expect(Number.isFinite(r.loss)).toBe(true);
      // The checkpoint folder name holds no ':' (not allowed in Windows file names).
      expect(path.basename(path.dirname(r.checkpoint))).toBe('micon@backbone_enc5');
      const row = db.prepare('SELECT config FROM models WHERE name = ?').get('micon@backbone:enc5') as { config: string };
      const config = JSON.parse(row.config) as MiconConfig;
      expect(config.imageEncoder).toMatchObject({ kind: 'features', inputDim: 30, source: 'backbone:enc5' });
      const emb = await embedModels(db);
      const mine = emb.find((m) => m.name === 'micon@backbone:enc5')!;
      expect(mine.featureSets).toEqual(['micon@backbone:enc5', 'micon@backbone:enc5_untrained', 'micon@backbone:enc5+backbone:enc5']);
      expect(mine.sites).toBe(siteInfo(db).length);
      // The head's embedding next to the backbone features it refines (not the hand-crafted ones).
      const fused = featureSetByName(db, 'micon@backbone:enc5+backbone:enc5')!;
      expect(fused.dim).toBe(30 + (config.imageEncoder as { outDim: number }).outDim);
      buildAllProfiles(db);
      expect(loadWellProfiles(db, fused.id).rows).toBeGreaterThan(0);
      // A CNN run takes no --features; a model cannot train on its own embedding.
      await expect(train(db, { model: 'micon', encoder: 'cnn', featureSource: 'backbone:enc5', steps: 1, projectPath: copy })).rejects.toThrow(/feeds the feature head/);
      await expect(train(db, { model: 'micon', featureSource: 'micon', name: 'micon', steps: 1, projectPath: copy })).rejects.toThrow(/its own embedding/);
      // Resuming with another feature set than the checkpoint's is refused.
      await expect(train(db, { model: 'micon', featureSource: 'handcrafted', name: 'micon@backbone:enc5', resume: true, backend: 'wasm', steps: 6, projectPath: copy })).rejects.toThrow(/resume it with the same --encoder\/--features/);
    });
  });
});

describe('micon backbone (CLI)', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.resolve('main/cli.ts'), ...args], { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });

  it('--json prints one object with the feature set, mode and provider; a missing file exits non-zero with the message on stderr', () => {
    const file = writeModel('cli-enc.onnx', exportImageEncoderOnnx(SPEC5, W));
    const copy = copyProject(project, 'bb-cli');
    const r = cli(['backbone', file, '--db', copy, '--name', 'bb-cli', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { featureSet: string; sites: number; dim: number; mode: string; provider: string };
    expect(j).toMatchObject({ featureSet: 'bb-cli', dim: 30, mode: 'five-channel' });
    expect(j.sites).toBeGreaterThan(0);
    const bad = cli(['backbone', path.join(dir, 'missing.onnx'), '--db', copy, '--json']);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/missing\.onnx: no such file/);
  }, 120_000);
});
