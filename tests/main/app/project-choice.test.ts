import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseProject, newProjectPath, projectFromArgv, readRecent, recentPath, recordRecent } from '../../../main/app/project-choice.js';

let userData: string;
beforeEach(() => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-userdata-'));
});
afterEach(() => fs.rmSync(userData, { recursive: true, force: true }));

describe('projectFromArgv', () => {
  it('finds --project in Electron argv, in both spellings', () => {
    expect(projectFromArgv(['/usr/bin/electron', '.', '--project', 'a.micon'])).toBe('a.micon');
    expect(projectFromArgv(['MICON Studio', '--no-sandbox', '--project=/x/b.micon'])).toBe('/x/b.micon');
    expect(projectFromArgv(['electron', '.', '--project', '--inspect'])).toBeNull();
    expect(projectFromArgv(['electron', '.'])).toBeNull();
  });
});

describe('chooseProject', () => {
  const base = { env: {}, cwd: '/work/here' };

  it('prefers --project, resolved against the working directory', () => {
    expect(chooseProject({ ...base, userData, argv: ['e', '.', '--project', 'p.micon'], env: { MICON_PROJECT: '/env.micon' } })).toEqual({
      file: '/work/here/p.micon',
      reason: 'argv',
    });
  });

  it('then $MICON_PROJECT', () => {
    expect(chooseProject({ ...base, userData, argv: [], env: { MICON_PROJECT: 'env.micon' } })).toEqual({ file: '/work/here/env.micon', reason: 'env' });
  });

  it('then the .micon the OS started the app with, when it is a project; otherwise as without it', () => {
    const last = path.join(userData, 'last.micon');
    fs.writeFileSync(last, '');
    recordRecent(userData, last);
    const isProject = (f: string) => f.endsWith('ours.micon');
    expect(chooseProject({ ...base, userData, argv: [], launchFile: '/x/ours.micon', isProject })).toEqual({ file: '/x/ours.micon', reason: 'launch' });
    expect(chooseProject({ ...base, userData, argv: [], launchFile: '/x/notes.txt', isProject })).toEqual({ file: last, reason: 'recent' });
    fs.rmSync(recentPath(userData));
    expect(chooseProject({ ...base, userData, argv: [], launchFile: '/x/notes.txt', isProject })).toEqual({ file: newProjectPath(userData), reason: 'new' });
    // An explicit --project or $MICON_PROJECT still comes first; the launch file then opens through project.open.
    expect(chooseProject({ ...base, userData, argv: [], env: { MICON_PROJECT: '/env.micon' }, launchFile: '/x/ours.micon', isProject }).reason).toBe('env');
  });

  it('then the last project, if it still exists, else a new untitled project', () => {
    const last = path.join(userData, 'last.micon');
    recordRecent(userData, last);
    expect(chooseProject({ ...base, userData, argv: [] })).toEqual({ file: newProjectPath(userData), reason: 'new' });
    fs.writeFileSync(last, '');
    expect(chooseProject({ ...base, userData, argv: [] })).toEqual({ file: last, reason: 'recent' });
    expect(newProjectPath(userData)).toBe(path.join(userData, 'projects', 'untitled.micon'));
  });
});

describe('recent.json', () => {
  it('keeps the most recent first, without duplicates, at most max', () => {
    recordRecent(userData, '/a.micon');
    recordRecent(userData, '/b.micon');
    recordRecent(userData, '/a.micon');
    expect(readRecent(userData)).toEqual({ last: '/a.micon', recent: ['/a.micon', '/b.micon'] });
    for (let i = 0; i < 5; i++) recordRecent(userData, `/p${i}.micon`, 3);
    expect(readRecent(userData).recent).toEqual(['/p4.micon', '/p3.micon', '/p2.micon']);
    expect(fs.readdirSync(userData)).toEqual(['recent.json']);
  });

  it('survives a damaged file', () => {
    fs.writeFileSync(recentPath(userData), '{ nope');
    expect(readRecent(userData)).toEqual({ last: null, recent: [] });
    fs.writeFileSync(recentPath(userData), JSON.stringify({ last: 3, recent: ['/x.micon', 7] }));
    expect(readRecent(userData)).toEqual({ last: null, recent: ['/x.micon'] });
    expect(recordRecent(userData, '/y.micon').recent).toEqual(['/y.micon', '/x.micon']);
  });
});
