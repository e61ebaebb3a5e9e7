#!/usr/bin/env node
// `npm run dist:check`: proves the installer configuration as far as a machine without Electron's
// binary allows. Builds the app, runs electron-builder's unpacked (`dir`) target with a stand-in
// Electron distribution (a folder holding a script named `electron`, because the real one cannot be
// downloaded here), and checks what electron-builder produced: the app in app.asar, and every native
// module, WASM file and started-from-file script unpacked where the app loads it. It also runs the
// `deb` target up to fpm (dist-check-build.mjs) and checks the desktop integration that the Linux
// packages install: desktop entry, `.micon` MIME type, icon set (desktop-check.mjs), plus the icon
// files themselves and the identity/file association in the configuration. The result does NOT run
// (there is no Electron in it); that needs a machine that can download Electron: `npm run dist`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBuilderConfig, checkInstalledLayout } from './desktop-check.mjs';
import { checkIcons } from './icons-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar');
const bin = (pkg, rel) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), rel);

function step(label, cmd, args) {
  process.stderr.write(`dist:check: ${label}\n`);
  const r = spawnSync(process.execPath, [cmd, ...args], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status})`);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-dist-check-'));
const out = path.join(work, 'dist');
const capture = path.join(work, 'deb-capture');
fs.mkdirSync(capture);
const standIn = path.join(work, 'electron-stand-in');
fs.mkdirSync(standIn);
fs.writeFileSync(path.join(standIn, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary: this package is a layout check only" >&2\nexit 1\n', { mode: 0o755 });
fs.writeFileSync(path.join(standIn, 'version'), 'v45.4.1');

const problems = [];
// The fuses are part of the configuration checked here; they cannot be flipped in the stand-in (a
// shell script has no fuse wire), so the stand-in build runs on a copy of the configuration without them.
const yaml = require('js-yaml');
const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'));
const wantFuses = { runAsNode: true, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true };
for (const [k, v] of Object.entries(wantFuses)) if (config.electronFuses?.[k] !== v) problems.push(`electron-builder.yml: electronFuses.${k} should be ${v}`);
const { electronFuses: _fuses, ...standInConfig } = config;
const standInConfigFile = path.join(work, 'electron-builder.json');
fs.writeFileSync(standInConfigFile, JSON.stringify({ ...standInConfig, electronDist: standIn, directories: { ...standInConfig.directories, output: out } }));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
problems.push(...checkBuilderConfig(root, config, pkg), ...(await checkIcons(root)));
try {
  step('electron-vite build', bin('electron-vite', 'bin/electron-vite.js'), ['build']);
  step('electron-builder dir, and deb up to fpm (stand-in Electron)', path.join(root, 'scripts', 'dist-check-build.mjs'), [standInConfigFile, capture]);
  const desktop = checkInstalledLayout(root, pkg, path.join(capture, 'root'));
  problems.push(...desktop.problems);
  const unpackedDirs = fs.readdirSync(out).filter((d) => d.endsWith('-unpacked'));
  if (unpackedDirs.length !== 1) throw new Error(`expected one *-unpacked folder in ${out}, found ${unpackedDirs.join(', ') || 'none'}`);
  const resources = path.join(out, unpackedDirs[0], 'resources');
  const packed = new Set(asar.listPackage(path.join(resources, 'app.asar')).map((f) => f.replace(/\\/g, '/')));
  const unpacked = path.join(resources, 'app.asar.unpacked');
  const exists = (rel) => fs.existsSync(path.join(unpacked, rel));
  const find = (dir, re) => {
    const hits = [];
    const walk = (d) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (re.test(e.name)) hits.push(path.relative(unpacked, p));
      }
    };
    walk(path.join(unpacked, dir));
    return hits;
  };

  // compute.cjs and compute/index.html: the hidden compute window (GPU training in the app).
  const expectPacked = ['/package.json', '/out/preload/index.cjs', '/out/preload/compute.cjs', '/out/renderer/index.html', '/out/renderer/compute/index.html'];
  for (const f of expectPacked) if (!packed.has(f)) problems.push(`app.asar lacks ${f}`);
  for (const f of ['out/main/index.js', 'out/main/child.js', 'out/main/site-worker.js']) if (!exists(f)) problems.push(`unpacked app lacks ${f} (jobs and decode workers are started from files)`);
  // The browser page's favicon and the window's icon (main/app/index.ts reads it from the asar).
  for (const f of ['/out/renderer/favicon.svg', '/out/renderer/icon.png']) if (!packed.has(f)) problems.push(`app.asar lacks ${f} (npm run icons)`);
  const natives = {
    'better-sqlite3': find('node_modules/better-sqlite3', /^better_sqlite3\.node$/),
    sharp: find('node_modules/@img', /\.node$/),
    'onnxruntime-node': find('node_modules/onnxruntime-node', /^onnxruntime_binding\.node$/),
    'RDKit wasm': find('node_modules/@rdkit/rdkit', /\.wasm$/),
    'tfjs wasm': find('node_modules/@tensorflow/tfjs-backend-wasm', /\.wasm$/),
  };
  for (const [name, hits] of Object.entries(natives)) if (!hits.length) problems.push(`${name}: no native/WASM file unpacked`);
  const ortPlatforms = fs.existsSync(path.join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6')) ? fs.readdirSync(path.join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6')) : [];
  if (ortPlatforms.length !== 1 || ortPlatforms[0] !== process.platform) problems.push(`onnxruntime binaries for ${ortPlatforms.join(', ')}; expected only ${process.platform}`);
  const leaked = [...packed].filter((f) => /^\/(tests|main|renderer\/src|scripts)\//.test(f) || /^\/node_modules\/(vitest|vite|eslint|playwright-core|typescript|tsx|electron-builder)\//.test(f) || f.endsWith('.map'));
  if (leaked.length) problems.push(`sources or dev tools in app.asar: ${leaked.slice(0, 5).join(', ')}${leaked.length > 5 ? ', …' : ''}`);
  const size = (p) => {
    const st = fs.statSync(p);
    return st.isDirectory() ? fs.readdirSync(p).reduce((s, f) => s + size(path.join(p, f)), 0) : st.size;
  };
  const report = {
    target: `${process.platform} --dir`,
    electronDist: 'stand-in (no Electron binary here); the packaged app does not run',
    asarMiB: +(size(path.join(resources, 'app.asar')) / 2 ** 20).toFixed(1),
    unpackedMiB: +(size(unpacked) / 2 ** 20).toFixed(1),
    asarFiles: packed.size,
    natives,
    desktop: { entry: desktop.desktopEntry, mimeType: desktop.mimeType, icons: desktop.icons.length, installs: JSON.parse(fs.readFileSync(path.join(capture, 'installs.json'), 'utf8')) },
    nativeSqliteForElectron: fs.existsSync(path.join(resources, 'native')) ? fs.readdirSync(path.join(resources, 'native')) : 'not built here (npm run rebuild:electron needs Electron)',
    problems,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} catch (e) {
  problems.push(e instanceof Error ? e.message : String(e));
  process.stdout.write(`${JSON.stringify({ problems }, null, 2)}\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
if (problems.length) {
  process.stderr.write(`dist:check: ${problems.length} problem(s):\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stderr.write('dist:check: the unpacked app has everything it loads in the right place, and the Linux packages install the desktop entry, the .micon MIME type and the icons\n');
