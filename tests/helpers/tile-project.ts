// A one-site project written by direct SQL over real 16-bit TIFFs: what tile tests need, in milliseconds.
import path from 'node:path';
import { openProject, type DB } from '../../main/core/db/open.js';
import { writeTiff16 } from '../../main/core/demo/tiff.js';
import { CHANNELS } from '../../main/core/types.js';

export const TILE_W = 600;
export const TILE_H = 300;

/** Dim 16-bit data (≈ 300–2300 counts: black if shown as raw >> 8), a gradient plus a bright square per channel. */
export function pixels(c: number): Uint16Array {
  const a = new Uint16Array(TILE_W * TILE_H);
  for (let y = 0; y < TILE_H; y++)
    for (let x = 0; x < TILE_W; x++) a[y * TILE_W + x] = 300 + Math.round((x / TILE_W) * 1000) + (x > 100 + c * 60 && x < 140 + c * 60 && y > 100 && y < 140 ? 1000 : 0);
  return a;
}

export async function makeTileProject(dir: string): Promise<{ db: DB; siteId: number; wellId: number }> {
  const db = openProject(path.join(dir, 'tiles.micon'));
  db.prepare("INSERT INTO sources (id, name) VALUES (1, 'src')").run();
  db.prepare("INSERT INTO batches (id, source_id, name) VALUES (1, 1, 'b1')").run();
  db.prepare(
    "INSERT INTO plates (id, name, batch_id, layout, folder, rows, cols, bit_depth, channel_map, cache_size, channel_scale, ingested_at) VALUES (1, 'P1', 1, 'imagexpress', ?, 8, 12, 16, '{}', 128, '{}', '2024-01-01')",
  ).run(dir);
  db.prepare("INSERT INTO wells (id, plate_id, well, row, col, pert_type) VALUES (1, 1, 'A01', 0, 0, 'trt')").run();
  db.prepare('INSERT INTO sites (id, well_id, site) VALUES (1, 1, 1)').run();
  for (const [i, c] of CHANNELS.entries()) {
    const file = path.join(dir, `A01_s1_${c}.tif`);
    const px = pixels(i);
    await writeTiff16(file, px, TILE_W, TILE_H);
    db.prepare('INSERT INTO images (site_id, channel, path, width, height, max_value) VALUES (1, ?, ?, ?, ?, ?)').run(c, file, TILE_W, TILE_H, px.reduce((m, v) => Math.max(m, v), 0));
  }
  return { db, siteId: 1, wellId: 1 };
}
