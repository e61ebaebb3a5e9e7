// The decisions behind `npm start` (scripts/start.mjs), as plain functions for the tests.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * `--db FILE` / `--project FILE` (also `=FILE`, or a bare *.micon), `--port N`, `--browser`.
 * Anything else is returned in `unknown` so start.mjs can say it ignored it.
 */
export function parseStartArgs(argv) {
  const o = { project: null, port: null, browser: false, allow: [], unknown: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = /^--(db|project|port|allow)=(.+)$/.exec(a);
    if (eq) {
      if (eq[1] === 'port') o.port = eq[2];
      else if (eq[1] === 'allow') o.allow.push(eq[2]);
      else o.project = eq[2];
    } else if ((a === '--db' || a === '--project' || a === '--port' || a === '--allow') && i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      if (a === '--port') o.port = argv[++i];
      else if (a === '--allow') o.allow.push(argv[++i]);
      else o.project = argv[++i];
    } else if (a === '--browser') {
      o.browser = true;
    } else if (!a.startsWith('-') && a.endsWith('.micon') && o.project === null) {
      o.project = a;
    } else {
      o.unknown.push(a);
    }
  }
  return o;
}

/**
 * The project browser mode opens: the one named (relative to where `npm start` was typed: npm
 * runs scripts in the package root and passes the caller's folder as INIT_CWD), else the demo
 * project `npm run demo` writes, else an empty one next to it.
 */
export function pickBrowserProject(root, explicit, { cwd = process.env.INIT_CWD || process.cwd(), exists = fs.existsSync } = {}) {
  if (explicit) return { file: path.resolve(cwd, explicit), note: 'the project you named' };
  const demo = path.join(root, 'demo-out', 'demo.micon');
  if (exists(demo)) return { file: demo, note: 'the demo project from `npm run demo`' };
  return { file: path.join(root, 'demo-out', 'empty.micon'), note: 'an empty project; `npm run demo` builds the demo screen, or pass --db FILE' };
}

function newestMtime(entry) {
  let st;
  try {
    st = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(entry)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

function oldestOutput(files) {
  let oldest = Infinity;
  for (const f of files) {
    try {
      oldest = Math.min(oldest, fs.statSync(f).mtimeMs);
    } catch {
      return { missing: f };
    }
  }
  return { oldest };
}

function staleness(root, outputs, sources) {
  const out = oldestOutput(outputs.map((f) => path.join(root, f)));
  if (out.missing) return { stale: true, reason: `${path.relative(root, out.missing)} is missing` };
  const newest = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
  if (newest > out.oldest) return { stale: true, reason: 'sources changed since the last build' };
  return { stale: false, reason: 'up to date' };
}

/** Does out/renderer need `vite build --config renderer/vite.config.ts`? */
export function rendererStale(root) {
  return staleness(root, ['out/renderer/index.html'], ['renderer', 'main/core/api/contract.ts']);
}

/** Does out/ need `electron-vite build` (main, preload and renderer)? */
export function appBuildStale(root) {
  return staleness(
    root,
    ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'],
    ['main', 'preload', 'renderer', 'electron.vite.config.ts', 'package.json'],
  );
}

/** A package's bin script, found through its package.json (which packages always export). */
export function packageBin(root, name, rel) {
  const dir = path.dirname(createRequire(path.join(root, 'package.json')).resolve(`${name}/package.json`));
  return path.join(dir, rel);
}
