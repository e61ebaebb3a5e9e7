// What a file on disk is, found without writing to it: a project file can be anything a user (or a
// renderer) names, and opening another application's database read-write would switch it to WAL and
// create our tables in it. So a file is classified first, and only a MICON project (or an empty file)
// is ever opened for writing.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Database } from './sqlite.js';
import { InputError } from '../types.js';
import { migrations } from './migrations/index.js';

export type ProjectFileKind =
  /** A zero-length file or an SQLite database without any schema: a project not created yet. */
  | { kind: 'empty' }
  /** Ours: `schema_migrations` as we write it; `unknown`: applied ids this build does not know (a newer build). */
  | { kind: 'micon'; version: number; unknown: number[] };

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Every table a migration of this build can create, plus the runner's own. */
const knownTables = new Set([
  'schema_migrations',
  ...migrations.flatMap((m) => [...m.sql.matchAll(/CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?["`[]?(\w+)/gi)].map((x) => x[1].toLowerCase())),
]);
const knownNames = new Map(migrations.map((m) => [m.id, m.name]));

export const latestSchema = (): number => Math.max(...migrations.map((m) => m.id));

export const sidecar = (file: string, suffix: '-wal' | '-shm' | '-journal') => file + suffix;

function header(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(100);
    const n = fs.readSync(fd, b, 0, 100, 0);
    return b.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

export function writable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** True for a database in WAL mode (header bytes 18/19 = 2). */
export const isWalFile = (file: string): boolean => {
  const h = header(file);
  return h.length >= 20 && h[18] === 2;
};

/**
 * A connection that reads `file` and leaves it exactly as it was. A read-only connection to a WAL-mode
 * database creates -wal and -shm and, being unable to checkpoint, leaves them behind; a read-write
 * connection that only reads (query_only) removes them again on close, and writes nothing to the file.
 * Where -wal already exists (another process has the file open, or crashed), read-only is used so that
 * no recovery or checkpoint of someone else's log happens from here.
 */
function inspectionConnection(file: string, nativeBinding?: string): Database.Database {
  const folderWritable = writable(path.dirname(file));
  const walNeeded = isWalFile(file);
  const rw = walNeeded && !fs.existsSync(sidecar(file, '-wal')) && writable(file) && folderWritable;
  if (walNeeded && !rw && !fs.existsSync(sidecar(file, '-shm')) && !folderWritable) return openImmutable(file, nativeBinding);
  const db = new Database(file, { readonly: !rw, fileMustExist: true, nativeBinding });
  if (rw) db.pragma('query_only = ON');
  return db;
}

/**
 * A WAL-mode file in a folder where -shm cannot be created can only be read as immutable (SQLite's
 * `immutable=1` URI parameter: no locks, no sidecar files). That is right for an archive or a read-only
 * mount, where nobody writes.
 */
export function openImmutable(file: string, nativeBinding?: string): Database.Database {
  const uri = `${pathToFileURL(path.resolve(file)).href}?immutable=1`;
  try {
    return new Database(uri, { readonly: true, fileMustExist: true, nativeBinding });
  } catch (e) {
    throw new InputError(
      `${file}: cannot be read in place: it is a WAL-mode project in a read-only folder without its -shm file (${(e as Error).message}); copy it to a writable folder`,
    );
  }
}

/**
 * Classify an existing file. Throws an InputError naming the file for anything that is not a MICON
 * project: not SQLite, unreadable, another application's database (its tables are named), or ours
 * with tables we did not create. Never writes.
 */
export function inspectProjectFile(file: string, opts: { nativeBinding?: string } = {}): ProjectFileKind {
  const h = header(file);
  if (h.length === 0) return { kind: 'empty' };
  if (h.length < 100 || h.subarray(0, 16).toString('latin1') !== SQLITE_MAGIC) throw new InputError(`${file}: not a MICON project (not an SQLite database)`);
  let db: Database.Database;
  try {
    db = inspectionConnection(file, opts.nativeBinding);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot be opened as a MICON project (${(e as Error).message})`);
  }
  try {
    return classify(db, file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot be read as a MICON project (${(e as Error).message})`);
  } finally {
    db.close();
  }
}

function classify(db: Database.Database, file: string): ProjectFileKind {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").pluck().all() as string[]).sort();
  const objects = db.prepare('SELECT COUNT(*) FROM sqlite_master').pluck().get() as number;
  if (objects === 0) return { kind: 'empty' };
  const list = (names: string[]) => names.slice(0, 8).join(', ') + (names.length > 8 ? `, … (${names.length} in all)` : '');
  const foreign = (why: string) => new InputError(`${file}: not a MICON project (${why}); nothing was changed`);
  if (!tables.includes('schema_migrations')) throw foreign(`an SQLite database of another application: tables ${list(tables) || 'none'}`);
  const cols = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('schema_migrations') as string[]).sort().join(',');
  if (cols !== 'applied_at,id,name') throw foreign(`its schema_migrations table is not MICON's; tables ${list(tables)}`);
  const rows = db.prepare('SELECT id, name FROM schema_migrations').all() as { id: number; name: string }[];
  const wrongName = rows.find((r) => knownNames.has(r.id) && knownNames.get(r.id) !== r.name);
  if (wrongName) throw foreign(`schema migration ${wrongName.id} is "${wrongName.name}", not MICON's "${knownNames.get(wrongName.id)}"`);
  const unknown = rows.map((r) => r.id).filter((id) => !knownNames.has(id)).sort((a, b) => a - b);
  // A newer build's migrations create tables this one cannot know; only a project of a known schema can
  // be checked for tables nobody here made.
  const extra = unknown.length ? [] : tables.filter((t) => !knownTables.has(t.toLowerCase()));
  if (extra.length) throw foreign(`tables MICON does not create: ${list(extra)}`);
  return { kind: 'micon', version: Math.max(0, ...rows.map((r) => r.id)), unknown };
}
