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
  it('numbers migrations in ascending order, each once (gaps allowed: numbers are reserved per branch)', () => {
    const ids = migrations.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe(1);
  });

  it('applies a migration it has not seen even when a higher number is already applied (a gap filled later)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-db-'));
    const file = path.join(dir, 'gap.micon');
    const db = openProject(file);
    // As if a build without migration 3 (but with the later ones) had created this project.
    db.exec('DROP TABLE feature_imports; DROP TABLE imported_well_features; DROP TABLE feature_names; DELETE FROM schema_migrations WHERE id = 3;');
    db.close();
    const again = openProject(file);
    expect(again.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all()).toEqual(migrations.map((m) => m.id));
    expect(again.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'imported_well_features'").pluck().get()).toBe(1);
    again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
