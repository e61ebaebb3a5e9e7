import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../../main/core/api/contract.js';
import { createHandlers } from '../../../main/core/api/handlers.js';
import { openProject, type DB } from '../../../main/core/db/open.js';
import { InputError } from '../../../main/core/types.js';
import { APP_INDEX_URL, APP_ORIGIN } from '../../../main/app/channels.js';
import { allowedOrigins, checkSender, eventMessage, grantDropped, isAppUrl, originOf, runInvoke } from '../../../main/app/ipc-guard.js';
import { FileScope } from '../../../main/core/files/scope.js';

const app = allowedOrigins(null);
const top = { url: APP_INDEX_URL, isMainFrame: true };

let dir: string;
let db: DB;
let handlers: Handlers;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-ipc-'));
  db = openProject(path.join(dir, 'p.micon'));
  handlers = createHandlers({ db, projectPath: path.join(dir, 'p.micon'), transport: 'electron', transportNote: null });
});
afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('origins', () => {
  it('builds origins by hand for the custom scheme (WHATWG says "null" for it)', () => {
    expect(new URL(APP_INDEX_URL).origin).toBe('null');
    expect(originOf(APP_INDEX_URL)).toBe(APP_ORIGIN);
    expect(originOf('micon://APP/assets/x.js')).toBe(APP_ORIGIN);
    expect(originOf('http://localhost:5173/index.html')).toBe('http://localhost:5173');
    expect(originOf('file:///tmp/index.html')).toBeNull();
    expect(originOf('not a url')).toBeNull();
    expect(originOf(null)).toBeNull();
  });

  it('allows the dev server only when one is given', () => {
    expect(allowedOrigins(null)).toEqual([APP_ORIGIN]);
    expect(allowedOrigins('http://localhost:5173/')).toEqual([APP_ORIGIN, 'http://localhost:5173']);
    expect(isAppUrl('http://localhost:5173/', app)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', allowedOrigins('http://localhost:5173'))).toBe(true);
  });

  it('does not mistake look-alike hosts for the app', () => {
    for (const url of ['micon://app.evil/index.html', 'micon://evil/app', 'https://app/index.html', 'micon://app@evil/x', 'file:///micon/app/index.html']) {
      expect(isAppUrl(url, app), url).toBe(false);
    }
  });
});

describe('checkSender', () => {
  it('accepts the top-level app page', () => {
    expect(checkSender(top, app)).toBeNull();
    expect(checkSender({ url: `${APP_ORIGIN}/index.html#/plates/3`, isMainFrame: true }, app)).toBeNull();
  });

  it('refuses iframes, other origins and vanished frames', () => {
    expect(checkSender({ url: APP_INDEX_URL, isMainFrame: false }, app)).toMatch(/top-level/);
    expect(checkSender({ url: 'https://example.com/', isMainFrame: true }, app)).toMatch(/example\.com/);
    expect(checkSender({ url: 'file:///etc/passwd', isMainFrame: true }, app)).toMatch(/not accepted/);
    expect(checkSender({ url: null, isMainFrame: true }, app)).toMatch(/gone/);
  });
});

describe('grantDropped (a dropped folder becomes usable by the page)', () => {
  it('grants an absolute path reported for our own top-level page, and nothing else', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-grant-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-grant-out-'));
    const files = new FileScope([dir]);
    expect(() => files.check(outside, 'folder')).toThrow(/outside the folders/);
    expect(grantDropped(files, { url: 'https://evil.example/', isMainFrame: true }, outside, app)).toMatch(/not accepted/);
    expect(grantDropped(files, { url: APP_INDEX_URL, isMainFrame: false }, outside, app)).toMatch(/top-level/);
    expect(grantDropped(files, top, 'relative/path', app)).toMatch(/absolute/);
    expect(grantDropped(files, top, 42, app)).toMatch(/absolute/);
    expect(() => files.check(outside, 'folder')).toThrow(/outside the folders/);
    expect(grantDropped(files, top, outside, app)).toBeNull();
    expect(files.check(path.join(outside, 'plate1'), 'folder')).toBe(path.join(fs.realpathSync(outside), 'plate1'));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });
});

describe('runInvoke', () => {
  const quiet = () => undefined;

  it('runs a request from the app page and reports the electron transport', async () => {
    const r = await runInvoke(handlers, top, 'project.info', {}, app, quiet);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.result).toMatchObject({ transport: 'electron', transportNote: null, plates: 0, schemaVersion: expect.any(Number) });
  });

  it('treats a missing payload as {}', async () => {
    const r = await runInvoke(handlers, top, 'plates.list', undefined, app, quiet);
    expect(r).toEqual({ ok: true, result: [] });
  });

  it('refuses a foreign sender before looking at the request', async () => {
    const spy = vi.fn();
    const h = { ...handlers, 'project.info': spy } as unknown as Handlers;
    const log = vi.fn();
    const r = await runInvoke(h, { url: 'https://evil.example/', isMainFrame: true }, 'project.info', {}, app, log);
    expect(r.ok).toBe(false);
    expect(spy).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledOnce();
  });

  it('rejects unknown names, including prototype keys and non-strings', async () => {
    for (const name of ['plates.delete', '__proto__', 'constructor', 'toString', 42, null]) {
      const r = await runInvoke(handlers, top, name, {}, app, quiet);
      expect(r, String(name)).toMatchObject({ ok: false, error: expect.stringMatching(/unknown request/) });
    }
  });

  it('names the bad field when the payload fails validation', async () => {
    const r = await runInvoke(handlers, top, 'plates.wells', { plateId: 'x' }, app, quiet);
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid request for plates\.wells: plateId: /) });
    const extra = await runInvoke(handlers, top, 'project.info', { sneaky: 1 }, app, quiet);
    expect(extra.ok).toBe(false);
  });

  it('passes InputError messages through and summarises other failures', async () => {
    const h = {
      ...handlers,
      'plates.list': () => {
        throw new InputError('no such plate folder');
      },
      'project.info': () => {
        throw new Error('disk I/O error\nat somewhere');
      },
    } as unknown as Handlers;
    const log = vi.fn();
    expect(await runInvoke(h, top, 'plates.list', {}, app, log)).toEqual({ ok: false, error: 'no such plate folder' });
    expect(log).not.toHaveBeenCalled();
    expect(await runInvoke(h, top, 'project.info', {}, app, log)).toEqual({ ok: false, error: 'project.info failed: disk I/O error' });
    expect(log).toHaveBeenCalledOnce();
  });
});

describe('eventMessage', () => {
  it('validates payloads against the contract', () => {
    const p = { jobId: 'j1', kind: 'train' as const, stage: 'epoch', done: 1, total: 10 };
    expect(eventMessage('job.progress', p)).toEqual({ event: 'job.progress', payload: p });
    expect(() => eventMessage('job.progress', { jobId: 'j1' } as never)).toThrow();
  });
});
