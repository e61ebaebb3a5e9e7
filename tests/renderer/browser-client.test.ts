import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type DB } from '../../main/core/db/open.js';
import { startServer, type RunningServer } from '../../main/server/server.js';
import { ApiError, createBrowserClient, takeToken } from '../../renderer/src/browser-client.js';

function env(hash: string) {
  const store = new Map<string, string>();
  const replaced: string[] = [];
  return {
    store,
    replaced,
    location: { hash, pathname: '/', search: '' },
    storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    history: { replaceState: (_d: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
  };
}

describe('takeToken', () => {
  it('takes the token from the fragment, keeps it for the tab and clears the address bar', () => {
    const e = env('#token=abc_-123');
    expect(takeToken(e)).toBe('abc_-123');
    expect(e.store.get('micon.token')).toBe('abc_-123');
    expect(e.replaced).toEqual(['/']);
  });

  it('falls back to the stored token after a reload', () => {
    const e = env('');
    e.store.set('micon.token', 'kept');
    expect(takeToken(e)).toBe('kept');
    expect(e.replaced).toEqual([]);
  });
});

describe('browser client against the server', () => {
  let dir: string;
  let db: DB;
  let server: RunningServer;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-client-'));
    db = openProject(path.join(dir, 'p.micon'));
    server = await startServer({ db, projectPath: 'p.micon', rendererDir: dir, transportNote: 'note' });
  });
  afterAll(async () => {
    await server.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('invokes requests with the bearer token', async () => {
    const api = createBrowserClient(server.token, `http://127.0.0.1:${server.port}`);
    expect(await api.invoke('project.info', {})).toMatchObject({ transport: 'browser', transportNote: 'note', plates: 0 });
    expect(await api.invoke('plates.list', {})).toEqual([]);
  });

  it('surfaces server errors as ApiError with the status', async () => {
    const api = createBrowserClient(server.token, `http://127.0.0.1:${server.port}`);
    const err = await api.invoke('plates.wells', { plateId: -1 }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/plateId/);
    const bad = createBrowserClient('wrong', `http://127.0.0.1:${server.port}`);
    await expect(bad.invoke('project.info', {})).rejects.toMatchObject({ status: 401 });
    const none = createBrowserClient(null, `http://127.0.0.1:${server.port}`);
    await expect(none.invoke('project.info', {})).rejects.toThrow(/#token=/);
  });
});
