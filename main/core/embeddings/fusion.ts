// Fusion feature sets (`micon+handcrafted`): a trained head's profiles next to the features it was
// trained on. Each part goes through its own per-plate MAD + sphering; a fused well profile is the
// parts' normalised profiles, each scaled to unit length, side by side with equal weight — so cosine
// similarity of fused profiles is the mean of the parts' cosines. Fusing at the site level and
// sphering jointly instead would whiten away what the head learned: a linear head's output lies in
// the span of its input features.
import type { DB } from '../db/open.js';
import { featureSetByName, loadWellProfiles, replaceFeatureSet, writeWellProfiles, type FeatureSetInfo } from './store.js';

export const FUSION_KIND = 'fusion';

/** Create (or replace) a fusion set of `parts` (feature set names, each with profiles before it is built). */
export function createFusionSet(db: DB, name: string, parts: string[], modelId: number | null): number {
  const dims = parts.map((p) => {
    const fs = featureSetByName(db, p);
    if (!fs) throw new Error(`fusion ${name}: no feature set ${p}`);
    return fs.dim;
  });
  return replaceFeatureSet(db, { name, kind: FUSION_KIND, dim: dims.reduce((a, b) => a + b, 0), version: JSON.stringify({ parts }), modelId });
}

export function fusionParts(fs: FeatureSetInfo): string[] {
  const parts = (JSON.parse(fs.version ?? '{}') as { parts?: unknown }).parts;
  if (!Array.isArray(parts) || !parts.every((p) => typeof p === 'string')) throw new Error(`fusion set ${fs.name} does not name its parts`);
  return parts;
}

/** Build a fusion set's well profiles from its parts' stored profiles (wells present in every part). */
export function buildFusionProfiles(db: DB, fs: FeatureSetInfo): { wellIds: number[]; dim: number } {
  const parts = fusionParts(fs).map((name) => {
    const part = featureSetByName(db, name);
    if (!part) throw new Error(`fusion ${fs.name}: its part ${name} is gone`);
    const raw = loadWellProfiles(db, part.id, 'raw');
    const norm = loadWellProfiles(db, part.id, 'normalized');
    if (!norm.rows) throw new Error(`fusion ${fs.name}: build the profiles of ${name} first`);
    return { raw, norm, row: new Map(norm.wellIds.map((w, i) => [w, i])) };
  });
  const wellIds = parts[0].norm.wellIds.filter((w) => parts.every((p) => p.row.has(w)));
  const dim = parts.reduce((a, p) => a + p.norm.cols, 0);
  const raw = new Float32Array(wellIds.length * dim);
  const normalized = new Float32Array(wellIds.length * dim);
  const weight = 1 / Math.sqrt(parts.length);
  wellIds.forEach((w, i) => {
    let off = i * dim;
    for (const p of parts) {
      const r = p.row.get(w)!;
      const c = p.norm.cols;
      const block = p.norm.data.subarray(r * c, (r + 1) * c);
      let ss = 0;
      for (let k = 0; k < c; k++) ss += block[k] * block[k];
      const scale = ss > 0 ? weight / Math.sqrt(ss) : 0;
      for (let k = 0; k < c; k++) normalized[off + k] = block[k] * scale;
      raw.set(p.raw.data.subarray(r * c, (r + 1) * c), off);
      off += c;
    }
  });
  db.transaction(() => writeWellProfiles(db, fs.id, wellIds, dim, raw, normalized))();
  return { wellIds, dim };
}
