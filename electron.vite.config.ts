// electron-vite: main (main/app/index.ts → out/main, ESM), preload (preload/index.ts and the compute
// window's preload/compute.ts → out/preload, one CommonJS file each for the sandbox), renderer
// (renderer/ → out/renderer: the UI and the compute page renderer/compute, the same settings as
// `vite build --config renderer/vite.config.ts`, which browser mode serves; a test builds both and
// compares the files byte for byte). Output folders are electron-vite's defaults, so
// `electron-vite build --outDir X` moves all three.
//
// Works without the `electron` package (it is optional and often cannot download its binary):
// electron-vite reads electron/package.json to pick build targets, so when that is missing we give
// it the major version pinned in package.json, and every target and format is set explicitly
// here anyway, so the output is the same with or without Electron installed.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig as ElectronViteConfig } from 'electron-vite';
import { loadConfigFromFile, type Plugin, type UserConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  optionalDependencies?: Record<string, string>;
};

if (!process.env.ELECTRON_MAJOR_VER) {
  let installed: boolean;
  try {
    createRequire(path.join(root, 'package.json')).resolve('electron/package.json');
    installed = true;
  } catch {
    installed = false;
  }
  const pinned = pkg.optionalDependencies?.electron?.match(/\d+/)?.[0];
  if (!installed && pinned) process.env.ELECTRON_MAJOR_VER = pinned;
}

/** Node inside Electron 45 is newer than this; node22 only bounds which syntax gets lowered. */
const NODE_TARGET = 'node22';

/** Native or WASM packages: never bundled, loaded from node_modules at run time. */
const NATIVE = ['better-sqlite3', 'sharp', '@rdkit/rdkit', 'onnxruntime-node', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'sqlite-vec'];

/**
 * A sandboxed preload can require only 'electron': fail the build if anything else sneaks in, including
 * a chunk shared between the two preloads (each must be one self-contained file).
 */
function preloadRequiresOnlyElectron(): Plugin {
  return {
    name: 'micon:preload-requires-only-electron',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
      const shared = chunks.filter((c) => !c.isEntry);
      if (shared.length) this.error(`each preload must be one file; got shared chunk(s) ${shared.map((c) => c.fileName).join(', ')} (preloads must not import the same module)`);
      for (const c of chunks) {
        const other = [...c.imports, ...c.dynamicImports].filter((i) => i !== 'electron');
        if (other.length) this.error(`the sandboxed preload may only require 'electron', but ${c.fileName} requires ${other.join(', ')} (use \`import type\`)`);
      }
    },
  };
}

export default defineConfig(async ({ command, mode }): Promise<ElectronViteConfig> => {
  const rendererFile = path.join(root, 'renderer', 'vite.config.ts');
  const loaded = await loadConfigFromFile({ command, mode, isSsrBuild: false, isPreview: false }, rendererFile, root, 'silent');
  const r: UserConfig = loaded?.config ?? {};
  const rendererRoot = r.root ?? path.join(root, 'renderer');

  return {
    main: {
      build: {
        target: NODE_TARGET,
        externalizeDeps: { include: NATIVE },
        // The job process and the ingest's decode workers are started from files next to the code
        // that starts them (`new URL('./child.js', import.meta.url)`): they must be entries of their
        // own, and every chunk must sit in out/main beside them.
        lib: {
          entry: {
            index: path.join(root, 'main', 'app', 'index.ts'),
            child: path.join(root, 'main', 'core', 'jobs', 'child.ts'),
            'site-worker': path.join(root, 'main', 'core', 'ingest', 'site-worker.ts'),
          },
          formats: ['es'],
        },
        rolldownOptions: { output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' } },
      },
    },
    preload: {
      plugins: [preloadRequiresOnlyElectron()],
      build: {
        target: NODE_TARGET,
        // Bundle, never `require`, anything the preload uses (the guard above rejects the rest).
        externalizeDeps: false,
        // index: the UI's window.micon; compute: the hidden compute window's window.miconCompute.
        lib: { entry: { index: path.join(root, 'preload', 'index.ts'), compute: path.join(root, 'preload', 'compute.ts') }, formats: ['cjs'] },
        rolldownOptions: { output: { entryFileNames: '[name].cjs' } },
      },
    },
    renderer: {
      // The browser-mode build's own settings; electron-vite's renderer defaults (chrome target,
      // no minify, no modulepreload polyfill, RENDERER_VITE_ prefix) are overridden with Vite's so
      // both commands write the same out/renderer.
      ...r,
      root: rendererRoot,
      base: r.base ?? './',
      envDir: r.envDir ?? rendererRoot,
      envPrefix: r.envPrefix ?? 'VITE_',
      build: {
        ...r.build,
        // electron-vite's default out/renderer (where main/app looks); `--outDir X` moves all three.
        outDir: undefined,
        target: r.build?.target ?? 'baseline-widely-available',
        minify: r.build?.minify ?? 'oxc',
        modulePreload: r.build?.modulePreload ?? { polyfill: true },
        reportCompressedSize: r.build?.reportCompressedSize ?? true,
        rolldownOptions: {
          ...r.build?.rolldownOptions,
          // renderer/vite.config.ts names both pages (index.html, compute/index.html).
          input: r.build?.rolldownOptions?.input ?? path.join(rendererRoot, 'index.html'),
        },
      },
    },
  };
});
