import type { DB } from '../db/open.js';
import { handcraftedFeatures, HANDCRAFTED_VERSION, handcraftedFeatureNames } from '../features/handcrafted.js';
import { throwIfCancelled } from '../jobs/protocol.js';
import { insertSiteVector, replaceFeatureSet } from './store.js';

export const HANDCRAFTED = 'handcrafted';

/** Hand-crafted features for every site with a preprocessed array, as the `handcrafted` feature set (one transaction). */
export function embedHandcrafted(db: DB, opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): { featureSetId: number; sites: number; dim: number } {
  const sites = db.prepare('SELECT site_id, size, data FROM site_arrays ORDER BY site_id').iterate() as Iterable<{ site_id: number; size: number; data: Buffer }>;
  const total = (db.prepare('SELECT COUNT(*) n FROM site_arrays').get() as { n: number }).n;
  const dim = handcraftedFeatureNames().length;
  // Compute first, write after: better-sqlite3 refuses writes while a read cursor is open.
  let done = 0;
  const rows: { siteId: number; vec: Float32Array }[] = [];
  for (const r of sites) {
    const u16 = new Uint16Array(r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.byteLength));
    rows.push({ siteId: r.site_id, vec: handcraftedFeatures(u16, r.size) });
    if (opts.signal) throwIfCancelled(opts.signal);
    done++;
    opts.onProgress?.(done, total);
  }
  return db.transaction(() => {
    const fsId = replaceFeatureSet(db, { name: HANDCRAFTED, kind: 'handcrafted', dim, version: HANDCRAFTED_VERSION, modelId: null });
    for (const r of rows) insertSiteVector(db, fsId, r.siteId, r.vec);
    return { featureSetId: fsId, sites: done, dim };
  })();
}
