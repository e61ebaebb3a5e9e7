import path from 'node:path';
import { BrowserWindow } from 'electron';
import { APP_INDEX_URL } from './channels.js';

export interface WindowOptions {
  /** Built preload script (out/preload/index.cjs). */
  preload: string;
  /** Vite dev server URL in development (ELECTRON_RENDERER_URL), else the app's own scheme. */
  devServerUrl: string | null;
  projectPath: string;
  /** The window's icon (Linux, Windows; macOS shows the bundle's), when there is one. */
  icon?: string;
}

export function createMainWindow(o: WindowOptions): BrowserWindow {
  const title = `MICON Studio — ${path.basename(o.projectPath)}`;
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title,
    backgroundColor: '#101418',
    ...(o.icon ? { icon: o.icon } : {}),
    webPreferences: {
      // Reviewed: the preload exposes exactly window.micon through contextBridge (preload/index.ts).
      preload: o.preload, // eng-disable PRELOAD_JS_CHECK
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
      // Middle-click opens links in new windows through auxclick; nothing in the app needs it.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  // The window title names the open project; the page's <title> would replace it.
  win.on('page-title-updated', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(o.devServerUrl ?? APP_INDEX_URL);
  return win;
}
