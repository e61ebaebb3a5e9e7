// Sandboxed preload: exposes exactly window.micon (the API contract's MiconApi) and nothing else:
// no ipcRenderer, no Node. A sandboxed preload can only require 'electron', so this bundle must
// not import anything else at runtime (electron.vite.config.ts fails the build if it does).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createIpcApi } from './api.js';

// pathForFile lets a dropped plate folder be imported: the page itself never learns paths otherwise.
contextBridge.exposeInMainWorld('micon', { ...createIpcApi(ipcRenderer), pathForFile: (file: File) => webUtils.getPathForFile(file) || null });
