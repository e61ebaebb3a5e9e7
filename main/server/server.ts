// Browser mode: the same API contract as Electron IPC, carried over HTTP (requests) and a
// WebSocket (events), bound to loopback and guarded by a per-launch token.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createHandlers } from '../core/api/handlers.js';
import { ProjectSession, UI_BUSY_TIMEOUT_MS } from '../core/project/session.js';
import { defaultProjectsFolder, FileScope, foldersFromEnv } from '../core/files/scope.js';
import { JobManager } from '../core/jobs/manager.js';
import { InputError } from '../core/types.js';
import type { EventName, EventPayload } from '../core/api/contract.js';
import type { DB } from '../core/db/open.js';
import { handleApi } from './api-route.js';
import { EventHub, refuseUpgrade } from './events.js';
import { bearerToken, checkRequestOrigin, newToken, securityHeaders, tokenMatches } from './security.js';
import { serveStatic } from './static.js';
import { TILE_PREFIX } from '../shell/tile-reply.js';
import { handleTile } from './tile-route.js';

export interface ServerOptions {
  db: DB;
  projectPath: string;
  /** The open project, when the caller keeps one (else one is made around db). */
  session?: ProjectSession;
  /** Run jobs (ingest, train, embed, evaluate) in job processes; off by default for read-only views. */
  jobs?: boolean;
  /** 0 (the default) picks any free port. */
  port?: number;
  rendererDir: string;
  token?: string;
  transportNote?: string | null;
  /**
   * Folders the page may use besides the project's own folder, MICON_ALLOWED_FOLDERS and the default
   * projects folder (`micon serve --allow`). Paths the page sends outside them are refused.
   */
  allowedFolders?: string[];
  /** How long a write that finds the project locked by another process keeps retrying before 409 (default UI_BUSY_WAIT_MS). */
  busyWaitMs?: number;
}

export interface RunningServer {
  /** What to open: the token rides in the fragment, so browsers never send or log it. */
  url: string;
  token: string;
  port: number;
  host: '127.0.0.1';
  broadcast<K extends EventName>(event: K, payload: EventPayload<K>): void;
  session: ProjectSession;
  jobs: JobManager | null;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const hub = new EventHub();
  const session = opts.session ?? new ProjectSession(opts.db, opts.projectPath, { busyTimeoutMs: UI_BUSY_TIMEOUT_MS });
  const jobs = opts.jobs ? new JobManager(session, (event, payload) => hub.broadcast(event, payload)) : null;
  const projects = defaultProjectsFolder();
  const files = new FileScope([path.dirname(path.resolve(opts.projectPath)), ...(opts.allowedFolders ?? []), ...foldersFromEnv(), ...(fs.existsSync(projects) ? [projects] : [])]);
  const handlers = createHandlers({ session, jobs: jobs ?? undefined, transport: 'browser', transportNote: opts.transportNote ?? null, files, busyWaitMs: opts.busyWaitMs });
  let port = 0;

  const server = http.createServer((req, res) => {
    const headers = securityHeaders(port);
    const sendJson = (status: number, body: unknown) => {
      res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const denied = checkRequestOrigin(req, port);
    if (denied) return sendJson(denied.status, { ok: false, error: denied.message });
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname.startsWith('/api/') || pathname === '/api' || pathname === '/ws') {
      if (!tokenMatches(token, bearerToken(req))) return sendJson(401, { ok: false, error: 'missing or wrong token' });
      if (pathname === '/ws') return sendJson(426, { ok: false, error: 'WebSocket upgrade required' });
      const name = decodeName(pathname.slice('/api/'.length));
      handleApi(req, name, handlers).then(
        (r) => sendJson(r.status, r.body),
        () => sendJson(500, { ok: false, error: 'internal error' }),
      );
      return;
    }
    if (pathname.startsWith(`${TILE_PREFIX}/`)) {
      if (!tokenMatches(token, bearerToken(req))) return sendJson(401, { ok: false, error: 'missing or wrong token' });
      return handleTile(req, res, session.db, headers);
    }
    serveStatic(req, res, opts.rendererDir, headers);
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'not found');
    const denied = checkRequestOrigin(req, port);
    if (denied) return refuseUpgrade(socket, denied.status, denied.message);
    // Browsers cannot set headers on a WebSocket, hence the query parameter.
    if (!tokenMatches(token, url.searchParams.get('token'))) return refuseUpgrade(socket, 401, 'missing or wrong token');
    hub.accept(req, socket, head);
  });
  server.on('clientError', (_e, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    // A busy or forbidden port is the user's to fix: say which, in words (the CLI prints InputErrors without a stack).
    const p = opts.port ?? 0;
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new InputError(`port ${p} on ${HOST} is already in use (another micon serve?); choose another, or --port 0 for any free port`));
      else if (e.code === 'EACCES') reject(new InputError(`port ${p} on ${HOST}: permission denied (ports below 1024 need privileges); choose another, or --port 0`));
      else reject(e);
    };
    server.once('error', onError);
    server.listen(p, HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/#token=${token}`,
    token,
    port,
    host: HOST,
    broadcast: (event, payload) => hub.broadcast(event, payload),
    session,
    jobs,
    close: async () => {
      jobs?.cancelAll();
      await hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
