import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectSession } from '../../../../main/core/project/session.js';
import { openProject } from '../../../../main/core/db/open.js';
import { InputError } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-session-');

describe('the open project', () => {
  it('switches to another project, closing the connection it owns and telling listeners', () => {
    const first = path.join(dir, 'a.micon');
    const db = openProject(first);
    const s = new ProjectSession(db, first, {}, true);
    const seen: string[] = [];
    s.onChange((f) => seen.push(f));
    s.create(path.join(dir, 'b'));
    expect(s.path).toBe(path.join(dir, 'b.micon'));
    expect(seen).toEqual([path.join(dir, 'b.micon')]);
    expect(db.open).toBe(false);
    expect((s.db.prepare('SELECT COUNT(*) n FROM plates').get() as { n: number }).n).toBe(0);
    s.open(first);
    expect(s.path).toBe(first);
    expect(seen).toHaveLength(2);
    s.close();
    expect(s.db.open).toBe(false);
  });

  it('leaves a connection it was handed to its owner', () => {
    const file = path.join(dir, 'owned.micon');
    const db = openProject(file);
    const s = new ProjectSession(db, file);
    s.create(path.join(dir, 'other.micon'));
    expect(db.open).toBe(true);
    db.close();
    s.close();
  });

  it('refuses what is not a project, and never overwrites one', () => {
    const file = path.join(dir, 'c.micon');
    const s = new ProjectSession(openProject(file), file, {}, true);
    fs.writeFileSync(path.join(dir, 'notes.micon'), 'plain text, not a database');
    expect(() => s.open(path.join(dir, 'missing.micon'))).toThrow(/no such project file/);
    expect(() => s.open(dir)).toThrow(/is a folder/);
    expect(() => s.open(path.join(dir, 'notes.micon'))).toThrow(/not a MICON project/);
    expect(() => s.create(file)).toThrow(/already exists/);
    expect(() => s.create(path.join(dir, 'nowhere', 'x.micon'))).toThrow(InputError);
    expect(s.path).toBe(file);
    s.close();
  });
});
