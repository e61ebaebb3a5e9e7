// Opening the app with a path (issue 19): which argument is the file, requests that arrive before the
// app is ready, and opening through the Project view's own `project.open` handler against real
// projects, a foreign SQLite database and a file that is not a database (left byte for byte untouched).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LaunchRequests, launchPathFromArgv, openLaunchPath } from '../../../main/app/launch-path.js';
import { createHandlers } from '../../../main/core/api/handlers.js';
import { ProjectSession } from '../../../main/core/project/session.js';
import { openProject } from '../../../main/core/db/open.js';
import { FileScope } from '../../../main/core/files/scope.js';
import { makeTileProject } from '../../helpers/tile-project.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

describe('launchPathFromArgv', () => {
  const cwd = '/home/lab';
  const packaged = { cwd, skipApp: false };
  const dev = { cwd, skipApp: true };

  it('finds the file a packaged app was started with (Linux, Windows)', () => {
    expect(launchPathFromArgv(['/opt/MICON Studio/micon-studio', '/data/screen.micon'], packaged)).toBe('/data/screen.micon');
    expect(launchPathFromArgv(['/opt/MICON Studio/micon-studio', '--no-sandbox', 'screen.micon'], packaged)).toBe('/home/lab/screen.micon');
    expect(launchPathFromArgv(['/opt/MICON Studio/micon-studio'], packaged)).toBeNull();
    // Chromium's switches (the second instance's argv carries some), macOS's process serial number.
    expect(launchPathFromArgv(['MICON Studio.exe', '--allow-file-access-from-files', '--original-process-start-time=1', 'a.micon'], packaged)).toBe(path.resolve(cwd, 'a.micon'));
    expect(launchPathFromArgv(['MICON Studio', '-psn_0_12345'], packaged)).toBeNull();
  });

  it('skips the app folder of an unpackaged `electron <app>` run, and --project with its value', () => {
    expect(launchPathFromArgv(['/usr/bin/electron', '.'], dev)).toBeNull();
    expect(launchPathFromArgv(['/usr/bin/electron', '.', '--project', '/x/p.micon'], dev)).toBeNull();
    expect(launchPathFromArgv(['/usr/bin/electron', 'out/main/index.js', '--project=/x/p.micon', 'q.micon'], dev)).toBe('/home/lab/q.micon');
  });

  it('reads file:// URLs (desktop entries pass %U) and skips other URLs; after -- everything is a file', () => {
    const file = path.resolve('/data/My Screens/plate 1.micon');
    expect(launchPathFromArgv(['micon-studio', pathToFileURL(file).href], packaged)).toBe(file);
    expect(launchPathFromArgv(['micon-studio', 'https://example.com/x.micon'], packaged)).toBeNull();
    expect(launchPathFromArgv(['micon-studio', '--', '--odd name.micon'], packaged)).toBe('/home/lab/--odd name.micon');
  });
});

describe('LaunchRequests', () => {
  it('keeps the latest request until started, then hands each over at once', () => {
    const q = new LaunchRequests();
    q.push('/a.micon');
    q.push('/b.micon');
    const seen: string[] = [];
    expect(q.start((f) => seen.push(f))).toBe('/b.micon');
    q.push('/c.micon');
    expect(seen).toEqual(['/c.micon']);
    expect(new LaunchRequests().start(() => undefined)).toBeNull();
  });
});

describe('openLaunchPath through the project.open handler', () => {
  const home = tmpDir('micon-launch-home-');
  const elsewhere = tmpDir('micon-launch-elsewhere-');
  let session: ProjectSession;
  let handlers: ReturnType<typeof createHandlers>;
  let files: FileScope;
  const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  const open = (file: string) => openLaunchPath(file, { grant: (d) => files.grant(d), open: (f) => handlers['project.open']({ path: f }) });

  beforeAll(async () => {
    const base = path.join(home, 'base.micon');
    session = new ProjectSession(openProject(base), base, {}, true);
    files = new FileScope([home]);
    handlers = createHandlers({ session, transport: 'electron', transportNote: null, files });
    const { db } = await makeTileProject(elsewhere);
    db.close();
  });
  afterAll(() => session.close());

  it('opens a .micon project outside the folders the page may use (the OS named it)', async () => {
    const file = path.join(elsewhere, 'tiles.micon');
    expect(await open(file)).toEqual({ ok: true, file });
    expect(await handlers['project.info']({})).toMatchObject({ path: fs.realpathSync(file), plates: 1, wells: 1, sites: 1 });
  });

  it('refuses a foreign SQLite database and a text file, leaves them byte for byte, and stays on the open project', async () => {
    const foreign = path.join(elsewhere, 'lab-inventory.sqlite');
    const other = new Database(foreign);
    other.exec('CREATE TABLE freezer (box TEXT, slot INTEGER); INSERT INTO freezer VALUES (\'A\', 1);');
    other.close();
    const text = path.join(elsewhere, 'notes.micon');
    fs.writeFileSync(text, 'plate 1: row H dried out\n');
    const before = [sha(foreign), sha(text)];
    const current = session.path;

    const r1 = await open(foreign);
    expect(r1).toMatchObject({ ok: false, file: foreign });
    expect(!r1.ok && r1.message).toMatch(/lab-inventory\.sqlite/);
    expect(!r1.ok && r1.message).toMatch(/another application: tables freezer\); nothing was changed/);
    const r2 = await open(text);
    expect(r2).toMatchObject({ ok: false, file: text, message: expect.stringMatching(/notes\.micon: not a MICON project \(not an SQLite database\)/) });

    expect([sha(foreign), sha(text)]).toEqual(before);
    for (const f of [foreign, text]) for (const s of ['-wal', '-shm', '-journal']) expect(fs.existsSync(f + s)).toBe(false);
    expect(session.path).toBe(current);
  });

  it('refuses a missing file without creating it, and a folder', async () => {
    const missing = path.join(elsewhere, 'typo.micon');
    expect(await open(missing)).toMatchObject({ ok: false, message: expect.stringMatching(/typo\.micon: no such project file/) });
    expect(fs.existsSync(missing)).toBe(false);
    expect(await open(elsewhere)).toMatchObject({ ok: false, message: expect.stringMatching(/is a folder/) });
  });
});
