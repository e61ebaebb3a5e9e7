#!/usr/bin/env node
// `npm start [-- --db FILE.micon] [--port N] [--browser] [--allow FOLDER …]`
// --allow names folders (plate folders, profile tables) the UI may browse and import from, besides the
// project's own folder and the default projects folder (issue 17: the page reaches only chosen folders).
// With an Electron binary: build out/ if stale, then run the desktop app on the project.
// Without one (npm drops the optional electron package when its binary cannot download): say so in
// one line and serve the same UI in browser mode (`micon serve`), printing the URL to open.
// MICON_START_NO_BUILD=1 never builds (a read-only checkout; the tests).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { detectElectron, projectRoot as root } from './electron-detect.mjs';
import { appBuildStale, packageBin, parseStartArgs, pickBrowserProject, rendererStale } from './start-lib.mjs';

const args = parseStartArgs(process.argv.slice(2));
const noBuild = process.env.MICON_START_NO_BUILD === '1';
if (args.unknown.length) console.log(`MICON Studio: ignoring ${args.unknown.join(' ')} (use --db FILE, --port N, --browser, --allow FOLDER)`);

/** Run a child with the terminal, pass our signals on, and leave with its exit status. */
function runForeground(cmd, argv, env) {
  const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => forward(s));
  child.on('error', (e) => {
    console.error(`MICON Studio: could not start ${cmd}: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function runStep(label, cmd, argv) {
  console.log(`MICON Studio: ${label}`);
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`MICON Studio: ${label} failed${r.error ? `: ${r.error.message}` : ''}`);
    process.exit(r.status ?? 1);
  }
}

async function startElectron(electron) {
  const stale = appBuildStale(root);
  if (stale.stale && !noBuild) runStep(`building the app (${stale.reason})…`, process.execPath, [packageBin(root, 'electron-vite', 'bin/electron-vite.js'), 'build']);
  try {
    const { ensureElectronNative } = await import('./electron-native.mjs');
    const r = ensureElectronNative({ root, log: (line) => console.log(`MICON Studio: ${line}`) });
    if (r.status === 'built') console.log(`MICON Studio: ${r.reason}`);
  } catch (e) {
    // The app itself explains this in a dialog (and names `npm run rebuild:electron`).
    console.warn(`MICON Studio: warning: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  const argv = ['.'];
  if (args.project) argv.push('--project', path.resolve(process.env.INIT_CWD || process.cwd(), args.project));
  const env = { ...process.env, ...allowedFoldersEnv() };
  delete env.ELECTRON_RUN_AS_NODE;
  runForeground(electron.binary, argv, env);
}

/** --allow folders, resolved against where `npm start` was typed. */
function allowedFolders() {
  return args.allow.map((f) => path.resolve(process.env.INIT_CWD || process.cwd(), f));
}

/** The desktop app reads the same list from MICON_ALLOWED_FOLDERS (added to any already set). */
function allowedFoldersEnv() {
  const list = [process.env.MICON_ALLOWED_FOLDERS, ...allowedFolders()].filter(Boolean);
  return list.length ? { MICON_ALLOWED_FOLDERS: list.join(path.delimiter) } : {};
}

function startBrowser(why) {
  console.log(`MICON Studio: ${why}, opening the same UI in browser mode.`);
  const stale = rendererStale(root);
  if (stale.stale && !noBuild) runStep(`building the UI (${stale.reason})…`, process.execPath, [packageBin(root, 'vite', 'bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts']);
  const project = pickBrowserProject(root, args.project);
  const rel = path.relative(process.env.INIT_CWD || process.cwd(), project.file);
  console.log(`MICON Studio: project ${rel && !rel.startsWith('..') ? rel : project.file} (${project.note})`);
  const serve = [packageBin(root, 'tsx', 'dist/cli.mjs'), 'main/cli.ts', 'serve', '--db', project.file];
  if (args.port) serve.push('--port', args.port);
  for (const f of allowedFolders()) serve.push('--allow', f);
  runForeground(process.execPath, serve, { ...process.env, MICON_TRANSPORT_NOTE: `Browser mode: ${why}` });
}

const electron = detectElectron({ root });
if (args.browser) startBrowser('browser mode requested (--browser)');
else if (electron.installed) await startElectron(electron);
else startBrowser(`no Electron binary installed (${electron.summary})`);
