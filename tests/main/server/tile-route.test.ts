import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../../main/core/db/open.js';
import { tilePath } from '../../../main/core/images/tile-url.js';
import { startServer, type RunningServer } from '../../../main/server/server.js';
import { makeTileProject } from '../../helpers/tile-project.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

const dir = tmpDir('micon-tile-route-');
let db: DB;
let server: RunningServer;
let siteId: number;

beforeAll(async () => {
  ({ db, siteId } = await makeTileProject(dir));
  server = await startServer({ db, projectPath: `${dir}/tiles.micon`, rendererDir: dir });
});
afterAll(async () => {
  await server?.close();
  db?.close();
});

/** node:http rather than fetch: fetch normalises `..` and sets Host/Origin itself. */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path, headers: { Authorization: `Bearer ${server.token}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const good = () => `/tiles${tilePath({ siteId, level: 9, x: 1, y: 0, channels: [{ channel: 'DNA', color: [0, 0, 255], min: 300, max: 2300 }] })}`;

describe('GET /tiles/… (browser mode)', () => {
  it('serves a PNG tile with the token', async () => {
    const r = await get(good());
    expect(r.status).toBe(200);
    expect(r.type).toBe('image/png');
    expect(r.body.subarray(1, 4).toString()).toBe('PNG');
  });

  it('needs the token and the app’s own origin', async () => {
    expect((await get(good(), { Authorization: '' })).status).toBe(401);
    expect((await get(good(), { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await get(good(), { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(good(), { Host: 'evil.example' })).status).toBe(403);
  });

  it('refuses malformed and traversal-looking addresses, and unknown sites', async () => {
    for (const p of ['/tiles/site/1/9/1_0.png', '/tiles/../../etc/passwd', '/tiles/site/..%2F..%2Fetc/9/0_0.png?c=', `/tiles/site/${siteId}/9/1_0.png?c=DNA:0000ff:9:1`, `/tiles/site/${siteId}/30/0_0.png?c=`, `/tiles/site/${siteId}/9/99_0.png?c=`])
      expect((await get(p)).status, p).toBe(400);
    expect((await get(`/tiles/site/4242/9/0_0.png?c=`)).status).toBe(404);
  });
});
