// Activates tfjs-backend-webgpu on the adapter findWebGpuAdapter chose (never a software one unless
// asked). STAND-IN until ml/backend.ts gains `selectBackend('webgpu', { allowSoftwareGpu })` (issue 16,
// being added on branch issue-16a): then gpu.bench.ts calls that and this file goes.
// The backend's own factory asks navigator.gpu for *an* adapter itself, so we register one that wraps
// the device of the adapter we picked (WebGPUBackend is exported for exactly that).
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { describeAdapter, findWebGpuAdapter, type DawnAdapter, type DawnGpu, type GpuAdapterInfo } from '../../main/core/system/webgpu.js';

export type WebGpuActivation = { ok: true; detail: string; info: GpuAdapterInfo } | { ok: false; reason: string; info?: GpuAdapterInfo };

/** The limits tfjs-backend-webgpu's own factory requests (base.ts), so big convolutions get the adapter's maxima. */
const LIMITS = ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'];

/**
 * WebGPUBackend's constructor insists on `navigator.gpu` (Node has no navigator before 21, and then no
 * gpu in it): give it one whose requestAdapter answers with the adapter we chose.
 */
function installNavigatorGpu(gpu: DawnGpu, adapter: DawnAdapter): void {
  const wrapped = { ...gpu, requestAdapter: async () => adapter, getPreferredCanvasFormat: () => 'rgba8unorm' };
  const g = globalThis as { navigator?: object };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: wrapped, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu: wrapped }, configurable: true, writable: true });
}

export async function activateWebGpu(allowSoftware: boolean): Promise<WebGpuActivation> {
  const found = await findWebGpuAdapter({ allowSoftware });
  if (!found.ok) return found;
  const { adapter, info } = found;
  try {
    const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
    const requiredLimits = Object.fromEntries(LIMITS.map((k) => [k, adapter.limits[k]]));
    const device = (await adapter.requestDevice({ requiredFeatures, requiredLimits })) as ConstructorParameters<typeof WebGPUBackend>[0];
    installNavigatorGpu(found.gpu, adapter);
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info as ConstructorParameters<typeof WebGPUBackend>[1]));
    // As issue-16a's backend.ts does for training (deterministic runs, exact resume): no split-K matmuls
    // summed with atomics, so the bench times the kernels training uses.
    tf.env().set('WEBGPU_THRESHOLD_TO_INCREASE_WORKGROUPS_FOR_MATMUL', 0.5);
    if (!(await tf.setBackend('webgpu'))) return { ok: false, info, reason: "tf.setBackend('webgpu') returned false" };
    await tf.ready();
    return { ok: true, info, detail: `@tensorflow/tfjs-backend-webgpu on ${describeAdapter(info)}` };
  } catch (e) {
    return { ok: false, info, reason: `webgpu backend failed on ${describeAdapter(info)}: ${(e as Error).message}` };
  }
}
