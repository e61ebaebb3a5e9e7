import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_ENCODER, encoderParamShapes } from '../../../../main/core/ml/encoder-spec.js';
import { checkProvider, createEmbedder, cudaAddonStatus, defaultExecutionProviders } from '../../../../main/core/ml/onnx-embed.js';
import { exportImageEncoderOnnx } from '../../../../main/core/ml/onnx-export.js';
import { randomWeights, rng, uniform } from './onnx-helpers.js';

const spec = DEFAULT_IMAGE_ENCODER;
const model = exportImageEncoderOnnx(spec, randomWeights(encoderParamShapes(spec), 7));
const siteSize = spec.channels * spec.inputSize ** 2;

describe('ORT embedder', () => {
  it('tries cuda → dml/coreml → webgpu → cpu, as this platform can have them', () => {
    expect(defaultExecutionProviders('linux')).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(defaultExecutionProviders('win32')).toEqual(['cuda', 'dml', 'webgpu', 'cpu']);
    expect(defaultExecutionProviders('darwin')).toEqual(['coreml', 'webgpu', 'cpu']);
  });

  it('says which provider runs and why a faster one was skipped', async () => {
    const cuda = cudaAddonStatus();
    // Without a GPU (CI) webgpu is skipped: no adapter, or a software one refused (onnx-embed-webgpu.test.ts).
    const webgpu = await checkProvider('webgpu');
    const emb = await createEmbedder(model, { threads: 1 });
    try {
      expect(emb.provider).toBe(cuda.available ? 'cuda' : webgpu.ok ? 'webgpu' : 'cpu');
      expect(emb.adapter).toBe(emb.provider === 'webgpu' && webgpu.ok ? webgpu.adapter : null);
      if (!cuda.available) expect(emb.fallbackReason).toMatch(/cuda: .*CUDA/);
      if (emb.provider === 'cpu' && !webgpu.ok) expect(emb.fallbackReason).toContain(`webgpu: ${webgpu.reason}`);
      console.log(`[onnx] provider ${emb.provider}${emb.fallbackReason ? ` (${emb.fallbackReason})` : ''}`);
    } finally {
      await emb.close();
    }
  });

  it('falls back past a provider that cannot load, recording the reason', async () => {
    const emb = await createEmbedder(model, { executionProviders: ['no-such-ep', 'cpu'], threads: 1 });
    try {
      expect(emb.provider).toBe('cpu');
      expect(emb.fallbackReason).toMatch(/no-such-ep: not in this onnxruntime-node build \(it has cpu, webgpu/);
    } finally {
      await emb.close();
    }
    await expect(createEmbedder(model, { executionProviders: ['no-such-ep'] })).rejects.toThrow(/no-such-ep/);
  });

  it('checks the batch length, handles an empty batch, and reads subarray views', async () => {
    const emb = await createEmbedder(model, { threads: 1 });
    try {
      const two = uniform(2 * siteSize, rng(3));
      const second = await emb.embed(two.subarray(siteSize), 1);
      expect(Array.from(second)).toEqual(Array.from(await emb.embed(two.slice(siteSize), 1)));
      await expect(emb.embed(new Float32Array(siteSize - 1), 1)).rejects.toThrow(/values for 1 items/);
      expect((await emb.embed(new Float32Array(0), 0)).length).toBe(0);
    } finally {
      await emb.close();
    }
  });

  // Timing is printed, not asserted: shared CI machines are too noisy for a threshold.
  it('throughput: DEFAULT_IMAGE_ENCODER, batches of 64 sites, 2 threads', async () => {
    const emb = await createEmbedder(model, { executionProviders: ['cpu'], threads: 2 });
    try {
      const batch = uniform(64 * siteSize, rng(1));
      for (let i = 0; i < 3; i++) await emb.embed(batch, 64);
      let sites = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < 2000) {
        await emb.embed(batch, 64);
        sites += 64;
      }
      const perS = (sites / (performance.now() - t0)) * 1000;
      console.log(`[onnx] ORT cpu, 2 threads: ${Math.round(perS)} sites/s (batch 64, ${spec.channels}×${spec.inputSize}² per site)`);
      expect(perS).toBeGreaterThan(0);
    } finally {
      await emb.close();
    }
  });
});
