import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../../main/core/db/migrations/index.js';
import { openProject, schemaVersion } from '../../../../main/core/db/open.js';

describe('openProject', () => {
  it('creates a WAL project with every migration applied once, and reopens it without reapplying', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-db-'));
    const file = path.join(dir, 'p.micon');
    const db = openProject(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.id);
    db.close();
    const again = openProject(file);
    expect((again.prepare('SELECT COUNT(*) n FROM schema_migrations').get() as { n: number }).n).toBe(migrations.length);
    again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('numbers migrations 1..n without gaps', () => {
    expect(migrations.map((m) => m.id)).toEqual(migrations.map((_, i) => i + 1));
  });
});
