// The launch scripts (scripts/*.mjs): Electron detection, the better-sqlite3 Electron build, the
// postinstall report and `npm start`'s decisions.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectElectron, packageVersion } from '../../scripts/electron-detect.mjs';
import { electronBuildEnv, ensureElectronNative, findNodeGyp, nativeDirName, parseArgs } from '../../scripts/electron-native.mjs';
import { appBuildStale, parseStartArgs, pickBrowserProject, rendererStale } from '../../scripts/start-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-scripts-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A fake project root with an electron package in the given state. */
function fakeRoot(name: string, electron: { pathTxt?: string; binary?: boolean } | null): string {
  const r = path.join(tmp, name);
  fs.mkdirSync(r, { recursive: true });
  fs.writeFileSync(path.join(r, 'package.json'), JSON.stringify({ name: 'fake', type: 'module' }));
  if (electron) {
    const dir = path.join(r, 'node_modules', 'electron');
    fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1', main: 'index.js' }));
    // Loading electron's index.js would start a download: detection must never run it.
    fs.writeFileSync(path.join(dir, 'index.js'), `require('fs').writeFileSync(${JSON.stringify(path.join(r, 'LOADED'))}, '1');`);
    if (electron.pathTxt !== undefined) fs.writeFileSync(path.join(dir, 'path.txt'), electron.pathTxt);
    if (electron.binary) fs.writeFileSync(path.join(dir, 'dist', electron.pathTxt ?? 'electron'), '#!/bin/sh\n');
  }
  return r;
}

describe('detectElectron', () => {
  it('reports "not installed" on this machine, with a reason', () => {
    const d = detectElectron();
    if (packageVersion('electron') !== null) return; // a machine where Electron is installed
    expect(d.installed).toBe(false);
    expect(d.packageInstalled).toBe(false);
    expect(d.reason).toMatch(/electron package is not installed/);
    expect(d.summary).toBe('the electron package could not download it on this machine');
  });

  it('finds an installed binary through path.txt without loading the package', () => {
    const r = fakeRoot('installed', { pathTxt: 'electron', binary: true });
    const d = detectElectron({ root: r, env: {} });
    expect(d).toMatchObject({ installed: true, version: '45.4.1', binary: path.join(r, 'node_modules', 'electron', 'dist', 'electron') });
    expect(fs.existsSync(path.join(r, 'LOADED'))).toBe(false);
  });

  it('tells a package without its binary from a missing package', () => {
    const never = detectElectron({ root: fakeRoot('no-path-txt', {}), env: {} });
    expect(never).toMatchObject({ installed: false, packageInstalled: true, version: '45.4.1' });
    expect(never.reason).toMatch(/never downloaded/);
    const gone = detectElectron({ root: fakeRoot('no-binary', { pathTxt: 'electron' }), env: {} });
    expect(gone).toMatchObject({ installed: false, packageInstalled: true });
    expect(gone.reason).toMatch(/binary is missing at/);
    expect(detectElectron({ root: fakeRoot('nothing', null), env: {} })).toMatchObject({ installed: false, packageInstalled: false });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron itself', () => {
    const r = fakeRoot('override', {});
    const dist = path.join(tmp, 'dist-elsewhere');
    fs.mkdirSync(dist, { recursive: true });
    fs.writeFileSync(path.join(dist, 'electron'), '');
    expect(detectElectron({ root: r, env: { ELECTRON_OVERRIDE_DIST_PATH: dist }, platform: 'linux' })).toMatchObject({
      installed: true,
      binary: path.join(dist, 'electron'),
    });
  });
});

describe('electron-native', () => {
  it('skips in one line when Electron is not installed, and exits 0', () => {
    if (packageVersion('electron') !== null) return;
    const r = spawnSync(process.execPath, ['scripts/electron-native.mjs'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^electron-native: skipped the Electron build of better-sqlite3: the electron package is not installed/)]);
  });

  it('refuses unknown arguments (npm run rebuild:electron -- --typo)', () => {
    expect(parseArgs(['--force', '--electron-version', '45.4.1'])).toEqual({ force: true, electronVersion: '45.4.1' });
    expect(parseArgs(['--electron-version=46.0.0'])).toEqual({ force: false, electronVersion: '46.0.0' });
    expect(() => parseArgs(['--forse'])).toThrow(/unknown argument/);
  });

  it("builds against Electron's headers, not npm's nodedir", () => {
    const env = electronBuildEnv({ PATH: '/bin', npm_config_nodedir: '/usr', NPM_CONFIG_NODEDIR: '/usr', npm_config_runtime: 'node', npm_config_cache: '/c' });
    expect(env).toEqual({ PATH: '/bin', npm_config_cache: '/c' });
  });

  it('finds node-gyp (npm bundles one)', () => {
    const gyp = findNodeGyp(root, {});
    expect(gyp).not.toBeNull();
    expect(fs.existsSync(gyp!)).toBe(true);
  });

  it('does not rebuild a build that is present for this better-sqlite3 version', () => {
    const r = fakeRoot('native-present', { pathTxt: 'electron', binary: true });
    const sq = path.join(r, 'node_modules', 'better-sqlite3');
    fs.mkdirSync(sq, { recursive: true });
    fs.writeFileSync(path.join(sq, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
    const dir = path.join(r, 'resources', 'native', nativeDirName('45.4.1'));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'better_sqlite3.node'), '');
    fs.writeFileSync(path.join(dir, 'build-info.json'), JSON.stringify({ betterSqlite3: '12.11.1' }));
    expect(ensureElectronNative({ root: r })).toMatchObject({ status: 'present', file: path.join(dir, 'better_sqlite3.node') });
    expect(ensureElectronNative({ root: fakeRoot('native-skip', null) })).toMatchObject({ status: 'skipped' });
  });

  it('is wired to `npm run rebuild:electron`', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['rebuild:electron']).toBe('node scripts/electron-native.mjs --force');
    expect(pkg.scripts.postinstall).toBe('node scripts/postinstall.mjs');
    expect(pkg.scripts.start).toBe('node scripts/start.mjs');
    expect(pkg.scripts.build).toBe('electron-vite build');
  });
});

