// Finds a WebGPU adapter for this process through the `webgpu` package (Dawn's Node bindings: Vulkan
// on Linux, Metal on macOS, D3D12 on Windows; binaries ship in the npm tarball). Dawn hands out
// software adapters (SwiftShader, lavapipe, WARP) from a plain requestAdapter(); they are 6–120× slower
// than wasm, so they are refused unless the user asks for them, and every refusal says why.
// Training (ml/backend.ts) and inference (ml/onnx-embed.ts) both ask here, so they agree.

/** What Dawn says about an adapter (GPUAdapterInfo), plus whether we count it as software. */
export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn's own flag (`isFallbackAdapter`) or a known CPU rasteriser's name. */
  software: boolean;
}

/** The subset of GPUAdapter we use; the `webgpu` package's objects satisfy it. */
export interface DawnAdapter {
  readonly info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean };
  readonly features: ReadonlySet<string>;
  readonly limits: Record<string, number>;
  requestDevice(descriptor?: unknown): Promise<unknown>;
}

export interface DawnGpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power'; forceFallbackAdapter?: boolean }): Promise<DawnAdapter | null>;
}

export type WebGpuFound =
  | { ok: true; gpu: DawnGpu; adapter: DawnAdapter; info: GpuAdapterInfo }
  /** `info` is set when an adapter exists but was refused (a software one without allowSoftware). */
  | { ok: false; reason: string; info?: GpuAdapterInfo };

export interface WebGpuOptions {
  /** Accept a software (fallback) adapter — for tests and for users who ask (`--allow-software-gpu`). */
  allowSoftware?: boolean;
}

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

export function adapterInfo(a: DawnAdapter): GpuAdapterInfo {
  const i = a.info;
  const text = `${i.vendor} ${i.architecture} ${i.device} ${i.description}`;
  return {
    vendor: i.vendor ?? '',
    architecture: i.architecture ?? '',
    device: i.device ?? '',
    description: i.description ?? '',
    software: Boolean(i.isFallbackAdapter) || SOFTWARE_NAMES.test(text),
  };
}

/** One human line: "NVIDIA H200 (nvidia hopper)", "SwiftShader driver 5.0.0 (software)". */
export function describeAdapter(i: GpuAdapterInfo): string {
  const name = i.description || i.device || i.vendor || 'unknown adapter';
  const extra = [i.vendor, i.architecture].filter((s) => s && !name.toLowerCase().includes(s.toLowerCase())).join(' ');
  return `${name}${extra ? ` (${extra})` : ''}${i.software ? ' [software]' : ''}`;
}

/**
 * The device tfjs-backend-webgpu's own factory asks for — the adapter's maxima, far above WebGPU's
 * defaults — for an adapter we chose (its factory would call requestAdapter again, and the choice would
 * no longer be ours). Used in job processes (Dawn) and in Electron's compute window (Chromium).
 */
export function tfjsDeviceDescriptor(a: { readonly features: ReadonlySet<string>; readonly limits: object }): { requiredFeatures: string[]; requiredLimits: Record<string, number> } {
  const limits = a.limits as Record<string, number>;
  const names = ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'];
  return { requiredFeatures: a.features.has('timestamp-query') ? ['timestamp-query'] : [], requiredLimits: Object.fromEntries(names.map((k) => [k, limits[k]])) };
}

/**
 * tfjs flags for training on webgpu. tfjs-webgpu splits a matmul's inner dimension across workgroups
 * (summed with atomics, in no fixed order) when the output is small and K ≥ 2000 — MICON's
 * fingerprint layer — so two identical runs differ (~1e-4 after a few Adam steps) and resume is not
 * exact; a threshold below one workgroup keeps every matmul on the tiled program, where each output
 * is one thread's ordered sum.
 */
export const TFJS_WEBGPU_TRAINING_FLAGS = { WEBGPU_THRESHOLD_TO_INCREASE_WORKGROUPS_FOR_MATMUL: 0.5 } as const;

/** Why a software adapter is not used (here, and in Electron's compute window, which imports this file). */
export function softwareRefusal(i: GpuAdapterInfo): string {
  return `refused the software WebGPU adapter ${describeAdapter(i)}: it emulates a GPU on the CPU (training 6–120× slower than wasm, embedding ~300–800× slower than onnxruntime on the CPU); pass --allow-software-gpu to use it anyway`;
}

function noAdapterReason(): string {
  if (process.platform === 'linux') return 'no WebGPU adapter: Dawn found no Vulkan GPU (install the GPU vendor\'s Vulkan driver and the Vulkan loader, libvulkan1)';
  if (process.platform === 'win32') return 'no WebGPU adapter: Dawn found no Direct3D 12 GPU';
  if (process.platform === 'darwin') return 'no WebGPU adapter: Dawn found no Metal GPU';
  return `no WebGPU adapter (Dawn has no backend for ${process.platform})`;
}

let dawn: Promise<DawnGpu | string> | null = null;

/** The process's Dawn instance (created once), or why the `webgpu` package cannot load. */
function dawnGpu(): Promise<DawnGpu | string> {
  dawn ??= (async () => {
    try {
      const specifier = 'webgpu';
      const mod = (await import(specifier)) as { create: (flags: string[]) => DawnGpu; globals: Record<string, unknown> };
      // tfjs-backend-webgpu reads GPUBufferUsage, GPUMapMode … from the global scope, as in a browser.
      for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
      return mod.create([]);
    } catch (e) {
      const m = e instanceof Error ? e.message.split('\n')[0] : String(e);
      return /Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(m)
        ? 'the webgpu package (Dawn for Node) is not installed'
        : `the webgpu package (Dawn for Node) cannot load here: ${m}`;
    }
  })();
  return dawn;
}

/**
 * The high-performance adapter, or why there is none. A software adapter is returned only with
 * `allowSoftware`; otherwise the answer says it was refused and names it.
 */
export async function findWebGpuAdapter(opts: WebGpuOptions = {}): Promise<WebGpuFound> {
  const gpu = await dawnGpu();
  if (typeof gpu === 'string') return { ok: false, reason: gpu };
  let adapter: DawnAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { ok: false, reason: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  }
  if (!adapter) return { ok: false, reason: noAdapterReason() };
  const info = adapterInfo(adapter);
  if (info.software && !opts.allowSoftware) return { ok: false, info, reason: softwareRefusal(info) };
  return { ok: true, gpu, adapter, info };
}
