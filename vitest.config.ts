import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { RENDERER_ALIAS } from './renderer/vite.config';

// Two projects so CI and developers can run the fast unit suite alone; `npm test` runs both.
// Both build the ingested demo screen once, cached on disk by its inputs (tests/helpers/demo-cache.ts).
const globalSetup = ['tests/setup/demo-global.ts'];
export default defineConfig({
  test: {
    // Vitest's default is one worker per core less one: a single worker on a 2-core machine. Much of the
    // suite waits on job processes, Chromium and the disk: on one 2-core machine (cold cache) the whole
    // suite took 767-793 s with two workers and 962 s with one; bigger machines keep the default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: 'unit',
          // Renderer modules import the contract as `@contract`.
          alias: RENDERER_ALIAS,
          include: ['tests/main/**/*.test.ts', 'tests/preload/**/*.test.ts', 'tests/scripts/**/*.test.ts', 'tests/renderer/**/*.test.ts', 'tests/bench/**/*.test.ts', 'tests/bin/**/*.test.ts'],
          environment: 'node',
          globalSetup,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup,
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
