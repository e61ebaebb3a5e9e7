import type http from 'node:http';
import { ZodError } from 'zod';
import { isRequestName, parseRequest, type Handlers, type RequestName } from '../core/api/contract.js';
import { InputError, ProjectBusyError } from '../core/types.js';

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

/** "plateId: expected number, received string" for each bad field, so the caller knows what to fix. */
export function describeZodError(name: string, e: ZodError): string {
  const parts = e.issues.map((i) => `${i.path.length ? i.path.join('.') : '(request)'}: ${i.message}`);
  return `invalid request for ${name}: ${parts.join('; ')}`;
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

/** Run one API request; resolves to the HTTP status and the JSON envelope to send. */
export async function handleApi(
  req: http.IncomingMessage,
  name: string,
  handlers: Handlers,
): Promise<{ status: number; body: { ok: true; result: unknown } | { ok: false; error: string } }> {
  try {
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    if (!isRequestName(name)) throw new HttpError(404, `unknown request "${name}"`);
    const text = await readBody(req);
    let payload: unknown = {};
    if (text.trim() !== '') {
      try {
        payload = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'request body is not valid JSON');
      }
    }
    const request = parseRequest(name, payload);
    const run = handlers[name as RequestName] as (r: unknown) => unknown;
    const result = await run(request);
    return { status: 200, body: { ok: true, result } };
  } catch (e) {
    if (e instanceof HttpError) return { status: e.status, body: { ok: false, error: e.message } };
    if (e instanceof ZodError) return { status: 400, body: { ok: false, error: describeZodError(name, e) } };
    if (e instanceof ProjectBusyError) return { status: 409, body: { ok: false, error: e.message } };
    if (e instanceof InputError) return { status: 400, body: { ok: false, error: e.message } };
    // The details stay in the server's log; the page only learns that it failed.
    process.stderr.write(`micon serve: ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return { status: 500, body: { ok: false, error: `${name} failed on the server (see the server log)` } };
  }
}
