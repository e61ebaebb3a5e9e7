// Sandboxed preload of the hidden compute window (main/app/compute-window.ts): exposes exactly
// `window.miconCompute` — Trainer calls in, replies out on two fixed channels — and nothing else: no
// ipcRenderer, no Node, no access to the app's API (that is preload/index.ts, the UI's alone).
// Typed arrays cross contextBridge and IPC as typed arrays (structured clone).
import { contextBridge, ipcRenderer } from 'electron';
import { COMPUTE_CALL_CHANNEL, COMPUTE_REPLY_CHANNEL } from '../main/app/compute-channels.js';

let listening = false;

contextBridge.exposeInMainWorld('miconCompute', {
  /** One listener for the page's lifetime (the compute page registers it once). */
  onCall(listener: (message: unknown) => void): void {
    if (listening) throw new Error('miconCompute.onCall: already listening');
    listening = true;
    ipcRenderer.on(COMPUTE_CALL_CHANNEL, (_event, message) => listener(message));
  },
  send(message: unknown): void {
    ipcRenderer.send(COMPUTE_REPLY_CHANNEL, message);
  },
});
