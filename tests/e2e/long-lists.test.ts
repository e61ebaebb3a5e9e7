// A long list stays smooth: the compound table holds 20,000 compounds but the page only ever has the
// rows in view (plus a few) in its DOM, and keyboard End reaches the last one.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../main/core/db/open.js';
import { hasChromium, requireChromium, SHOTS } from './browser.js';
import { openUi, type UiSession } from './ui-session.js';

requireChromium();

const N = 20_000;

/** A compound library as big as a real screen's, written straight into a project. */
async function bigLibrary(dir: string): Promise<string> {
  const file = path.join(dir, 'library.micon');
  const db = openProject(file);
  const ins = db.prepare('INSERT INTO compounds (compound_id, name, smiles, canonical_smiles, moa, is_control) VALUES (?, ?, ?, ?, ?, 0)');
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      // Alkyl chains of 1–12 carbons with an alcohol: valid, varied, cheap to draw.
      const smiles = `${'C'.repeat((i % 12) + 1)}O`;
      ins.run(`LIB-${String(i).padStart(5, '0')}`, `library compound ${i}`, smiles, smiles, i % 3 === 0 ? 'kinase inhibitor' : null);
    }
  })();
  db.close();
  return file;
}

describe.skipIf(!hasChromium)('long lists in Chromium (browser mode)', () => {
  let ui: UiSession;

  beforeAll(async () => {
    ui = await openUi(bigLibrary);
  }, 120_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('renders only the visible rows of 20,000 compounds and scrolls to the end by keyboard', async () => {
    const { page, server } = ui;
    await page.goto(server.url);
    await page.getByTestId('tab-compounds').click();
    const table = page.getByTestId('compound-table');
    await expect.poll(() => table.getAttribute('data-rows'), { timeout: 60_000 }).toBe(String(N));
    const inDom = await page.getByTestId('compound-row').count();
    expect(inDom).toBeGreaterThan(3);
    expect(inDom).toBeLessThan(40);
    await page.getByTestId('compound-row').first().click();
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('[data-testid="compound-row"][aria-selected="true"]').getAttribute('data-compound-id')).toBe(`LIB-${String(N - 1).padStart(5, '0')}`);
    expect(await page.getByTestId('compound-row').count()).toBeLessThan(40);
    // Structures are drawn for the rows in view only, and they do arrive.
    await expect.poll(() => page.locator('[data-testid="compound-row"] img').evaluateAll((els) => els.filter((e) => (e as HTMLImageElement).naturalWidth > 0).length), { timeout: 20_000 }).toBeGreaterThan(3);
    await page.screenshot({ path: path.join(SHOTS, 'compounds-20k-end.png') });
  }, 120_000);

  it('filters 20,000 compounds by text at once', async () => {
    const { page } = ui;
    await page.getByTestId('compound-search').fill('kinase');
    await expect.poll(() => page.getByTestId('compound-table').getAttribute('data-rows')).toBe(String(Math.ceil(N / 3)));
  });

  it('logged no errors in the page', () => {
    expect(ui.problems).toEqual([]);
  });
});
