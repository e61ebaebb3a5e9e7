// Who holds a project's write lock (issue 17, item 5): a writer's announcement is readable by other
// connections while it holds the lock, a dead process's note is ignored and cleared, and beginWrite
// waits for the lock on a timer, so the event loop keeps running while it waits.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { announce, beginWrite, currentActivity, inWriteTransaction } from '../../../../main/core/db/activity.js';
import { openProject } from '../../../../main/core/db/open.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-activity-');
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

/** A process that takes the write lock and keeps it until it reads a line on stdin, then commits and exits. */
async function lockUntilTold(file: string): Promise<ChildProcess> {
  const code = `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))}); const db = new D(${JSON.stringify(file)});
    db.exec('BEGIN IMMEDIATE'); console.log('locked');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });`;
  const p = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(p);
  await new Promise<void>((resolve) => p.stdout!.once('data', () => resolve()));
  return p;
}

describe('project activity', () => {
  it('another connection reads what a writer announced while the writer holds the lock; nothing after it withdraws', async () => {
    const file = path.join(dir, 'a.micon');
    const writer = openProject(file);
    const reader = openProject(file, { busyTimeoutMs: 0 });
    expect(currentActivity(reader)).toBeNull();
    const notes = () => reader.prepare('SELECT pid, what FROM project_activity').all();
    let seen: unknown;
    let selfSeen: string | null = 'unset';
    await inWriteTransaction(writer, 'an import of plate P1', () => {
      writer.prepare("INSERT INTO project_settings (key, value) VALUES ('x', '1')").run();
      seen = notes();
      // currentActivity names other processes only (this one knows what it does itself).
      selfSeen = currentActivity(reader);
      expect(() => reader.exec('BEGIN IMMEDIATE')).toThrow(/locked|busy/i);
    });
    expect(seen).toEqual([{ pid: process.pid, what: 'an import of plate P1' }]);
    expect(selfSeen).toBeNull();
    expect(reader.prepare('SELECT COUNT(*) FROM project_activity').pluck().get()).toBe(0);
    expect(reader.prepare("SELECT value FROM project_settings WHERE key = 'x'").pluck().get()).toBe('1');
    writer.close();
    reader.close();
  });

  it('names a live process of this machine with its pid, ignores a dead one and clears its note on the next announcement', async () => {
    const file = path.join(dir, 'b.micon');
    const db = openProject(file);
    const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    children.push(live);
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.once('exit', r));
    const ins = db.prepare('INSERT INTO project_activity (pid, host, what, started_at) VALUES (?, ?, ?, ?)');
    ins.run(dead.pid, os.hostname(), 'an import of plate DEAD', '2026-12-03T10:00:00.000Z');
    ins.run(live.pid, os.hostname(), 'an import of plate P9', '2026-12-03T10:00:05.000Z');
    expect(currentActivity(db)).toBe(`an import of plate P9 (pid ${live.pid}, since 10:00:05 UTC)`);
    const withdraw = announce(db, 'training');
    expect(db.prepare('SELECT what FROM project_activity ORDER BY id').pluck().all()).toEqual(['an import of plate P9', 'training']);
    withdraw();
    expect(db.prepare('SELECT what FROM project_activity').pluck().all()).toEqual(['an import of plate P9']);
    db.close();
  });

  it('beginWrite waits for a lock another process holds without blocking the event loop, then takes it', async () => {
    const file = path.join(dir, 'c.micon');
    const db = openProject(file);
    const locker = await lockUntilTold(file);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    let waitingFor: string | null | undefined;
    const got = beginWrite(db, { onWait: (who) => (waitingFor = who) });
    // Timers fire while beginWrite waits: a synchronous busy wait would starve them.
    while (ticks < 10) await new Promise((r) => setTimeout(r, 5));
    expect(db.inTransaction).toBe(false);
    expect(waitingFor).toBeNull();
    locker.stdin!.write('go\n');
    await got;
    clearInterval(timer);
    expect(db.inTransaction).toBe(true);
    db.exec('ROLLBACK');
    // The connection's own busy timeout is back as it was.
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('beginWrite gives up with SQLITE_BUSY after waitMs', async () => {
    const file = path.join(dir, 'd.micon');
    const db = openProject(file);
    const locker = await lockUntilTold(file);
    await expect(beginWrite(db, { waitMs: 200 })).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    locker.stdin!.write('go\n');
    db.close();
  });
});
