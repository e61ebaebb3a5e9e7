// main/app/index.ts against a fake 'electron' module: no Electron binary here, but the wiring
// (single-instance lock, privileged scheme before ready, project choice, native binding, IPC
// handler, protocol, window options, hardening of new web contents) runs for real.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_INDEX_URL, GRANT_CHANNEL, INVOKE_CHANNEL } from '../../../main/app/channels.js';
import { nativeDirName } from '../../../main/app/native-binding.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const nodeBinding = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-wiring-'));

type Fn = (...args: never[]) => unknown;

const fake = await vi.hoisted(async () => {
  const { FakeWebContents } = await import('../../helpers/fake-electron.js');
  const state = {
    ready: null as null | (() => void),
    appListeners: new Map<string, Fn[]>(),
    ipc: new Map<string, Fn>(),
    protocolHandlers: new Map<string, Fn>(),
    privileged: [] as unknown[],
    windows: [] as { opts: Record<string, unknown>; webContents: { url: string; listeners: Map<string, Fn[]>; openHandler: Fn | null; reloads: number } }[],
    permissionRequest: null as Fn | null,
    permissionCheck: null as Fn | null,
    headers: null as Fn | null,
    errors: [] as [string, string][],
    exitCodes: [] as number[],
    switches: [] as string[],
    ipcListeners: new Map<string, Fn>(),
    userData: '',
    setPaths: [] as [string, string][],
    appPath: '',
  };
  const emitApp = (ev: string, ...args: unknown[]) => {
    for (const f of state.appListeners.get(ev) ?? []) (f as (...a: unknown[]) => unknown)(...args);
  };
  class WebContents extends FakeWebContents {
    sent: unknown[][] = [];
    reloads = 0;
    reload() {
      this.reloads++;
    }
    send(...args: unknown[]) {
      this.sent.push(args);
    }
  }
  class BrowserWindow {
    webContents = new WebContents();
    constructor(public opts: Record<string, unknown>) {
      state.windows.push(this as never);
      emitApp('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string) {
      this.webContents.url = url;
      return Promise.resolve();
    }
    once() {
      return this;
    }
    on() {
      return this;
    }
    show() {}
    focus() {}
    restore() {}
    isMinimized() {
      return false;
    }
    isDestroyed() {
      return false;
    }
    setTitle() {}
  }
  const electron = {
    app: {
      isPackaged: false,
      requestSingleInstanceLock: () => true,
      whenReady: () => new Promise<void>((resolve) => (state.ready = resolve)),
      quit: () => undefined,
      exit: (code: number) => state.exitCodes.push(code),
      getPath: () => state.userData,
      setPath: (name: string, p: string) => state.setPaths.push([name, p]),
      getAppPath: () => state.appPath,
      getVersion: () => '0.1.0',
      commandLine: { appendSwitch: (name: string) => state.switches.push(name) },
      on(ev: string, f: Fn) {
        state.appListeners.set(ev, [...(state.appListeners.get(ev) ?? []), f]);
        return electron.app;
      },
    },
    ipcMain: {
      handle: (ch: string, f: Fn) => state.ipc.set(ch, f),
      removeHandler: (ch: string) => state.ipc.delete(ch),
      on: (ch: string, f: Fn) => state.ipcListeners.set(ch, f),
      removeListener: (ch: string) => state.ipcListeners.delete(ch),
      removeAllListeners: (ch: string) => state.ipcListeners.delete(ch),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => state.privileged.push(...s),
      handle: (scheme: string, f: Fn) => state.protocolHandlers.set(scheme, f),
      unhandle: () => undefined,
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (f: Fn) => (state.permissionRequest = f),
        setPermissionCheckHandler: (f: Fn) => (state.permissionCheck = f),
        webRequest: { onHeadersReceived: (f: Fn) => (state.headers = f) },
      },
    },
    dialog: { showErrorBox: (title: string, msg: string) => state.errors.push([title, msg]) },
    webContents: { getAllWebContents: () => state.windows.map((w) => w.webContents) },
    BrowserWindow,
  };
  return { state, electron };
});

vi.mock('electron', () => fake.electron);

