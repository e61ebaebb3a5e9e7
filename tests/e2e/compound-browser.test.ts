// Drives the compound browser in Chromium through browser mode: depictions, text and substructure
// search, details, links to wells and to "find similar", keyboard, screenshots.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCompounds } from '../../main/core/compounds/list.js';
import { openProject, type DB } from '../../main/core/db/open.js';
import { compoundLibrary } from '../../main/core/demo/compounds.js';
import { startServer, type RunningServer } from '../../main/server/server.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt, hasChromium, RENDERER_DIR, requireChromium, SHOTS } from './browser.js';
import { makeProject } from './demo-project.js';

requireChromium();

// The combretastatin scaffold: a trimethoxyphenyl ring on a stilbene double bond.
const SCAFFOLD = 'COc1cc(C=Cc2ccccc2)cc(OC)c1OC';

describe.skipIf(!hasChromium)('compound browser in Chromium (browser mode)', () => {
  let dir: string;
  let db: DB;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  /** Requests the server refused: only the deliberately invalid substructure query may be among them. */
  const refused: string[] = [];

  const rowIds = () => page.$$eval('[data-testid="compound-row"]', (els) => els.map((e) => e.getAttribute('data-compound-id')));
  const count = () => page.getByTestId('compound-count').textContent();

  beforeAll(async () => {
    ensureRendererBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-e2e-compounds-'));
    const file = await makeProject(dir);
    db = openProject(file);
    server = await startServer({ db, projectPath: file, port: 0, rendererDir: RENDERER_DIR, transportNote: 'Browser mode: end-to-end test (no Electron)' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => r.status() >= 400 && refused.push(`${r.status()} ${new URL(r.url()).pathname} ${r.request().postData() ?? ''}`));
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    db?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the compounds with rendered structure depictions', async () => {
    const all = await listCompounds(db);
    await page.goto(server.url);
    await page.getByTestId('tab-compounds').click();
    await page.getByTestId('compound-row').first().waitFor();
    await expect.poll(count).toContain(`${all.total} compounds`);
    expect(all.compounds.every((c) => !c.isControl)).toBe(true);
    // Every visible row's depiction decodes (a broken data URL leaves naturalWidth at 0).
    await expect
      .poll(() => page.$$eval('[data-testid="compound-row"] img[data-testid="structure"]', (els) => els.filter((e) => (e as HTMLImageElement).naturalWidth > 0).length))
      .toBe(await page.getByTestId('compound-row').count());
    const first = all.compounds[0];
    const row = page.locator(`[data-testid="compound-row"][data-compound-id="${first.compoundId}"]`);
    const text = (await row.textContent()) ?? '';
    for (const part of [first.compoundId, first.name!, first.moa!]) expect(text).toContain(part);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'compound-browser.png') });
  });

  it('searches by text over id, name and mechanism, and shows controls on request', async () => {
    await page.getByTestId('compound-search').fill('tubulin');
    const want = (await listCompounds(db, { text: 'tubulin' })).compounds.map((c) => c.compoundId);
    expect(want.length).toBeGreaterThan(1);
    await expect.poll(rowIds).toEqual(want);
    await page.getByTestId('compound-search').fill('');
    await page.getByTestId('include-controls').check();
    await expect.poll(rowIds).toContain('DMSO');
    await page.getByTestId('include-controls').uncheck();
    await expect.poll(rowIds).not.toContain('DMSO');
  });

  it('filters by substructure to exactly the analog series, highlighted, and explains an invalid query', async () => {
    const series = compoundLibrary('small')
      .filter((c) => c.analogSeries === 'combretastatins')
      .map((c) => c.id);
    expect(series.length).toBe(3);
    expect((await listCompounds(db, { substructure: SCAFFOLD })).compounds.map((c) => c.compoundId).sort()).toEqual([...series].sort());

    const box = page.getByTestId('compound-substructure');
    await box.fill('c1ccc(');
    await expect.poll(() => page.getByTestId('substructure-error').textContent()).toMatch(/invalid SMARTS\/SMILES "c1ccc\("/);

    await box.fill(SCAFFOLD);
    await expect.poll(async () => (await rowIds()).sort()).toEqual([...series].sort());
    expect(await page.getByTestId('substructure-error').count()).toBe(0);
    expect(await count()).toContain('read as SMILES');
    await expect
      .poll(() => page.$$eval('[data-testid="compound-row"] img[data-testid="structure"]', (els) => els.filter((e) => (e as HTMLImageElement).naturalWidth > 0).length))
      .toBe(series.length);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'compound-substructure.png') });
  });

  it('moves the selection with the keyboard and shows the details with every well', async () => {
    await page.locator('[data-testid="compound-table"] .vtable-body').focus();
    const ids = await rowIds();
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByTestId('compound-details').getAttribute('data-compound-id')).toBe(ids[0]);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('compound-details').getAttribute('data-compound-id')).toBe(ids[1]);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('compound-details');

    const id = ids[1];
    const wells = db
      .prepare('SELECT p.name AS plate, w.well FROM wells w JOIN plates p ON p.id = w.plate_id JOIN compounds c ON c.id = w.compound_id WHERE c.compound_id = ?')
      .all(id) as { plate: string; well: string }[];
    await expect.poll(() => page.getByTestId('compound-well').count()).toBe(wells.length);
    const big = page.locator('[data-testid="compound-details"] img[data-testid="structure"]');
    await expect.poll(() => big.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBe(300);
    expect(await page.getByTestId('details-id').textContent()).toBe(id);

    // "/" jumps to the search box from anywhere outside a text field.
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('compound-search');
  });

  it('opens a well in the plate viewer', async () => {
    const link = page.getByTestId('compound-well').first();
    const plate = (await link.getAttribute('data-plate'))!;
    const well = (await link.getAttribute('data-well'))!;
    await link.click();
    await expect.poll(() => page.getByTestId('tab-plates').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.getByTestId('plate-title').textContent()).toBe(plate);
    await expect.poll(() => page.getByTestId('well-grid').getAttribute('data-selected')).toBe(well);
  });

  it('sends "find similar" to the similarity view', async () => {
    await page.getByTestId('tab-compounds').click();
    await page.getByTestId('compound-row').first().waitFor();
    await page.getByTestId('compound-row').first().click();
    // Checked before leaving: what the similarity view asks for is that view's business.
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r).toMatch(/^400 \/api\/compounds\.list .*c1ccc\(/);
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await page.getByTestId('find-similar').click();
    await expect.poll(() => page.getByTestId('tab-similarity').getAttribute('aria-selected')).toBe('true');
  });
});
