import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Layer fences (tests/main/layer-fence.test.ts proves each one fails on a violation). Relative
// specifiers only: nothing in this repository is imported through a package name.
/** From main/core: any path that leaves the core for a shell (main/app, main/server, main/shell, main/cli[.ts]) or the UI. */
const CORE_OUTWARD = '^(\\.\\./)+(app|server|cli|shell|renderer|preload)(/|\\.js$|$)';
/** From renderer/src: anything under main/ except the contract (contract.ts, which re-exports every contract-<area>.ts) and images/tile-url. */
const RENDERER_CORE_INTERNAL = '^(\\.\\./)+main/(?!core/api/contract(\\.js)?$|core/images/tile-url(\\.js)?$)';
/** From renderer/compute: anything under main/ except the core's model code and the WebGPU probe. */
const COMPUTE_PAGE_OUTWARD = '^(\\.\\./)+main/(?!core/ml/[-\\w]+(\\.js)?$|core/system/webgpu(\\.js)?$)';
/** From preload/: anything under main/ except the contract and the IPC channel names. */
const PRELOAD_OUTWARD = '^(\\.\\./)+main/(?!core/api/contract(\\.js)?$|app/(compute-)?channels(\\.js)?$)';
/** Node's globals, which the renderer's tsconfig.web.json cannot rule out while the contract's core imports pull in @types/node. */
const NODE_GLOBALS = ['process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate', 'clearImmediate'];

/**
 * One layer's fence: `files` may not import electron (unless `electron` is true), nor Node (`browser`),
 * nor any relative path matching `outward`. One block per file set: a later block's options for the same
 * rule replace an earlier one's, so file sets must not overlap.
 */
function fence({ files, outward, message, electron = false, browser = false }) {
  const paths = electron ? [] : [{ name: 'electron', message: `${files[0].split('/**')[0]} must not import electron.` }];
  const patterns = [{ regex: outward, message }];
  if (browser) patterns.unshift({ regex: '^node:', message: 'this runs in Chromium without Node.' });
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { paths, patterns }],
      ...(browser ? { 'no-restricted-globals': ['error', ...NODE_GLOBALS.map((name) => ({ name, message: 'this runs in Chromium without Node.' }))] } : {}),
    },
  };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'demo-out/**', 'bench-out/**', '.cache/**', 'resources/native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // The core must run under plain Node (CLI, tests, job processes): no Electron in it, and it is the
  // layer the shells (app, server, cli) and the UI stand on, so it never imports any of them.
  fence({ files: ['main/core/**/*.ts'], outward: CORE_OUTWARD, message: 'main/core must not import main/app, main/server, main/shell, main/cli, the renderer or the preload: they depend on the core, never the reverse.' }),
  // The two shells over the core (the Electron app; browser mode's server) share code only through
  // main/shell/, never each other; neither depends on the CLI that starts them.
  fence({ files: ['main/app/**/*.ts'], electron: true, outward: '^(\\.\\./)+(server|cli)(/|\\.js$|$)', message: 'main/app must not import main/server or main/cli; code both shells use goes in main/shell/.' }),
  fence({ files: ['main/server/**/*.ts', 'main/shell/**/*.ts'], outward: '^(\\.\\./)+(app|cli|server)(/|\\.js$|$)', message: 'main/server and main/shell must not import main/app or main/cli (nor main/shell main/server): code both shells use goes in main/shell/.' }),
  // The CLI runs under plain Node: it may start browser mode (main/server) but never the Electron app.
  fence({ files: ['main/cli.ts', 'main/cli/**/*.ts'], outward: '^(\\.\\.?/)+app(/|\\.js$|$)', message: 'the CLI must not import main/app (Electron); it runs under plain Node.' }),
  // The sandboxed preloads bridge IPC: they share only the contract's types and the channel names with main.
  fence({ files: ['preload/**/*.ts'], electron: true, outward: PRELOAD_OUTWARD, message: 'a preload imports only main/core/api/contract (types) and main/app/channels or compute-channels.' }),
  // The UI talks to the core only through the contract (both transports carry exactly it) and builds
  // tile addresses with tile-url; Node and Electron are the preload's business (sandboxed).
  fence({ files: ['renderer/src/**/*.{ts,tsx}'], browser: true, outward: RENDERER_CORE_INTERNAL, message: 'the renderer imports only main/core/api/contract (and images/tile-url); export what it needs through the contract.' }),
  // The hidden compute window's page runs the model side of a train step: it hosts core model code
  // (ml/trainer-server, system/webgpu) in Chromium by design, but nothing else of the core or the shells.
  fence({ files: ['renderer/compute/**/*.ts'], browser: true, outward: COMPUTE_PAGE_OUTWARD, message: "the compute page imports only the core's model code (main/core/ml/*, main/core/system/webgpu)." }),
  {
    // Training runs on webgpu, where a synchronous read throws in Node (and returned zeros in
    // Chromium): model code reads tensors with `await data()`, one read per step at most.
    files: ['main/core/ml/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name=/^(dataSync|arraySync|bufferSync)$/]",
          message: 'No synchronous tensor reads in main/core/ml (webgpu cannot): use `await t.data()` / `await t.array()`.',
        },
      ],
    },
  },
);
