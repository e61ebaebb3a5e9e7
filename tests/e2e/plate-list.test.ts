// Drives the real UI in Chromium through browser mode: plate list, well grid, keyboard, screenshots.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlateSummary } from '../../main/core/api/contract.js';
import { listPlates, listWells } from '../../main/core/api/handlers.js';
import type { DB } from '../../main/core/db/open.js';
import type { RunningServer } from '../../main/server/server.js';
import { wellName } from '../../renderer/src/plate-format.js';
import { hasChromium, requireChromium, SHOTS } from './browser.js';
import { makeProject as demoProject } from './demo-project.js';
import { makeProject as seedProject } from './seed-project.js';
import { openUi, type UiSession } from './ui-session.js';

requireChromium();

// The real path (generated demo screen → ingest) is what the screenshots show; the seeded project adds
// 384- and 1536-well plates and a plate starting at B02, which the demo screen does not have.
const projects: [string, (dir: string) => Promise<string>, boolean][] = [
  ['generated demo screen, ingested', demoProject, true],
  ['seeded project with 96/384/1536-well plates', seedProject, false],
];

for (const [label, makeProject, screenshots] of projects)
describe.skipIf(!hasChromium)(`plate list and well grid in Chromium (browser mode): ${label}`, () => {
  let ui: UiSession;
  let db: DB;
  let server: RunningServer;
  let page: Page;
  let plates: PlateSummary[];

  beforeAll(async () => {
    ui = await openUi(makeProject);
    ({ db, server, page } = ui);
    plates = listPlates(db);
  });

  afterAll(() => ui?.close());

  it('shows the project and every plate, grouped by source and batch, with metadata', async () => {
    expect(plates.length).toBeGreaterThan(1);
    await page.goto(server.url);
    await page.getByTestId('plate-item').first().waitFor();
    expect(page.url()).not.toContain('token');

    await expect.poll(() => page.getByTestId('project-path').textContent()).toMatch(/(project|demo)\.micon/);
    expect(await page.getByTestId('transport').textContent()).toContain('end-to-end test');

    const items = page.getByTestId('plate-item');
    expect(await items.count()).toBe(plates.length);
    for (const p of plates) {
      const item = page.locator(`[data-testid="plate-item"][data-plate-name="${p.name}"]`);
      const text = (await item.textContent()) ?? '';
      expect(text).toContain(p.name);
      expect(text).toContain(p.layout);
      expect(text).toContain(`${p.wells} wells`);
      expect(text).toContain(`${p.sites} sites`);
      expect(text).toContain(`${p.treatedWells} treated`);
      expect(text).toContain(`${p.controlWells} control`);
      if (p.replicate !== null) expect(text).toContain(`rep ${p.replicate}`);
      if (p.imageWidth) expect(text).toContain(`${p.imageWidth}×${p.imageHeight} px`);
      if (p.bitDepth) expect(text).toContain(`${p.bitDepth}-bit`);
      for (const c of p.channels) expect(text).toContain(`${c.name} ${c.instrumentName ?? c.rawId}`);
      if (p.qcFlaggedSites) expect(text).toContain(`${p.qcFlaggedSites} QC-flagged`);
      const group = item.locator('xpath=ancestor::*[@data-testid="batch-group"][1]');
      expect(await group.getAttribute('data-batch')).toBe(p.batch);
      const source = item.locator('xpath=ancestor::*[@data-testid="source-group"][1]');
      expect(await source.getAttribute('data-source')).toBe(p.source);
    }
    expect(await page.getByTestId('source-group').count()).toBe(new Set(plates.map((p) => p.source)).size);
    if (screenshots) await page.screenshot({ path: path.join(SHOTS, 'plate-list.png') });
  });

  it('draws the selected plate in its full format, thumbnails and controls marked', async () => {
    // A plate whose data does not start at A01 shows that empty wells keep their place.
    const plate = plates.find((p) => !listWells(db, p.id).some((w) => w.row === 0 && w.col === 0)) ?? plates[0];
    const wells = listWells(db, plate.id);
    await page.locator(`[data-testid="plate-item"][data-plate-name="${plate.name}"]`).click();
    const grid = page.getByTestId('well-grid');
    await expect.poll(() => grid.getAttribute('data-rows')).toBe(String(plate.rows));
    expect(await grid.getAttribute('data-cols')).toBe(String(plate.cols));
    expect(await page.getByTestId('plate-title').textContent()).toBe(plate.name);

    expect(await page.getByTestId('well').count()).toBe(plate.rows * plate.cols);
    await expect.poll(() => page.getByTestId('well-thumb').count()).toBe(wells.filter((w) => w.thumbnail).length);
    const filled = await page.$$eval('[data-testid="well"]:not([data-empty])', (els) => els.map((e) => e.getAttribute('data-well')));
    expect(new Set(filled)).toEqual(new Set(wells.map((w) => w.well)));
    // Thumbnails actually decoded (a broken data URL would leave naturalWidth at 0).
    const decoded = await page.$$eval('[data-testid="well-thumb"]', (els) => els.filter((e) => (e as HTMLImageElement).naturalWidth > 0).length);
    expect(decoded).toBe(wells.filter((w) => w.thumbnail).length);

    const control = wells.find((w) => w.pertType === 'negcon');
    expect(control, 'the test plate has a DMSO well').toBeTruthy();
    const ctl = page.locator(`[data-testid="well"][data-well="${control!.well}"]`);
    expect(await ctl.getAttribute('data-control')).toBe('true');
    // The ring must be an overlay the thumbnail cannot cover.
    expect(await ctl.evaluate((e) => getComputedStyle(e, '::before').borderTopStyle)).toBe('solid');
    expect(await page.locator('[data-testid="well"][data-control]').count()).toBe(wells.filter((w) => w.pertType === 'negcon').length);
    expect(await page.locator('[data-testid="well"][data-qc]').count()).toBe(wells.filter((w) => w.qcFlags.length).length);

    const treated = wells.find((w) => w.pertType === 'trt' && w.smiles && w.moa && w.concentration !== null)!;
    // The well's description is its accessible name; the hover card (plate-viewer.test.ts) shows it visually.
    const title = (await page.locator(`[data-testid="well"][data-well="${treated.well}"]`).getAttribute('aria-label')) ?? '';
    for (const part of [treated.compoundName!, treated.smiles!, treated.moa!, `Sites: ${treated.sites}`]) expect(title).toContain(part);
    expect(title).toMatch(/Concentration: [\d.]+ µM/);
    if (plate.rows * plate.cols === 384 && wells[0].well === 'B02') {
      expect(await page.locator('[data-testid="well"][data-well="A01"]').getAttribute('data-empty')).toBe('true');
      expect(await page.locator('[data-testid="well"][data-well="P24"]').getAttribute('data-empty')).toBe('true');
    }
  });

  it('moves the selected well with the arrow keys', async () => {
    const grid = page.getByTestId('well-grid');
    const plateId = Number(await page.getByTestId('plate-view').getAttribute('data-plate-id'));
    const wells = listWells(db, plateId);
    const start = wells[0];
    await page.locator(`[data-testid="well"][data-well="${start.well}"]`).click();
    expect(await grid.getAttribute('data-selected')).toBe(start.well);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const moved = wells.find((w) => w.row === start.row + 1 && w.col === start.col + 1)!;
    expect(await grid.getAttribute('data-selected')).toBe(moved.well);
    expect(await page.getByTestId('details-well').textContent()).toBe(moved.well);
    expect(await page.getByTestId('details-compound').textContent()).toContain(moved.compoundName ?? 'DMSO');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    // Selection may rest on an empty well (it says so) and stops at the plate's edge.
    expect(await grid.getAttribute('data-selected')).toBe(wellName({ row: Math.max(0, start.row - 1), col: start.col }));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    if (screenshots) await page.screenshot({ path: path.join(SHOTS, 'well-grid.png') });
  });

  it('walks the plate list with Up/Down', async () => {
    const shown = await page.$$eval('[data-testid="plate-item"]', (els) => els.map((e) => e.getAttribute('data-plate-name')));
    const current = await page.getByTestId('plate-title').textContent();
    const i = shown.indexOf(current);
    await page.locator(`[data-testid="plate-item"][data-plate-name="${current}"]`).click();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.getByTestId('plate-title').textContent()).toBe(shown[Math.max(0, i - 1)]);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('plate-title').textContent()).toBe(shown[i]);
    expect(await page.locator('[aria-selected="true"][data-testid="plate-item"]').getAttribute('data-plate-name')).toBe(shown[i]);
  });

  it('draws every plate format (96, 384, 1536) with each well in its place', async () => {
    for (const p of plates) {
      const wells = listWells(db, p.id);
      await page.locator(`[data-testid="plate-item"][data-plate-name="${p.name}"]`).click();
      await expect.poll(() => page.getByTestId('plate-view').getAttribute('data-plate-id')).toBe(String(p.id));
      await expect.poll(() => page.getByTestId('well-thumb').count()).toBe(wells.filter((w) => w.thumbnail).length);
      expect(await page.getByTestId('well').count()).toBe(p.rows * p.cols);
      const filled = await page.$$eval('[data-testid="well"]:not([data-empty])', (els) => els.map((e) => e.getAttribute('data-well')));
      expect(new Set(filled)).toEqual(new Set(wells.map((w) => w.well)));
      // Every cell is on screen and big enough to click at 1280×800.
      const box = await page.locator(`[data-testid="well"][data-well="${wellName({ row: p.rows - 1, col: p.cols - 1 })}"]`).boundingBox();
      expect(box!.width).toBeGreaterThanOrEqual(8);
      expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
      expect(box!.y + box!.height).toBeLessThanOrEqual(800);
    }
  });

  it('receives pushed events over the WebSocket (token and CSP allow it)', async () => {
    const progress = { jobId: 'e2e', kind: 'ingest' as const, stage: 'decode', done: 3, total: 10 };
    const job = { jobId: 'e2e', kind: 'ingest' as const, state: 'running' as const, title: 'import /x', params: {}, startedAt: new Date().toISOString(), endedAt: null, progress: null, trainHistory: [], result: null, error: null };
    // The page subscribes on load; re-send until its socket is up rather than guessing a delay.
    await expect
      .poll(async () => {
        server.broadcast('job.state', job);
        server.broadcast('job.progress', progress);
        return (await page.getByTestId('job-progress').count()) > 0 ? page.getByTestId('job-progress').textContent() : null;
      })
      .toBe('ingest: decode3 / 10Cancel');
    expect(await page.title()).toBe('[30%] ingest · MICON Studio');
    server.broadcast('job.state', { ...job, state: 'cancelled', endedAt: new Date().toISOString() });
    await expect.poll(() => page.getByTestId('job-progress').count()).toBe(0);
  });

  it('logged no errors or CSP violations in the page', () => {
    expect(ui.problems).toEqual([]);
  });
});
