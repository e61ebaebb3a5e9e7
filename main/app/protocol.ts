// micon://app/… serves the built renderer (out/renderer). A standard, secure scheme gives the page a
// real origin (so the IPC sender check and CSP 'self' mean something, and absolute asset paths
// work), which a file:// URL would not.
import fs from 'node:fs';
import { protocol } from 'electron';
import { appFileHeaders, resolveAppFile } from './app-files.js';
import { APP_SCHEME } from './channels.js';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** After app 'ready': answer micon:// requests from files under rendererDir. */
export function serveApp(rendererDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const r = resolveAppFile(rendererDir, request.url, request.method);
    if (!r.ok) return new Response(r.message, { status: r.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    const body = request.method === 'HEAD' ? null : new Uint8Array(await fs.promises.readFile(r.file));
    return new Response(body, { status: 200, headers: appFileHeaders(r.type, csp) });
  });
}