describe('postinstall', () => {
  it('exits 0 here and prints the optional pieces', () => {
    const r = spawnSync(process.execPath, ['scripts/postinstall.mjs'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/MICON Studio optional pieces:\n {2}electron +(yes|no)[^\n]*\n {2}@tensorflow\/tfjs-node +(yes|no)[^\n]*\n {2}@tensorflow\/tfjs-node-gpu +(yes|no)/);
    if (packageVersion('electron') === null) expect(r.stdout).toMatch(/electron +no: the electron package could not download it/);
  });

  it('never fails the install, even with nothing installed', () => {
    const r = fakeRoot('bare', null);
    fs.mkdirSync(path.join(r, 'scripts'));
    for (const f of ['postinstall.mjs', 'electron-native.mjs', 'electron-detect.mjs']) fs.copyFileSync(path.join(root, 'scripts', f), path.join(r, 'scripts', f));
    const out = spawnSync(process.execPath, ['scripts/postinstall.mjs'], { cwd: r, encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/optional pieces/);
    // A broken helper module is reported, not fatal.
    fs.writeFileSync(path.join(r, 'scripts', 'electron-native.mjs'), 'this is not javascript');
    const broken = spawnSync(process.execPath, ['scripts/postinstall.mjs'], { cwd: r, encoding: 'utf8' });
    expect(broken.status).toBe(0);
    expect(broken.stdout).toMatch(/postinstall: warning: could not build better-sqlite3 for Electron/);
  });
});

describe('npm start decisions', () => {
  it('parses --db / --project / --port / --browser in every spelling', () => {
    expect(parseStartArgs(['--db', 'a.micon'])).toEqual({ project: 'a.micon', port: null, browser: false, allow: [], unknown: [] });
    expect(parseStartArgs(['--allow', '/data/plates', '--allow=/data/tables'])).toMatchObject({ allow: ['/data/plates', '/data/tables'], unknown: [] });
    expect(parseStartArgs(['--project=b.micon', '--port=8080'])).toMatchObject({ project: 'b.micon', port: '8080' });
    expect(parseStartArgs(['c.micon', '--browser', '--port', '0'])).toMatchObject({ project: 'c.micon', port: '0', browser: true });
    expect(parseStartArgs(['--db', '--weird'])).toMatchObject({ project: null, unknown: ['--db', '--weird'] });
  });

  it('opens the named project (relative to where npm start ran), else the demo, else an empty one', () => {
    expect(pickBrowserProject('/repo', 'x.micon', { cwd: '/home/me' }).file).toBe('/home/me/x.micon');
    expect(pickBrowserProject('/repo', null, { exists: () => true })).toEqual({ file: '/repo/demo-out/demo.micon', note: expect.stringMatching(/npm run demo/) });
    expect(pickBrowserProject('/repo', null, { exists: () => false }).file).toBe('/repo/demo-out/empty.micon');
  });

  it('rebuilds when an output is missing or a source is newer', () => {
    const r = path.join(tmp, 'stale');
    for (const d of ['renderer/src', 'main/core/api', 'main/app', 'preload', 'out/renderer', 'out/main', 'out/preload']) fs.mkdirSync(path.join(r, d), { recursive: true });
    const old = new Date(Date.now() - 60_000);
    for (const f of ['renderer/src/main.tsx', 'main/core/api/contract.ts', 'main/app/index.ts', 'preload/index.ts', 'electron.vite.config.ts', 'package.json']) {
      fs.writeFileSync(path.join(r, f), '');
      fs.utimesSync(path.join(r, f), old, old);
    }
    expect(rendererStale(r)).toEqual({ stale: true, reason: 'out/renderer/index.html is missing' });
    for (const f of ['out/renderer/index.html', 'out/main/index.js', 'out/preload/index.cjs']) fs.writeFileSync(path.join(r, f), '');
    expect(rendererStale(r).stale).toBe(false);
    expect(appBuildStale(r).stale).toBe(false);
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(r, 'preload/index.ts'), future, future);
    expect(appBuildStale(r)).toEqual({ stale: true, reason: 'sources changed since the last build' });
    expect(rendererStale(r).stale).toBe(false);
  });
});
