// The small generated demo screen, ingested, built ONCE per set of inputs and kept on disk, so the
// ~15 test files that need it copy a project (milliseconds) instead of generating and ingesting it
// (~13 s of two cores each). Vitest's globalSetup (tests/setup/demo-global.ts) builds it before any
// worker starts and hands its folder to the workers; outside Vitest (benchmarks run through tsx)
// the first call builds it the same way.
//
// The cache folder is keyed by everything that decides its content: the generator's options, the
// source of every module the generator and ingest import (followed through relative imports), this
// file, the lockfile (sharp/RDKit versions) and Node's version. Tests only read the cached screen
// and copy the project: the cached files are never written after the folder is published.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openProject } from '../../main/core/db/open.js';
import { generateDemo, type DemoManifest } from '../../main/core/demo/generate.js';
import { ingestFolder } from '../../main/core/ingest/ingest.js';
import { alive } from '../../main/core/util/atomic-file.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OPTIONS = { size: 'small', seed: 1 } as const;
const ENTRIES = ['main/core/demo/generate.ts', 'main/core/ingest/ingest.ts', 'main/core/db/open.ts'];
const PROJECT = 'demo.micon';
/** Other keys' folders untouched this long are removed (old checkouts, edited generators). */
const STALE_MS = 3 * 24 * 3600 * 1000;

export interface DemoCache {
  /** The cache folder: `screen/` (the generated files) and `demo.micon` (every source ingested). */
  dir: string;
  /** The ingested project; never open it for writing: copy it (`copyDemoProject`). */
  project: string;
  manifest: DemoManifest;
}

/** Every .ts file reachable from `entries` through relative imports, sorted. */
function sourceClosure(entries: string[]): string[] {
  const seen = new Set<string>();
  const todo = entries.map((e) => path.join(REPO, e));
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const spec = path.resolve(path.dirname(file), m[1]);
      const candidates = [spec.replace(/\.js$/, '.ts'), spec.replace(/\.js$/, '.tsx'), spec, `${spec}.ts`, path.join(spec, 'index.ts')];
      const hit = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
      if (hit && /\.(ts|tsx|json|sql)$/.test(hit)) todo.push(hit);
    }
    // Migrations are read from their folder at run time, not imported.
    if (/\bmigrations\b/.test(text)) {
      const migrations = path.join(REPO, 'main/core/db/migrations');
      if (fs.existsSync(migrations)) for (const f of fs.readdirSync(migrations)) seen.add(path.join(migrations, f));
    }
  }
  return [...seen].filter((f) => fs.statSync(f).isFile()).sort();
}

/** The cache key: a hash of the generator's options and every input that decides the files it writes. */
export function demoCacheKey(): string {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify({ OPTIONS, node: process.versions.node }));
  const files = [...sourceClosure(ENTRIES), fileURLToPath(import.meta.url), path.join(REPO, 'package-lock.json')];
  for (const f of files) {
    h.update(path.relative(REPO, f));
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}

export function demoCacheRoot(): string {
  return process.env.MICON_TEST_CACHE ?? path.join(os.tmpdir(), 'micon-test-cache');
}

function read(dir: string): DemoCache | null {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) return null;
  return { dir, project: path.join(dir, PROJECT), manifest: JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as DemoManifest };
}

function pruneStale(root: string, keep: string): void {
  for (const e of fs.readdirSync(root)) {
    const p = path.join(root, e);
    if (p === keep || !e.startsWith('demo-') || e.endsWith('.lock')) continue;
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > STALE_MS) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // Another run may be removing it at the same time.
    }
  }
}

/** A lock whose holder died (killed run) or that never got its pid written within a minute. */
function staleLock(lock: string): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
    return !alive(pid);
  } catch {
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > 60_000;
    } catch {
      return false;
    }
  }
}

/**
 * The cached demo, built if missing. The project stores absolute image paths, so it is built where
 * it will stay, under a lock (other checkouts share /tmp and may build the same key at once); the
 * manifest is written last, so its presence marks a whole build and a killed build is redone.
 */
export async function ensureDemoCache(): Promise<DemoCache> {
  const root = demoCacheRoot();
  const dir = path.join(root, `demo-${demoCacheKey()}`);
  const lock = `${dir}.lock`;
  fs.mkdirSync(root, { recursive: true });
  for (;;) {
    const hit = read(dir);
    if (hit) {
      fs.utimesSync(dir, new Date(), new Date());
      return hit;
    }
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (staleLock(lock)) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    pruneStale(root, dir);
    fs.rmSync(dir, { recursive: true, force: true });
    const manifest = await generateDemo({ out: path.join(dir, 'screen'), ...OPTIONS });
    const db = openProject(path.join(dir, PROJECT));
    try {
      for (const src of manifest.ingests) await ingestFolder(db, src.folder, { platemap: src.platemap, plateMeta: src.plateMeta });
    } finally {
      db.close();
    }
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    return read(dir)!;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** A private copy of the cached project at `<dir>/<name>.micon` (the WAL was checkpointed when the build closed it). */
export async function copyDemoProject(dir: string, name = 'demo'): Promise<string> {
  const cache = await demoCache();
  const dst = path.join(dir, `${name}.micon`);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(cache.project, dst);
  return dst;
}

/** The generator's ground_truth.json of the cached screen: read by tests, never by the code under test. */
export async function demoGroundTruth(): Promise<unknown> {
  return JSON.parse(fs.readFileSync((await demoCache()).manifest.groundTruth, 'utf8'));
}

/**
 * The demo cache for this process: inside Vitest the folder globalSetup built (no worker builds or
 * hashes anything); elsewhere (tsx benchmarks) built or found on disk.
 */
export async function demoCache(): Promise<DemoCache> {
  const provided = await providedDir();
  const hit = provided ? read(provided) : null;
  return hit ?? ensureDemoCache();
}

async function providedDir(): Promise<string | undefined> {
  if (!process.env.VITEST) return undefined;
  const { inject } = await import('vitest');
  return inject('demoCacheDir');
}

declare module 'vitest' {
  export interface ProvidedContext {
    demoCacheDir: string;
  }
}
