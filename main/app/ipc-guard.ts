// The decisions behind the Electron IPC handler, as plain functions (no electron import) so they
// are unit-tested: is the sender our own page, is the request known and well-formed, and what goes
// back to the page when a handler fails. main/app/ipc.ts only wires these to ipcMain.
import { isAbsolute } from 'node:path';
import { events, type EventName, type EventPayload, type Handlers } from '../core/api/contract.js';
import { dispatch, faultLine } from '../core/api/dispatch.js';
import { APP_ORIGIN, type EventMessage, type InvokeResult } from './channels.js';

/**
 * scheme://host[:port] of a URL, lower-cased, or null. WHATWG `URL.origin` is the string "null" for
 * schemes it does not know (like micon:), so it is built by hand.
 */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (!u.host) return null;
    return `${u.protocol}//${u.host}`.toLowerCase();
  } catch {
    return null;
  }
}

/** Origins whose pages may use the API: the app's own scheme, plus the dev server in development. */
export function allowedOrigins(devServerUrl?: string | null): string[] {
  const dev = originOf(devServerUrl);
  return dev && dev !== APP_ORIGIN ? [APP_ORIGIN, dev] : [APP_ORIGIN];
}

export function isAppUrl(url: string | null | undefined, allowed: readonly string[]): boolean {
  const o = originOf(url);
  return o !== null && allowed.includes(o);
}

export interface SenderInfo {
  /** URL of the frame that sent the message; null when the frame is gone or navigated away. */
  url: string | null;
  /** Only the top-level frame may call; an iframe (even a same-origin one) may not. */
  isMainFrame: boolean;
}

/** Why a sender is refused, or null when it is our own top-level page. */
export function checkSender(sender: SenderInfo, allowed: readonly string[]): string | null {
  if (!sender.url) return 'the calling frame is gone';
  if (!sender.isMainFrame) return 'requests are only accepted from the top-level page';
  if (!isAppUrl(sender.url, allowed)) return `requests are not accepted from ${originOf(sender.url) ?? 'this page'}`;
  return null;
}

/**
 * A dropped file or folder the preload reports on GRANT_CHANNEL: granted to the session's folders when
 * it comes from our own top-level page and is an absolute path; returns why not, or null.
 */
export function grantDropped(files: { grant(p: string): void }, sender: SenderInfo, p: unknown, allowed: readonly string[]): string | null {
  const refused = checkSender(sender, allowed);
  if (refused) return refused;
  if (typeof p !== 'string' || p.length > 4096 || !isAbsolute(p)) return 'not an absolute path';
  files.grant(p);
  return null;
}

export type Log = (line: string) => void;

/**
 * Everything ipcMain's 'micon:invoke' handler does: check the sender, then dispatch (validate, run,
 * classify the failure) and wrap the outcome in the browser-mode envelope. Never throws: Electron would
 * turn a throw into "Error invoking remote method 'micon:invoke': …", which is no message for a user.
 */
export async function runInvoke(
  handlers: Handlers,
  sender: SenderInfo,
  name: unknown,
  payload: unknown,
  allowed: readonly string[],
  log: Log = (line) => process.stderr.write(`${line}\n`),
): Promise<InvokeResult> {
  const refused = checkSender(sender, allowed);
  if (refused) {
    log(`micon ipc: refused a request: ${refused}`);
    return { ok: false, error: `refused: ${refused}` };
  }
  const r = await dispatch(handlers, name, payload);
  if (r.ok) return r;
  if (r.kind !== 'failed') return { ok: false, error: r.error };
  log(faultLine('micon ipc', String(name), r.cause));
  return { ok: false, error: `${String(name)} failed: ${r.error}` };
}

/** A pushed event, validated against the contract before it leaves the main process. */
export function eventMessage<K extends EventName>(event: K, payload: EventPayload<K>): EventMessage {
  return { event, payload: events[event].parse(payload) };
}
