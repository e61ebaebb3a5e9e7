// `npm start` on a machine without an Electron binary: one line saying so, then browser mode on the
// named project, with the same API (transport "browser" and the reason in transportNote).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectElectron } from '../../scripts/electron-detect.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const electron = detectElectron();
let tmp: string;
let child: ChildProcess | null = null;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-start-'));
});
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

function waitFor(p: ChildProcess, re: RegExp, ms: number): Promise<{ match: RegExpExecArray; out: string }> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output so far:\n${out}`)), ms);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ match: m, out });
      }
    };
    p.stdout?.on('data', onData);
    p.stderr?.on('data', onData);
    p.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ${re}; output:\n${out}`));
    });
  });
}

describe('npm start without Electron', () => {
  it('falls back to browser mode on the named project and stops on SIGTERM', async () => {
    // With Electron installed this would open a window; --browser keeps the test headless there.
    const args = ['scripts/start.mjs', '--db=rel/project.micon', '--port', '0', ...(electron.installed ? ['--browser'] : [])];
    child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, INIT_CWD: tmp, MICON_START_NO_BUILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { match, out } = await waitFor(child, /open: (http:\/\/127\.0\.0\.1:(\d+)\/)#token=(\S+)/, 60_000);
    const lines = out.split('\n');
    if (!electron.installed) {
      expect(lines[0]).toBe(
        'MICON Studio: no Electron binary installed (the electron package could not download it on this machine), opening the same UI in browser mode.',
      );
    }
    const project = path.join(tmp, 'rel', 'project.micon');
    expect(out).toContain('(the project you named)');
    expect(fs.existsSync(project)).toBe(true);

    const [, base, , token] = match;
    const res = await fetch(`${base}api/project.info`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; result: { transport: string; transportNote: string; path: string } };
    expect(body.ok).toBe(true);
    expect(body.result.transport).toBe('browser');
    expect(body.result.path).toBe(project);
    expect(body.result.transportNote).toMatch(electron.installed ? /--browser/ : /^Browser mode: no Electron binary installed/);

    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${base}`)).rejects.toThrow();
  }, 90_000);
});
