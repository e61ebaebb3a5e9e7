// Item 4 of issue 17: several processes opening a new project at the same moment (the app and a CLI
// ingest, two scripts) all get a complete, migrated project; none fails.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../../main/core/db/migrations/index.js';
import { openProject } from '../../../../main/core/db/open.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-concurrent-');
const openTs = path.resolve(__dirname, '../../../../main/core/db/open.ts');

/** A separate process that waits for `at` (ms since epoch), then opens `file` and reports. */
function opener(file: string, at: number): Promise<{ code: number | null; out: string }> {
  const code = `
    const { openProject, schemaVersion } = await import(${JSON.stringify(openTs)});
    while (Date.now() < ${at}) {}
    try { const db = openProject(${JSON.stringify(file)}); console.log('ok', schemaVersion(db)); db.close(); }
    catch (e) { console.log('failed', e.message); process.exitCode = 1; }`;
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (c) => resolve({ code: c, out: out.trim() }));
  });
}

describe('concurrent first open of a new project', () => {
  it('four processes opening the same new file at once all succeed, six runs in a row; each migration applied once', async () => {
    const latest = migrations.at(-1)!.id;
    for (let run = 0; run < 6; run++) {
      const file = path.join(dir, `run${run}.micon`);
      const at = Date.now() + 2500;
      const results = await Promise.all([0, 1, 2, 3].map(() => opener(file, at)));
      for (const r of results) expect(r.out, `run ${run}`).toBe(`ok ${latest}`);
      const db = openProject(file);
      expect(db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all()).toEqual(migrations.map((m) => m.id));
      db.close();
    }
  }, 180_000);

  it('four processes upgrading an older project at once all succeed, six runs in a row', async () => {
    const latest = migrations.at(-1)!.id;
    for (let run = 0; run < 6; run++) {
      const file = path.join(dir, `old${run}.micon`);
      // As a build without the later migrations left it.
      const db = openProject(file);
      db.exec('DROP TABLE site_handcrafted; DROP TABLE feature_imports; DROP TABLE imported_well_features; DROP TABLE feature_names; DELETE FROM schema_migrations WHERE id IN (3, 4)');
      db.close();
      const at = Date.now() + 2500;
      const results = await Promise.all([0, 1, 2, 3].map(() => opener(file, at)));
      for (const r of results) expect(r.out, `run ${run}`).toBe(`ok ${latest}`);
    }
  }, 180_000);
});
