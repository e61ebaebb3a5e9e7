// Issue 17, item 5: while another process holds the project's write lock (an import in a job process,
// a CLI command), a request that must write waits for it off the event loop — every other request is
// answered meanwhile — and goes through when the lock frees; still locked after the wait, it answers
// 409 "project busy" naming who holds the lock (as the holder announced it), never 500. The CLI says
// the same in one line instead of a raw SqliteError.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
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

/**
 * Another process that takes the write lock and keeps it until it reads a line on stdin (or is killed).
 * With `what`, it first announces itself the way MICON's writers do (db/activity.ts).
 */
async function holdWriteLock(file: string, what?: string): Promise<ChildProcess> {
  const announce = what
    ? `db.prepare('INSERT INTO project_activity (pid, host, what, started_at) VALUES (?, ?, ?, ?)').run(process.pid, ${JSON.stringify(os.hostname())}, ${JSON.stringify(what)}, new Date().toISOString());`
    : '';
  const code = `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))}); const db = new D(${JSON.stringify(file)});
    ${announce} db.exec('BEGIN IMMEDIATE'); console.log('locked');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.exec('DELETE FROM project_activity'); db.close(); process.exit(0); });`;
  const p = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  held.push(p);
  await new Promise<void>((resolve) => p.stdout!.once('data', () => resolve()));
  return p;
}

async function serve(file: string, busyWaitMs: number) {
  const db = openProject(file);
  const server = await startServer({ db, projectPath: file, port: 0, rendererDir: dir, busyWaitMs });
  const call = async (name: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/${name}`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { ok: boolean; error?: string } };
  };
  return { call, close: async () => (await server.close(), db.close()) };
}

describe('a project whose write lock another process holds', () => {
  it('browser mode: a write waits without freezing the server (reads answer meanwhile) and goes through once the lock frees', async () => {
    const file = project('retry.micon');
    const { call, close } = await serve(file, 60_000);
    const locker = await holdWriteLock(file, 'an import of plate P1');
    try {
      let writeDone = false;
      const write = call('split.create', { holdoutFraction: 0.25, seed: 1 }).finally(() => (writeDone = true));
      // While the write waits for the lock, other requests are answered: the wait is not on the event loop.
      for (let i = 0; i < 3; i++) {
        expect((await call('project.info', {})).status).toBe(200);
        expect((await call('plates.list', {})).status).toBe(200);
      }
      expect(writeDone).toBe(false);
      locker.stdin!.write('release\n');
      const w = await write;
      expect(w.status).toBe(200);
      expect((await call('split.info', {})).body).toMatchObject({ ok: true });
    } finally {
      await close();
    }
  }, 60_000);

  it('browser mode: still locked after the wait, a write answers 409 naming the import that holds the lock; reads still answer', async () => {
    const file = project('server.micon');
    const { call, close } = await serve(file, 300);
    const locker = await holdWriteLock(file, 'an import of plate BR00121482');
    try {
      expect((await call('project.info', {})).status).toBe(200);
      const split = await call('split.create', { holdoutFraction: 0.25, seed: 1 });
      expect(split.status).toBe(409);
      expect(split.body.error).toMatch(new RegExp(`^project busy: an import of plate BR00121482 \\(pid ${locker.pid}, since \\d\\d:\\d\\d:\\d\\d UTC\\) is running; split.create can be tried again`));
      locker.kill('SIGKILL');
      await new Promise((r) => locker.once('exit', r));
      // The holder died without withdrawing its note: the lock is free and the dead note is ignored.
      expect((await call('split.create', { holdoutFraction: 0.25, seed: 1 })).status).toBe(200);
    } finally {
      await close();
    }
  }, 60_000);

  it('browser mode: a holder that announced nothing is "another process"', async () => {
    const file = project('anon.micon');
    const { call, close } = await serve(file, 100);
    const locker = await holdWriteLock(file);
    try {
      const split = await call('split.create', { holdoutFraction: 0.25, seed: 1 });
      expect(split.status).toBe(409);
      expect(split.body.error).toMatch(/^project busy: another process is writing to it/);
    } finally {
      locker.kill('SIGKILL');
      await close();
    }
  }, 60_000);

  it('CLI: a write command says in one line that the project is busy and who holds it, exit 2', async () => {
    const file = project('cli.micon');
    const locker = await holdWriteLock(file, 'an import of plate P7');
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli.ts'), 'split', '--db', file], { cwd: root, encoding: 'utf8' });
    locker.kill('SIGKILL');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^micon: project busy: an import of plate P7 \\(pid ${locker.pid}, since .*\\) is running; try again when it has finished\\n$`));
    expect(r.stderr).not.toMatch(/SqliteError|\n\s+at /);
  }, 60_000);
});
