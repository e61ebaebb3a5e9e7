// The CLI on files that are not (writable, current) MICON projects: a clear message naming the file on
// stderr, exit 2, never a stack trace, and the file left as it was.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../../helpers/tmp-dir.js';

const dir = tmpDir('micon-cli-file-');
const root = path.resolve(__dirname, '../../..');
const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

function micon(args: string[], opts: { uid?: number } = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
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
