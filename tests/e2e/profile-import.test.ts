// Profiles-first, in Chromium (browser mode): an empty project → choose the real LINCS profile table and
// its compounds table → the preview names the column of each role and counts the features → the import
// job creates the plate → the plate view says it has no images, shows a profile heatmap, and the
// page never asks for a tile.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectSession } from '../../main/core/project/session.js';
import { openProject } from '../../main/core/db/open.js';
import { startServer, type RunningServer } from '../../main/server/server.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt, hasChromium, RENDERER_DIR, requireChromium, SHOTS } from './browser.js';
import { REALDATA } from '../helpers/realdata.js';

requireChromium();

const REAL = path.join(REALDATA, 'lincs-a549-SQ00015054');
const TABLE = path.join(REAL, 'SQ00015054_normalized_feature_select.csv.gz');
const COMPOUNDS = path.join(REAL, 'compounds_smiles.csv');

describe.skipIf(!hasChromium)('profile table import in Chromium (browser mode)', () => {
  let dir: string;
  let session: ProjectSession;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const tiles: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-profimport-'));
    const file = path.join(dir, 'profiles.micon');
    session = new ProjectSession(openProject(file), file, {}, true);
    server = await startServer({ db: session.db, session, jobs: true, projectPath: file, port: 0, rendererDir: RENDERER_DIR, transportNote: 'Browser mode: end-to-end test (no Electron)', allowedFolders: [REAL] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => r.url().includes('/tiles/') && tiles.push(r.url()));
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    session?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function pick(file: string) {
    await page.getByTestId('file-chooser').waitFor();
    await page.getByTestId('chooser-path').fill(path.dirname(file));
    await page.getByTestId('chooser-path').press('Enter');
    await page.locator(`[data-testid="chooser-entry"][data-name="${path.basename(file)}"]`).dblclick();
  }

  it('previews the recognised columns, imports, and shows the plate without images', async () => {
    await page.goto(server.url);
    await page.getByTestId('profile-import-panel').waitFor();
    await page.getByTestId('choose-profiles').click();
    await pick(TABLE);
    await expect.poll(() => page.getByTestId('choose-profiles-value').textContent()).toBe(TABLE);
    await page.getByTestId('profile-preview').waitFor();
    const role = (r: string) => page.locator(`[data-testid="profile-role"][data-role="${r}"]`).getAttribute('data-column');
    expect(await role('plate')).toBe('Metadata_Plate');
    expect(await role('well')).toBe('Metadata_Well');
    expect(await role('compound')).toBe('Metadata_broad_sample');
    expect(await role('control')).toBe('Metadata_pert_type');
    expect(await role('smiles')).toBe('');
    expect(await page.getByTestId('profile-feature-count').textContent()).toBe('454');
    await page.getByTestId('choose-compounds').click();
    await pick(COMPOUNDS);
    await expect.poll(() => page.getByTestId('choose-compounds-value').textContent()).toBe(COMPOUNDS);
    await page.screenshot({ path: path.join(SHOTS, 'profile-import-preview.png') });

    await page.getByTestId('start-profile-import').click();
    await expect.poll(() => page.getByTestId('profile-import-job').getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    const result = (await page.getByTestId('profile-import-result').textContent()) ?? '';
    expect(result).toMatch(/384 wells on 1 plates × 454 features/);
    expect(result).toMatch(/created 1 plates, 384 wells, 59 compounds \(45 with a structure\), 24 control wells/);
    expect((session.db.prepare('SELECT COUNT(*) n FROM wells').get() as { n: number }).n).toBe(384);

    await page.getByRole('button', { name: 'View plates' }).click();
    await expect.poll(() => page.getByTestId('plate-item').count()).toBe(1);
    await page.getByTestId('plate-item').first().click();
    await page.getByTestId('plate-view').waitFor();
    expect(await page.getByTestId('no-images').textContent()).toMatch(/no images/);
    // Only profile metrics are offered; pick the first.
    const options = await page.getByTestId('metric-picker').locator('option').allTextContents();
    expect(options.join('|')).toMatch(/Distance from DMSO \(cellprofiler\)/);
    expect(options.join('|')).not.toMatch(/Site count|intensity/);
    await page.getByTestId('metric-picker').selectOption({ label: 'Distance from DMSO (cellprofiler)' });
    await expect.poll(() => page.locator('[data-testid="well"][data-fill]').count()).toBe(384);
    await page.getByTestId('well').first().click();
    await expect.poll(() => page.getByTestId('details-no-images').textContent()).toBe('no images (profiles only)');
    expect(await page.getByTestId('open-images').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'profile-import-plate.png') });
    expect(tiles).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);
});
