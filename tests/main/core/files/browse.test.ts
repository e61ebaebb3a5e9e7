import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browseFolder } from '../../../../main/core/files/browse.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-browse-');

describe('folder listing for the in-app chooser', () => {
  it('lists folders first, then files by kind, without hidden entries', () => {
    fs.mkdirSync(path.join(dir, 'plate10'));
    fs.mkdirSync(path.join(dir, 'plate2'));
    fs.mkdirSync(path.join(dir, '.cache'));
    for (const f of ['screen.micon', 'platemap.csv', 'A01_s1_w1.tif', 'notes.docx']) fs.writeFileSync(path.join(dir, f), '');
    fs.symlinkSync(path.join(dir, 'plate2'), path.join(dir, 'linked'));
    const r = browseFolder(dir);
    expect(r.path).toBe(dir);
    expect(r.parent).toBe(path.dirname(dir));
    expect(r.entries.map((e) => [e.name, e.kind])).toEqual([
      ['linked', 'dir'],
      ['plate2', 'dir'],
      ['plate10', 'dir'],
      ['A01_s1_w1.tif', 'image'],
      ['notes.docx', 'other'],
      ['platemap.csv', 'csv'],
      ['screen.micon', 'project'],
    ]);
    expect(r.truncated).toBe(false);
  });

  it('shows the folder of a file path, and names a missing one', () => {
    expect(browseFolder(path.join(dir, 'platemap.csv')).path).toBe(dir);
    expect(() => browseFolder(path.join(dir, 'nope'))).toThrow(`${path.join(dir, 'nope')}: no such folder`);
    expect(browseFolder(undefined).path).toBe(browseFolder('').home);
  });
});
