import { createRequire } from 'node:module';
import os from 'node:os';

const require = createRequire(import.meta.url);

export interface Component {
  name: string;
  available: boolean;
  version?: string;
  detail?: string;
  /** What to do when it is missing, for optional components. */
  fix?: string;
  optional: boolean;
}

/** One tfjs backend (the `tensorflow` backend appears once per native package that provides it). */
export interface TfBackendStatus {
  name: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  package: string;
  device: 'CUDA' | 'GPU' | 'CPU';
  /** webgpu: the adapter Dawn offered (also when it was refused as software). */
  adapter?: string;
  available: boolean;
  version?: string;
  detail?: string;
  /** Why it is not available (or was not probed). */
  reason?: string;
  threads?: number;
  simd?: boolean;
}

export interface ExecutionProviderStatus {
  name: string;
  available: boolean;
  reason?: string;
  /** webgpu: the GPU it runs on. */
  adapter?: string;
}

export interface DoctorReport {
  node: string;
  platform: string;
  cpus: number;
  memoryGiB: number;
  components: Component[];
  threads: { cpus: number; wasm: number | null; onnxruntime: number };
  tfjs: {
    version: string | null;
    backends: TfBackendStatus[];
    /** Whether training has a real GPU here and, if not, exactly why; `advice` says how to get one. */
    gpu: { usable: boolean; summary: string; advice: string };
  };
  onnxruntime: { version: string | null; available: boolean; reason?: string; executionProviders: ExecutionProviderStatus[] };
  /** What each job will run on here: training picks a tfjs backend, embedding an ORT execution provider. */
  jobs: {
    train: { backend: string; detail: string; threads: number; skipped: string[] } | { backend: null; error: string };
    embed: { provider: string; adapter: string | null; threads: number; skipped: string | null } | { provider: null; error: string };
  };
}

