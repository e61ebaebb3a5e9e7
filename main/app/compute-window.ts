// The hidden compute window: where the Electron app trains on the GPU. dawn.node does not load inside
// Electron and utilityProcess has no navigator.gpu, so a train job's model side (LocalTrainer on
// tfjs-backend-webgpu) runs in a hidden, sandboxed BrowserWindow with Chromium's own WebGPU
// (renderer/compute). This class is the TrainerRelay that runJob forwards a train job's calls to
// (core/jobs/host.ts): it creates the window on the first call, sends each call over IPC, matches
// replies, and turns a crash of the window into an error reply for every call in flight (the job
// then fails with it); the next job creates a new window.
import { BrowserWindow, ipcMain, type IpcMainEvent } from 'electron';
import { errorReply, TrainerReply, type TrainerRelay, type TrainerRequest } from '../core/ml/trainer-protocol.js';
import { APP_ORIGIN } from './channels.js';
import { COMPUTE_CALL_CHANNEL, COMPUTE_REPLY_CHANNEL, COMPUTE_URL } from './compute-channels.js';
import { hardenContents } from './security.js';

/** How long the page may take to load tfjs and say it listens. */
const READY_MS = 60_000;
/**
 * How long the window stays after the last job holding a model on it let go: long enough for the
 * next job of a series, short enough that a hidden page does not keep GPU memory (tfjs pools its
 * buffers until the page goes) for the rest of the session.
 */
export const IDLE_CLOSE_MS = 30_000;

interface Pending {
  req: TrainerRequest;
  resolve: (r: TrainerReply) => void;
}

export class ComputeWindow implements TrainerRelay {
  private win: BrowserWindow | null = null;
  private ready: Promise<void> | null = null;
  private settleReady: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private readonly pending = new Map<number, Pending>();
  /** Ids unique across jobs (each job numbers its own calls from 1). */
  private next = 1;
  /** Jobs with a model open on the window (between a successful `open` and their `dispose`). */
  private readonly holders = new Set<string>();
  private idle: ReturnType<typeof setTimeout> | null = null;
  private readonly onReply = (event: IpcMainEvent, message: unknown) => this.reply(event, message);

  constructor(
    private readonly preload: string,
    private readonly idleCloseMs = IDLE_CLOSE_MS,
  ) {
    ipcMain.on(COMPUTE_REPLY_CHANNEL, this.onReply);
  }

  async call(req: TrainerRequest): Promise<TrainerReply> {
    this.disarmIdle();
    // A dispose for a window that is not there has nothing to free: never create one for it.
    if (req.call.method === 'dispose' && !this.win) return { type: 'trainer-reply', jobId: req.jobId, id: req.id, ok: true, value: null };
    try {
      await this.open();
    } catch (e) {
      return errorReply(req, `the compute window did not start: ${e instanceof Error ? e.message : String(e)}`, req.call.method === 'open');
    }
    const win = this.win;
    if (!win || win.isDestroyed()) return errorReply(req, 'the compute window closed');
    const id = this.next++;
    const reply = await new Promise<TrainerReply>((resolve) => {
      this.pending.set(id, { req, resolve });
      win.webContents.send(COMPUTE_CALL_CHANNEL, { ...req, id });
    });
    if (req.call.method === 'open' && reply.ok) this.holders.add(req.jobId);
    if (req.call.method === 'dispose') this.holders.delete(req.jobId);
    this.armIdle();
    return reply;
  }

  /** Close the window once no job holds a model on it and nothing is in flight, after IDLE_CLOSE_MS. */
  private armIdle(): void {
    this.disarmIdle();
    if (!this.win || this.holders.size || this.pending.size) return;
    this.idle = setTimeout(() => this.closeWindow(), this.idleCloseMs);
    this.idle.unref?.();
  }

  private disarmIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
  }

  /** The app's window closed: close this one too (it must not keep the app alive); a later call opens a new one. */
  closeWindow(): void {
    if (this.win) this.lost('the compute window was closed');
  }

  /** The app is quitting: close the window, answer what is in flight, stop listening. */
  close(): void {
    ipcMain.removeListener(COMPUTE_REPLY_CHANNEL, this.onReply);
    this.lost('the app is closing');
  }

  private open(): Promise<void> {
    if (this.win && this.ready) return this.ready;
    const win = new BrowserWindow({
      show: false,
      width: 320,
      height: 240,
      title: 'MICON Studio compute',
      webPreferences: {
        // Reviewed: exposes exactly window.miconCompute (send/onCall on two channels), preload/compute.ts.
        preload: this.preload, // eng-disable PRELOAD_JS_CHECK
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
        navigateOnDragDrop: false,
        // A hidden window is throttled by default; training must run at full speed.
        backgroundThrottling: false,
        disableBlinkFeatures: 'Auxclick',
      },
    });
    this.win = win;
    // No new windows, no navigation off micon://app (also applied to every webContents by security.ts).
    hardenContents(win.webContents, [APP_ORIGIN]);
    // Events of a window already replaced must not touch its successor.
    const gone = (why: string) => this.win === win && this.lost(why);
    win.webContents.on('render-process-gone', (_event, details) => {
      gone(`the compute window crashed (render process gone: ${details.reason}, exit code ${details.exitCode}); start the job again`);
    });
    win.webContents.on('did-fail-load', (_event, code, description) => gone(`the compute page did not load (${code} ${description}); run \`npm run build\``));
    win.on('closed', () => gone('the compute window closed'));
    const ready = new Promise<void>((resolve, reject) => (this.settleReady = { resolve, reject }));
    const timer = setTimeout(() => gone(`the compute page did not start within ${READY_MS / 1000} s`), READY_MS);
    timer.unref?.();
    ready.then(() => clearTimeout(timer), () => clearTimeout(timer));
    win.loadURL(COMPUTE_URL).catch((e: unknown) => gone(`the compute page did not load: ${e instanceof Error ? e.message : String(e)}`));
    this.ready = ready;
    return ready;
  }

  private reply(event: IpcMainEvent, message: unknown): void {
    // Only the compute window's own top-level page speaks on this channel.
    if (!this.win || this.win.isDestroyed() || event.sender.id !== this.win.webContents.id || !event.senderFrame?.url.startsWith(COMPUTE_URL)) return;
    if ((message as { type?: unknown })?.type === 'compute-ready') return this.settleReady?.resolve();
    const r = TrainerReply.safeParse(message);
    if (!r.success) return;
    const p = this.pending.get(r.data.id);
    if (!p) return;
    this.pending.delete(r.data.id);
    p.resolve({ ...r.data, jobId: p.req.jobId, id: p.req.id });
  }

  /** The window is gone (or must go): fail every call in flight with why; the next call starts a new one. */
  private lost(why: string): void {
    this.disarmIdle();
    this.holders.clear();
    const win = this.win;
    this.win = null;
    this.ready = null;
    this.settleReady?.reject(new Error(why));
    this.settleReady = null;
    for (const p of this.pending.values()) p.resolve(errorReply(p.req, why));
    this.pending.clear();
    if (win && !win.isDestroyed()) win.destroy();
  }
}
