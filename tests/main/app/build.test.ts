// `npm run build` (electron-vite) works without the electron package, writes a sandbox-safe
// preload and an ESM main, and writes exactly the renderer that browser mode's
// `vite build --config renderer/vite.config.ts` writes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-build-'));
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

  it('writes one CommonJS preload that requires nothing but electron', () => {
    expect(fs.readdirSync(path.join(tmp, 'app', 'preload'))).toEqual(['index.cjs']);
    const src = fs.readFileSync(path.join(tmp, 'app', 'preload', 'index.cjs'), 'utf8');
    expect([...src.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(src).not.toMatch(/^\s*(import|export)\s/m);
    expect(src).toContain('exposeInMainWorld("micon"');
    expect(src).not.toMatch(/zod/);
  });

  it('writes an ESM main that loads native and WASM packages from node_modules', () => {
    const src = fs.readFileSync(path.join(tmp, 'app', 'main', 'index.js'), 'utf8');
    const imports = [...src.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports).toContain('electron');
    expect(imports).toContain('better-sqlite3');
    expect(src).toContain('micon:invoke');
    expect(src).not.toMatch(/ipcRenderer/);
  });

  it('writes the same renderer files as the browser-mode build, byte for byte', () => {
    const a = files(path.join(tmp, 'app', 'renderer'));
    const b = files(path.join(tmp, 'browser'));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, buf] of a) expect(buf.equals(b.get(name)!), name).toBe(true);
    expect(a.has('index.html')).toBe(true);
  });
});
