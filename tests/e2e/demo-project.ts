import path from 'node:path';
import { openProject } from '../../main/core/db/open.js';
import { generateDemo } from '../../main/core/demo/generate.js';
import { ingestFolder } from '../../main/core/ingest/ingest.js';

/** A real project: the small generated demo screen, every source ingested the way `micon demo` does it. */
export async function makeProject(dir: string): Promise<string> {
  const m = await generateDemo({ out: path.join(dir, 'screen'), size: 'small', seed: 1 });
  const file = path.join(dir, 'demo.micon');
  const db = openProject(file);
  try {
    for (const src of m.ingests) await ingestFolder(db, src.folder, { platemap: src.platemap, plateMeta: src.plateMeta });
  } finally {
    db.close();
  }
  return file;
}
