// The CLI on files that are not (writable, current) MICON projects: a clear message naming the file on
// stderr, exit 2, never a stack trace, and the file left as it was.
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../../main/core/db/migrations/index.js';
import { openProject } from '../../../main/core/db/open.js';
import { importProfiles } from '../../../main/core/embeddings/import-profiles.js';
import { REALDATA } from '../../helpers/realdata.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

const dir = tmpDir('micon-cli-file-');
const root = path.resolve(__dirname, '../../..');
const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

const LINCS = path.join(REALDATA, 'lincs-a549-SQ00015054/SQ00015054_normalized_feature_select.csv.gz');
const latest = migrations.at(-1)!.id;

/** A real project: the LINCS A549 plate's profiles (CellProfiler features, 380 wells), imported with --create-plates. */
let lincs = '';
let compound = '';
beforeAll(async () => {
  lincs = path.join(dir, 'lincs.micon');
  const db = openProject(lincs);
  await importProfiles(db, LINCS, { createPlates: true });
  compound = db.prepare("SELECT c.compound_id FROM compounds c JOIN wells w ON w.compound_id = c.id WHERE c.is_control = 0 GROUP BY c.id HAVING COUNT(*) >= 2 ORDER BY c.compound_id LIMIT 1").pluck().get() as string;
  db.close();
}, 120_000);

/** A copy of the real project as a later build would leave it (one more migration and its table). */
function newerCopy(name: string): string {
  const f = path.join(dir, name);
  fs.copyFileSync(lincs, f);
  const db = new Database(f);
  db.exec(`CREATE TABLE plate_notes (plate_id INTEGER, note TEXT); INSERT INTO schema_migrations VALUES (${latest + 5}, 'plate_notes', '2027-01-01T00:00:00Z')`);
  db.close();
  return f;
}

