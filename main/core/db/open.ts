import type BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { InputError, isBusyError } from '../types.js';
import { inspectProjectFile, isWalFile, latestSchema, openImmutable, sidecar, writable, type ProjectFileKind } from './inspect.js';
import { migrations } from './migrations/index.js';
import { Database } from './sqlite.js';

export type DB = BetterSqlite3.Database;

export interface OpenOptions {
  /** Read only: no migration, nothing written. */
  readonly?: boolean;
  /**
   * Where the project cannot be written (made by a newer MICON Studio, a read-only file or folder), open it read-only instead of
   * refusing; `readOnlyReason(db)` says why. For callers that can do their work reading.
   */
  readOnlyFallback?: boolean;
  /** Create the project when the file does not exist (default true; commands that need an existing project pass false). */
  create?: boolean;
  /** How long a write waits for another connection's lock before SQLITE_BUSY (default 5,000 ms; the UI uses less). */
  busyTimeoutMs?: number;
  /** Path to a better_sqlite3.node built for the running runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string;
}

/**
 * Open (or create) a project file: WAL, foreign keys on, migrations applied in order. An existing file
 * is classified first (inspect.ts) and refused, untouched, unless it is a MICON project or empty.
 */
export function openProject(file: string, opts: OpenOptions = {}): DB {
  const abs = path.resolve(file);
  const nativeBinding = opts.nativeBinding ?? process.env.MICON_SQLITE_BINDING;
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  if (st?.isDirectory()) throw new InputError(`${abs}: is a folder, not a project file (.micon)`);
  if (!st && (opts.readonly || opts.create === false)) throw new InputError(`${abs}: no such project file`);
  const kind = st ? inspectProjectFile(abs, { nativeBinding }) : null;
  if (opts.readonly && kind?.kind === 'empty') throw new InputError(`${abs}: not a MICON project yet (an empty file)`);
  const why = kind ? cannotWrite(kind, abs) : null;
  if (kind?.kind === 'empty' && why) throw new InputError(`${abs}: not a MICON project yet (an empty file), and ${why}`);
  if (opts.readonly || why) {
    if (why && !opts.readonly && !opts.readOnlyFallback) throw new InputError(`${abs}: ${why}; ${kind?.kind === 'micon' && kind.unknown.length ? 'this version cannot write to it' : 'it can only be read (query, export, the app\'s views)'}`);
    const db = openReadOnly(abs, nativeBinding);
    readOnly.set(db, why ?? 'opened read-only');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    return db;
  }
  let db: DB;
  try {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    db = new Database(abs, { nativeBinding });
  } catch (e) {
    throw new InputError(`${abs}: cannot create a project here (${(e as Error).message})`);
  }
  useWal(db);
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  // Migrations above wait the full 5 s default (two first opens race); afterwards the caller's choice.
  db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
  return db;
}

/**
 * Switch a new file to WAL. Two processes creating the same project at once both try; SQLite answers
 * the loser SQLITE_BUSY at once (a shared lock cannot wait to become exclusive: deadlock avoidance), so
 * the switch is retried for up to the busy timeout. A project already in WAL is only read.
 */
function useWal(db: DB): void {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if (!isBusyError(e) || Date.now() > deadline) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 + Math.random() * 20);
    }
  }
}

const readOnly = new WeakMap<DB, string>();

/** Why a connection from openProject is read-only (null when it can write). */
export function readOnlyReason(db: DB): string | null {
  return readOnly.get(db) ?? (db.readonly ? 'opened read-only' : null);
}

/**
 * A read-only connection. A WAL-mode project whose folder cannot hold the -shm file is opened immutable
 * (nothing else can be writing to it there).
 */
function openReadOnly(abs: string, nativeBinding: string | undefined): DB {
  const noShm = !fs.existsSync(sidecar(abs, '-shm')) && !writable(path.dirname(abs));
  if (noShm && isWalFile(abs)) return openImmutable(abs, nativeBinding);
  return new Database(abs, { readonly: true, fileMustExist: true, nativeBinding });
}

/** What keeps this build from writing to an existing project, if anything. */
function cannotWrite(kind: ProjectFileKind, abs: string): string | null {
  if (!writable(abs)) return 'the file is read-only';
  // WAL needs -wal and -shm next to the file; a folder that cannot take them makes the project read-only.
  const dir = path.dirname(abs);
  if (!writable(dir) && !(writable(sidecar(abs, '-wal')) && writable(sidecar(abs, '-shm')))) return `its folder ${dir} is read-only`;
  if (kind.kind !== 'micon' || !kind.unknown.length) return null;
  const latest = latestSchema();
  return kind.version > latest
    ? `made by a newer MICON Studio (schema ${kind.version} > ${latest})`
    : `made by another MICON Studio build (schema migrations ${kind.unknown.join(', ')} are unknown to this one, whose latest is ${latest})`;
}

/**
 * Apply the migrations this project lacks. The check and the migrations run inside one BEGIN IMMEDIATE
 * transaction, so two processes opening the same new (or older) project at once cannot both decide to
 * create the same tables: the second waits for the write lock (busy timeout), then finds nothing to do.
 * A project that is up to date is only read, so opening it never waits for another process's writes.
 */
function migrate(db: DB): number {
  const missing = () => {
    const has = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").pluck().get() as number;
    const done = new Set(has ? (db.prepare('SELECT id FROM schema_migrations').pluck().all() as number[]) : []);
    return migrations.filter((m) => !done.has(m.id));
  };
  if (!missing().length) return 0;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const todo = missing();
    const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
    for (const m of todo) {
      db.exec(m.sql);
      record.run(m.id, m.name, new Date().toISOString());
    }
    db.exec('COMMIT');
    return todo.length;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

export function schemaVersion(db: DB): number {
  const r = db.prepare('SELECT MAX(id) AS v FROM schema_migrations').get() as { v: number | null };
  return r.v ?? 0;
}
