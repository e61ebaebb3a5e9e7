import type BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../types.js';
import { inspectProjectFile } from './inspect.js';
import { migrations } from './migrations/index.js';
import { Database } from './sqlite.js';

export type DB = BetterSqlite3.Database;

export interface OpenOptions {
  readonly?: boolean;
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
  if (st) inspectProjectFile(abs, { nativeBinding });
  if (!opts.readonly) fs.mkdirSync(path.dirname(abs), { recursive: true });
  const db = new Database(abs, {
    readonly: opts.readonly ?? false,
    fileMustExist: opts.readonly ?? false,
    nativeBinding,
  });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) migrate(db);
  return db;
}

export function migrate(db: DB): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const done = new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id));
  let applied = 0;
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, new Date().toISOString());
    })();
    applied++;
  }
  return applied;
}

export function schemaVersion(db: DB): number {
  const r = db.prepare('SELECT MAX(id) AS v FROM schema_migrations').get() as { v: number | null };
  return r.v ?? 0;
}
