// Item 1 of issue 17: a file that is not a MICON project is refused before anything is written to it.
import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectSession } from '../../../../main/core/project/session.js';
import { openProject } from '../../../../main/core/db/open.js';
import { InputError } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-foreign-');
const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const sidecars = (f: string) => ['-wal', '-shm', '-journal'].filter((s) => fs.existsSync(f + s));

/** Another application's database, closed cleanly, in rollback or WAL journal mode. */
function foreign(name: string, journal: 'delete' | 'wal', sql = 'CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places (url) VALUES (\'https://example.org\')'): string {
  const f = path.join(dir, name);
  const db = new Database(f);
  db.pragma(`journal_mode = ${journal}`);
  db.exec(sql);
  db.close();
  expect(sidecars(f)).toEqual([]);
  return f;
}

function expectRefusedUnchanged(f: string, open: () => unknown, ...patterns: RegExp[]): void {
  const before = sha(f);
  let err: unknown = null;
  try {
    open();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  for (const re of patterns) expect((err as Error).message).toMatch(re);
  expect((err as Error).message).toContain(f);
  expect(sha(f)).toBe(before);
  expect(sidecars(f)).toEqual([]);
}

describe('opening a file that is not a MICON project', () => {
  it('refuses another application\'s rollback-journal database, byte for byte unchanged, no -wal/-shm', () => {
    const f = foreign('places.sqlite', 'delete');
    expectRefusedUnchanged(f, () => openProject(f), /not a MICON project/, /moz_places/);
  });

  it('refuses another application\'s WAL-mode database the same way', () => {
    const f = foreign('wal-app.db', 'wal');
    expectRefusedUnchanged(f, () => openProject(f), /not a MICON project/, /moz_places/);
  });

  it('refuses a database with a schema_migrations table that is not ours (Rails), and one with foreign tables next to ours', () => {
    const rails = foreign('rails.sqlite3', 'delete', 'CREATE TABLE schema_migrations (version TEXT PRIMARY KEY); CREATE TABLE ar_internal_metadata (key TEXT); INSERT INTO schema_migrations VALUES (\'20240101\')');
    expectRefusedUnchanged(rails, () => openProject(rails), /not a MICON project/);
    const mixed = path.join(dir, 'mixed.micon');
    openProject(mixed).close();
    const db = new Database(mixed);
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
    db.close();
    expectRefusedUnchanged(mixed, () => openProject(mixed), /not a MICON project/, /invoices/);
  });

  it('project.open (the API session) refuses it too and keeps the open project', () => {
    const f = foreign('session-other.sqlite', 'wal');
    const mine = path.join(dir, 'mine.micon');
    const s = new ProjectSession(openProject(mine), mine, {}, true);
    expectRefusedUnchanged(f, () => s.open(f), /not a MICON project/);
    expect(s.path).toBe(mine);
    s.close();
  });

  it('refuses random bytes and a text file, naming the file, and changes neither', () => {
    const junk = path.join(dir, 'random.micon');
    fs.writeFileSync(junk, crypto.randomBytes(8192));
    expectRefusedUnchanged(junk, () => openProject(junk), /not a MICON project/, /not an SQLite database/);
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'root:x:0:0:root:/root:/bin/bash\n');
    expectRefusedUnchanged(text, () => openProject(text), /not a MICON project/);
  });

  it('still opens its own projects, including one left with only an empty schema_migrations table by an interrupted first open', () => {
    const f = path.join(dir, 'interrupted.micon');
    const db = new Database(f);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    db.close();
    const p = openProject(f);
    expect(p.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'plates'").pluck().get()).toBe(1);
    p.close();
    const empty = path.join(dir, 'empty.micon');
    fs.writeFileSync(empty, '');
    const e = openProject(empty);
    expect(e.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'plates'").pluck().get()).toBe(1);
    e.close();
  });
});
