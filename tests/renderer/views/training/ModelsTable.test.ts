// The Models table says how each model's embedding ran: ONNX Runtime provider, the GPU for webgpu,
// and (as a tooltip) why faster providers were skipped.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../../main/core/api/contract.js';
import { ModelsTable } from '../../../../renderer/src/views/training/ModelsTable.js';

const model = (name: string, over: Partial<ModelInfo>): ModelInfo => ({
  name,
  kind: 'micon',
  status: 'trained',
  step: 40,
  backend: 'wasm',
  checkpoint: null,
  updatedAt: '2026-12-03T17:00:00Z',
  encoder: 'features',
  featureSource: null,
  losses: [2, 1],
  embedded: true,
  inference: null,
  ...over,
});

const cell = (html: string, name: string) => new RegExp(`data-model="${name}".*?<td data-testid="model-embedded"([^>]*)>(.*?)</td>`, 's').exec(html)!;

describe('ModelsTable', () => {
  it('shows the provider and adapter of each embedding, the skipped providers as a tooltip; nothing before embed', () => {
    const html = renderToStaticMarkup(
      createElement(ModelsTable, {
        models: [
          model('gpu', { inference: { provider: 'webgpu', adapter: 'NVIDIA H200 (nvidia hopper)', skipped: 'cuda: onnxruntime-node CUDA add-on not installed' } }),
          model('cpu', { inference: { provider: 'cpu', adapter: null, skipped: 'webgpu: refused the software WebGPU adapter SwiftShader' } }),
          model('fresh', { embedded: false }),
        ],
      }),
    );
    const [, gpuAttrs, gpuText] = cell(html, 'gpu');
    expect(gpuAttrs).toContain('data-embedded="yes"');
    expect(gpuAttrs).toContain('data-provider="webgpu"');
    expect(gpuAttrs).toContain('title="faster providers skipped: cuda: onnxruntime-node CUDA add-on not installed"');
    expect(gpuText).toMatch(/^yes<div[^>]*>onnxruntime webgpu on NVIDIA H200 \(nvidia hopper\)<\/div>$/);
    const [, cpuAttrs, cpuText] = cell(html, 'cpu');
    expect(cpuAttrs).toContain('refused the software WebGPU adapter SwiftShader');
    expect(cpuText).toMatch(/onnxruntime cpu<\/div>$/);
    const [, freshAttrs, freshText] = cell(html, 'fresh');
    expect(freshAttrs).toContain('data-embedded="no"');
    expect(freshAttrs).not.toContain('data-provider');
    expect(freshText).toBe('not yet');
  });
});
