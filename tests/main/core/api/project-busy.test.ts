// Item 5 of issue 17 (in part): while another process holds the project's write lock (an import in a
// job process, a CLI command), a request that must write answers 409 "project busy" quickly instead of
// freezing the server for the busy timeout and failing with 500; reads go on; the CLI says "busy" in a
// line instead of a raw SqliteError.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { startServer } from '../../../../main/server/server.js';
import { treatedPairs } from '../../../helpers/search-fixtures.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-busy-');
const root = path.resolve(__dirname, '../../../..');
const held: ChildProcess[] = [];
afterAll(() => held.forEach((p) => p.kill('SIGKILL')));

function project(name: string): string {
  const file = path.join(dir, name);
  const db = openProject(file);
  treatedPairs(db, 8);
  db.close();
  return file;
}

/** Another process that takes the write lock and keeps it until killed. */
async function holdWriteLock(file: string): Promise<ChildProcess> {
  const code = `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))}); const db = new D(${JSON.stringify(file)}); db.exec('BEGIN IMMEDIATE'); console.log('locked'); setInterval(() => {}, 1000);`;
  const p = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  held.push(p);
  await new Promise<void>((resolve) => p.stdout!.once('data', () => resolve()));
  return p;
}

describe('a project whose write lock another process holds', () => {
  it('browser mode: a write answers 409 "project busy" within a second; reads still answer', async () => {
    const file = project('server.micon');
    const db = openProject(file);
    const server = await startServer({ db, projectPath: file, port: 0, rendererDir: dir });
    const locker = await holdWriteLock(file);
    const call = async (name: string, body: unknown) => {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${server.port}/api/${name}`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { ok: boolean; error?: string }, ms: performance.now() - t0 };
    };
    try {
      const info = await call('project.info', {});
      expect(info.status).toBe(200);
      const split = await call('split.create', { holdoutFraction: 0.25, seed: 1 });
      expect(split.status).toBe(409);
      expect(split.body.error).toMatch(/project busy: another process is writing to it/);
      expect(split.ms).toBeLessThan(1500);
      locker.kill('SIGKILL');
      await new Promise((r) => locker.once('exit', r));
      expect((await call('split.create', { holdoutFraction: 0.25, seed: 1 })).status).toBe(200);
    } finally {
      await server.close();
      db.close();
    }
  }, 60_000);

  it('CLI: a write command says the project is busy, in one line, exit 2', async () => {
    const file = project('cli.micon');
    const locker = await holdWriteLock(file);
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli.ts'), 'split', '--db', file], { cwd: root, encoding: 'utf8' });
    locker.kill('SIGKILL');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^micon: .*project busy/);
    expect(r.stderr).not.toMatch(/SqliteError|\n\s+at /);
  }, 60_000);
});
