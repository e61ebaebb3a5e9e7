import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

/** Content types of what the built renderer contains; shared with the Electron protocol handler. */
export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file under `root` that a URL path names, or null when it would leave `root`. The raw path is
 * decoded before resolving so %2e%2e, %2f and %5c tricks resolve to what they mean and get caught.
 */
export function resolveStatic(root: string, rawPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = path.resolve(root);
  const file = path.resolve(base, rel);
  const inside = path.relative(base, file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return null;
  return file;
}

export function serveStatic(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  root: string,
  headers: Record<string, string>,
): void {
  const send = (status: number, body: string) => {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
  const rawPath = (req.url ?? '/').split('?')[0].split('#')[0];
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    return send(503, 'The MICON Studio UI is not built yet. Run `npm run build:renderer` and reload this page.');
  }
  const file = resolveStatic(root, rawPath);
  if (!file) return send(404, 'not found');
  // Symlinks inside the bundle must not lead out of it either.
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return send(404, 'not found');
  }
  const realRoot = fs.realpathSync(root);
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return send(404, 'not found');
  const stat = fs.statSync(real);
  if (!stat.isFile()) return send(404, 'not found');
  const type = CONTENT_TYPES[path.extname(real).toLowerCase()] ?? 'application/octet-stream';
  // index.html carries no hash in its name; the hashed assets can be cached.
  const cache = path.basename(real) === 'index.html' ? 'no-store' : 'public, max-age=3600';
  res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': String(stat.size), 'Cache-Control': cache });
  if (req.method === 'HEAD') return void res.end();
  fs.createReadStream(real).pipe(res);
}
