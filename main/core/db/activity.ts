// Who is writing to a project right now. SQLite says only "database is locked"; a scientist needs
// "an import of plate BR00121482 is running". A process about to hold the write lock for more than a
// moment announces what it does (its own short commit, so other connections can read it while the
// lock is held: WAL readers never wait), and withdraws the note afterwards.
import os from 'node:os';
import { isBusyError } from '../types.js';
import type { DB } from './open.js';
import { readOnlyReason } from './open.js';

interface ActivityRow {
  id: number;
  pid: number;
  host: string;
  what: string;
  started_at: string;
}

const hasTable = (db: DB): boolean =>
  !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'project_activity'").get();

/** Whether a process of this machine is still alive (another machine's rows are taken at their word). */
function alive(row: ActivityRow): boolean {
  if (row.host !== os.hostname()) return true;
  try {
    process.kill(row.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Announce `what` ("an import of plate P1") until the returned function is called. Clears notes left
 * by processes that died. A project this connection cannot write to gets no note (nothing to announce).
 * Inside a transaction the note is part of it (visible to others once committed).
 */
export function announce(db: DB, what: string): () => void {
  if (readOnlyReason(db) || !hasTable(db)) return () => {};
  const rows = db.prepare('SELECT * FROM project_activity').all() as ActivityRow[];
  const dead = rows.filter((r) => !alive(r)).map((r) => r.id);
  const id = db.transaction(() => {
    if (dead.length) db.prepare(`DELETE FROM project_activity WHERE id IN (${dead.join(',')})`).run();
    return Number(db.prepare('INSERT INTO project_activity (pid, host, what, started_at) VALUES (?, ?, ?, ?)').run(process.pid, os.hostname(), what, new Date().toISOString()).lastInsertRowid);
  })();
  return () => {
    // Best effort: a note left behind by a failed delete is ignored once this process has exited.
    try {
      if (db.open) db.prepare('DELETE FROM project_activity WHERE id = ?').run(id);
    } catch {
      /* the next writer clears it */
    }
  };
}

/**
 * Run `body` inside one write transaction, announced as `what` for as long as it holds the lock: the
 * note is committed first (a moment's lock), then the transaction starts; waiting for either is a
 * timer, never a synchronous busy wait. Commits when `body` resolves, rolls back when it throws.
 */
export async function inWriteTransaction<T>(db: DB, what: string, body: () => Promise<T> | T, opts: BeginWriteOptions = {}): Promise<T> {
  await beginWrite(db, opts);
  let withdraw: () => void;
  try {
    withdraw = announce(db, what);
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
  try {
    await beginWrite(db, opts);
    try {
      const r = await body();
      db.exec('COMMIT');
      return r;
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  } finally {
    withdraw();
  }
}

/** What other live processes announced, oldest first ("an import of plate P1 (pid 4242, since 19:40:02)"). */
export function currentActivity(db: DB): string | null {
  let rows: ActivityRow[];
  try {
    if (!hasTable(db)) return null;
    rows = db.prepare('SELECT * FROM project_activity ORDER BY id').all() as ActivityRow[];
  } catch {
    return null;
  }
  const live = rows.filter((r) => !(r.pid === process.pid && r.host === os.hostname()) && alive(r));
  if (!live.length) return null;
  return live.map((r) => `${r.what} (pid ${r.pid}${r.host === os.hostname() ? '' : ` on ${r.host}`}, since ${r.started_at.slice(11, 19)} UTC)`).join('; ');
}

export interface BeginWriteOptions {
  /** How long to wait for another process's write lock (default 10 minutes: the caller is a long job). */
  waitMs?: number;
  /** Called once while waiting, with who holds the lock when they said so. */
  onWait?: (holder: string | null) => void;
  signal?: AbortSignal;
}

/**
 * BEGIN IMMEDIATE without blocking the event loop: SQLite's busy timeout waits synchronously, so a job
 * process waiting for the lock could not answer cancel or report progress. Here each try fails at once
 * and the wait between tries is a timer.
 */
export async function beginWrite(db: DB, opts: BeginWriteOptions = {}): Promise<void> {
  const prev = db.pragma('busy_timeout', { simple: true }) as number;
  const deadline = Date.now() + (opts.waitMs ?? 600_000);
  let told = false;
  db.pragma('busy_timeout = 0');
  try {
    for (let delay = 20; ; delay = Math.min(500, delay * 2)) {
      try {
        db.exec('BEGIN IMMEDIATE');
        return;
      } catch (e) {
        if (!isBusyError(e) || Date.now() + delay > deadline) throw e;
      }
      if (!told) opts.onWait?.(currentActivity(db));
      told = true;
      opts.signal?.throwIfAborted();
      await new Promise((r) => setTimeout(r, delay));
    }
  } finally {
    db.pragma(`busy_timeout = ${prev}`);
  }
}
