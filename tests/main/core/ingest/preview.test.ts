import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import type { DemoManifest } from '../../../../main/core/demo/generate.js';
import { demoCache } from '../../../helpers/demo-cache.js';
import { ingestFolder } from '../../../../main/core/ingest/ingest.js';
import { previewIngest } from '../../../../main/core/ingest/preview.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-preview-');
let screen: DemoManifest;

beforeAll(async () => {
  // The cached demo screen (built once per run): preview only reads it.
  screen = (await demoCache()).manifest;
}, 120_000);

describe('import preview', () => {
  it('finds the layout, plates, channel mapping and nearby CSVs, and writes nothing', async () => {
    const db = openProject(path.join(dir, 'p.micon'));
    const ing = screen.ingests.find((i) => i.layout === 'phenix')!;
    const p = await previewIngest(db, ing.folder);
    expect(p.layout).toBe('phenix');
    expect(p.layoutLabel).toBe('Opera Phenix/Operetta');
    expect(p.plates.length).toBeGreaterThan(0);
    for (const plate of p.plates) {
      expect(plate.channels.map((c) => c.channel).sort()).toEqual(['AGP', 'DNA', 'ER', 'Mito', 'RNA']);
      expect(plate.channels.every((c) => c.instrumentName)).toBe(true);
      expect(plate.sites).toBeGreaterThan(plate.wells - 1);
      expect(plate.images).toBe(plate.sites * 5);
      expect(plate.existing).toBe(false);
    }
    expect(p.suggestions.platemaps).toContain(ing.platemap);
    expect(p.suggestions.plateMeta).toEqual([ing.plateMeta]);
    expect(p.platemap).toBeNull();
    expect(p.problems.some((x) => /no platemap chosen/.test(x.message))).toBe(true);
    expect((db.prepare('SELECT COUNT(*) n FROM plates').get() as { n: number }).n).toBe(0);
    db.close();
  });

  it('summarises the platemap and plate table, and marks plates an import would replace', async () => {
    const db = openProject(path.join(dir, 'q.micon'));
    const ing = screen.ingests[0];
    await ingestFolder(db, ing.folder, { platemap: ing.platemap, plateMeta: ing.plateMeta });
    const p = await previewIngest(db, ing.folder, { platemap: ing.platemap, plateMeta: ing.plateMeta });
    expect(p.platemap!.compounds).toBe((db.prepare("SELECT COUNT(DISTINCT compound_id) n FROM wells WHERE pert_type = 'trt'").get() as { n: number }).n);
    expect(p.platemap!.controls).toBe((db.prepare("SELECT COUNT(*) n FROM wells WHERE pert_type = 'negcon'").get() as { n: number }).n);
    const stored = db.prepare('SELECT p.name, s.name AS source, b.name AS batch, p.replicate FROM plates p JOIN batches b ON b.id = p.batch_id JOIN sources s ON s.id = b.source_id ORDER BY p.name').all();
    expect(p.plates.map((x) => ({ name: x.name, source: x.source, batch: x.batch, replicate: x.replicate }))).toEqual(stored);
    expect(p.plates.every((x) => x.existing)).toBe(true);
    expect(p.problems.some((x) => /no platemap/.test(x.message))).toBe(false);
    db.close();
  });

  it('names a folder that is not there', async () => {
    const db = openProject(path.join(dir, 'r.micon'));
    await expect(previewIngest(db, path.join(dir, 'missing'))).rejects.toThrow(`${path.join(dir, 'missing')}: no such folder`);
    db.close();
  });
});
