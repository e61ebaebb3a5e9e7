// Fair baselines, rebuilt by every `embed`: a learned head is only worth what it adds over the input it
// was given. `<set>_z` is a set with exactly the treatment a feature head's input gets (per-plate
// robust z-score against DMSO, clipped at ±10) and the head's own output normalisation (per-site L2),
// but no head; `cellcount` is nuclei per site, which a phenotype that kills or arrests cells already
// separates. (`<model>_untrained` is made next to each model, in models.ts.)
import type { DB } from '../db/open.js';
import { handcraftedFeatureNames } from '../features/handcrafted.js';
import { normalizedSiteFeatures } from '../ml/train-data.js';
import { createMatrix } from '../profiles/matrix.js';
import { madNormalize } from '../profiles/normalize.js';
import { HANDCRAFTED } from './handcrafted.js';
import { featureSets, insertSiteVector, loadImportedWellFeatures, replaceFeatureSet, siteInfo, wellInfo, writeImportedWellFeatures, type FeatureSetInfo } from '../feature-sets/store.js';

export const Z_SUFFIX = '_z';
export const UNTRAINED_SUFFIX = '_untrained';
export const CELLCOUNT = 'cellcount';
/** `version` of a well-level baseline (its input lives in imported_well_features, like an imported set's). */
const WELL_LEVEL_Z = 'z-well:';
const CLIP = 10;

export interface BaselineSummary {
  name: string;
  from: string;
  what: string;
}

/** Scale a row to unit L2 norm in place (a zero row stays zero), as the feature head does to its output. */
function unit(row: Float32Array): Float32Array {
  let s = 0;
  for (const v of row) s += v * v;
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let k = 0; k < row.length; k++) row[k] *= inv;
  }
  return row;
}

/** The fair baselines' names, for tables that mark them. */
export function isBaselineName(name: string): boolean {
  return name === CELLCOUNT || name.endsWith(Z_SUFFIX) || name.endsWith(UNTRAINED_SUFFIX);
}

/** Whether a set's input is well-level rows (imported profiles and their `_z` twins) rather than site vectors. */
export function isWellLevel(fs: FeatureSetInfo): boolean {
  return fs.kind === 'imported' || (fs.kind === 'baseline' && (fs.version ?? '').startsWith(WELL_LEVEL_Z));
}

/** `<set>_z` for every hand-crafted, backbone and imported set, and `cellcount`; one transaction each. */
export function embedBaselines(db: DB): BaselineSummary[] {
  const out: BaselineSummary[] = [];
  const sites = siteInfo(db);
  for (const fs of featureSets(db)) {
    if ((fs.kind === 'handcrafted' || fs.kind === 'backbone') && sites.length) {
      const f = normalizedSiteFeatures(db, sites, fs.name);
      const name = `${fs.name}${Z_SUFFIX}`;
      db.transaction(() => {
        const id = replaceFeatureSet(db, { name, kind: 'baseline', dim: f.dim, version: `z:${fs.name}`, modelId: null });
        for (const [siteId, v] of f.bySite) insertSiteVector(db, id, siteId, unit(Float32Array.from(v)));
      })();
      out.push({ name, from: fs.name, what: 'per-plate robust z vs DMSO sites, clip ±10, per-site L2 (a feature head\'s input, no head)' });
    } else if (fs.kind === 'imported') {
      out.push(importedTwin(db, fs));
    }
  }
  const hc = featureSets(db).find((f) => f.name === HANDCRAFTED);
  const idx = handcraftedFeatureNames().indexOf('nuc_count');
  if (hc && idx >= 0) {
    const rows = db.prepare('SELECT site_id, vec FROM site_features WHERE feature_set_id = ?').all(hc.id) as { site_id: number; vec: Buffer }[];
    db.transaction(() => {
      const id = replaceFeatureSet(db, { name: CELLCOUNT, kind: 'baseline', dim: 1, version: `cellcount:${HANDCRAFTED}`, modelId: null });
      for (const r of rows) insertSiteVector(db, id, r.site_id, Float32Array.of(r.vec.readFloatLE(idx * 4)));
    })();
    out.push({ name: CELLCOUNT, from: HANDCRAFTED, what: 'nuclei per site (mean per well), ranked by −|difference|' });
  }
  return out;
}

/** An imported (well-level) set's twin: per-plate robust z vs DMSO wells, clip ±10, per-well L2. */
function importedTwin(db: DB, fs: FeatureSetInfo): BaselineSummary {
  const input = loadImportedWellFeatures(db, fs.id);
  const byId = new Map(wellInfo(db).map((w) => [w.wellId, w]));
  const meta = input.wellIds.map((id) => {
    const w = byId.get(id)!;
    return { wellId: id, plate: w.plate, batch: w.batch, source: w.source, compound: w.compound, pertType: w.pertType, moa: null };
  });
  const { normalized } = madNormalize(createMatrix(input.rows, input.cols, input.data), meta);
  const name = `${fs.name}${Z_SUFFIX}`;
  db.transaction(() => {
    const id = replaceFeatureSet(db, { name, kind: 'baseline', dim: input.cols, version: `${WELL_LEVEL_Z}${fs.name}`, modelId: null });
    writeImportedWellFeatures(
      db,
      id,
      input.wellIds.map((wid, i) => {
        const row = normalized.data.slice(i * input.cols, (i + 1) * input.cols);
        for (let k = 0; k < row.length; k++) row[k] = Math.max(-CLIP, Math.min(CLIP, row[k]));
        const w = byId.get(wid)!;
        return { plate: w.plate, well: w.well, nRows: 1, vec: unit(row) };
      }),
    );
  })();
  return { name, from: fs.name, what: 'per-plate robust z vs DMSO wells, clip ±10, per-well L2' };
}
