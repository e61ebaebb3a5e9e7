import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProjectSession, UI_BUSY_TIMEOUT_MS } from '../core/project/session.js';
import { InputError } from '../core/types.js';
import { openCliProject } from './project.js';
import { startServer } from '../server/server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function runServe(o: { db: string; port: string; allow?: string[] }): Promise<void> {
  const port = Number(o.port);
  if (!/^\d+$/.test(o.port.trim()) || port > 65535) throw new InputError(`--port ${o.port}: expected a whole number from 0 to 65535 (0 picks a free port)`);
  const db = openCliProject(o.db, { readOnlyOk: true, create: true });
  const rendererDir = path.join(root, 'out', 'renderer');
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    process.stderr.write('micon serve: the UI is not built yet; run `npm run build:renderer` (npm start does it for you)\n');
  }
  const session = new ProjectSession(db, o.db, { readOnlyFallback: true, busyTimeoutMs: UI_BUSY_TIMEOUT_MS }, true);
  const server = await startServer({
    db,
    session,
    jobs: true,
    projectPath: path.resolve(o.db),
    port,
    allowedFolders: o.allow ?? [],
    rendererDir,
    transportNote: process.env.MICON_TRANSPORT_NOTE ?? 'Browser mode (micon serve)',
  });
  process.stdout.write(`MICON Studio (browser mode) for ${path.resolve(o.db)}\nopen: ${server.url}\n`);
  let stopping = false;
  // npm, start.mjs and tsx each forward Ctrl-C, so the signal can arrive several times.
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    session.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