function micon(args: string[], opts: { uid?: number } = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `micon serve` on a project, and a caller for its API (token from the printed URL). */
async function serveAs(file: string, user: { uid?: number }) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli.ts'), 'serve', '--db', file, '--port', '0'], {
    cwd: root,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(user.uid !== undefined ? { uid: user.uid, gid: user.uid } : {}),
  });
  let out = '';
  const m = await new Promise<RegExpExecArray>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const hit = /open: (http:\/\/127\.0\.0\.1:\d+\/)#token=(\S+)/.exec(out);
      if (hit) resolve(hit);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
  });
  const [, base, token] = m;
  return {
    out: () => out,
    call: async (name: string, body: unknown) => {
      const res = await fetch(`${base}api/${name}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as unknown };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A user error: exit 2, one `micon:` message, no stack frames. */
function expectUserError(r: ReturnType<typeof micon>, ...patterns: RegExp[]): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^micon: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/SqliteError/);
  for (const re of patterns) expect(r.stderr).toMatch(re);
}

describe('micon --db with a file that is not a MICON project', () => {
  it('query and embed refuse another application\'s database and leave it byte for byte unchanged', () => {
    const f = path.join(dir, 'other.sqlite');
    const db = new Database(f);
    db.pragma('journal_mode = WAL');
    db.exec("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO contacts (name) VALUES ('Ada')");
    db.close();
    const before = sha(f);
    expectUserError(micon(['query', '--db', f, '--compound', 'x']), /not a MICON project/, /contacts/, new RegExp(f.replace(/[.]/g, '\\.')));
    expectUserError(micon(['embed', '--db', f]), /not a MICON project/);
    expect(sha(f)).toBe(before);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('other.sqlite'))).toEqual(['other.sqlite']);
  }, 60_000);
});

describe('micon --db with a project made by a newer MICON Studio', () => {
  it('ingest refuses naming both schema versions; query and export read it, saying it is read-only; the file is unchanged', () => {
    const f = newerCopy('newer.micon');
    const before = sha(f);
    const folder = path.join(REALDATA, 'images-bbbc022-ixm-hoechst/20585');
    expectUserError(micon(['ingest', folder, '--db', f]), new RegExp(`made by a newer MICON Studio \\(schema ${latest + 5} > ${latest}\\)`));
    const q = micon(['query', '--db', f, '--compound', compound, '--k', '3', '--json']);
    expect(q.status, q.stderr).toBe(0);
    expect(q.stderr).toMatch(/read-only.*made by a newer MICON Studio/);
    const r = JSON.parse(q.stdout) as { results: unknown[] };
    expect(r.results).toHaveLength(3);
    const out = path.join(dir, 'newer-export.csv');
    const x = micon(['export', '--db', f, '--out', out, '--json']);
    expect(x.status, x.stderr).toBe(0);
    const wells = (JSON.parse(x.stdout) as { wells: number }).wells;
    expect(wells).toBeGreaterThan(300);
    const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/Metadata_Plate,Metadata_Well/);
    expect(lines).toHaveLength(wells + 1);
    expect(sha(f)).toBe(before);
  }, 120_000);
});

describe('micon --db with a project in a read-only file and folder (an archive, a share)', () => {
  // Root writes through file modes, so as root the commands run as nobody: what a lab user would be.
  const asUser = process.getuid?.() === 0 ? { uid: 65534 } : {};

  it('query, export and serve\'s views work, saying it is read-only; ingest and embed are refused clearly; nothing is written', async () => {
    fs.chmodSync(dir, 0o755);
    const archive = path.join(dir, 'archive');
    fs.mkdirSync(archive);
    const f = path.join(archive, 'screen.micon');
    fs.copyFileSync(lincs, f);
    const outDir = path.join(dir, 'exports');
    fs.mkdirSync(outDir, { mode: 0o777 });
    fs.chmodSync(outDir, 0o777);
    fs.chmodSync(f, 0o444);
    fs.chmodSync(archive, 0o555);
    const before = sha(f);
    try {
      const q = micon(['query', '--db', f, '--compound', compound, '--k', '3', '--json'], asUser);
      expect(q.status, q.stderr).toBe(0);
      expect(q.stderr).toMatch(/read-only/);
      expect((JSON.parse(q.stdout) as { results: unknown[] }).results).toHaveLength(3);
      const out = path.join(outDir, 'profiles.csv');
      const x = micon(['export', '--db', f, '--out', out, '--json'], asUser);
      expect(x.status, x.stderr).toBe(0);
      expect((JSON.parse(x.stdout) as { wells: number }).wells).toBeGreaterThan(300);
      expectUserError(micon(['embed', '--db', f], asUser), /read-only/, new RegExp(f.replace(/[.]/g, '\\.')));
      expectUserError(micon(['ingest', path.join(REALDATA, 'images-bbbc022-ixm-hoechst/20585'), '--db', f], asUser), /read-only/);
      // The app's views, through browser mode: the header says read-only; plates, search and a write.
      const api = await serveAs(f, asUser);
      try {
        const info = (await api.call('project.info', {})) as { body: { result: { readOnly: string | null; plates: number } } };
        expect(info.body.result.readOnly).toMatch(/read-only/);
        expect(info.body.result.plates).toBe(1);
        const plates = await api.call('plates.list', {});
        expect(plates.status).toBe(200);
        const hits = (await api.call('search.query', { query: { kind: 'compound', compound }, k: 3 })) as { status: number; body: { result: { results: unknown[] } } };
        expect(hits.status).toBe(200);
        expect(hits.body.result.results).toHaveLength(3);
        const split = (await api.call('split.create', { holdoutFraction: 0.25 })) as { status: number; body: { error: string } };
        expect(split.status).toBe(400);
        expect(split.body.error).toMatch(/open read-only \(.*read-only\); split\.create would change it/);
      } finally {
        await api.stop();
      }
      expect(sha(f)).toBe(before);
      expect(fs.readdirSync(archive)).toEqual(['screen.micon']);
    } finally {
      fs.chmodSync(archive, 0o755);
    }
  }, 120_000);
});

describe('micon --db with a mistyped or corrupt project file', () => {
  it('embed, eval, train and split never create a project for a --db typo', () => {
    const typo = path.join(dir, 'screen-typo.micon');
    for (const cmd of [['embed'], ['eval'], ['train', '--steps', '1'], ['split']]) {
      expectUserError(micon([...cmd, '--db', typo]), /no such project file/, new RegExp(typo.replace(/[.]/g, '\\.')));
      expect(fs.existsSync(typo), cmd[0]).toBe(false);
    }
  }, 120_000);

  it('a file of random bytes is named, not "SqliteError: file is not a database"', () => {
    const junk = path.join(dir, 'junk.micon');
    fs.writeFileSync(junk, crypto.randomBytes(4096));
    const before = sha(junk);
    expectUserError(micon(['eval', '--db', junk]), /junk\.micon: not a MICON project \(not an SQLite database\)/);
    expect(sha(junk)).toBe(before);
  }, 60_000);
});
