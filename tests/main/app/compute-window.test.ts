// main/app/compute-window.ts against a fake 'electron' (no Electron binary here): the window's
// options, lazy creation, the relay's id matching and sender check, and what a crash does. The fake
// page is the real compute side (TrainerServer on this process's wasm) behind structured clones,
// which is what Electron IPC does to messages. What it cannot show: Chromium's WebGPU inside
// Electron (tests/e2e/compute-window.test.ts runs the page in Chromium instead).
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../../../main/core/ml/backend.js';
import { relayTransport, type TrainerRequest } from '../../../main/core/ml/trainer-protocol.js';
import { TrainerServer } from '../../../main/core/ml/trainer-server.js';
import { RemoteTrainer } from '../../../main/core/ml/remote-trainer.js';

type Fn = (...args: never[]) => unknown;

const fake = await vi.hoisted(async () => {
  const { FakeWebContents } = await import('../../helpers/fake-electron.js');
  const state = {
    windows: [] as FakeWindow[],
    replyListener: null as null | ((event: unknown, message: unknown) => void),
    /** What the fake page does with a call (set per test). */
    page: null as null | ((message: unknown, reply: (m: unknown) => void) => void),
    /** The page never says it is ready. */
    silent: false,
  };
  let ids = 1;
  class WebContents extends FakeWebContents {
    id = ids++;
    /** Main → page, cloned as Electron IPC would. */
    send(_channel: string, message: unknown) {
      const event = { sender: this, senderFrame: { url: this.url, parent: null } };
      setImmediate(() => state.page?.(structuredClone(message), (m) => state.replyListener?.(event, structuredClone(m))));
    }
  }
  class FakeWindow {
    webContents = new WebContents();
    destroyed = false;
    closed: Fn[] = [];
    constructor(public opts: Record<string, unknown>) {
      state.windows.push(this);
    }
    loadURL(url: string) {
      this.webContents.url = url;
      const event = { sender: this.webContents, senderFrame: { url, parent: null } };
      if (!state.silent) setImmediate(() => state.replyListener?.(event, { type: 'compute-ready' }));
      return Promise.resolve();
    }
    on(ev: string, f: Fn) {
      if (ev === 'closed') this.closed.push(f);
      return this;
    }
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      this.destroyed = true;
      for (const f of this.closed) (f as () => void)();
    }
  }
  const electron = {
    BrowserWindow: FakeWindow,
    ipcMain: {
      on: (_ch: string, f: (event: unknown, message: unknown) => void) => (state.replyListener = f),
      removeListener: () => (state.replyListener = null),
    },
  };
  return { state, electron };
});

vi.mock('electron', () => fake.electron);

const { ComputeWindow, IDLE_CLOSE_MS } = await import('../../../main/app/compute-window.js');

let detail = '';
beforeAll(async () => {
  detail = (await selectBackend('wasm', { skipNative: true })).detail;
});

let server: TrainerServer;
beforeEach(() => {
  fake.state.windows.length = 0;
  fake.state.silent = false;
  server = new TrainerServer(async () => ({ ok: true, backend: 'wasm', detail }));
  fake.state.page = (m, reply) => void server.handle(m).then(reply);
});

const req = (jobId: string, id: number, call: TrainerRequest['call']): TrainerRequest => ({ type: 'trainer-call', jobId, id, call });

