// Item 3 of issue 17: every path the page sends is confined to folders the user chose (or that the
// session was started with); a renderer XSS must not reach the rest of the disk through the API.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../../../main/core/api/handlers.js';
import { ProjectSession } from '../../../../main/core/project/session.js';
import { openProject } from '../../../../main/core/db/open.js';
import { FileScope } from '../../../../main/core/files/scope.js';
import { InputError } from '../../../../main/core/types.js';
import { REALDATA } from '../../../helpers/realdata.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-scope-');
const projects = path.join(dir, 'projects');
const elsewhere = path.join(dir, 'home');
for (const d of [projects, path.join(elsewhere, '.ssh'), path.join(elsewhere, '.config', 'autostart')]) fs.mkdirSync(d, { recursive: true });
fs.writeFileSync(path.join(elsewhere, 'platemap.csv'), 'well,compound_id\nA01,C1\n');
// A link inside the allowed folder that leads out of it.
fs.symlinkSync(elsewhere, path.join(projects, 'escape'));

function session() {
  const file = path.join(projects, 'screen.micon');
  const s = new ProjectSession(openProject(file), file, {}, true);
  const h = createHandlers({ session: s, transport: 'browser', transportNote: null, files: new FileScope([projects]) });
  return { s, h };
}

async function refusedWith(call: () => unknown, re: RegExp): Promise<void> {
  const e = await Promise.resolve()
    .then(call)
    .then(
      () => null,
      (x: unknown) => x,
    );
  expect(e).toBeInstanceOf(InputError);
  expect((e as Error).message).toMatch(re);
}

describe('FileScope', () => {
  it('allows what lies inside a granted folder, by real path: no ../, no symlink out', () => {
    const scope = new FileScope([projects]);
    expect(scope.check(path.join(projects, 'a.micon'), 'project')).toBe(path.join(fs.realpathSync(projects), 'a.micon'));
    expect(() => scope.check(path.join(projects, '..', 'home', 'platemap.csv'), 'platemap')).toThrow(/outside the folders/);
    expect(() => scope.check(path.join(projects, 'escape', 'platemap.csv'), 'platemap')).toThrow(/outside the folders/);
    expect(() => scope.check(projects + '-sibling', 'folder')).toThrow(/outside the folders/);
    scope.grant(elsewhere);
    expect(scope.check(path.join(projects, 'escape', 'platemap.csv'), 'platemap')).toBe(path.join(fs.realpathSync(elsewhere), 'platemap.csv'));
  });
});

describe('paths the page sends', () => {
  it('project.create makes only *.micon files, only inside the allowed folders', async () => {
    const { s, h } = session();
    await refusedWith(() => h['project.create']({ path: path.join(elsewhere, '.config', 'autostart', 'x.desktop') }), /\.micon/);
    await refusedWith(() => h['project.create']({ path: path.join(elsewhere, '.ssh', 'authorized_keys.micon') }), /outside the folders/);
    await refusedWith(() => h['project.create']({ path: path.join(projects, 'notes.txt') }), /only \.micon/);
    await refusedWith(() => h['project.create']({ path: '../../x.micon' }), /outside the folders/);
    expect(fs.readdirSync(path.join(elsewhere, '.ssh'))).toEqual([]);
    expect(fs.readdirSync(path.join(elsewhere, '.config', 'autostart'))).toEqual([]);
    const info = await h['project.create']({ path: path.join(projects, 'second') });
    expect(info.path).toBe(path.join(projects, 'second.micon'));
    s.close();
  });

  it('project.open, fs.browse, ingest.preview, profiles.preview and jobs.start refuse paths outside', async () => {
    const { s, h } = session();
    const outside = path.join(elsewhere, 'platemap.csv');
    await refusedWith(() => h['project.open']({ path: path.join(elsewhere, 'other.micon') }), /outside the folders/);
    await refusedWith(() => h['fs.browse']({ path: elsewhere }), /outside the folders/);
    await refusedWith(() => h['fs.browse']({ path: '/etc' }), /outside the folders/);
    await refusedWith(() => h['ingest.preview']({ folder: projects, platemap: outside }), /outside the folders/);
    await refusedWith(() => h['ingest.preview']({ folder: path.join(REALDATA, 'images-phenix-jump-pe2loaddata') }), /outside the folders/);
    await refusedWith(() => h['profiles.preview']({ file: outside }), /outside the folders/);
    await refusedWith(() => h['jobs.start']({ kind: 'ingest', folder: elsewhere }), /outside the folders/);
    await refusedWith(() => h['jobs.start']({ kind: 'import-profiles', file: outside }), /outside the folders/);
    s.close();
  });

  it('fs.browse starts in an allowed folder, cannot go above it, and names the allowed folders', async () => {
    const { s, h } = session();
    const r = await h['fs.browse']({});
    expect(r.path).toBe(fs.realpathSync(projects));
    expect(r.parent).toBeNull();
    expect(r.home).toBe(fs.realpathSync(projects));
    expect(r.roots).toEqual([fs.realpathSync(projects)]);
    s.close();
  });
});
