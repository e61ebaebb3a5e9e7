// The Electron shell: lifecycle, one window, one project. Everything the app does lives in
// main/core; this file opens the project, wires the IPC transport and shows the renderer.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, type BrowserWindow } from 'electron';
import { createHandlers } from '../core/api/handlers.js';
import { ProjectSession, UI_BUSY_TIMEOUT_MS } from '../core/project/session.js';
import { FileScope, foldersFromEnv } from '../core/files/scope.js';
import { runJob } from '../core/jobs/host.js';
import { JobManager } from '../core/jobs/manager.js';
import { inspectProjectFile } from '../core/db/inspect.js';
import { openProject, type DB } from '../core/db/open.js';
import { contentSecurityPolicy } from './app-files.js';
import { registerIpc, type IpcTransport } from './ipc.js';
import { allowedOrigins } from './ipc-guard.js';
import { findBinding, isAbiMismatch, missingBindingMessage, REBUILD_COMMAND } from './native-binding.js';
import { ComputeWindow } from './compute-window.js';
import { APP_ID, PRODUCT_NAME, USER_DATA_FOLDER } from './identity.js';
import { LaunchRequests, launchPathFromArgv, openLaunchPath } from './launch-path.js';
import { chooseProject, newProjectPath, recordRecent } from './project-choice.js';
import { registerAppScheme, serveApp } from './protocol.js';
import { hardenAllContents, secureSession } from './security.js';
import { createMainWindow } from './window.js';

// Built layout: out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const here = path.dirname(fileURLToPath(import.meta.url));
const preloadPath = path.join(here, '..', 'preload', 'index.cjs');
const computePreloadPath = path.join(here, '..', 'preload', 'compute.cjs');
const rendererDir = path.join(here, '..', 'renderer');
// The window's icon (Linux, Windows): built into out/renderer from renderer/public (npm run icons);
// Electron reads it from inside app.asar. In development the renderer may be served, not built.
const windowIcon = [path.join(rendererDir, 'icon.png'), path.join(here, '..', '..', 'renderer', 'public', 'icon.png')].find((f) => fs.existsSync(f));
const devServerUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
const allowed = allowedOrigins(devServerUrl);

let win: BrowserWindow | null = null;
let db: DB | null = null;
let ipc: IpcTransport | null = null;
let session: ProjectSession | null = null;
let jobs: JobManager | null = null;
let compute: ComputeWindow | null = null;
let projectPath = '';
let openFromLaunch: ((file: string) => Promise<boolean>) | null = null;
// Project files the OS asks us to open: argv (Linux, Windows), 'second-instance', 'open-file' (macOS).
const launches = new LaunchRequests();
// An unpackaged app runs as `electron <app> …`: argv[1] is the app, not a file.
const argvFile = (argv: readonly string[], cwd: string) => launchPathFromArgv(argv, { cwd, skipApp: !app.isPackaged });

function fail(title: string, message: string): void {
  process.stderr.write(`${title}\n${message}\n`);
  dialog.showErrorBox(title, message);
  app.exit(1);
}

function openWindow(): void {
  win = createMainWindow({ preload: preloadPath, devServerUrl, projectPath, icon: windowIcon });
  win.on('closed', () => {
    win = null;
    // The hidden compute window must not keep the app alive ('window-all-closed'); the next train job opens a new one.
    compute?.closeWindow();
  });
}

