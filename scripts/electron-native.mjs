#!/usr/bin/env node
// better-sqlite3 for Electron: why there are two builds of one native module.
//
// better-sqlite3 is a C++ add-on, compiled against one runtime's ABI (NODE_MODULE_VERSION).
// Tests, the `micon` CLI, browser mode and job processes run under Node 20; the desktop app runs
// under Electron, whose embedded Node has a different ABI (and BoringSSL, V8 headers). One .node
// file cannot serve both, and rebuilding node_modules in place for Electron (what
// `electron-rebuild` does) would break every test and CLI run until the next `npm install`.
// (sharp and onnxruntime-node use Node-API, whose ABI is stable across runtimes, so one build of
// each serves both; better-sqlite3 uses V8's C++ API directly and does not.)
// So:
//   - node_modules/better-sqlite3/build/Release/better_sqlite3.node stays built for Node;
//   - this script builds a second copy for Electron, in a temporary copy of the package, and puts
//     it at resources/native/electron-<version>-<platform>-<arch>/better_sqlite3.node (gitignored;
//     packaging ships resources/native as extraResources);
//   - main/app passes that file to openProject({ nativeBinding }) (see main/app/native-binding.ts,
//     whose directory naming must match nativeDirName below), and shows an error dialog naming
//     `npm run rebuild:electron` when it is missing.
//
// How: `prebuild-install --runtime electron --target <v>` first (downloads a prebuilt binary when
// GitHub is reachable), else `node-gyp rebuild --runtime=electron --target=<v>
// --dist-url=https://electronjs.org/headers` (downloads Electron's headers, compiles ~1 min).
// Without the electron package it does nothing and says so in one line (postinstall calls it).
//
// Usage: node scripts/electron-native.mjs [--force] [--electron-version V]
//   --force              rebuild even when a build for this better-sqlite3 version is present
//   --electron-version V build for V even if the electron package is not installed (packaging)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { detectElectron, packageVersion, projectRoot } from './electron-detect.mjs';

export const BINDING_FILE = 'better_sqlite3.node';
const HEADERS_URL = 'https://electronjs.org/headers';

/** Keep in step with main/app/native-binding.ts (a test checks that both agree). */
export function nativeDirName(electronVersion, platform = process.platform, arch = process.arch) {
  return `electron-${String(electronVersion).replace(/^v/, '')}-${platform}-${arch}`;
}

export function electronBindingPath(root, electronVersion, platform = process.platform, arch = process.arch) {
  return path.join(root, 'resources', 'native', nativeDirName(electronVersion, platform, arch), BINDING_FILE);
}

/**
 * Environment for building against Electron's headers: npm exports its config as npm_config_*,
 * and a `nodedir` there (set on machines with offline Node headers) would make node-gyp compile
 * against Node's headers instead, producing a module Electron refuses to load.
 */
