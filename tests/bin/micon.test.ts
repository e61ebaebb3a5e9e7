// package.json's "bin": the `micon` command as npm installs it (a link on PATH to bin/micon.mjs, run by
// its shebang from any folder) reaches the real CLI: arguments pass through, a user error is a clear
// message on stderr with exit 2 and no stack trace.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp-dir.js';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
const dir = tmpDir('micon-bin-');
const linked = path.join(dir, '.bin', 'micon');

/** Run the linked command from the temporary folder (not the checkout), as a user on PATH would. */
const micon = (...args: string[]) => spawnSync(linked, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });

beforeAll(() => {
  fs.mkdirSync(path.dirname(linked));
  fs.symlinkSync(path.join(root, pkg.bin.micon), linked);
});

describe('the micon bin', () => {
  it('is an executable node script inside the package', () => {
    const file = path.join(root, pkg.bin.micon);
    expect(fs.readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.statSync(file).mode & 0o111).not.toBe(0);
  });

  it('runs the CLI through a link from another folder', () => {
    const r = micon('--help');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: micon /);
    for (const command of ['ingest', 'train', 'embed', 'query', 'serve', 'doctor']) expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('passes arguments through: a missing project is a clear error, exit 2, no stack', () => {
    const missing = path.join(dir, 'missing.micon');
    const r = micon('query', '--db', missing, '--compound', 'x', '--json');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${missing}: no such project file`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(missing)).toBe(false);
  });
});
