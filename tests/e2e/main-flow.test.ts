// The main flow a scientist follows, driven in Chromium through browser mode on a freshly generated
// screen: create a project → import both sources (preview, progress, result) → look at a plate and a
// well's images → browse compounds → train a few steps (cancel, resume) → embed and evaluate →
// ask for similar wells by compound and by a SMILES the screen never had. Every view is screenshotted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { ProjectSession } from '../../main/core/api/session.js';
import { openProject } from '../../main/core/db/open.js';
import { generateDemo, type DemoManifest } from '../../main/core/demo/generate.js';
import { startServer, type RunningServer } from '../../main/server/server.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt, hasChromium, RENDERER_DIR, requireChromium, SHOTS } from './browser.js';

requireChromium();

const LONG = 180_000;

describe.skipIf(!hasChromium)('main flow in Chromium (browser mode): project → import → plates → compounds → train → search', () => {
  let dir: string;
  let screen: DemoManifest;
  let session: ProjectSession;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `flow-${name}.png`) });

  beforeAll(async () => {
    ensureRendererBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-flow-'));
    screen = await generateDemo({ out: path.join(dir, 'screen'), size: 'small', seed: 1 });
    // The app starts on a scratch project; the test creates the real one through the UI.
    const scratch = path.join(dir, 'scratch.micon');
    session = new ProjectSession(openProject(scratch), scratch, {}, true);
    server = await startServer({ db: session.db, session, jobs: true, projectPath: scratch, port: 0, rendererDir: RENDERER_DIR, transportNote: 'Browser mode: end-to-end test (no Electron)' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    fs.mkdirSync(SHOTS, { recursive: true });
  }, LONG);

  // A failed step leaves a picture of what the page showed, next to the other screenshots.
  beforeEach(() => {
    onTestFailed(async () => {
      await page?.screenshot({ path: path.join(SHOTS, 'flow-FAILED.png') }).catch(() => undefined);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    session?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Walk the in-page chooser to `folder` by typing its path, as a user pasting a path would. */
  async function goTo(folder: string) {
    const chooser = page.getByTestId('file-chooser');
    await chooser.waitFor();
    await page.getByTestId('chooser-path').fill(folder);
    await page.getByTestId('chooser-path').press('Enter');
    await expect.poll(() => page.getByTestId('chooser-path').inputValue()).toBe(folder);
  }

  it('creates a new project through the folder chooser', async () => {
    await page.goto(server.url);
    // An empty project opens on the import view.
    await page.getByTestId('project-view').waitFor();
    await page.getByTestId('new-project').click();
    await goTo(dir);
    await page.getByTestId('chooser-name').fill('flow.micon');
    await shot('new-project');
    await page.getByTestId('chooser-choose').click();
    await expect.poll(() => page.getByTestId('project-path').textContent()).toBe(path.join(dir, 'flow.micon'));
    expect(session.path).toBe(path.join(dir, 'flow.micon'));
    expect(fs.existsSync(path.join(dir, 'flow.micon'))).toBe(true);
  });

  for (const i of [0, 1]) {
    it(`imports source ${i + 1}: preview with layout, channels and platemap, then progress and a result`, async () => {
      const ing = screen.ingests[i];
      await page.getByTestId('choose-folder').click();
      await goTo(ing.folder);
      await page.getByTestId('chooser-choose').click();
      await page.getByTestId('ingest-preview').waitFor();
      await expect.poll(() => page.getByTestId('preview-layout').textContent()).toBe(ing.layout === 'imagexpress' ? 'ImageXpress' : 'Opera Phenix/Operetta');
      // The plate table next to the screen is picked up by itself; the platemap is chosen.
      await expect.poll(() => page.getByTestId('choose-platemeta-value').textContent()).toBe(ing.plateMeta);
      await page.getByTestId('choose-platemap').click();
      await goTo(path.dirname(ing.platemap));
      await page.locator(`[data-testid="chooser-entry"][data-name="${path.basename(ing.platemap)}"]`).dblclick();
      await expect.poll(() => page.getByTestId('choose-platemap-value').textContent()).toBe(ing.platemap);
      await expect.poll(() => page.getByTestId('ingest-preview').textContent()).toContain('platemap:');
      const plates = page.getByTestId('preview-plate');
      expect(await plates.count()).toBeGreaterThan(0);
      // Channel mapping is shown by stain, resolved from the instrument's names.
      const firstPlate = (await plates.first().textContent()) ?? '';
      for (const ch of ['DNA', 'ER', 'RNA', 'AGP', 'Mito']) expect(await plates.first().locator('select').evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).value))).toContain(ch);
      expect(firstPlate).toMatch(/hoechst|ch1|w1/i);
      if (i === 0) await shot('import-preview');

      await page.getByTestId('start-import').click();
      const job = page.locator(`[data-testid="import-job"][data-folder="${ing.folder}"]`);
      await job.waitFor();
      if (i === 0) {
        await expect.poll(() => page.getByRole('progressbar', { name: 'import progress' }).count(), { timeout: 30_000 }).toBe(1);
        await shot('import-progress');
      }
      await expect.poll(() => job.getAttribute('data-state'), { timeout: LONG, interval: 500 }).toBe('done');
      const result = (await page.getByTestId('import-result').textContent()) ?? '';
      expect(result).toMatch(/Imported \d+ plates/);
      if (i === 1) await shot('import-done');
    }, LONG);
  }

  it('views a plate as a heatmap and a well\'s images in the deep-zoom viewer', async () => {
    await page.getByTestId('tab-plates').click();
    const db = session.db;
    const n = (db.prepare('SELECT COUNT(*) n FROM plates').get() as { n: number }).n;
    expect(n).toBe(screen.plates);
    await expect.poll(() => page.getByTestId('plate-item').count()).toBe(n);
    await page.getByTestId('plate-item').first().click();
    await page.getByTestId('well-grid').waitFor();
    await page.getByTestId('metric-picker').selectOption('intensity.Mito');
    await expect.poll(() => page.locator('[data-testid="well"][data-fill]').count()).toBeGreaterThan(10);
    await shot('plate-heatmap');

    const treated = (db.prepare("SELECT w.well FROM wells w JOIN plates p ON p.id = w.plate_id WHERE w.pert_type = 'trt' ORDER BY p.name, w.row, w.col LIMIT 1").get() as { well: string }).well;
    await page.locator(`[data-testid="well"][data-well="${treated}"]`).click();
    await page.getByTestId('open-images').click();
    const viewer = page.getByTestId('well-viewer');
    await viewer.waitFor();
    await expect.poll(() => viewer.getAttribute('data-loads'), { timeout: 30_000 }).not.toBe('0');
    // 16-bit images must not look black: the drawn canvas is bright somewhere.
    const bright = await page.getByTestId('osd').locator('canvas').first().evaluate((c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let s = 0;
      for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
      return s / (d.length / 4) / 3;
    });
    expect(bright).toBeGreaterThan(10);
    await shot('well-viewer');
    await page.keyboard.press('Escape');
    await expect.poll(() => viewer.count()).toBe(0);
  }, LONG);

  it('browses compounds with structures and a substructure search, and links to their wells', async () => {
    await page.getByTestId('tab-compounds').click();
    await expect.poll(() => page.getByTestId('compound-row').count(), { timeout: 30_000 }).toBeGreaterThan(3);
    await expect.poll(() => page.locator('[data-testid="compound-row"] img').evaluateAll((els) => els.filter((e) => (e as HTMLImageElement).naturalWidth > 0).length)).toBeGreaterThan(3);
    const all = await page.getByTestId('compound-row').count();
    // The trimethoxy-stilbene scaffold of the combretastatin series.
    await page.getByTestId('compound-substructure').fill('COc1cc(C=Cc2ccccc2)cc(OC)c1OC');
    await expect.poll(() => page.getByTestId('compound-row').count(), { timeout: 20_000 }).toBeLessThan(all);
    const names = await page.getByTestId('compound-row').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(n).toMatch(/combretastatin|stilbene/i);
    await shot('compounds');
    await page.getByTestId('compound-row').first().click();
    await page.getByTestId('compound-details').waitFor();
    await page.getByTestId('compound-well').first().click();
    await expect.poll(() => page.getByTestId('tab-plates').getAttribute('aria-selected')).toBe('true');
  }, LONG);

  it('trains MICON a few steps with live loss curves; cancel keeps the checkpoint and resume finishes', async () => {
    await page.getByTestId('tab-training').click();
    await page.getByTestId('create-split').click();
    await expect.poll(() => page.getByTestId('split-summary').textContent()).toMatch(/\d+ compounds held out/);

    await page.getByTestId('train-steps').fill('400');
    await page.getByTestId('train-every').fill('20');
    await page.getByTestId('start-train').click();
    // Live: the step climbs, every loss term is plotted, the backend is named.
    await expect.poll(async () => Number((await page.getByTestId('loss-chart').getAttribute('data-points').catch(() => '0')) ?? 0), { timeout: LONG, interval: 250 }).toBeGreaterThan(5);
    expect(Number(await page.getByTestId('run-step').textContent())).toBeGreaterThan(0);
    expect(await page.getByTestId('run-backend').textContent()).toMatch(/wasm|cpu|tensorflow/);
    // step, the total, and at least two loss terms each get a series.
    expect(await page.locator('.loss-chart .u-legend .u-series').count()).toBeGreaterThanOrEqual(4);
    await shot('training-live');
    // The UI keeps answering while the job process trains: other views load and search runs.
    await page.getByTestId('tab-compounds').click();
    // The view kept its substructure filter from before: views stay as they were left.
    expect(await page.getByTestId('compound-substructure').inputValue()).not.toBe('');
    await expect.poll(() => page.getByTestId('compound-row').count()).toBeGreaterThan(0);
    await page.getByTestId('tab-plates').click();
    await page.getByTestId('plate-item').first().click();
    await page.getByTestId('well-grid').waitFor();
    expect(await page.getByTestId('job-progress').getAttribute('data-kind')).toBe('train');
    await page.getByTestId('tab-training').click();
    await page.getByTestId('cancel-train').click();
    await expect.poll(() => page.getByTestId('live-run').getAttribute('data-state'), { timeout: 30_000 }).toBe('cancelled');
    const stoppedAt = Number(await page.getByTestId('run-step').textContent());

    // The unfinished run can be resumed from its last checkpoint.
    await expect.poll(() => page.getByTestId('resume-train').isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByTestId('resume-train').textContent()).toMatch(/from step \d+/);
    const from = Number(/from step (\d+)/.exec((await page.getByTestId('resume-train').textContent()) ?? '')![1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(stoppedAt);
    expect(from % 20).toBe(0);
    await page.getByTestId('resume-train').click();
    await expect.poll(() => page.getByTestId('live-run').getAttribute('data-state'), { timeout: LONG, interval: 500 }).toBe('done');
    expect(Number(await page.getByTestId('run-step').textContent())).toBe(400);
    await expect.poll(() => page.locator('[data-testid="model-row"][data-model="micon"]').getAttribute('data-status')).toBe('trained');
  }, 2 * LONG);

  it('embeds and evaluates: MICON and the baselines on held-out compounds', async () => {
    await page.getByTestId('run-embed').click();
    const embedded = page.locator('[data-testid="model-row"][data-model="micon"] [data-testid="model-embedded"]');
    await expect.poll(async () => (await page.getByTestId('job-progress').count()) === 0 && (await embedded.getAttribute('data-embedded')), { timeout: LONG, interval: 500 }).toBe('yes');
    // Which ONNX Runtime execution provider ran it is shown with the model (no GPU in CI: cpu).
    const provider = await embedded.getAttribute('data-provider');
    expect(['cpu', 'cuda', 'webgpu', 'dml', 'coreml']).toContain(provider);
    expect(await embedded.textContent()).toContain(`onnxruntime ${provider}`);
    await page.getByTestId('run-eval').click();
    await page.getByTestId('eval-table').waitFor({ timeout: LONG });
    const sets = await page.locator('[data-testid="eval-row"][data-group="heldout"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-feature-set')));
    expect(sets).toEqual(expect.arrayContaining(['micon', 'handcrafted', 'handcrafted_z', 'micon_untrained', 'cellcount']));
    // Every headline figure carries its compound-bootstrap interval, and the fair baselines are marked.
    const nss = await page.locator('[data-testid="eval-row"][data-group="heldout"][data-feature-set="micon"] td[data-metric="nss1"]').textContent();
    expect(nss).toMatch(/^\d\.\d\d\[\d\.\d\d, \d\.\d\d\]$/);
    expect(await page.locator('[data-testid="eval-row"][data-feature-set="handcrafted_z"]').first().getAttribute('data-baseline')).toBe('yes');
    await page.getByTestId('eval-table').scrollIntoViewIfNeeded();
    await shot('training-eval');
  }, LONG);

  it('finds wells like a compound, across sources, with replicates marked and a map', async () => {
    await page.getByTestId('tab-similarity').click();
    await page.getByTestId('query-kind-compound').click();
    // A compound imaged at both sources, so not-same-source still leaves its replicates to find.
    const pick = session.db
      .prepare(
        `SELECT c.name FROM compounds c JOIN wells w ON w.compound_id = c.id JOIN plates p ON p.id = w.plate_id JOIN batches b ON b.id = p.batch_id
          WHERE w.pert_type = 'trt' GROUP BY c.id HAVING COUNT(DISTINCT b.source_id) > 1 ORDER BY c.name LIMIT 1`,
      )
      .get() as { name: string };
    await page.getByTestId('query-compound').fill(pick.name);
    await page.getByTestId('exclude-same-source').click();
    await page.getByTestId('run-query').click();
    await expect.poll(() => page.getByTestId('hit-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('query-summary').getAttribute('data-kind')).toBe('compound');
    expect(await page.getByTestId('query-summary').textContent()).toContain('excluding same-source');
    await expect.poll(() => page.getByTestId('map-canvas').getAttribute('data-query'), { timeout: 60_000 }).not.toBe('0');
    await expect.poll(() => page.getByTestId('hit-thumb').count()).toBeGreaterThan(0);
    // Not-same-source: every hit comes from the other source than the query wells'.
    const sources = await page.getByTestId('hit-row').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    expect(sources.length).toBeGreaterThan(0);
    expect(await page.getByTestId('replicate-mark').count()).toBeGreaterThan(0);
    await shot('similarity-compound');
  }, LONG);

  it('starts a search from a well in the plate viewer', async () => {
    await page.getByTestId('tab-plates').click();
    const well = await page.getByTestId('well-details').getAttribute('data-well');
    await page.getByTestId('well-similar').click();
    await expect.poll(() => page.getByTestId('tab-similarity').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.getByTestId('query-summary').getAttribute('data-kind'), { timeout: 30_000 }).toBe('well');
    expect(await page.getByTestId('query-well').inputValue()).toMatch(new RegExp(`:${well}$`));
    await expect.poll(() => page.getByTestId('hit-row').count()).toBeGreaterThan(0);
  }, LONG);

  it('finds wells like a structure the screen never had, with a live structure preview', async () => {
    await page.getByTestId('query-kind-smiles').click();
    await page.getByTestId('query-smiles').fill('CC(');
    await expect.poll(() => page.getByTestId('smiles-preview').getAttribute('data-valid')).toBe('false');
    expect(await page.getByTestId('run-query').isDisabled()).toBe(true);
    // An ethoxy analog of combretastatin A-4: not in the screen.
    await page.getByTestId('query-smiles').fill('CCOc1ccc(/C=C\\c2cc(OC)c(OC)c(OC)c2)cc1O');
    await expect.poll(() => page.getByTestId('smiles-preview').getAttribute('data-valid')).toBe('true');
    await page.getByTestId('run-query').click();
    await expect.poll(() => page.getByTestId('query-summary').getAttribute('data-kind'), { timeout: 60_000 }).toBe('smiles');
    expect(await page.getByTestId('prediction-note').textContent()).toMatch(/predicted by micon/);
    expect(await page.getByTestId('hit-row').count()).toBeGreaterThan(0);
    await shot('similarity-smiles');
  }, LONG);

  it('logged no errors or CSP violations in the page', () => {
    expect(problems).toEqual([]);
  });
});
