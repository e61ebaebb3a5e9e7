// Sandboxed preload: exposes exactly window.micon (the API contract's MiconApi) and nothing else:
// no ipcRenderer, no Node. A sandboxed preload can only require 'electron', so this bundle must
// not import anything else at runtime (electron.vite.config.ts fails the build if it does).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { GRANT_CHANNEL } from '../main/app/channels.js';
import type { MiconApi } from '../main/core/api/contract.js';
import { createIpcApi } from './api.js';

// pathForFile lets a dropped plate folder be imported: the page itself never learns paths otherwise.
// Only a real File (from a drop or a file input: a user's gesture) has a path, so the page cannot use
// this to name an arbitrary one; the path is granted to the session's folders from here, not by the page.
function pathForFile(file: File): string | null {
  const p = webUtils.getPathForFile(file) || null;
  if (p) ipcRenderer.send(GRANT_CHANNEL, p);
  return p;
}

// `satisfies`: what the page gets is checked against the contract's MiconApi, pathForFile included.
contextBridge.exposeInMainWorld('micon', { ...createIpcApi(ipcRenderer), pathForFile } satisfies MiconApi);
