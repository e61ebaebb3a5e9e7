// Electron's transport for the API contract: one ipcMain handler for every request, and event
// pushes to the app's own pages. The decisions live in ipc-guard.ts (tested without Electron).
import { ipcMain, webContents, type IpcMainInvokeEvent } from 'electron';
import type { EventName, EventPayload, Handlers } from '../core/api/contract.js';
import type { FileScope } from '../core/files/scope.js';
import { EVENT_CHANNEL, GRANT_CHANNEL, INVOKE_CHANNEL } from './channels.js';
import { eventMessage, grantDropped, isAppUrl, runInvoke, type SenderInfo } from './ipc-guard.js';

export interface IpcTransport {
  broadcast<K extends EventName>(event: K, payload: EventPayload<K>): void;
  dispose(): void;
}

function senderInfo(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): SenderInfo {
  const frame = event.senderFrame;
  return { url: frame ? frame.url : null, isMainFrame: frame ? frame.parent === null : false };
}

export function registerIpc(handlers: Handlers, allowed: readonly string[], files?: FileScope): IpcTransport {
  ipcMain.handle(INVOKE_CHANNEL, (event: IpcMainInvokeEvent, name: unknown, request: unknown) =>
    runInvoke(handlers, senderInfo(event), name, request, allowed),
  );
  if (files) ipcMain.on(GRANT_CHANNEL, (event, p) => void grantDropped(files, senderInfo(event), p, allowed));
  return {
    broadcast(event, payload) {
      const msg = eventMessage(event, payload);
      for (const wc of webContents.getAllWebContents()) {
        if (!wc.isDestroyed() && isAppUrl(wc.getURL(), allowed)) wc.send(EVENT_CHANNEL, msg);
      }
    },
    dispose() {
      ipcMain.removeHandler(INVOKE_CHANNEL);
      ipcMain.removeAllListeners(GRANT_CHANNEL);
    },
  };
}
