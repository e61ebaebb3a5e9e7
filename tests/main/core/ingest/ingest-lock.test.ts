// Issue 17, item 5: an import holds the project's write lock only while it stores a plate, not while it
// decodes, corrects and measures it (minutes on a large plate). Other writers (the app, another command)
// get the lock in between; while the import does hold it, they can read who it is.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentActivity } from '../../../../main/core/db/activity.js';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { ingestFolder } from '../../../../main/core/ingest/ingest.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { writeImageXpressFixture } from '../../../helpers/vendor-fixtures.js';

const dir = tmpDir('micon-ingest-lock-');

/** Whether another connection can take the write lock right now (busy timeout 0: no waiting). */
function canWrite(other: DB): boolean {
  try {
    other.exec('BEGIN IMMEDIATE');
    other.prepare("INSERT INTO project_settings (key, value) VALUES ('probe', '1') ON CONFLICT (key) DO UPDATE SET value = value + 1").run();
    other.exec('COMMIT');
    return true;
  } catch (e) {
    if (other.inTransaction) other.exec('ROLLBACK');
    if (/locked|busy/i.test(String((e as Error).message))) return false;
    throw e;
  }
}

describe('ingest and the write lock', () => {
  it('leaves the lock free while it decodes, corrects and measures; holds it only to store the plate, announced', async () => {
    const fx = await writeImageXpressFixture(path.join(dir, 'plates'), { plate: 'LOCK01', wells: ['A01', 'A02', 'B01'], sites: 2 });
    const file = path.join(dir, 'p.micon');
    const db = openProject(file);
    const other = openProject(file, { busyTimeoutMs: 0 });
    const free: Record<string, boolean[]> = {};
    const announced: (string | null)[] = [];
    const s = await ingestFolder(db, path.join(dir, 'plates'), {
      threads: 0,
      onProgress: (p) => {
        if (p.stage === 'write') {
          // Inside the plate's transaction: others are kept out and read who holds the lock. This
          // process's own note is not "another" writer, so read the row as another process would.
          (free.write ??= []).push(canWrite(other));
          announced.push(other.prepare('SELECT what FROM project_activity').pluck().get() as string | null);
        } else if (p.done > 0) (free[p.stage] ??= []).push(canWrite(other));
      },
    });
    expect(s.sites).toBe(fx.wells.length * fx.sites);
    expect(free.decode?.length).toBe(6);
    expect(free.correct?.length).toBe(6);
    expect(free.features?.length).toBe(6);
    for (const stage of ['decode', 'correct', 'features']) expect([stage, free[stage].every(Boolean)]).toEqual([stage, true]);
    expect(free.write).toEqual([false]);
    expect(announced).toEqual(['an import of plate LOCK01']);
    // The probe's writes and the import's both landed; the note is gone.
    expect(other.prepare("SELECT CAST(value AS INTEGER) FROM project_settings WHERE key = 'probe'").pluck().get()).toBe(18);
    expect(other.prepare('SELECT COUNT(*) FROM sites').pluck().get()).toBe(6);
    expect(currentActivity(other)).toBeNull();
    expect(other.prepare('SELECT COUNT(*) FROM project_activity').pluck().get()).toBe(0);
    other.close();
    db.close();
  });
});
