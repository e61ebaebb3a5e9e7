// What the micon:// protocol serves and under which policy, as plain functions (no electron import).
import fs from 'node:fs';
import path from 'node:path';
import { CONTENT_TYPES, resolveStatic } from '../shell/static-files.js';
import { APP_HOST, APP_SCHEME } from './channels.js';


export type AppFile = { ok: true; file: string; type: string } | { ok: false; status: number; message: string };

/**
 * The file under `rendererDir` that a micon://app/… URL names. Anything else (another host, a path
 * leaving the folder directly or through a symlink, a folder, a missing file) is an error status.
 */
export function resolveAppFile(rendererDir: string, url: string, method = 'GET'): AppFile {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405, message: 'method not allowed' };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400, message: 'bad URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { ok: false, status: 404, message: 'not found' };
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    return { ok: false, status: 503, message: 'The MICON Studio UI is not built yet: run `npm run build`.' };
  }
  // u.pathname keeps percent-escapes; resolveStatic decodes them and refuses what leaves the folder.
  const file = resolveStatic(rendererDir, u.pathname);
  if (!file) return { ok: false, status: 404, message: 'not found' };
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return { ok: false, status: 404, message: 'not found' };
  }
  const realRoot = fs.realpathSync(rendererDir);
  if (!real.startsWith(realRoot + path.sep) || !fs.statSync(real).isFile()) return { ok: false, status: 404, message: 'not found' };
  return { ok: true, file: real, type: CONTENT_TYPES[path.extname(real).toLowerCase()] ?? 'application/octet-stream' };
}

/**
 * Content-Security-Policy for the app's pages. Same directives as browser mode, without its
 * WebSocket (IPC needs no network). The Vite dev server needs inline scripts (React refresh
 * preamble) and its HMR socket, so development relaxes exactly those two.
 */
export function contentSecurityPolicy(devServerOrigin: string | null = null): string {
  const dev = devServerOrigin !== null;
  const ws = dev ? devServerOrigin.replace(/^http/, 'ws') : '';
  return [
    "default-src 'self'",
    dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    dev ? `connect-src 'self' ${ws}` : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Response headers with our CSP replacing any the response already had (any letter case). */
export function withCsp(headers: Record<string, string | string[]> | undefined, csp: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() !== 'content-security-policy') out[k] = v;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** Headers for a file served over micon://. */
export function appFileHeaders(type: string, csp: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
}
