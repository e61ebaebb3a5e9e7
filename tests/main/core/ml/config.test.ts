// The run's config resolved in one place: defaultConfig(image side, backend).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, defaultConfig, describeConfig, FEATURE_HEAD_DIM, FINGERPRINT_BITS } from '../../../../main/core/ml/config.js';
import { DEFAULT_IMAGE_ENCODER } from '../../../../main/core/ml/encoder-spec.js';

const wasm = { name: 'wasm', accelerated: false };
const gpu = { name: 'webgpu', accelerated: true };

describe('defaultConfig', () => {
  it('the feature head by its input, 64-d out (or as wide as its input when residual); the molecule MLP narrow off native TensorFlow and GPUs', () => {
    const f = defaultConfig({ kind: 'features', inputDim: 57, source: 'handcrafted' }, wasm);
    expect(f.imageEncoder).toEqual({ kind: 'features', inputDim: 57, outDim: FEATURE_HEAD_DIM, source: 'handcrafted' });
    expect(f.molecule).toEqual({ fpBits: FINGERPRINT_BITS, hidden: 64 });
    expect(defaultConfig({ kind: 'features', inputDim: 57, source: 'x' }, gpu).molecule.hidden).toBe(256);
    const res = defaultConfig({ kind: 'features', inputDim: 57, source: 'x', residualRank: 3 }, wasm);
    expect(res.imageEncoder).toEqual({ kind: 'features', inputDim: 57, outDim: 57, source: 'x', residualRank: 3 });
  });

  it('DEFAULT_CONFIG is the CNN on native TensorFlow, and the one-line description names every size', () => {
    expect(DEFAULT_CONFIG).toEqual(defaultConfig({ kind: 'cnn' }, { name: 'tensorflow', accelerated: false }));
    expect(DEFAULT_CONFIG.imageEncoder).toEqual({ kind: 'cnn', spec: DEFAULT_IMAGE_ENCODER });
    const line = describeConfig(defaultConfig({ kind: 'features', inputDim: 57, source: 'handcrafted' }, wasm));
    expect(line).toBe('micon · feature head 57→64 (handcrafted) · molecule 2048→64 · projection 128→64 · generator 256 · temperature 0.1 · counterfactual ×1 cross through · lr 0.005 · seed 1');
    expect(describeConfig(DEFAULT_CONFIG)).toMatch(/^micon · CNN \d+px ×5 channels → \d+ · molecule 2048→256/);
  });
});
