// Electron's hidden compute window: MICON's model side (LocalTrainer, tfjs) on Chromium's own WebGPU,
// serving Trainer calls (main/core/ml/trainer-protocol.ts) that a training job in the job process
// sends through the app (dawn.node does not load inside Electron, and utilityProcess has no
// navigator.gpu). The narrow preload (preload/compute.ts) exposes `window.miconCompute`: calls in,
// replies out, nothing else; the page has no other API and no network.
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { TrainerServer, type OpenedBackend } from '../../main/core/ml/trainer-server.js';
import { adapterInfo, describeAdapter, softwareRefusal, type DawnAdapter, type GpuAdapterInfo } from '../../main/core/system/webgpu.js';

/** What the compute preload (or a test's stand-in for Electron's transport) provides. */
export interface ComputeBridge {
  /** Trainer calls from the app, one listener. */
  onCall(listener: (message: unknown) => void): void;
  /** Replies, and one `{ type: 'compute-ready' }` once the page listens. */
  send(message: unknown): void;
}

declare global {
  interface Window {
    miconCompute?: ComputeBridge;
  }
}

interface ChromiumAdapter {
  readonly info: GPUAdapterInfo & { isFallbackAdapter?: boolean };
  /** Before Chromium moved it onto `info`. */
  readonly isFallbackAdapter?: boolean;
  readonly features: ReadonlySet<string>;
  readonly limits: GPUSupportedLimits;
  requestDevice(d?: GPUDeviceDescriptor): Promise<GPUDevice>;
}

let active: { info: GpuAdapterInfo; detail: string } | null = null;

/** Chromium's high-performance adapter on tfjs's webgpu backend, once per page; a software one only when allowed. */
async function openWebGpu(allowSoftware: boolean): Promise<OpenedBackend> {
  if (!active) {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(o?: { powerPreference?: string }): Promise<ChromiumAdapter | null> } }).gpu;
    if (!gpu) return { ok: false, reason: 'this Chromium has no WebGPU (navigator.gpu is missing)' };
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { ok: false, reason: 'no WebGPU adapter: Chromium found no usable GPU (its GPU process may have blocklisted the driver; see chrome://gpu in a browser of the same version)' };
    const i = adapter.info;
    const info = adapterInfo({ info: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter ?? adapter.isFallbackAdapter } } as DawnAdapter);
    if (info.software && !allowSoftware) return { ok: false, reason: softwareRefusal(info) };
    // The limits tfjs-backend-webgpu's own factory asks for, on the adapter chosen here (its factory
    // would call requestAdapter again, and the choice would no longer be ours).
    const l = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
      requiredLimits: {
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      },
    });
    tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', () => new WebGPUBackend(device, i));
    if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: 'tfjs could not start its webgpu backend on this adapter' };
    await tf.ready();
    active = { info, detail: `webgpu on ${describeAdapter(info)} (Chromium, compute window)` };
  }
  // A page already running on a software adapter still refuses a job that did not allow one.
  if (active.info.software && !allowSoftware) return { ok: false, reason: softwareRefusal(active.info) };
  return { ok: true, backend: 'webgpu', detail: active.detail };
}

const bridge = window.miconCompute;
if (bridge) {
  const server = new TrainerServer(openWebGpu);
  bridge.onCall((message) => void server.handle(message).then((reply) => bridge.send(reply)));
  bridge.send({ type: 'compute-ready' });
}
