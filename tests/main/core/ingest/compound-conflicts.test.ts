// Item 8 of issue 17: a platemap that gives one compound id two different structures. A compound id is
// the registry's identity for a structure, so two structures under one id is a data error (a typo, a
// mix-up of salts or stereoisomers), and importing it silently would put one of them on every well of
// that compound. The import is refused naming both lines, unless the user accepts it (--allow-conflicts),
// in which case the first line's structure is kept and the warning names both lines.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../../../main/core/api/contract.js';
import { openProject } from '../../../../main/core/db/open.js';
import { ingestFolder } from '../../../../main/core/ingest/ingest.js';
import { previewIngest } from '../../../../main/core/ingest/preview.js';
import { InputError } from '../../../../main/core/types.js';
import { REALDATA } from '../../../helpers/realdata.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-conflicts-');
// The real JUMP Phenix field: plate BR00121482, well A01.
const JUMP = path.join(REALDATA, 'images-phenix-jump-pe2loaddata/BR00121482__Version1');
const ASPIRIN = 'CC(=O)Oc1ccccc1C(=O)O';
const TYPO = 'CC(=O)Oc1ccccc1C(=O)N'; // one letter off: another molecule
const platemap = (name: string, rows: string[]) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, ['Metadata_Plate,Metadata_Well,Metadata_JCP2022,Metadata_SMILES', ...rows].join('\n') + '\n');
  return f;
};
const count = (db: ReturnType<typeof openProject>, sql: string) => db.prepare(sql).pluck().get() as number;

describe('one compound id with two structures in a platemap', () => {
  it('is refused before anything is imported, naming the compound, both structures and both lines', async () => {
    const pm = platemap('conflict.csv', [`BR00121482,A01,JCP-1,${ASPIRIN}`, 'BR00121482,A02,JCP-2,CCO', `BR00121482,A03,JCP-1,${TYPO}`]);
    const db = openProject(path.join(dir, 'refused.micon'));
    const e = await ingestFolder(db, JUMP, { platemap: pm }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InputError);
    const msg = (e as Error).message;
    expect(msg).toContain(`compound JCP-1 is given two different structures: "${ASPIRIN}" (${pm}: line 2) and "${TYPO}" (${pm}: line 4)`);
    expect(msg).toMatch(/--allow-conflicts/);
    expect(count(db, 'SELECT COUNT(*) FROM plates')).toBe(0);
    expect(count(db, 'SELECT COUNT(*) FROM compounds')).toBe(0);
    db.close();
  }, 60_000);

  it('the import preview shows the conflict as an error before anything is imported', async () => {
    const pm = platemap('preview.csv', [`BR00121482,A01,JCP-1,${ASPIRIN}`, `BR00121482,A03,JCP-1,${TYPO}`]);
    const db = openProject(path.join(dir, 'preview.micon'));
    const p = await previewIngest(db, JUMP, { platemap: pm });
    const errors = p.problems.filter((x) => x.severity === 'error' && /two different structures/.test(x.message));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: pm, row: 3 });
    db.close();
  }, 60_000);

  it('two spellings of one molecule are not a conflict', async () => {
    const pm = platemap('spellings.csv', ['BR00121482,A01,JCP-1,OCC', 'BR00121482,A03,JCP-1,CCO']);
    const db = openProject(path.join(dir, 'spellings.micon'));
    const s = await ingestFolder(db, JUMP, { platemap: pm });
    expect(s.plates).toBe(1);
    expect(s.problems.filter((p) => /two different structures/.test(p.message))).toEqual([]);
    db.close();
  }, 60_000);

  it('with allowConflicts the first line\'s structure is kept and the warning names both lines', async () => {
    const pm = platemap('allowed.csv', [`BR00121482,A01,JCP-1,${ASPIRIN}`, `BR00121482,A03,JCP-1,${TYPO}`]);
    const db = openProject(path.join(dir, 'allowed.micon'));
    const s = await ingestFolder(db, JUMP, { platemap: pm, allowConflicts: true });
    expect(s.plates).toBe(1);
    const w = s.problems.filter((p) => /two different structures/.test(p.message));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ severity: 'warning', file: pm, row: 3 });
    expect(w[0].message).toMatch(/line 2.*line 3.*keeps the structure of line 2/);
    expect(db.prepare("SELECT smiles FROM compounds WHERE compound_id = 'JCP-1'").pluck().get()).toBe(ASPIRIN);
    db.close();
  }, 60_000);

  it('a structure that differs from the one the project already has for that id is refused the same way', async () => {
    const db = openProject(path.join(dir, 'existing.micon'));
    await ingestFolder(db, JUMP, { platemap: platemap('first.csv', [`BR00121482,A01,JCP-1,${ASPIRIN}`]) });
    const pm = platemap('second.csv', [`BR00121482,A01,JCP-1,${TYPO}`]);
    const e = await ingestFolder(db, JUMP, { platemap: pm }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toContain(`compound JCP-1 is given two different structures: "${ASPIRIN}" (already in the project) and "${TYPO}" (${pm}: line 2)`);
    expect(db.prepare("SELECT smiles FROM compounds WHERE compound_id = 'JCP-1'").pluck().get()).toBe(ASPIRIN);
    db.close();
  }, 60_000);

  it('micon ingest says so on stderr and exits 2; --allow-conflicts imports', () => {
    const pm = platemap('cli.csv', [`BR00121482,A01,JCP-1,${ASPIRIN}`, `BR00121482,A03,JCP-1,${TYPO}`]);
    const file = path.join(dir, 'cli.micon');
    const root = path.resolve(__dirname, '../../../..');
    const run = (...extra: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli.ts'), 'ingest', JUMP, '--db', file, '--platemap', pm, '--json', ...extra], { cwd: root, encoding: 'utf8' });
    const refused = run();
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^micon: .*compound JCP-1 is given two different structures/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    // The app's import job takes the same choice.
    expect(parseRequest('jobs.start', { kind: 'ingest', folder: JUMP, platemap: pm, allowConflicts: true })).toMatchObject({ allowConflicts: true });
    const ok = run('--allow-conflicts');
    expect(ok.status, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { plates: number }).plates).toBe(1);
  }, 120_000);
});
