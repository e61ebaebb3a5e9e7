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

export interface DoctorReport {
  node: string;
  platform: string;
  cpus: number;
  memoryGiB: number;
  components: Component[];
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
      'optional: CUDA training backend (needs CUDA 11 + cuDNN 8)',
    ),
    probe('@tensorflow/tfjs-node', true, async () => {
      await import('@tensorflow/tfjs-node' as string);
      return { version: version('@tensorflow/tfjs-node') };
    }, 'optional: native CPU training backend (downloads libtensorflow at install time)'),
  ]);
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    components,
  };
}
