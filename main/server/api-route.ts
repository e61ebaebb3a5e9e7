import type http from 'node:http';
import { isRequestName, type Handlers } from '../core/api/contract.js';
import { dispatch, faultLine, type FailureKind } from '../core/api/dispatch.js';

const MAX_BODY = 1 << 20;
/** Beyond this, a refused body is not drained any further: the connection is dropped. */
const DRAIN_LIMIT = 64 << 20;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The request body, at most MAX_BODY bytes. A larger body is refused with 413, and the rest of it is
 * read and dropped (up to DRAIN_LIMIT) so the client gets the answer: destroying the socket at once
 * would reach it as a connection reset instead.
 */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const refuse = () => {
      refused = true;
      chunks.length = 0;
      reject(new HttpError(413, `request body too large (over ${MAX_BODY >> 20} MiB)`));
    };
    if (Number(req.headers['content-length']) > MAX_BODY) refuse();
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (refused) {
        if (size > DRAIN_LIMIT) req.destroy();
        return;
      }
      if (size > MAX_BODY) return refuse();
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** HTTP status per kind of failure that dispatch() reports. */
const STATUS: Record<FailureKind, number> = { unknown: 404, invalid: 400, busy: 409, input: 400, failed: 500 };

/** Run one API request; resolves to the HTTP status and the JSON envelope to send. */
export async function handleApi(
  req: http.IncomingMessage,
  name: string,
  handlers: Handlers,
): Promise<{ status: number; body: { ok: true; result: unknown } | { ok: false; error: string } }> {
  let payload: unknown = {};
  try {
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    if (!isRequestName(name)) throw new HttpError(404, `unknown request "${name}"`);
    const text = await readBody(req);
    if (text.trim() !== '') {
      try {
        payload = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'request body is not valid JSON');
      }
    }
  } catch (e) {
    if (e instanceof HttpError) return { status: e.status, body: { ok: false, error: e.message } };
    return fault(name, e);
  }
  const r = await dispatch(handlers, name, payload);
  if (r.ok) return { status: 200, body: r };
  if (r.kind === 'failed') return fault(name, r.cause);
  return { status: STATUS[r.kind], body: { ok: false, error: r.error } };
}

/** The details stay in the server's log; the page only learns that it failed. */
function fault(name: string, cause: unknown): { status: number; body: { ok: false; error: string } } {
  process.stderr.write(`${faultLine('micon serve', name, cause)}\n`);
  return { status: STATUS.failed, body: { ok: false, error: `${name} failed on the server (see the server log)` } };
}
