import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * `@contract`: the API contract, the one core module the UI may import (besides tile-url), without a
 * `../../../../main/core/api/contract` climb from every view. Also in tsconfig.base.json `paths` (types)
 * and vitest.config.ts (renderer unit tests), which imports it from here.
 */
export const RENDERER_ALIAS = { '@contract': fileURLToPath(new URL('../main/core/api/contract.ts', import.meta.url)) };

// base './' so the same bundle loads from the browser-mode server and from a file in Electron.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  resolve: { alias: RENDERER_ALIAS },
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Data URLs would also pass img-src, but files keep the CSP story simple to audit.
    assetsInlineLimit: 0,
    // Two pages: the UI, and Electron's hidden compute window (compute/: tfjs on Chromium's WebGPU,
    // main/core/ml/trainer-server.ts). Browser mode serves the second too; without the compute preload
    // it does nothing there.
    rolldownOptions: {
      // Dawn for Node: main/core/system/webgpu.ts (whose adapter helpers the compute page uses) loads it
      // by a dynamic import that never runs in a page; left unresolved, it is dropped with that code.
      external: ['webgpu'],
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        compute: fileURLToPath(new URL('compute/index.html', import.meta.url)),
      },
    },
  },
});
