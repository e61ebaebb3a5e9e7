// The plate heatmap, compare mode, hover card and the deep-zoom well viewer, driven in Chromium
// through browser mode on the generated demo screen (real 16-bit TIFFs).
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlateSummary } from '../../main/core/api/contract.js';
import { listPlates, listWells } from '../../main/core/api/handlers.js';
import { plateMetric } from '../../main/core/api/handlers-plates.js';
import type { DB } from '../../main/core/db/open.js';
import type { RunningServer } from '../../main/server/server.js';
import { viridis, position } from '../../renderer/src/views/plates/colormap.js';
import { hasChromium, requireChromium, SHOTS } from './browser.js';
import { makeProject } from './demo-project.js';
import { openUi, type UiSession } from './ui-session.js';

requireChromium();

/** Mean brightness (0–255, over RGB) of an element's pixels on screen. */
async function brightness(el: Locator): Promise<number> {
  const png = await el.screenshot();
  const { channels } = await sharp(png).removeAlpha().stats();
  return channels.reduce((s, c) => s + c.mean, 0) / channels.length;
}

describe.skipIf(!hasChromium)('plate heatmap and well viewer in Chromium (browser mode)', () => {
  let ui: UiSession;
  let db: DB;
  let server: RunningServer;
  let page: Page;
  let plates: PlateSummary[];

  beforeAll(async () => {
    ui = await openUi(makeProject);
    ({ db, server, page } = ui);
    plates = listPlates(db);
  }, 240_000);

  afterAll(() => ui?.close());

  it('colours the wells by a chosen metric, with a colour bar and a this-plate / all-plates range', async () => {
    const plate = plates[0];
    await page.goto(server.url);
    await page.locator(`[data-testid="plate-item"][data-plate-name="${plate.name}"]`).click();
    await expect.poll(() => page.getByTestId('plate-view').getAttribute('data-plate-id')).toBe(String(plate.id));
    const picker = page.getByTestId('metric-picker');
    await expect.poll(() => picker.locator('option').count()).toBeGreaterThan(5);
    await picker.selectOption('intensity.DNA');

    const expected = plateMetric(db, [plate.id], 'intensity.DNA');
    const range = expected.plates[0].range!;
    const bar = page.getByTestId('color-bar');
    await expect.poll(() => bar.getAttribute('data-min')).toBe(String(range.min));
    expect(await bar.getAttribute('data-max')).toBe(String(range.max));
    expect(await bar.textContent()).toContain('counts');
    const wells = listWells(db, plate.id);
    // The brightest and dimmest wells get the two ends of the map; every well is filled, no thumbnails.
    const hi = expected.plates[0].values.reduce((a, b) => (b.value > a.value ? b : a));
    const lo = expected.plates[0].values.reduce((a, b) => (b.value < a.value ? b : a));
    const fill = (id: number) => page.locator(`[data-testid="well"][data-well="${wells.find((w) => w.id === id)!.well}"]`).getAttribute('data-fill');
    expect(await fill(hi.wellId)).toBe(viridis(1));
    expect(await fill(lo.wellId)).toBe(viridis(0));
    expect(await page.getByTestId('well-thumb').count()).toBe(0);
    // Controls stay ringed on the heatmap.
    const ctl = wells.find((w) => w.pertType === 'negcon')!;
    expect(await page.locator(`[data-testid="well"][data-well="${ctl.well}"]`).evaluate((e) => getComputedStyle(e, '::before').borderTopStyle)).toBe('solid');
    await page.screenshot({ path: path.join(SHOTS, 'plate-heatmap.png') });

    await page.getByTestId('scope-all').click();
    await expect.poll(() => bar.getAttribute('data-min')).toBe(String(expected.allPlates!.min));
    expect(await fill(hi.wellId)).toBe(viridis(position(hi.value, expected.allPlates!)));
    await page.getByTestId('scope-plate').click();
  });

  it('shows a hover card with compound, structure, metadata and the metric value', async () => {
    const plate = plates[0];
    const treated = listWells(db, plate.id).find((w) => w.pertType === 'trt' && w.smiles && w.moa)!;
    await page.locator(`[data-testid="well"][data-well="${treated.well}"]`).hover();
    const card = page.getByTestId('hover-card');
    await expect.poll(() => card.getAttribute('data-well')).toBe(treated.well);
    const text = (await card.textContent()) ?? '';
    for (const part of [treated.compoundName!, treated.moa!, plate.source, plate.batch, 'DNA intensity']) expect(text).toContain(part);
    expect(text).toMatch(/[\d.]+ µM/);
    expect(await card.locator('.structure').count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'plate-hover.png') });
    const box = (await card.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    expect(box.y + box.height).toBeLessThanOrEqual(800);
    await page.mouse.move(5, 5);
    await expect.poll(() => card.count()).toBe(0);
  });

  it('compares plates side by side on one shared colour scale', async () => {
    const other = plates[1];
    await page.getByTestId('compare-picker').selectOption(String(other.id));
    const panel = page.getByTestId('compare-plate');
    await expect.poll(() => panel.count()).toBe(2);
    const both = plateMetric(db, [plates[0].id, other.id], 'intensity.DNA');
    const min = Math.min(...both.plates.map((p) => p.range!.min));
    await expect.poll(() => page.getByTestId('color-bar').getAttribute('data-min')).toBe(String(min));
    expect(await page.getByTestId('color-bar').textContent()).toContain('shown plates');
    const filled = await page.locator(`[data-testid="compare-plate"][data-plate-id="${other.id}"] [data-testid="well"][data-fill]`).count();
    expect(filled).toBe(listWells(db, other.id).length);
    await page.screenshot({ path: path.join(SHOTS, 'plate-compare.png') });
    await page.getByTestId('compare-clear').click();
    await expect.poll(() => page.getByTestId('compare-panel').count()).toBe(0);
  });

  it('opens a well in the deep-zoom viewer: 16-bit data is not black, channels and limits change the image', async () => {
    const plate = plates[0];
    const well = listWells(db, plate.id).find((w) => w.pertType === 'trt')!;
    await page.locator(`[data-testid="well"][data-well="${well.well}"]`).click();
    await page.keyboard.press('Enter');
    const viewer = page.getByTestId('well-viewer');
    await viewer.waitFor();
    await expect.poll(() => viewer.getAttribute('data-loads'), { timeout: 20_000 }).not.toBe('0');
    const osd = page.getByTestId('osd');
    const before = await brightness(osd);
    expect(before, 'auto limits make 16-bit data visible').toBeGreaterThan(15);
    await page.screenshot({ path: path.join(SHOTS, 'well-viewer.png') });

    // Only DNA: darker overall than all five channels.
    const loads = async () => Number(await viewer.getAttribute('data-loads'));
    let n = await loads();
    for (const c of ['ER', 'RNA', 'AGP', 'Mito']) await page.locator(`[data-testid="channel"][data-channel="${c}"] [data-testid="channel-visible"]`).uncheck();
    await expect.poll(loads, { timeout: 20_000 }).toBeGreaterThan(n);
    const dnaOnly = await brightness(osd);
    expect(dnaOnly).toBeLessThan(before);
    expect(dnaOnly).toBeGreaterThan(3);

    // Raising DNA's lower limit to its upper one leaves (almost) nothing visible.
    n = await loads();
    const dna = page.locator('[data-testid="channel"][data-channel="DNA"]');
    const max = Number(await dna.getByTestId('channel-max').inputValue());
    await dna.getByTestId('channel-min').fill(String(max - 1));
    await expect.poll(loads, { timeout: 20_000 }).toBeGreaterThan(n);
    expect(await brightness(osd)).toBeLessThan(dnaOnly);

    // Auto brings the limits back; Escape closes the viewer.
    n = await loads();
    await dna.getByTestId('channel-auto').click();
    await expect.poll(loads, { timeout: 20_000 }).toBeGreaterThan(n);
    expect(Math.abs((await brightness(osd)) - dnaOnly)).toBeLessThan(3);
    await page.keyboard.press('Escape');
    await expect.poll(() => viewer.count()).toBe(0);
  });

  it('logged no errors or CSP violations in the page', () => {
    expect(ui.problems).toEqual([]);
  });
});