const env = { ...process.env };
const argv = [...process.argv];
const quit = () => fake.state.appListeners.get('will-quit')?.forEach((f) => (f as (e: unknown) => void)({}));
beforeEach(() => {
  quit(); // closes the project the previous test opened
  vi.resetModules();
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const s = fake.state;
  s.ready = null;
  s.appListeners.clear();
  s.ipc.clear();
  s.protocolHandlers.clear();
  s.privileged.length = 0;
  s.windows.length = 0;
  s.errors.length = 0;
  s.exitCodes.length = 0;
  s.userData = fs.mkdtempSync(path.join(tmp, 'userdata-'));
  s.appPath = root;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.argv = [...argv];
});
afterAll(() => {
  process.env = env;
  quit();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function boot(): Promise<void> {
  await import('../../../main/app/index.js');
  expect(fake.state.ready).not.toBeNull();
  fake.state.ready!();
  await vi.waitFor(() => expect(fake.state.windows.length + fake.state.errors.length).toBeGreaterThan(0));
}

describe('main/app/index.ts wiring', () => {
  it('opens the project, serves the API to its own page only, and hardens the window', async () => {
    const project = path.join(tmp, 'p.micon');
    process.env.MICON_PROJECT = project;
    delete process.env.MICON_SQLITE_BINDING;
    delete process.env.ELECTRON_RENDERER_URL;
    // Where scripts/electron-native.mjs would put the Electron build; under Node, the Node build is
    // the right ABI ("unknown": process.versions.electron is not set here).
    const appRoot = path.join(tmp, 'app');
    const built = path.join(appRoot, 'resources', 'native', nativeDirName('unknown', process.platform, process.arch), 'better_sqlite3.node');
    fs.mkdirSync(path.dirname(built), { recursive: true });
    fs.copyFileSync(nodeBinding, built);
    fake.state.appPath = appRoot;
    await boot();
    const s = fake.state;
    expect(s.errors).toEqual([]);
    expect(s.privileged).toEqual([{ scheme: 'micon', privileges: expect.objectContaining({ standard: true, secure: true }) }]);

    // The window: isolated, sandboxed, no Node, loading the app's own origin.
    const [win] = s.windows;
    // The hidden compute window is created by the first train job that asks for it, not at start;
    // its reply channel listens already. Linux Chromium needs the WebGPU switch before ready.
    expect(s.windows).toHaveLength(1);
    expect([...s.ipcListeners.keys()].sort()).toEqual([GRANT_CHANNEL, 'micon-compute:reply'].sort());
    expect(s.switches).toEqual(process.platform === 'linux' ? ['enable-unsafe-webgpu'] : []);
    expect(win.opts.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(String((win.opts.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(win.webContents.url).toBe(APP_INDEX_URL);

    // Hardening applied through web-contents-created.
    expect(win.webContents.openHandler?.({ url: 'https://example.com' } as never)).toEqual({ action: 'deny' });
    const nav = (url: string) => {
      const e = { url, preventDefault: vi.fn() };
      for (const f of win.webContents.listeners.get('will-navigate') ?? []) (f as (d: unknown) => void)(e);
      return e.preventDefault.mock.calls.length > 0;
    };
    expect(nav('https://example.com/')).toBe(true);
    expect(nav(`${APP_INDEX_URL}#/plates`)).toBe(false);
    // Frames too (issue 17 item 14): will-navigate only covers the main frame; an injected iframe
    // navigating elsewhere is stopped by will-frame-navigate.
    const frameNav = (url: string) => {
      const e = { url, isMainFrame: false, preventDefault: vi.fn() };
      const listeners = win.webContents.listeners.get('will-frame-navigate') ?? [];
      for (const f of listeners) (f as (d: unknown) => void)(e);
      return listeners.length > 0 && e.preventDefault.mock.calls.length > 0;
    };
    expect(frameNav('https://evil.example/')).toBe(true);
    expect(frameNav('javascript:alert(1)')).toBe(true);
    expect(frameNav(`${APP_INDEX_URL}#/compounds`)).toBe(false);
    const granted = vi.fn();
    (s.permissionRequest as (wc: unknown, p: string, cb: (b: boolean) => void) => void)({}, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect((s.permissionCheck as () => boolean)()).toBe(false);
    const headers = vi.fn();
    (s.headers as (d: unknown, cb: (r: unknown) => void) => void)({ url: APP_INDEX_URL, responseHeaders: {} }, headers);
    expect(headers.mock.calls[0][0]).toEqual({ responseHeaders: { 'Content-Security-Policy': [expect.stringContaining("script-src 'self'")] } });
    (s.headers as (d: unknown, cb: (r: unknown) => void) => void)({ url: 'https://example.com/', responseHeaders: {} }, headers);
    expect(headers.mock.calls[1][0]).toEqual({});

    // IPC: one handler, answering the app page and refusing others; and the preload's drop grants.
    expect([...s.ipc.keys()]).toEqual([INVOKE_CHANNEL]);
    const invoke = s.ipc.get(INVOKE_CHANNEL) as (e: unknown, name: string, req: unknown) => Promise<unknown>;
    const fromApp = { senderFrame: { url: APP_INDEX_URL, parent: null } };
    expect(await invoke(fromApp, 'project.info', {})).toMatchObject({ ok: true, result: { path: project, transport: 'electron', transportNote: null } });
    expect(await invoke({ senderFrame: { url: 'https://evil.example/', parent: null } }, 'project.info', {})).toMatchObject({ ok: false });
    expect(await invoke({ senderFrame: null }, 'project.info', {})).toMatchObject({ ok: false });
    expect(fs.existsSync(project)).toBe(true);

    // A folder outside the project's is out of the page's reach until the user drops it on the window.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-dropped-'));
    const outsideError = { ok: false, error: expect.stringMatching(/outside the folders/) };
    expect(await invoke(fromApp, 'fs.browse', { path: outside })).toMatchObject(outsideError);
    const grant = s.ipcListeners.get(GRANT_CHANNEL) as (e: unknown, p: unknown) => void;
    grant({ senderFrame: { url: 'https://evil.example/', parent: null } }, outside);
    expect(await invoke(fromApp, 'fs.browse', { path: outside })).toMatchObject(outsideError);
    grant(fromApp, outside);
    expect(await invoke(fromApp, 'fs.browse', { path: outside })).toMatchObject({ ok: true, result: { path: fs.realpathSync(outside) } });
    fs.rmSync(outside, { recursive: true, force: true });

    // The protocol answers micon:// (here the renderer is not built next to the source: 503).
    const serve = s.protocolHandlers.get('micon') as (r: Request) => Promise<Response>;
    const res = await serve(new Request('micon://app/index.html'));
    expect([200, 503]).toContain(res.status);

    // Other connections in this process (and job processes) get the same build.
    expect(process.env.MICON_SQLITE_BINDING).toBe(built);

    // The project is remembered for next time.
    expect(JSON.parse(fs.readFileSync(path.join(s.userData, 'recent.json'), 'utf8'))).toMatchObject({ last: project });
  });

  it('explains a missing Electron build of better-sqlite3 and names the fix', async () => {
    process.env.MICON_PROJECT = path.join(tmp, 'q.micon');
    process.env.MICON_SQLITE_BINDING = path.join(tmp, 'missing', 'better_sqlite3.node');
    fake.state.appPath = tmp;
    await boot();
    expect(fake.state.windows).toEqual([]);
    expect(fake.state.exitCodes).toEqual([1]);
    const [[title, msg]] = fake.state.errors;
    expect(title).toMatch(/not built for Electron/);
    expect(msg).toContain('npm run rebuild:electron');
    expect(msg).toContain(path.join(tmp, 'missing', 'better_sqlite3.node'));
    expect(fs.existsSync(path.join(tmp, 'q.micon'))).toBe(false);
  });
  it('opens the .micon it was started with; a foreign file named later is refused and left untouched (issue 19)', async () => {
    const { makeTileProject } = await import('../../helpers/tile-project.js');
    const crypto = await import('node:crypto');
    process.env.MICON_SQLITE_BINDING = nodeBinding;
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-launch-'));
    const { db } = await makeTileProject(elsewhere);
    db.close();
    const launched = path.join(elsewhere, 'tiles.micon');
    process.env.MICON_PROJECT = path.join(tmp, 'base.micon');
    // An unpackaged run: `electron . FILE` (a packaged one has no app argument).
    process.argv = ['/usr/bin/electron', '.', launched];
    await boot();
    const s = fake.state;
    expect(s.errors).toEqual([]);
    const invoke = s.ipc.get(INVOKE_CHANNEL) as (e: unknown, name: string, req: unknown) => Promise<unknown>;
    const fromApp = { senderFrame: { url: APP_INDEX_URL, parent: null } };
    expect(await invoke(fromApp, 'project.info', {})).toMatchObject({ ok: true, result: { path: fs.realpathSync(launched), plates: 1 } });
    const [win] = s.windows;
    expect(win.opts.title).toBe('MICON Studio — tiles.micon');
    expect(String(win.opts.icon)).toMatch(/icon\.png$/);
    expect(fs.existsSync(String(win.opts.icon))).toBe(true);
    // userData stays in the folder earlier builds used, although package.json now names the product.
    expect(s.setPaths).toContainEqual(['userData', path.join(s.userData, 'micon-studio')]);

    // Linux/Windows: a second instance started on another application's database.
    const foreign = path.join(elsewhere, 'inventory.micon');
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(foreign);
    other.exec('CREATE TABLE freezer (box TEXT)');
    other.close();
    const sha = () => crypto.createHash('sha256').update(fs.readFileSync(foreign)).digest('hex');
    const before = sha();
    const emit = (ev: string, ...args: unknown[]) => s.appListeners.get(ev)?.forEach((f) => (f as (...a: unknown[]) => void)(...args));
    emit('second-instance', {}, ['/usr/bin/electron', '.', 'inventory.micon'], elsewhere);
    await vi.waitFor(() => expect(s.errors).toHaveLength(1));
    expect(s.errors[0][1]).toMatch(/inventory\.micon: not a MICON project \(an SQLite database of another application: tables freezer\)/);
    expect(sha()).toBe(before);
    expect(fs.existsSync(`${foreign}-wal`)).toBe(false);
    expect(await invoke(fromApp, 'project.info', {})).toMatchObject({ ok: true, result: { path: fs.realpathSync(launched) } });
    expect(win.webContents.reloads).toBe(0);

    // macOS: open-file with another project switches to it and reloads the page.
    const prevent = vi.fn();
    emit('open-file', { preventDefault: prevent }, process.env.MICON_PROJECT);
    expect(prevent).toHaveBeenCalled();
    await vi.waitFor(() => expect(win.webContents.reloads).toBe(1));
    expect(await invoke(fromApp, 'project.info', {})).toMatchObject({ ok: true, result: { path: fs.realpathSync(process.env.MICON_PROJECT!) } });
    expect(JSON.parse(fs.readFileSync(path.join(s.userData, 'recent.json'), 'utf8'))).toMatchObject({ last: fs.realpathSync(process.env.MICON_PROJECT!) });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });
  it.each(['argv', 'open-file'] as const)('on a fresh install, the .micon it was started with (%s) is the first project: no untitled project is made', async (how) => {
    const { makeTileProject } = await import('../../helpers/tile-project.js');
    process.env.MICON_SQLITE_BINDING = nodeBinding;
    delete process.env.MICON_PROJECT;
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-launch-'));
    const { db } = await makeTileProject(elsewhere);
    db.close();
    const launched = path.join(elsewhere, 'tiles.micon');
    if (how === 'argv') process.argv = ['/usr/bin/electron', '.', launched];
    else {
      // macOS sends open-file before the app is ready.
      await import('../../../main/app/index.js');
      fake.state.appListeners.get('open-file')?.forEach((f) => (f as (...a: unknown[]) => void)({ preventDefault() {} }, launched));
    }
    await boot();
    const s = fake.state;
    expect(s.errors).toEqual([]);
    const invoke = s.ipc.get(INVOKE_CHANNEL) as (e: unknown, name: string, req: unknown) => Promise<unknown>;
    expect(await invoke({ senderFrame: { url: APP_INDEX_URL, parent: null } }, 'project.info', {})).toMatchObject({ ok: true, result: { path: launched, plates: 1 } });
    expect(s.windows[0].opts.title).toBe('MICON Studio — tiles.micon');
    expect(s.windows[0].webContents.reloads).toBe(0);
    expect(fs.existsSync(path.join(s.userData, 'projects', 'untitled.micon'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(s.userData, 'recent.json'), 'utf8'))).toEqual({ last: launched, recent: [launched] });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });
  it('started on a file that is not a MICON project: says so, leaves it untouched, opens the usual project (issue 19)', async () => {
    process.env.MICON_SQLITE_BINDING = nodeBinding;
    process.env.MICON_PROJECT = path.join(tmp, 'usual.micon');
    const notes = path.join(tmp, 'notes.txt');
    fs.writeFileSync(notes, 'plate 3 re-imaged on Tuesday\n');
    process.argv = ['/usr/bin/electron', '.', notes];
    await boot();
    const s = fake.state;
    await vi.waitFor(() => expect(s.windows).toHaveLength(1));
    expect(s.errors).toEqual([['MICON Studio: this file was not opened', `${notes}: not a MICON project (not an SQLite database)`]]);
    expect(fs.readFileSync(notes, 'utf8')).toBe('plate 3 re-imaged on Tuesday\n');
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('notes.txt'))).toEqual(['notes.txt']);
    expect(s.exitCodes).toEqual([]);
    const invoke = s.ipc.get(INVOKE_CHANNEL) as (e: unknown, name: string, req: unknown) => Promise<unknown>;
    expect(await invoke({ senderFrame: { url: APP_INDEX_URL, parent: null } }, 'project.info', {})).toMatchObject({ ok: true, result: { path: process.env.MICON_PROJECT } });
  });
});
