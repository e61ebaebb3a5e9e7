// The `handcrafted` feature set: vectors computed at ingest from the full images, gathered by embed;
// outdated ones recomputed from the original files with the plate's stored correction.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { embedHandcrafted, refreshHandcrafted } from '../../../../main/core/embeddings/handcrafted.js';
import { HANDCRAFTED_VERSION } from '../../../../main/core/features/handcrafted.js';
import { ingestFolder } from '../../../../main/core/ingest/ingest.js';
import { InputError } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { writeImageXpressFixture } from '../../../helpers/vendor-fixtures.js';

const root = tmpDir('micon-handcrafted-');
let n = 0;
const vectors = (db: ReturnType<typeof openProject>) =>
  new Map((db.prepare('SELECT site_id, vec FROM site_handcrafted ORDER BY site_id').all() as { site_id: number; vec: Buffer }[]).map((r) => [r.site_id, Buffer.from(r.vec)]));

describe('hand-crafted vectors across feature versions', () => {
  it('recomputes outdated vectors from the original files, identical to what ingest computed', async () => {
    const dir = path.join(root, `c${++n}`);
    const fx = await writeImageXpressFixture(path.join(dir, 'plates'), { wells: ['A01', 'A02', 'B01'], sites: 2, size: 96 });
    const db = openProject(path.join(dir, 'p.micon'));
    const s = await ingestFolder(db, path.join(dir, 'plates'));
    expect(s.sites).toBe(6);
    const atIngest = vectors(db);
    expect(atIngest.size).toBe(6);
    expect(embedHandcrafted(db)).toMatchObject({ sites: 6 });

    // A project from before this feature version: embed must not mix versions, and says what to run.
    db.prepare("UPDATE site_handcrafted SET version = 'handcrafted-1'").run();
    expect(() => embedHandcrafted(db)).toThrow(InputError);
    expect(() => embedHandcrafted(db)).toThrow(/6 site\(s\) have no hand-crafted features of version handcrafted-2.*micon embed/);
    const r = await refreshHandcrafted(db, { threads: 0 });
    expect(r).toEqual({ computed: 6, failed: [] });
    expect(vectors(db)).toEqual(atIngest);
    expect(db.prepare('SELECT DISTINCT version FROM site_handcrafted').all()).toEqual([{ version: HANDCRAFTED_VERSION }]);
    expect(embedHandcrafted(db)).toMatchObject({ sites: 6 });

    // A file gone since: that site is reported by plate, well and site, the others are done.
    const gone = fx.images.find((i) => i.well === 'A02' && i.site === 2 && i.channel === 'ER')!.file;
    fs.rmSync(gone);
    db.prepare("UPDATE site_handcrafted SET version = 'old'").run();
    const again = await refreshHandcrafted(db, { threads: 0 });
    expect(again.computed).toBe(5);
    expect(again.failed).toHaveLength(1);
    expect(again.failed[0].message).toMatch(new RegExp(`plate ${fx.plate} well A02 site 2: .*${path.basename(gone)}`));
    db.close();
  });
});

describe('the cache side is a project setting', () => {
  it('keeps --cache-size for later imports and refuses a nonsensical one', async () => {
    const dir = path.join(root, `c${++n}`);
    await writeImageXpressFixture(path.join(dir, 'a'), { wells: ['A01'], sites: 1, plate: 'PA' });
    await writeImageXpressFixture(path.join(dir, 'b'), { wells: ['A01'], sites: 1, plate: 'PB' });
    const db = openProject(path.join(dir, 'p.micon'));
    await ingestFolder(db, path.join(dir, 'a'), { cacheSize: 32 });
    await ingestFolder(db, path.join(dir, 'b'));
    expect(db.prepare('SELECT name, cache_size FROM plates ORDER BY name').all()).toEqual([
      { name: 'PA', cache_size: 32 },
      { name: 'PB', cache_size: 32 },
    ]);
    expect(db.prepare('SELECT DISTINCT length(data) n FROM site_arrays').all()).toEqual([{ n: 5 * 32 * 32 * 2 }]);
    await expect(ingestFolder(db, path.join(dir, 'b'), { cacheSize: 2.5 })).rejects.toThrow(/--cache-size 2.5: expected a whole number of pixels from 8 to 1024/);
    db.close();
  });
});
