// GET /tiles/site/<id>/<level>/<x>_<y>.png?c=… : one deep-zoom tile of a site, for OpenSeadragon.
// The caller (server.ts) has already checked Host/Origin and the bearer token; this answers 400 for
// a malformed address, 404 for a site the open project does not have.
import type http from 'node:http';
import type { DB } from '../core/db/open.js';
import { TileAddressError, parseTilePath } from '../core/images/tile-url.js';
import { tileRenderer } from '../core/images/tiles.js';

export const TILE_PREFIX = '/tiles';

export type TileReply = { status: 200; png: Buffer } | { status: 400 | 404 | 405 | 500; message: string };

/** The tile a request path below TILE_PREFIX names, as a status and body (shared with the Electron protocol). */
export async function tileReply(db: DB, method: string, pathAndQuery: string): Promise<TileReply> {
  if (method !== 'GET') return { status: 405, message: 'method not allowed' };
  try {
    const png = await tileRenderer.tile(db, parseTilePath(pathAndQuery));
    return png ? { status: 200, png } : { status: 404, message: 'no such site in this project' };
  } catch (e) {
    if (e instanceof TileAddressError) return { status: 400, message: e.message };
    console.error(`tile ${pathAndQuery}:`, e);
    return { status: 500, message: 'tile could not be rendered (see the server log)' };
  }
}

export function handleTile(req: http.IncomingMessage, res: http.ServerResponse, db: DB, headers: Record<string, string>): void {
  const rest = (req.url ?? '').slice(TILE_PREFIX.length);
  void tileReply(db, req.method ?? 'GET', rest).then((r) => {
    if (r.status === 200) {
      // no-store: site ids restart in another project, so a cached tile could show the wrong cells after a switch.
      res.writeHead(200, { ...headers, 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
      res.end(r.png);
    } else {
      res.writeHead(r.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(r.message);
    }
  });
}
