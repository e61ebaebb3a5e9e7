import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../main/core/api/handlers.js';
import { openProject, type DB } from '../../main/core/db/open.js';
import { APP_INDEX_URL, EVENT_CHANNEL, INVOKE_CHANNEL } from '../../main/app/channels.js';
import { allowedOrigins, eventMessage, runInvoke } from '../../main/app/ipc-guard.js';
import { createIpcApi, type IpcLike } from '../../preload/api.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** ipcRenderer and ipcMain in one object: invoke goes through the real guard and handlers. */
function fakeIpc(run: (channel: string, args: unknown[]) => Promise<unknown>) {
  const listeners = new Map<string, Set<Listener>>();
  const ipc: IpcLike & { emit(channel: string, msg: unknown): void; count(channel: string): number } = {
    invoke: (channel, ...args) => run(channel, args),
    on(channel, l) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
      return ipc;
    },
    removeListener(channel, l) {
      listeners.get(channel)?.delete(l);
      return ipc;
    },
    emit(channel, msg) {
      for (const l of listeners.get(channel) ?? []) l({ sender: 'ipcRenderer itself' }, msg);
    },
    count: (channel) => listeners.get(channel)?.size ?? 0,
  };
  return ipc;
}

let dir: string;
let db: DB;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-preload-'));
  db = openProject(path.join(dir, 'p.micon'));
});
afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('preload API over IPC', () => {
  const handlers = () => createHandlers({ db, projectPath: path.join(dir, 'p.micon'), transport: 'electron', transportNote: null });
  const wire = (url = APP_INDEX_URL) =>
    fakeIpc(async (channel, [name, request]) => {
      expect(channel).toBe(INVOKE_CHANNEL);
      // What crosses the process boundary is structured-cloned.
      return structuredClone(await runInvoke(handlers(), { url, isMainFrame: true }, name, structuredClone(request), allowedOrigins(null), () => undefined));
    });

  it('invokes requests end to end (preload → guard → handlers → SQLite)', async () => {
    const api = createIpcApi(wire());
    const info = await api.invoke('project.info', {});
    expect(info.transport).toBe('electron');
    expect(info.plates).toBe(0);
    expect(await api.invoke('plates.list', {})).toEqual([]);
  });

  it('turns error envelopes into rejected promises with the message', async () => {
    const api = createIpcApi(wire());
    await expect(api.invoke('plates.wells', { plateId: 'nope' as unknown as number })).rejects.toThrow(/plateId/);
    await expect(createIpcApi(wire('https://evil.example/')).invoke('project.info', {})).rejects.toThrow(/refused/);
  });

  it('rejects a malformed reply instead of returning garbage', async () => {
    const api = createIpcApi(fakeIpc(async () => 'surprise'));
    await expect(api.invoke('project.info', {})).rejects.toThrow(/malformed reply/);
  });

  it('delivers only the named event, only the payload, until unsubscribed', () => {
    const ipc = fakeIpc(async () => undefined);
    const api = createIpcApi(ipc);
    const got: unknown[] = [];
    const off = api.on('job.progress', (p) => got.push(p));
    const p = { jobId: 'j', kind: 'embed' as const, stage: 'sites', done: 3, total: 9 };
    ipc.emit(EVENT_CHANNEL, eventMessage('job.progress', p));
    ipc.emit(EVENT_CHANNEL, { event: 'something.else', payload: 1 });
    ipc.emit(EVENT_CHANNEL, undefined);
    expect(got).toEqual([p]);
    off();
    off();
    expect(ipc.count(EVENT_CHANNEL)).toBe(0);
    ipc.emit(EVENT_CHANNEL, eventMessage('job.progress', p));
    expect(got).toHaveLength(1);
  });
});

describe('sandboxed preload sources', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  /** Module specifiers imported for their values (not `import type`). */
  const runtimeImports = (file: string) => {
    const src = fs.readFileSync(path.join(root, file), 'utf8');
    return [...src.matchAll(/^\s*import\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...src.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  };

  it("import at run time only 'electron' and files that import nothing", () => {
    expect(runtimeImports('preload/index.ts')).toEqual(['electron', '../main/app/channels.js', './api.js']);
    expect(runtimeImports('preload/api.ts')).toEqual(['../main/app/channels.js']);
    expect(runtimeImports('main/app/channels.ts')).toEqual([]);
  });
});
