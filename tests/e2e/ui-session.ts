// One browser-mode session over a fresh project: server, Chromium at 1280×800, collected page errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openProject, type DB } from '../../main/core/db/open.js';
import { startServer, type RunningServer } from '../../main/server/server.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt, RENDERER_DIR, SHOTS } from './browser.js';

export interface UiSession {
  db: DB;
  server: RunningServer;
  browser: Browser;
  page: Page;
  /** Console errors and page exceptions; CSP violations arrive here, which would otherwise fail silently. */
  problems: string[];
  close(): Promise<void>;
}

export async function openUi(makeProject: (dir: string) => Promise<string>): Promise<UiSession> {
  ensureRendererBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-e2e-'));
  const file = await makeProject(dir);
  const db = openProject(file);
  const server = await startServer({ db, projectPath: file, port: 0, rendererDir: RENDERER_DIR, transportNote: 'Browser mode: end-to-end test (no Electron)' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  fs.mkdirSync(SHOTS, { recursive: true });
  return {
    db,
    server,
    browser,
    page,
    problems,
    close: async () => {
      await browser.close();
      await server.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