describe('ComputeWindow (the Electron relay)', () => {
  it('creates one hidden, sandboxed, unthrottled window on the first call, on the compute page, hardened', async () => {
    const cw = new ComputeWindow('/app/out/preload/compute.cjs');
    // A job ending with no window open frees nothing and opens nothing.
    expect(await cw.call(req('j0', -1, { method: 'dispose' }))).toMatchObject({ ok: true, value: null });
    expect(fake.state.windows).toHaveLength(0);

    const r = await cw.call(req('j1', 1, { method: 'open', allowSoftware: false }));
    expect(r).toEqual({ type: 'trainer-reply', jobId: 'j1', id: 1, ok: true, value: { backend: 'wasm', detail } });
    expect(fake.state.windows).toHaveLength(1);
    const [w] = fake.state.windows;
    expect(w.opts).toMatchObject({ show: false });
    expect(w.opts.webPreferences).toEqual(
      expect.objectContaining({ preload: '/app/out/preload/compute.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false, backgroundThrottling: false }),
    );
    expect(w.webContents.url).toBe('micon://app/compute/index.html');
    expect(w.webContents.openHandler?.({ url: 'https://example.com' } as never)).toEqual({ action: 'deny' });
    const e = { url: 'https://example.com/', preventDefault: vi.fn() };
    w.webContents.emit('will-navigate', e);
    expect(e.preventDefault).toHaveBeenCalled();
    // Later calls reuse it.
    await cw.call(req('j1', 2, { method: 'dispose' }));
    await cw.call(req('j2', 1, { method: 'open', allowSoftware: false }));
    expect(fake.state.windows).toHaveLength(1);
    cw.close();
  });

  it('relays a RemoteTrainer end to end, Float32Arrays intact, each reply to its own call', async () => {
    const cw = new ComputeWindow('/p.cjs');
    const t = await RemoteTrainer.open(relayTransport(cw, 'job'));
    expect(t.backend).toBe('wasm');
    const { makeConfig } = await import('../../../main/core/ml/config.js');
    await t.init(makeConfig({ imageEncoder: { kind: 'features', inputDim: 8, outDim: 4 }, molecule: { fpBits: 16, hidden: 8 }, projection: { hidden: 8, outDim: 4 }, generator: { hidden: 8 } }));
    const n = 8;
    const rows = (k: number) => ({ shape: [n, k], data: Float32Array.from({ length: n * k }, (_, i) => Math.sin(i)) });
    // Two calls in flight at once come back to the right callers.
    const [a, b] = await Promise.all([t.snapshot(), t.step({ treated: rows(8), controls: rows(8), fingerprints: rows(16), labels: [0, 0, 1, 1, 2, 2, 3, 3] })]);
    expect(Object.values(a.params)[0].data).toBeInstanceOf(Float32Array);
    expect(Number.isFinite(b.total)).toBe(true);
    await t.dispose();
    expect(server.live).toBe(0);
    cw.close();
  });

  it('ignores replies from any other sender', async () => {
    const cw = new ComputeWindow('/p.cjs');
    await cw.call(req('j', 1, { method: 'open', allowSoftware: false }));
    const forged = { type: 'trainer-reply', jobId: 'j', id: 2, ok: true, value: { total: 0 } };
    fake.state.page = () => undefined; // the real page stays silent for this call
    const pending = cw.call(req('j', 2, { method: 'snapshot' }));
    await new Promise((r) => setImmediate(r));
    const w = fake.state.windows[0];
    fake.state.replyListener!({ sender: { id: 9999 }, senderFrame: { url: 'micon://app/compute/index.html' } }, forged);
    fake.state.replyListener!({ sender: w.webContents, senderFrame: { url: 'micon://app/index.html' } }, forged);
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    cw.close();
    expect(await pending).toMatchObject({ ok: false, error: 'the app is closing' });
  });

  it('a crash of the window fails every call in flight with why, and the next call opens a new window', async () => {
    const cw = new ComputeWindow('/p.cjs');
    await cw.call(req('j', 1, { method: 'open', allowSoftware: false }));
    fake.state.page = () => undefined;
    const inFlight = cw.call(req('j', 2, { method: 'snapshot' }));
    await new Promise((r) => setImmediate(r));
    fake.state.windows[0].webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(await inFlight).toEqual({
      type: 'trainer-reply',
      jobId: 'j',
      id: 2,
      ok: false,
      error: 'the compute window crashed (render process gone: crashed, exit code 139); start the job again',
    });
    expect(fake.state.windows[0].destroyed).toBe(true);
    fake.state.page = (m, reply) => void server.handle(m).then(reply);
    expect(await cw.call(req('k', 1, { method: 'open', allowSoftware: false }))).toMatchObject({ ok: true });
    expect(fake.state.windows).toHaveLength(2);
    // The app window closing closes this one too (it must not keep the app alive).
    cw.closeWindow();
    expect(fake.state.windows[1].destroyed).toBe(true);
    cw.close();
  });

  it('stays while a job holds a model (however long its gaps), closes 30 s after the last one let go', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const cw = new ComputeWindow('/p.cjs');
      expect(IDLE_CLOSE_MS).toBe(30_000);
      await cw.call(req('j', 1, { method: 'open', allowSoftware: false }));
      const [w] = fake.state.windows;
      // A job loading a large project between open and init keeps its window.
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(w.destroyed).toBe(false);
      await cw.call(req('j', 2, { method: 'dispose' }));
      await vi.advanceTimersByTimeAsync(29_000);
      expect(w.destroyed).toBe(false);
      // A job starting within the grace keeps it warm…
      await cw.call(req('k', 1, { method: 'open', allowSoftware: false }));
      await cw.call(req('k', 2, { method: 'dispose' }));
      await vi.advanceTimersByTimeAsync(29_000);
      expect(w.destroyed).toBe(false);
      expect(fake.state.windows).toHaveLength(1);
      // …then, idle, it goes (tfjs holds GPU buffers until its page does), and the next job opens a new one.
      await vi.advanceTimersByTimeAsync(1_000);
      expect(w.destroyed).toBe(true);
      expect(await cw.call(req('l', 1, { method: 'open', allowSoftware: false }))).toMatchObject({ ok: true });
      expect(fake.state.windows).toHaveLength(2);
      cw.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a page that never starts refuses the open (so an automatic job trains locally)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      fake.state.silent = true;
      const cw = new ComputeWindow('/p.cjs');
      const r = cw.call(req('j', 1, { method: 'open', allowSoftware: false }));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(await r).toMatchObject({ ok: false, refused: true, error: 'the compute window did not start: the compute page did not start within 60 s' });
      cw.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
