import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { makeConfig, DEFAULT_CONFIG } from '../../../../main/core/ml/config.js';
import { encoderParamShapes, encodeImages } from '../../../../main/core/ml/encoder-spec.js';
import { createModel, disposeModel, embeddingDim, generate, imageEmbed, loadParamData, moleculeEmbed, readParamData, paramDefs, project } from '../../../../main/core/ml/model.js';

const spec = { inputSize: 16, channels: 5, convs: [{ filters: 4, kernel: 3, stride: 2 }], perChannelDim: 4 };
const small = { molecule: { fpBits: 32, hidden: 8 }, projection: { hidden: 32, outDim: 6 }, generator: { hidden: 8 } };

const norms = (t: tf.Tensor2D) => tf.tidy(() => Array.from(tf.norm(t, 'euclidean', 1).dataSync()));

describe('MICON model', () => {
  let before = 0;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(before));

  it('defaults follow the reference: Morgan 2048 bits, SupCon temperature 0.1, CNN image side', () => {
    expect(DEFAULT_CONFIG.molecule.fpBits).toBe(2048);
    expect(DEFAULT_CONFIG.loss.temperature).toBe(0.1);
    expect(makeConfig({ loss: { temperature: 0.5 } }).loss).toEqual({ ...DEFAULT_CONFIG.loss, temperature: 0.5 });
  });

  it('names the CNN parameters as encoder-spec does and includes only the parts each model kind trains', () => {
    const micon = makeConfig({ ...small, imageEncoder: { kind: 'cnn', spec } });
    const names = paramDefs(micon).map((p) => p.name);
    for (const [n] of encoderParamShapes(spec)) expect(names).toContain(n);
    expect(names.some((n) => n.startsWith('gen'))).toBe(true);
    const only = paramDefs(makeConfig({ ...small, model: 'image_only', imageEncoder: { kind: 'cnn', spec } })).map((p) => p.name);
    expect(only.some((n) => n.startsWith('gen') || n.startsWith('mol'))).toBe(false);
    const clip = paramDefs(makeConfig({ ...small, model: 'clip', imageEncoder: { kind: 'cnn', spec } })).map((p) => p.name);
    expect(clip.some((n) => n.startsWith('gen') || n.startsWith('proj'))).toBe(false);
  });

  it('is seeded: same seed, same weights; other seed, other weights', async () => {
    const cfg = makeConfig({ ...small, imageEncoder: { kind: 'cnn', spec }, seed: 3 });
    const a = createModel(cfg);
    const b = createModel(cfg);
    const c = createModel({ ...cfg, seed: 4 });
    const pa = await readParamData(a);
    expect(await readParamData(b)).toEqual(pa);
    expect((await readParamData(c))['conv0/kernel'].data).not.toEqual(pa['conv0/kernel'].data);
    expect(pa['conv0/bias'].data.every((v) => v === 0)).toBe(true);
    [a, b, c].forEach(disposeModel);
  });

  it('CNN variant: forward shapes, unit-norm outputs, same result as encodeImages', () => {
    const m = createModel(makeConfig({ ...small, imageEncoder: { kind: 'cnn', spec } }));
    const d = embeddingDim(m.config);
    tf.tidy(() => {
      const x = tf.randomUniform([3, 5, 16, 16], 0, 1, 'float32', 1) as tf.Tensor4D;
      const e = imageEmbed(m, x);
      expect(e.shape).toEqual([3, d]);
      expect(e.arraySync()).toEqual(encodeImages(spec, m.params, x).arraySync());
      norms(e).forEach((n) => expect(n).toBeCloseTo(1, 5));
      const mol = moleculeEmbed(m, tf.randomUniform([3, 32], 0, 1, 'float32', 2).round() as tf.Tensor2D);
      expect(mol.shape).toEqual([3, d]);
      const g = generate(m, e, mol);
      expect(g.shape).toEqual([3, d]);
      norms(g).forEach((n) => expect(n).toBeCloseTo(1, 5));
      const p = project(m, e);
      expect(p.shape).toEqual([3, 6]);
      norms(p).forEach((n) => expect(n).toBeCloseTo(1, 5));
    });
    disposeModel(m);
  });

  it('feature-head variant: linear or one hidden layer over precomputed features', () => {
    for (const hidden of [undefined, 12]) {
      const m = createModel(makeConfig({ ...small, imageEncoder: { kind: 'features', inputDim: 30, hidden, outDim: 10 } }));
      expect(Object.keys(m.params).filter((k) => k.startsWith('feat')).length).toBe(hidden ? 4 : 2);
      tf.tidy(() => {
        const e = imageEmbed(m, tf.randomNormal([4, 30], 0, 1, 'float32', 5));
        expect(e.shape).toEqual([4, 10]);
        norms(e).forEach((n) => expect(n).toBeCloseTo(1, 5));
        expect(generate(m, e, moleculeEmbed(m, tf.ones([4, 32]))).shape).toEqual([4, 10]);
      });
      disposeModel(m);
    }
  });

  it('round-trips parameters through readParamData/loadParamData and rejects mismatched shapes', async () => {
    const cfg = makeConfig({ ...small, imageEncoder: { kind: 'features', inputDim: 8, outDim: 4 } });
    const a = createModel(cfg);
    const b = createModel({ ...cfg, seed: 9 });
    loadParamData(b, await readParamData(a));
    expect(await readParamData(b)).toEqual(await readParamData(a));
    const bad = await readParamData(a);
    bad['feat0/kernel'] = { shape: [4, 8], data: bad['feat0/kernel'].data };
    expect(() => loadParamData(b, bad)).toThrow(/shape/);
    [a, b].forEach(disposeModel);
  });
});
