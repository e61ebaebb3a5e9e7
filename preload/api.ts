// window.micon over Electron IPC. Runtime imports: none but channels.ts (constants, no imports);
// the contract is imported for types only, so zod never enters the sandboxed preload bundle.
import type { EventName, EventPayload, MiconApi, Req, RequestName, Res } from '../main/core/api/contract.js';
import { EVENT_CHANNEL, INVOKE_CHANNEL, TILE_BASE, type EventMessage, type InvokeResult } from '../main/app/channels.js';

/** The slice of ipcRenderer the API needs (a fake in tests). */
export interface IpcLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createIpcApi(ipc: IpcLike): MiconApi {
  async function invoke<K extends RequestName>(name: K, request: Req<K>): Promise<Res<K>> {
    const r = (await ipc.invoke(INVOKE_CHANNEL, name, request)) as InvokeResult | undefined;
    if (!r || typeof r !== 'object' || typeof r.ok !== 'boolean') throw new Error(`${name}: malformed reply from the main process`);
    if (r.ok) return r.result as Res<K>;
    throw new Error(r.error);
  }

  function on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
    // The IPC event object (it holds `sender`, i.e. ipcRenderer) never reaches the page: only the payload.
    const wrapped = (_event: unknown, ...args: unknown[]) => {
      const msg = args[0] as EventMessage | undefined;
      if (msg && msg.event === name) listener(msg.payload as EventPayload<K>);
    };
    ipc.on(EVENT_CHANNEL, wrapped);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(EVENT_CHANNEL, wrapped);
    };
  }

  return { invoke, on, tiles: { base: TILE_BASE, headers: {} } };
}
