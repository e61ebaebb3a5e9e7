// What every browser test needs: Chromium (from apt), the built renderer, a place for screenshots.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RENDERER_DIR = path.join(ROOT, 'out', 'renderer');
export const SHOTS = path.join(ROOT, 'tests', 'e2e', 'screenshots');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const hasChromium = fs.existsSync(CHROMIUM);

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

/** Build the renderer when missing or older than its sources, so a test never drives a stale UI. */
export function ensureRendererBuilt(): void {
  const index = path.join(RENDERER_DIR, 'index.html');
  const sources = Math.max(newestMtime(path.join(ROOT, 'renderer')), newestMtime(path.join(ROOT, 'main', 'core', 'api')));
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return;
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}

/** Without Chromium: fail loudly in CI, warn loudly elsewhere (the suite is skipped). */
export function requireChromium(): void {
  if (hasChromium) return;
  if (process.env.CI) {
    it('needs Chromium for the browser tests', () => {
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    });
  } else {
    console.warn(`\n${'!'.repeat(72)}\n!! SKIPPING the e2e browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)\n${'!'.repeat(72)}\n`);
  }
}
