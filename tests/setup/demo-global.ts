// Vitest globalSetup: build (or find on disk) the ingested demo screen once, before any worker starts,
// and tell the workers where it is (tests/helpers/demo-cache.ts).
import type { TestProject } from 'vitest/node';
import { ensureDemoCache } from '../helpers/demo-cache.js';

export default async function setup(project: TestProject): Promise<void> {
  const cache = await ensureDemoCache();
  project.provide('demoCacheDir', cache.dir);
}
