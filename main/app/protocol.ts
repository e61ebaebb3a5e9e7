// micon://app/… serves the built renderer (out/renderer). A standard, secure scheme gives the page a
// real origin (so the IPC sender check and CSP 'self' mean something, and absolute asset paths
// work), which a file:// URL would not.
import fs from 'node:fs';
import { protocol } from 'electron';
import type { DB } from '../core/db/open.js';
import { tileReply, TILE_PREFIX } from '../shell/tile-reply.js';
import { appFileHeaders, resolveAppFile } from './app-files.js';
import { APP_HOST, APP_SCHEME } from './channels.js';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/**
 * After app 'ready': answer micon:// requests from files under rendererDir, and micon://app/tiles/…
 * with deep-zoom tiles of the open project (`db` is asked per request: the user can switch projects).
 * The scheme is only reachable from this app's own windows, so tiles need no token here.
 */
export function serveApp(rendererDir: string, csp: string, db: () => DB): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const u = new URL(request.url);
    if (u.host === APP_HOST && u.pathname.startsWith(`${TILE_PREFIX}/`)) {
      const r = await tileReply(db(), request.method, u.pathname.slice(TILE_PREFIX.length) + u.search);
      if (r.status === 200) return new Response(new Uint8Array(r.png), { status: 200, headers: { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' } });
      return new Response(r.message, { status: r.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    const r = resolveAppFile(rendererDir, request.url, request.method);
    if (!r.ok) return new Response(r.message, { status: r.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    const body = request.method === 'HEAD' ? null : new Uint8Array(await fs.promises.readFile(r.file));
    return new Response(body, { status: 200, headers: appFileHeaders(r.type, csp) });
  });
}