export function electronBuildEnv(env = process.env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|build_from_source)$/i.test(k)) continue;
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** node-gyp's CLI: the project's own, npm's (npm_config_node_gyp), or the one bundled with npm. */
export function findNodeGyp(root = projectRoot, env = process.env) {
  const candidates = [];
  try {
    candidates.push(createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a project dependency
  }
  if (env.npm_config_node_gyp) candidates.push(env.npm_config_node_gyp);
  const nodeDir = path.dirname(process.execPath);
  candidates.push(path.join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(path.join(nodeDir, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((f) => fs.existsSync(f)) ?? null;
}

function tail(text, lines = 15) {
  return String(text ?? '').trim().split('\n').slice(-lines).join('\n');
}

function run(cmd, args, cwd, env, timeoutMs) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
}

/**
 * Build better_sqlite3.node for `runtime`/`target` in a temporary copy of the package and return
 * the built file's path inside that copy, plus how it was made. Throws with the tool output on
 * failure. (`runtime: 'node'` exists so the plumbing can be exercised where Electron's headers
 * cannot be downloaded.)
 */
export function buildBinding({ root = projectRoot, runtime = 'electron', target, arch = process.arch, platform = process.platform, log = () => {}, tryPrebuilt = true, gypArgs = [] }) {
  const req = createRequire(path.join(root, 'package.json'));
  const pkgDir = path.dirname(req.resolve('better-sqlite3/package.json'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `micon-better-sqlite3-${runtime}-`));
  const work = path.join(tmp, 'better-sqlite3');
  // The sources and binding.gyp, without the Node build (it would be mistaken for the result).
  const skip = new Set([path.join(pkgDir, 'build'), path.join(pkgDir, 'node_modules')]);
  fs.cpSync(pkgDir, work, { recursive: true, filter: (src) => !skip.has(src) });
  const built = path.join(work, 'build', 'Release', BINDING_FILE);
  const env = runtime === 'electron' ? electronBuildEnv() : { ...process.env };
  const attempts = [];

  if (tryPrebuilt) {
    let prebuild;
    try {
      prebuild = createRequire(path.join(pkgDir, 'package.json')).resolve('prebuild-install/bin.js');
    } catch {
      prebuild = null;
    }
    if (prebuild) {
      log(`trying a prebuilt better-sqlite3 for ${runtime} ${target} (${platform}-${arch})…`);
      const r = run(process.execPath, [prebuild, '--runtime', runtime, '--target', target, '--arch', arch, '--platform', platform, '--verbose'], work, env, 120_000);
      if (r.ok && fs.existsSync(built)) return { file: built, tmp, method: 'prebuild-install' };
      attempts.push(`prebuild-install: ${tail(r.output, 4)}`);
    } else {
      attempts.push('prebuild-install: not found');
    }
  }

  const gyp = findNodeGyp(root);
  if (!gyp) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`cannot build better-sqlite3 for ${runtime} ${target}: node-gyp not found\n${attempts.join('\n')}`);
  }
  log(`compiling better-sqlite3 for ${runtime} ${target} with node-gyp (about a minute)…`);
  const args = [gyp, 'rebuild', '--release', `--target=${target}`, `--arch=${arch}`];
  if (runtime === 'electron') args.push(`--dist-url=${HEADERS_URL}`, '--runtime=electron');
  args.push(...gypArgs);
  const r = run(process.execPath, args, work, env, 15 * 60_000);
  if (r.ok && fs.existsSync(built)) return { file: built, tmp, method: 'node-gyp' };
  attempts.push(`node-gyp: ${tail(r.output)}`);
  if (process.env.MICON_KEEP_BUILD_DIR) attempts.push(`(work folder kept: ${work})`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network connectivity/.test(attempts.join('\n'));
  const hint = offline && runtime === 'electron'
    ? ' (no network: prebuild-install downloads from github.com and node-gyp downloads Electron\'s headers from electronjs.org; run `npm run rebuild:electron` where they are reachable)'
    : '';
  throw new Error(`cannot build better-sqlite3 for ${runtime} ${target}${hint}\n${attempts.join('\n')}`);
}

function readInfo(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'build-info.json'), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Make sure resources/native has better-sqlite3 for the installed Electron. Returns
 * { status: 'skipped' | 'present' | 'built', reason, file? }; throws when a build fails.
 */
export function ensureElectronNative({ root = projectRoot, force = false, electronVersion = null, log = () => {} } = {}) {
  let version = electronVersion;
  if (!version) {
    const det = detectElectron({ root });
    if (!det.installed) return { status: 'skipped', reason: `skipped the Electron build of better-sqlite3: ${det.reason}` };
    version = det.version;
  }
  const sqliteVersion = packageVersion('better-sqlite3', { root });
  if (!sqliteVersion) return { status: 'skipped', reason: 'skipped the Electron build of better-sqlite3: better-sqlite3 is not installed' };
  const file = electronBindingPath(root, version);
  const dir = path.dirname(file);
  const info = readInfo(dir);
  if (!force && fs.existsSync(file) && info?.betterSqlite3 === sqliteVersion) {
    return { status: 'present', file, reason: `better-sqlite3 ${sqliteVersion} for Electron ${version} is already built (${path.relative(root, file)})` };
  }
  const b = buildBinding({ root, runtime: 'electron', target: version, log });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(b.file, file);
  const meta = { electron: version, platform: process.platform, arch: process.arch, betterSqlite3: sqliteVersion, method: b.method, builtAt: new Date().toISOString() };
  fs.writeFileSync(path.join(dir, 'build-info.json'), `${JSON.stringify(meta, null, 2)}\n`);
  fs.rmSync(b.tmp, { recursive: true, force: true });
  return { status: 'built', file, reason: `built better-sqlite3 ${sqliteVersion} for Electron ${version} with ${b.method}: ${path.relative(root, file)}` };
}

export function parseArgs(argv) {
  const o = { force: false, electronVersion: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') o.force = true;
    else if (a === '--electron-version' && argv[i + 1]) o.electronVersion = argv[++i];
    else if (a.startsWith('--electron-version=')) o.electronVersion = a.slice('--electron-version='.length);
    else throw new Error(`unknown argument ${a} (use --force, --electron-version V)`);
  }
  return o;
}

async function main() {
  try {
    const o = parseArgs(process.argv.slice(2));
    const r = ensureElectronNative({ ...o, log: (line) => console.log(`electron-native: ${line}`) });
    console.log(`electron-native: ${r.reason}`);
  } catch (e) {
    console.error(`electron-native: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
