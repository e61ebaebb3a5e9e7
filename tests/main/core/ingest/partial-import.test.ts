// Item 12 of issue 17: an import that brought in less than the folder holds says so, to people and to
// scripts: skipped plates of another layout give exit status 3; a well whose every site is unreadable
// is named; compounds of platemap rows that were not imported are not added to the project.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { ingestFolder } from '../../../../main/core/ingest/ingest.js';
import { REALDATA } from '../../../helpers/realdata.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { writeImageXpressFixture } from '../../../helpers/vendor-fixtures.js';

const dir = tmpDir('micon-partial-');
const root = path.resolve(__dirname, '../../../..');
const JUMP = path.join(REALDATA, 'images-phenix-jump-pe2loaddata/BR00121482__Version1');
const IXM = path.join(REALDATA, 'images-bbbc022-ixm-hoechst/20585');
const micon = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli.ts'), ...args], { cwd: root, encoding: 'utf8' });

describe('an import that brings in less than the folder holds', () => {
  it('plates of a second layout skipped: listed in --json (skipped) and exit status 3; an instrument\'s own LoadData CSV is not a skipped plate', () => {
    // Two real plates side by side (links, nothing copied): a Phenix measurement and an ImageXpress one.
    const mixed = path.join(dir, 'mixed');
    fs.mkdirSync(mixed);
    fs.symlinkSync(JUMP, path.join(mixed, 'phenix'));
    fs.symlinkSync(IXM, path.join(mixed, 'ixm'));
    const r = micon('ingest', mixed, '--db', path.join(dir, 'mixed.micon'), '--json');
    expect(r.status, r.stderr).toBe(3);
    const j = JSON.parse(r.stdout) as { plates: number; skipped: { layout: string; plates: string[] }[] };
    expect(j.plates).toBe(1);
    expect(j.skipped).toEqual([{ layout: 'imagexpress', plates: [path.join(mixed, 'ixm')] }]);
    const human = micon('ingest', mixed, '--db', path.join(dir, 'mixed2.micon'));
    expect(human.status).toBe(3);
    expect(human.stdout).toMatch(/skipped: 1 ImageXpress plate\(s\)/);
    const plain = micon('ingest', JUMP, '--db', path.join(dir, 'plain.micon'), '--json');
    expect(plain.status, plain.stderr).toBe(0);
    expect((JSON.parse(plain.stdout) as { skipped: unknown[] }).skipped).toEqual([]);
  }, 120_000);

  it('a well whose every site is unreadable is named in one warning, not only per site', async () => {
    // Images in well, site, channel order: the first 10 (A01's two sites × five channels) are garbage.
    const fx = await writeImageXpressFixture(path.join(dir, 'plates'), { wells: ['A01', 'B02'], sites: 2, corrupt: 10 });
    const db = openProject(path.join(dir, 'unreadable.micon'));
    const s = await ingestFolder(db, fx.plateFolder, { threads: 0 });
    expect(s.wells).toBe(1);
    const w = s.problems.filter((p) => p.well === 'A01' && /none of its 2 site\(s\) could be read/.test(p.message));
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(/well not imported/);
    db.close();
  }, 120_000);

  it('compounds of platemap rows whose wells were not imported are not added', async () => {
    const pm = path.join(dir, 'platemap.csv');
    fs.writeFileSync(pm, 'Metadata_Plate,Metadata_Well,Metadata_JCP2022,Metadata_SMILES\nBR00121482,A01,JCP-IMAGED,CCO\nBR00121482,B07,JCP-NO-IMAGES,c1ccccc1\n');
    const db = openProject(path.join(dir, 'rows.micon'));
    const s = await ingestFolder(db, JUMP, { platemap: pm });
    expect(s.problems.some((p) => /B07 has no images; row not imported/.test(p.message))).toBe(true);
    expect(db.prepare('SELECT compound_id FROM compounds ORDER BY compound_id').pluck().all()).toEqual(['JCP-IMAGED']);
    db.close();
  }, 60_000);
});
