// Browser mode's static server for the built renderer (path resolution shared with the app: shell/static-files.ts).
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { CONTENT_TYPES, resolveStatic } from '../shell/static-files.js';

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
