// One request through the contract, for both transports (Electron IPC in app/ipc-guard.ts, browser
// mode in server/api-route.ts): known name → validated payload → handler → an outcome that says what
// kind of failure it was. The transports only map that kind to their envelope (HTTP status, log line).
import { ZodError } from 'zod';
import { InputError, ProjectBusyError } from '../types.js';
import { isRequestName, parseRequest, type Handlers } from './contract.js';

/** Why a request failed: unknown name, bad payload, project busy, a user error, or a fault of ours. */
export type FailureKind = 'unknown' | 'invalid' | 'busy' | 'input' | 'failed';

export type Dispatched =
  | { ok: true; result: unknown }
  /** `error` is safe to show the user; for 'failed' it is the first line of the message and `cause` keeps the rest. */
  | { ok: false; kind: FailureKind; error: string; cause?: unknown };

/** "plateId: expected number, received string" for each bad field, so the caller knows what to fix. */
export function describeZodError(name: string, e: ZodError): string {
  const parts = e.issues.map((i) => `${i.path.length ? i.path.join('.') : '(request)'}: ${i.message}`);
  return `invalid request for ${name}: ${parts.join('; ')}`;
}

/** What a thrown value means to the caller of `name`. */
function failureOf(name: string, e: unknown): Extract<Dispatched, { ok: false }> {
  if (e instanceof ZodError) return { ok: false, kind: 'invalid', error: describeZodError(name, e) };
  // Before InputError: a busy project is one (the user can retry), but transports answer it apart (409).
  if (e instanceof ProjectBusyError) return { ok: false, kind: 'busy', error: e.message };
  if (e instanceof InputError) return { ok: false, kind: 'input', error: e.message };
  return { ok: false, kind: 'failed', error: (e instanceof Error ? e.message : String(e)).split('\n')[0], cause: e };
}

/** The log line for a fault of ours: the stack, which never goes to the page. */
export function faultLine(prefix: string, name: string, cause: unknown): string {
  return `${prefix}: ${name} failed: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
}

/** Validate and run one request. Never throws. */
export async function dispatch(handlers: Handlers, name: unknown, payload: unknown): Promise<Dispatched> {
  if (typeof name !== 'string' || !isRequestName(name)) {
    return { ok: false, kind: 'unknown', error: `unknown request "${typeof name === 'string' ? name : typeof name}"` };
  }
  try {
    const request = parseRequest(name, payload);
    const run = handlers[name] as (r: unknown) => unknown;
    return { ok: true, result: await run(request) };
  } catch (e) {
    return failureOf(name, e);
  }
}
