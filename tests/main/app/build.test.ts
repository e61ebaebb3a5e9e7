// `npm run build` (electron-vite) works without the electron package, writes a sandbox-safe
// preload and an ESM main, and writes exactly the renderer that browser mode's
// `vite build --config renderer/vite.config.ts` writes.
import { fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageBin } from '../../../scripts/start-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let tmp: string;
let ev: ReturnType<typeof spawnSync>;
let vite: ReturnType<typeof spawnSync>;

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

beforeAll(() => {
  // Inside the checkout (out/ is ignored), so the bundle resolves node_modules as the packaged app does.
  fs.mkdirSync(path.join(root, 'out'), { recursive: true });
  tmp = fs.mkdtempSync(path.join(root, 'out', 'build-test-'));
  // Vitest sets NODE_ENV=test, which makes `vite build` bundle development React; a user's shell
  // has no NODE_ENV, and that is what is compared.
  const env = { ...process.env };
  delete env.ELECTRON_MAJOR_VER;
  delete env.NODE_ENV;
  ev = spawnSync(process.execPath, [packageBin(root, 'electron-vite', 'bin/electron-vite.js'), 'build', '--outDir', path.join(tmp, 'app')], { cwd: root, env, encoding: 'utf8' });
  vite = spawnSync(process.execPath, [packageBin(root, 'vite', 'bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--outDir', path.join(tmp, 'browser'), '--emptyOutDir'], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
}, 180_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('electron-vite build', () => {
  it('succeeds (electron package or not)', () => {
    expect(ev.status, `${ev.stdout}\n${ev.stderr}`).toBe(0);
    expect(vite.status, `${vite.stdout}\n${vite.stderr}`).toBe(0);
  });

  it('writes two CommonJS preloads (the UI, the compute window) that require nothing but electron', () => {
    expect(fs.readdirSync(path.join(tmp, 'app', 'preload')).sort()).toEqual(['compute.cjs', 'index.cjs']);
    for (const [file, api] of [['index.cjs', 'micon'], ['compute.cjs', 'miconCompute']]) {
      const src = fs.readFileSync(path.join(tmp, 'app', 'preload', file), 'utf8');
      expect([...src.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])).toEqual(['electron']);
      expect(src).not.toMatch(/^\s*(import|export)\s/m);
      expect(src).toContain(`exposeInMainWorld("${api}"`);
      expect(src).not.toMatch(/zod/);
    }
    // The compute window's preload exposes its two channels and nothing of the app's API.
    const compute = fs.readFileSync(path.join(tmp, 'app', 'preload', 'compute.cjs'), 'utf8');
    expect(compute).not.toContain('micon:invoke');
    expect(compute).toContain('micon-compute:call');
  });

  it('writes an ESM main that loads native and WASM packages from node_modules', () => {
    const main = path.join(tmp, 'app', 'main');
    const src = fs.readFileSync(path.join(main, 'index.js'), 'utf8');
    const all = fs.readdirSync(main).map((f) => fs.readFileSync(path.join(main, f), 'utf8')).join('\n');
    const imports = [...all.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports).toContain('electron');
    expect(imports).toContain('better-sqlite3');
    expect(imports).toContain('sharp');
    expect(src).toContain('micon:invoke');
    expect(src).not.toMatch(/ipcRenderer/);
  });

  it('writes the job process and the decode worker as entries beside the main, and they run jobs', async () => {
    const main = path.join(tmp, 'app', 'main');
    expect(fs.existsSync(path.join(main, 'child.js'))).toBe(true);
    expect(fs.existsSync(path.join(main, 'site-worker.js'))).toBe(true);
    // What the packaged app's job process does (Electron runs it as Node): an ingest through the
    // bundled child, whose decoding runs on the bundled worker threads.
    const { writeImageXpressFixture } = await import('../../helpers/vendor-fixtures.js');
    await writeImageXpressFixture(path.join(tmp, 'plates'), { wells: ['A01', 'B02'], sites: 2 });
    const child = fork(path.join(main, 'child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const result = await new Promise<{ type: string; result?: { sites: number; plates: number }; error?: unknown }>((resolve) => {
      child.on('message', (m: { type: string }) => m.type !== 'progress' && resolve(m));
      child.send({ type: 'start', jobId: 'bundle', kind: 'ingest', params: { db: path.join(tmp, 'p.micon'), folder: path.join(tmp, 'plates') } });
    });
    child.disconnect();
    expect(result.error).toBeUndefined();
    expect(result.result).toMatchObject({ plates: 1, sites: 4 });
  });

  it('writes the same renderer files as the browser-mode build, byte for byte', () => {
    const a = files(path.join(tmp, 'app', 'renderer'));
    const b = files(path.join(tmp, 'browser'));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, buf] of a) expect(buf.equals(b.get(name)!), name).toBe(true);
    expect(a.has('index.html')).toBe(true);
    // The compute page ships beside the UI, with its own CSP and no network.
    expect(a.has(path.join('compute', 'index.html'))).toBe(true);
    expect(a.get(path.join('compute', 'index.html'))!.toString()).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'self'; connect-src 'none'/);
    // The app's icon (issue 19): browser mode's favicon is resources/icon.svg; the window's icon beside it.
    expect(a.get('favicon.svg')!.equals(fs.readFileSync(path.join(root, 'resources', 'icon.svg')))).toBe(true);
    expect(a.get('index.html')!.toString()).toContain('href="./favicon.svg"');
    expect(a.get('icon.png')!.equals(fs.readFileSync(path.join(root, 'resources', 'build', 'icons', '256x256.png')))).toBe(true);
  });
});
