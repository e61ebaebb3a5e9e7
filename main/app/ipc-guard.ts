// The decisions behind the Electron IPC handler, as plain functions (no electron import) so they
// are unit-tested: is the sender our own page, is the request known and well-formed, and what goes
// back to the page when a handler fails. main/app/ipc.ts only wires these to ipcMain.
import { isAbsolute } from 'node:path';
import { ZodError } from 'zod';
import { events, isRequestName, parseRequest, type EventName, type EventPayload, type Handlers, type RequestName } from '../core/api/contract.js';
import { InputError } from '../core/types.js';
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

/** "plateId: expected number, received string" per bad field, so the caller knows what to fix. */
export function describeZodError(name: string, e: ZodError): string {
  const parts = e.issues.map((i) => `${i.path.length ? i.path.join('.') : '(request)'}: ${i.message}`);
  return `invalid request for ${name}: ${parts.join('; ')}`;
}

export type Log = (line: string) => void;

/**
 * Everything ipcMain's 'micon:invoke' handler does: check the sender, the name and the payload, run
 * the handler, and wrap the outcome in the browser-mode envelope. Never throws: Electron would turn
 * a throw into "Error invoking remote method 'micon:invoke': …", which is no message for a user.
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
  if (typeof name !== 'string' || !isRequestName(name)) {
    return { ok: false, error: `unknown request "${typeof name === 'string' ? name : typeof name}"` };
  }
  try {
    const request = parseRequest(name, payload);
    const run = handlers[name as RequestName] as (r: unknown) => unknown;
    return { ok: true, result: await run(request) };
  } catch (e) {
    if (e instanceof ZodError) return { ok: false, error: describeZodError(name, e) };
    if (e instanceof InputError) return { ok: false, error: e.message };
    log(`micon ipc: ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    return { ok: false, error: `${name} failed: ${first}` };
  }
}

/** A pushed event, validated against the contract before it leaves the main process. */
export function eventMessage<K extends EventName>(event: K, payload: EventPayload<K>): EventMessage {
  return { event, payload: events[event].parse(payload) };
}
