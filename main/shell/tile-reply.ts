// One deep-zoom tile as a status and body, for both shells: browser mode's GET /tiles/… (server/
// tile-route.ts) and the desktop app's micon:// protocol (app/protocol.ts). Shell code, not core: it
// turns core errors into transport answers. 400 for a malformed address, 404 for a site the open
// project does not have.
import type { DB } from '../core/db/open.js';
import { TileAddressError, parseTilePath } from '../core/images/tile-url.js';
import { tileRenderer } from '../core/images/tiles.js';

/** Where tiles live below each shell's origin: `${TILE_PREFIX}${tilePath(…)}`. */
export const TILE_PREFIX = '/tiles';

export type TileReply = { status: 200; png: Buffer } | { status: 400 | 404 | 405 | 500; message: string };

/** The tile a request path below TILE_PREFIX names, as a status and body. */
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
