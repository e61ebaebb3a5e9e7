// Item 6 of issue 17: a project written by a newer MICON Studio is never written to by this one; it can
// still be read.
import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../../../main/core/api/handlers.js';
import { ProjectSession } from '../../../../main/core/project/session.js';
import { migrations } from '../../../../main/core/db/migrations/index.js';
import { openProject, readOnlyReason } from '../../../../main/core/db/open.js';
import { InputError } from '../../../../main/core/types.js';
import { treatedPairs } from '../../../helpers/search-fixtures.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-newer-');
const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const latest = migrations.at(-1)!.id;

/** A project as a later build would leave it: one more migration and the table it made. */
function newerProject(name: string): string {
  const f = path.join(dir, name);
  const p = openProject(f);
  // Treated compounds in duplicate: enough for a split, so a write reaches SQLite.
  treatedPairs(p, 6);
  p.close();
  const db = new Database(f);
  db.exec(`CREATE TABLE plate_notes (plate_id INTEGER, note TEXT); INSERT INTO schema_migrations VALUES (${latest + 5}, 'plate_notes', '2027-01-01T00:00:00Z')`);
  db.close();
  return f;
}

describe('a project made by a newer MICON Studio', () => {
  it('is refused for writing, naming the file and both schema versions, and left unchanged', () => {
    const f = newerProject('newer.micon');
    const before = sha(f);
    let err: unknown;
    try {
      openProject(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(f);
    expect((err as Error).message).toMatch(new RegExp(`made by a newer MICON Studio \\(schema ${latest + 5} > ${latest}\\)`));
    expect(sha(f)).toBe(before);
  });

  it('opens read-only where the caller can work read-only, says why, and refuses writes', () => {
    const f = newerProject('newer-ro.micon');
    const before = sha(f);
    const db = openProject(f, { readOnlyFallback: true });
    expect(db.readonly).toBe(true);
    expect(readOnlyReason(db)).toMatch(new RegExp(`made by a newer MICON Studio \\(schema ${latest + 5} > ${latest}\\)`));
    expect(db.prepare('SELECT name FROM sources').pluck().all()).toEqual(['lab A']);
    expect(() => db.exec("INSERT INTO sources (name) VALUES ('x')")).toThrow(/readonly/);
    db.close();
    const ro = openProject(f, { readonly: true });
    expect(ro.prepare('SELECT COUNT(*) FROM wells').pluck().get()).toBe(12);
    ro.close();
    expect(sha(f)).toBe(before);
  });

  it('project.open in the app opens it read-only: project.info says so, and a write answers a clear error', async () => {
    const mine = path.join(dir, 'mine.micon');
    const f = newerProject('newer-api.micon');
    const s = new ProjectSession(openProject(mine), mine, { readOnlyFallback: true }, true);
    const h = createHandlers({ session: s, transport: 'browser', transportNote: null });
    expect((await h['project.info']({})).readOnly).toBeNull();
    const info = await h['project.open']({ path: f });
    expect(info.path).toBe(f);
    expect(info.readOnly).toMatch(/made by a newer MICON Studio/);
    expect(info.plates).toBe(1);
    // Any write through the API is refused with the reason, not a server error.
    await expect(Promise.resolve().then(() => h['split.create']({ holdoutFraction: 0.25, seed: 1 }))).rejects.toThrow(InputError);
    await expect(Promise.resolve().then(() => h['split.create']({ holdoutFraction: 0.25, seed: 1 }))).rejects.toThrow(/read-only.*newer MICON Studio/);
    s.close();
  });
});
