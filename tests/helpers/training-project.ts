import fs from 'node:fs';
import path from 'node:path';
import { openProject, type DB } from '../../main/core/db/open.js';
import { embedHandcrafted } from '../../main/core/embeddings/handcrafted.js';
import { makeProject } from '../e2e/demo-project.js';

/**
 * The small generated demo screen, ingested, with its hand-crafted features already computed, so
 * training tests only pay for the steps they run. Build it once per test file and `copyProject` it
 * for each test that writes to it.
 */
export async function makeTrainingProject(dir: string): Promise<string> {
  const file = await makeProject(dir);
  const db = openProject(file);
  try {
    embedHandcrafted(db);
  } finally {
    db.close();
  }
  return file;
}

/** A copy of a closed project file (WAL checkpointed on close), with nothing of the original's `.d` folder. */
export function copyProject(src: string, name: string): string {
  const dst = path.join(path.dirname(src), `${name}.micon`);
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dst + suffix, { force: true });
  fs.rmSync(`${dst}.d`, { recursive: true, force: true });
  fs.copyFileSync(src, dst);
  return dst;
}

/** Open a project file, run `f` on it, close it whatever happens. */
export async function withDb<T>(file: string, f: (db: DB) => Promise<T>): Promise<T> {
  const db = openProject(file);
  try {
    return await f(db);
  } finally {
    db.close();
  }
}
