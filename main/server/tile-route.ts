// GET /tiles/site/<id>/<level>/<x>_<y>.png?c=… : one deep-zoom tile of a site, for OpenSeadragon.
// The caller (server.ts) has already checked Host/Origin and the bearer token; this answers 400 for
// a malformed address, 404 for a site the open project does not have (shell/tile-reply.ts).
import type http from 'node:http';
import type { DB } from '../core/db/open.js';
import { tileReply, TILE_PREFIX } from '../shell/tile-reply.js';

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
