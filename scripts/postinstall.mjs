#!/usr/bin/env node
// After `npm install`: build better-sqlite3 for Electron when Electron is installed (see
// scripts/electron-native.mjs for why there are two builds), then list which optional pieces got
// installed. It must never fail the install: every step is caught and reported in one line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => console.log(`MICON Studio postinstall: ${line}`);
const firstLine = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

async function electronNative() {
  try {
    const { ensureElectronNative } = await import('./electron-native.mjs');
    say(ensureElectronNative({ root, log: say }).reason);
  } catch (e) {
    say(`warning: could not build better-sqlite3 for Electron (${firstLine(e)}); tests, the CLI and browser mode are unaffected; run \`npm run rebuild:electron\` to retry`);
  }
}

/**
 * onnxruntime-node's own install script downloads the CUDA execution provider from NuGet and fails
 * the whole `npm install` where that host is unreachable, so package.json turns it off
 * (allowScripts) and it runs here instead, where a failure only means CPU inference.
 */
function ortCuda() {
  const script = path.join(root, 'node_modules', 'onnxruntime-node', 'script', 'install.js');
  if (!fs.existsSync(script)) return 'no (onnxruntime-node not installed)';
  if (/^(skip|false|0)$/i.test(process.env.ONNXRUNTIME_NODE_INSTALL ?? process.env.ONNXRUNTIME_NODE_INSTALL_CUDA ?? '')) return 'no (skipped by ONNXRUNTIME_NODE_INSTALL=skip)';
  const r = spawnSync(process.execPath, [script], { cwd: path.dirname(path.dirname(script)), encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_local_prefix: '' } });
  if (r.status === 0) return 'installed or not needed on this platform (CPU always works)';
  const why = `${r.stderr ?? ''}${r.error?.message ?? ''}`.match(/(ENOTFOUND [\w.]+|ETIMEDOUT|ECONNREFUSED|Error: [^\n]+)/)?.[1] ?? `exit ${r.status}`;
  return `no (${why}); inference runs on the CPU`;
}

async function optionalPieces() {
  try {
    const { detectElectron, packageVersion } = await import('./electron-detect.mjs');
    const e = detectElectron({ root });
    const rows = [
      ['electron', e.installed ? `yes (${e.version})` : `no: ${e.summary}; \`npm start\` opens browser mode`],
      ...['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'].map((name) => {
        const v = packageVersion(name, { root });
        return [name, v ? `yes (${v})` : 'no (training uses the WASM/CPU backend)'];
      }),
      ['onnxruntime CUDA EP', ortCuda()],
    ];
    console.log(['MICON Studio optional pieces:', ...rows.map(([n, s]) => `  ${n.padEnd(26)} ${s}`)].join('\n'));
  } catch (e) {
    say(`warning: could not list optional pieces (${firstLine(e)})`);
  }
}

try {
  await electronNative();
  await optionalPieces();
} catch (e) {
  say(`warning: ${firstLine(e)}`);
}
process.exitCode = 0;