function version(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

async function probe(name: string, optional: boolean, load: () => Promise<Partial<Component>>, fix?: string): Promise<Component> {
  try {
    return { name, optional, available: true, ...(await load()) };
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    const missing = /Cannot find (module|package)/.test(msg);
    return { name, optional, available: false, detail: missing ? 'not installed' : msg, fix };
  }
}

/** Explain why @tensorflow/tfjs-node-gpu failed to load: it binds libtensorflow 2.9, built for CUDA 11 + cuDNN 8. */
export function explainTfGpuError(message: string): string {
  const lib = /(lib[\w.+-]+\.so(?:\.[\d.]+)?)/.exec(message)?.[1];
  if (lib && /cud|cublas|cufft|curand|cusolver|cusparse/.test(lib)) {
    return `${lib} not found: @tensorflow/tfjs-node-gpu 4.x needs the CUDA 11 runtime and cuDNN 8 (machines with only CUDA 12 cannot load it); install CUDA 11.x + cuDNN 8 libraries or train on the CPU/WASM backend`;
  }
  return message;
}

/**
 * How to get a training GPU: tfjs-node-gpu needs CUDA 11 + cuDNN 8 (it can sit beside CUDA 12);
 * WebGPU needs only the vendor's Vulkan / Metal / D3D12 driver.
 */
function cudaRouteAdvice(): string {
  return (
    'CUDA 12 / AMD / Apple / Windows: the webgpu backend needs only the GPU vendor\'s driver (Vulkan on Linux with libvulkan1, Metal, Direct3D 12). ' +
    'For @tensorflow/tfjs-node-gpu (libtensorflow 2.9), install the CUDA 11.x runtime (cudart, cuBLAS, cuFFT, cuRAND, cuSOLVER, cuSPARSE) and cuDNN 8 ' +
    'side by side with CUDA 12 (e.g. /usr/local/cuda-11.8) and put their lib64 folders on LD_LIBRARY_PATH for micon'
  );
}

export async function doctor(): Promise<DoctorReport> {
  const components = await Promise.all([
    probe('better-sqlite3', false, async () => {
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(':memory:');
      const v = (db.prepare('SELECT sqlite_version() v').get() as { v: string }).v;
      db.close();
      return { version: version('better-sqlite3'), detail: `SQLite ${v}` };
    }),
    probe('sharp', false, async () => {
      const sharp = (await import('sharp')).default;
      return { version: sharp.versions.sharp, detail: `libvips ${sharp.versions.vips}, TIFF ${sharp.format.tiff.input.file ? 'yes' : 'no'}` };
    }),
    probe('@rdkit/rdkit', false, async () => {
      const { getRDKit } = await import('../chem/rdkit.js');
      return { version: (await getRDKit()).version() };
    }),
    probe('onnxruntime-node', false, async () => {
      const ort = await import('onnxruntime-node');
      return { version: ort.env.versions.node ?? version('onnxruntime-node'), detail: `inference (embedding); built with ${ort.listSupportedBackends().map((b) => `${b.name}${b.bundled ? '' : ' (separate add-on)'}`).join(', ')}` };
    }),
    probe(
      'electron',
      true,
      async () => {
        // Not by requiring the electron package: with the package present but no binary, that starts a download.
        const { detectElectron } = await import('../../../scripts/electron-detect.mjs');
        const e = detectElectron();
        if (!e.installed) throw new Error(e.reason);
        return { version: e.version ?? undefined, detail: e.binary };
      },
      'npm install on a machine that can reach the Electron download host; until then `npm start` uses browser mode',
    ),
    probe(
      '@tensorflow/tfjs-node-gpu',
      true,
      async () => {
        try {
          await import('@tensorflow/tfjs-node-gpu' as string);
        } catch (e) {
          const m = (e as Error).message;
          if (/Cannot find (module|package)/.test(m)) throw e;
          throw new Error(explainTfGpuError(m), { cause: e });
        }
        return { version: version('@tensorflow/tfjs-node-gpu') };
      },
      `optional: CUDA training backend (needs CUDA 11 + cuDNN 8). ${cudaRouteAdvice()}`,
    ),
    probe('@tensorflow/tfjs-node', true, async () => {
      await import('@tensorflow/tfjs-node' as string);
      return { version: version('@tensorflow/tfjs-node') };
    }, 'optional: native CPU training backend (downloads libtensorflow at install time)'),
  ]);
  // After the component probes, one at a time: backends are process-wide state in tfjs.
  const tfjs = await tfjsBackends();
  const ort = await onnxRuntime();
  const cpus = os.availableParallelism();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    components,
    threads: { cpus, wasm: tfjs.backends.find((b) => b.name === 'wasm')?.threads ?? null, onnxruntime: ort.threads },
    tfjs: { version: tfjs.version, backends: tfjs.backends, gpu: tfjs.gpu },
    onnxruntime: { version: ort.version, available: ort.available, ...(ort.reason ? { reason: ort.reason } : {}), executionProviders: ort.executionProviders },
    jobs: { train: tfjs.train, embed: ort.embed },
  };
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/**
 * Every tfjs backend with why it is or is not usable, and the one training picks: selectBackend's
 * own order (tfjs-node-gpu on a GPU → webgpu → native CPU → wasm → cpu), so the answer cannot drift
 * from what runs.
 */
async function tfjsBackends(): Promise<{ version: string | null; backends: TfBackendStatus[]; train: DoctorReport['jobs']['train']; gpu: DoctorReport['tfjs']['gpu'] }> {
  let mod: typeof import('../ml/backend.js');
  let tf: typeof import('@tensorflow/tfjs');
  let webgpu: typeof import('./webgpu.js');
  const advice = cudaRouteAdvice();
  try {
    [mod, tf, webgpu] = await Promise.all([import('../ml/backend.js'), import('@tensorflow/tfjs'), import('./webgpu.js')]);
  } catch (e) {
    const error = `@tensorflow/tfjs cannot be loaded: ${firstLine(e)}`;
    return { version: null, backends: [], train: { backend: null, error }, gpu: { usable: false, summary: `no usable GPU for training: ${error}`, advice } };
  }
  const backends: TfBackendStatus[] = [];
  let train: DoctorReport['jobs']['train'];
  let choice: Awaited<ReturnType<typeof mod.selectBackend>> | null = null;
  try {
    choice = await mod.selectBackend('tensorflow');
    const skipped = choice.tried.filter((t) => !t.ok).map((t) => `${t.name}: ${t.error ?? 'failed'}`);
    train = { backend: choice.name, detail: choice.detail, threads: choice.threads, skipped };
  } catch (e) {
    train = { backend: null, error: firstLine(e) };
  }
  const tried = (name: string) => choice?.tried.find((x) => x.name === name);
  const nativeRow = (pkg: string, device: 'CUDA' | 'CPU', ok: boolean, reason?: string): TfBackendStatus =>
    ok
      ? { name: 'tensorflow', package: pkg, device, available: true, version: version(pkg), detail: choice!.detail, threads: choice!.threads }
      : { name: 'tensorflow', package: pkg, device, available: false, version: version(pkg), reason };
  const gpuPkg = tried('@tensorflow/tfjs-node-gpu');
  backends.push(nativeRow('@tensorflow/tfjs-node-gpu', 'CUDA', Boolean(gpuPkg?.ok), gpuPkg?.error ?? 'not probed'));

  // webgpu: what selectBackend found, else (a CUDA machine stops before it) ask Dawn directly.
  const wg = tried('webgpu');
  const found = await webgpu.findWebGpuAdapter();
  const adapter = found.info ? webgpu.describeAdapter(found.info) : undefined;
  const webgpuRow: TfBackendStatus = { name: 'webgpu', package: '@tensorflow/tfjs-backend-webgpu', device: 'GPU', version: version('@tensorflow/tfjs-backend-webgpu'), ...(adapter ? { adapter } : {}), available: false };
  if (wg?.ok) backends.push({ ...webgpuRow, available: true, detail: choice!.detail, threads: 1 });
  else if (wg) backends.push({ ...webgpuRow, reason: wg.error });
  else backends.push(found.ok ? { ...webgpuRow, available: true, detail: `adapter ${adapter} (not used: ${choice?.detail ?? 'training picked another backend'})` } : { ...webgpuRow, reason: found.reason });

  const cpuViaGpuPkg = tried('@tensorflow/tfjs-node-gpu (CPU)');
  const cpuPkg = tried('@tensorflow/tfjs-node');
  if (cpuViaGpuPkg?.ok) backends.push(nativeRow('@tensorflow/tfjs-node-gpu', 'CPU', true));
  else if (cpuPkg) backends.push(nativeRow('@tensorflow/tfjs-node', 'CPU', cpuPkg.ok, cpuPkg.error));
  else backends.push(nativeRow('@tensorflow/tfjs-node', 'CPU', false, gpuPkg?.ok || wg?.ok ? `not probed: training runs on ${choice!.name} (a GPU)` : 'not probed'));
  try {
    const w = choice?.name === 'wasm' ? choice : await mod.selectBackend('wasm');
    if (w.name !== 'wasm') throw new Error(w.tried.find((t) => t.name === 'wasm')?.error ?? 'did not load');
    backends.push({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', device: 'CPU', available: true, version: version('@tensorflow/tfjs-backend-wasm'), detail: w.detail, threads: w.threads, simd: w.simd });
  } catch (e) {
    backends.push({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', device: 'CPU', available: false, version: version('@tensorflow/tfjs-backend-wasm'), reason: firstLine(e) });
  }
  try {
    const c = await mod.selectBackend('cpu');
    backends.push({ name: 'cpu', package: '@tensorflow/tfjs', device: 'CPU', available: true, version: tf.version_core, detail: c.detail, threads: c.threads });
  } catch (e) {
    backends.push({ name: 'cpu', package: '@tensorflow/tfjs', device: 'CPU', available: false, reason: firstLine(e) });
  }
  const usable = Boolean(choice?.accelerated);
  const why = (b: TfBackendStatus) => `${b.package}: ${b.reason ?? 'unavailable'}`;
  const summary = usable
    ? `training uses the GPU: ${choice!.detail}`
    : `no usable GPU for training, so it runs on the CPU (${choice?.detail ?? 'nothing'}): ${[backends[0], backends[1]].map(why).join('; ')}`;
  return { version: tf.version.tfjs ?? null, backends, train, gpu: { usable, summary, advice } };
}

/**
 * onnxruntime-node: version, every execution provider of the embedder's order (cuda → dml/coreml →
 * webgpu → cpu) with why it is or is not usable — the embedder's own checks (add-on, WebGPU adapter,
 * software adapters refused), then a session on a one-node model — and the one embedding picks.
 */
async function onnxRuntime(): Promise<{ version: string | null; available: boolean; reason?: string; threads: number; executionProviders: ExecutionProviderStatus[]; embed: DoctorReport['jobs']['embed'] }> {
  const threads = os.availableParallelism();
  let embedMod: typeof import('../ml/onnx-embed.js');
  let tiny: Uint8Array;
  try {
    embedMod = await import('../ml/onnx-embed.js');
    const { GraphBuilder } = await import('../ml/onnx-graph.js');
    const g = new GraphBuilder();
    g.op('Relu', ['x'], {}, 'y');
    tiny = g.model('doctor', { name: 'x', dims: [1, 4] }, { name: 'y', dims: [1, 4] }, {});
  } catch (e) {
    const reason = `onnxruntime-node cannot be loaded: ${firstLine(e)}`;
    return { version: version('onnxruntime-node') ?? null, available: false, reason, threads, executionProviders: [], embed: { provider: null, error: reason } };
  }
  const probe = async (ep: string): Promise<ExecutionProviderStatus> => {
    const check = await embedMod.checkProvider(ep);
    if (!check.ok) return { name: ep, available: false, reason: check.reason };
    try {
      const e = await embedMod.createEmbedder(tiny, { executionProviders: [ep], threads: 1 });
      await e.close();
      return { name: ep, available: true, ...(e.adapter ? { adapter: e.adapter } : {}) };
    } catch (e) {
      return { name: ep, available: false, reason: firstLine(e).replace(/^no ONNX Runtime execution provider could load the model: [\w-]+: /, '') };
    }
  };
  const executionProviders: ExecutionProviderStatus[] = [];
  for (const ep of embedMod.defaultExecutionProviders()) executionProviders.push(await probe(ep));
  let embed: DoctorReport['jobs']['embed'];
  try {
    const e = await embedMod.createEmbedder(tiny);
    await e.close();
    embed = { provider: e.provider, adapter: e.adapter, threads, skipped: e.fallbackReason || null };
  } catch (e) {
    embed = { provider: null, error: firstLine(e) };
  }
  const cpu = executionProviders.find((p) => p.name === 'cpu');
  return { version: version('onnxruntime-node') ?? null, available: !!cpu?.available, threads, executionProviders, embed };
}