async function start(): Promise<void> {
  secureSession(allowed, devServerUrl);
  const userData = app.getPath('userData');
  const electronVersion = process.versions.electron ?? 'unknown';
  const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  const binding = findBinding({
    electronVersion,
    platform: process.platform,
    arch: process.arch,
    appPath: app.getAppPath(),
    resourcesPath,
    override: process.env.MICON_SQLITE_BINDING,
  });
  if (!binding.file) return fail('MICON Studio: database module not built for Electron', missingBindingMessage(electronVersion, binding.looked));
  // Every other connection in this process, and job processes started from it (utilityProcess and
  // ELECTRON_RUN_AS_NODE children share Electron's ABI), must load the same build: openProject
  // falls back to this variable when no nativeBinding is passed.
  process.env.MICON_SQLITE_BINDING = binding.file;

  // A .micon the OS started us with (argv, or macOS 'open-file' before ready) is the first project when
  // it is one; anything else is refused below through the Project view's handler.
  const launchFile = launches.peek() ?? argvFile(process.argv, process.cwd());
  const nativeBinding = binding.file;
  const isProject = (f: string) => {
    try {
      return fs.statSync(f).isFile() && inspectProjectFile(f, { nativeBinding }).kind === 'micon';
    } catch {
      return false;
    }
  };
  const choice = chooseProject({ argv: process.argv, env: process.env, userData, cwd: process.cwd(), launchFile, isProject });
  projectPath = choice.file;

  try {
    db = openProject(projectPath, { nativeBinding: binding.file, readOnlyFallback: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (isAbiMismatch(e)) {
      return fail(
        'MICON Studio: database module built for another runtime',
        `${binding.file} does not match Electron ${electronVersion}:\n${msg}\n\nIn the MICON Studio folder run:\n  ${REBUILD_COMMAND}\nthen start the app again.`,
      );
    }
    return fail('MICON Studio: cannot open the project', `${projectPath}\n\n${msg}`);
  }
  recordRecent(userData, projectPath);

  session = new ProjectSession(db, projectPath, { nativeBinding: binding.file, readOnlyFallback: true, busyTimeoutMs: UI_BUSY_TIMEOUT_MS }, true);
  session.onChange((file) => {
    recordRecent(userData, file);
    projectPath = file;
    win?.setTitle(`${PRODUCT_NAME} — ${path.basename(file)}`);
  });
  // Train jobs reach the GPU through the hidden compute window (created on the first one that asks);
  // every other job, and the CLI/browser mode, run as before.
  compute = new ComputeWindow(computePreloadPath);
  const relay = compute;
  const run: typeof runJob = (kind, params, onProgress, graceMs, options) => runJob(kind, params, onProgress, graceMs, kind === 'train' ? { ...options, trainerRelay: relay } : options);
  jobs = new JobManager(
    session,
    (event, payload) => {
      ipc?.broadcast(event, payload);
      // Long jobs show in the task bar / dock, like a download.
      if (event === 'job.progress' && win && !win.isDestroyed()) {
        const p = payload as { done: number; total: number };
        win.setProgressBar(p.total > 0 ? Math.min(1, p.done / p.total) : 2);
      } else if (event === 'job.state' && win && !win.isDestroyed() && (payload as { state: string }).state !== 'running') {
        win.setProgressBar(-1);
      }
    },
    run,
  );
  // The folders the page may use: the project's, the default projects folder, MICON_ALLOWED_FOLDERS,
  // and whatever the user drops on the window (granted by the preload, see ipc.ts).
  const projectsFolder = path.dirname(newProjectPath(userData));
  fs.mkdirSync(projectsFolder, { recursive: true });
  const files = new FileScope([path.dirname(projectPath), projectsFolder, ...foldersFromEnv()]);
  const handlers = createHandlers({ session, jobs, transport: 'electron', transportNote: null, files });
  ipc = registerIpc(handlers, allowed, files);
  serveApp(rendererDir, contentSecurityPolicy(null), () => session!.db);
  process.stdout.write(`MICON Studio (Electron ${electronVersion}): ${projectPath} [${choice.reason}]\n`);

  // A project the OS named (a double-clicked .micon) opens through the Project view's own handler:
  // refused with a message, and left untouched, when it is not a MICON project.
  openFromLaunch = async (file) => {
    const r = await openLaunchPath(file, { grant: (folder) => files.grant(folder), open: (f) => handlers['project.open']({ path: f }) });
    if (!r.ok) {
      process.stderr.write(`MICON Studio: not opened: ${r.message}\n`);
      dialog.showErrorBox('MICON Studio: this file was not opened', r.message);
    }
    return r.ok;
  };
  const first = launches.start((file) => void openLater(file)) ?? argvFile(process.argv, process.cwd());
  if (first && !(choice.reason === 'launch' && path.resolve(first) === projectPath)) await openFromLaunch(first);
  openWindow();
}

/** A file the OS names once the app runs: open it, then show it (reload the page or open the window). */
async function openLater(file: string): Promise<void> {
  if (!openFromLaunch || !(await openFromLaunch(file))) return;
  if (win && !win.isDestroyed()) {
    win.webContents.reload();
    if (win.isMinimized()) win.restore();
    win.focus();
  } else {
    openWindow();
  }
}

registerAppScheme();
// package.json's productName ("MICON Studio") would move userData (recent projects, the default
// projects folder) away from where earlier builds kept it: keep the package name's folder.
app.setPath('userData', path.join(app.getPath('appData'), USER_DATA_FOLDER));
// Linux Chromium (Electron 45) still ships WebGPU behind this switch; the compute window needs it.
// Only our own compute page uses WebGPU (the UI does not), and it refuses software adapters.
if (process.platform === 'linux') app.commandLine.appendSwitch('enable-unsafe-webgpu');
// Windows groups the taskbar and pins by this id; the installer's shortcuts carry electron-builder's appId.
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
if (!app.requestSingleInstanceLock()) {
  // Another window of the app is already running; it gets focus through 'second-instance'.
  app.quit();
} else {
  hardenAllContents(allowed);
  app.on('second-instance', (_event, argv, workingDirectory) => {
    // Linux/Windows: a .micon double-clicked while the app runs starts a second instance, which quits
    // at once; its command line arrives here.
    const file = argvFile(argv, workingDirectory);
    if (file) {
      launches.push(file);
      return;
    }
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  // macOS: a double-clicked .micon (also before ready, when the app is started by it).
  app.on('open-file', (event, file) => {
    event.preventDefault();
    launches.push(file);
  });
  app.on('activate', () => {
    if (!win && db) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    jobs?.cancelAll();
    compute?.close();
    ipc?.dispose();
    session?.close();
    db = null;
  });
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => fail('MICON Studio could not start', e instanceof Error ? (e.stack ?? e.message) : String(e)));
}
