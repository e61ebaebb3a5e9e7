// Which training compounds change the cells at all. A compound whose wells look like DMSO gives
// PaCLR a class it can only separate by fitting site noise; on a screen of a few dozen compounds that
// noise-fitting is capacity taken from the phenotypes that carry over to unseen compounds. Activity is
// judged the copairs way — replicate mAP against DMSO wells on the hand-crafted profiles, permutation
// p-value, BH across compounds — using training compounds and controls only.
import type { DB } from '../db/open.js';
import { embedHandcrafted, HANDCRAFTED } from '../embeddings/handcrafted.js';
import { buildProfiles, loadProfiles } from '../embeddings/profiles.js';
import { featureSetByName } from '../feature-sets/store.js';
import { evaluate } from '../eval/report.js';
import { createMatrix } from '../profiles/matrix.js';

export interface ActivityResult {
  active: Set<string>;
  inactive: string[];
  alpha: number;
}

/** `featureSet`: the profiles activity is judged on (default the hand-crafted ones; a profiles-only project's imported set). */
export function activeCompounds(db: DB, trainCompounds: Set<string>, opts: { alpha?: number; permutations?: number; seed?: number; featureSet?: string } = {}): ActivityResult {
  const alpha = opts.alpha ?? 0.05;
  let fs = featureSetByName(db, opts.featureSet ?? HANDCRAFTED);
  if (!fs && opts.featureSet && opts.featureSet !== HANDCRAFTED) throw new Error(`activeCompounds: no feature set ${opts.featureSet}`);
  if (!fs) {
    embedHandcrafted(db);
    fs = featureSetByName(db, HANDCRAFTED)!;
  }
  if (!(db.prepare('SELECT COUNT(*) n FROM well_profiles WHERE feature_set_id = ?').get(fs.id) as { n: number }).n) buildProfiles(db, fs.id);
  const { profiles, meta } = loadProfiles(db, fs.id);
  const keep = meta.flatMap((m, i) => (m.pertType === 'negcon' || (m.pertType === 'trt' && m.compound !== null && trainCompounds.has(m.compound)) ? [i] : []));
  const data = new Float32Array(keep.length * profiles.cols);
  keep.forEach((r, i) => data.set(profiles.data.subarray(r * profiles.cols, (r + 1) * profiles.cols), i * profiles.cols));
  const report = evaluate(createMatrix(keep.length, profiles.cols, data), keep.map((r) => meta[r]), {
    heldoutCompounds: new Set(),
    permutations: opts.permutations ?? 1000,
    seed: opts.seed ?? 1,
    alpha,
    perCompound: true,
    resamples: 0,
  });
  // copairs activity: replicates ranked against DMSO wells only (the replicate mAP also counts other
  // compounds as negatives, which is not what "differs from DMSO" means). On both demo screens the
  // active set is the same either way.
  const per = report.trained.mapActivity.perCompound ?? [];
  const active = new Set(per.filter((c) => c.significant).map((c) => c.compound));
  return { active, inactive: [...trainCompounds].filter((c) => !active.has(c)).sort(), alpha };
}

/**
 * Treated wells of `trainCompounds` whose hand-crafted profile lies farther from the DMSO centre than
 * `quantile` of the DMSO wells do: a compound at an ineffective dose looks like DMSO, and pairing
 * such a well with an effective one asks PaCLR to fit noise, as an inactive compound does.
 */
export function activeWells(db: DB, trainCompounds: Set<string>, opts: { quantile?: number; featureSet?: string } = {}): Set<number> {
  const fs = featureSetByName(db, opts.featureSet ?? HANDCRAFTED);
  if (!fs) throw new Error(`activeWells: compute the ${opts.featureSet ?? 'hand-crafted'} features first`);
  if (!(db.prepare('SELECT COUNT(*) n FROM well_profiles WHERE feature_set_id = ?').get(fs.id) as { n: number }).n) buildProfiles(db, fs.id);
  const { profiles, meta } = loadProfiles(db, fs.id);
  const norm = (i: number) => Math.hypot(...profiles.data.subarray(i * profiles.cols, (i + 1) * profiles.cols));
  const dmso = meta.flatMap((m, i) => (m.pertType === 'negcon' ? [norm(i)] : [])).sort((a, b) => a - b);
  const cut = dmso[Math.min(dmso.length - 1, Math.floor((opts.quantile ?? 0.95) * dmso.length))] ?? 0;
  return new Set(meta.flatMap((m, i) => (m.pertType === 'trt' && m.compound !== null && trainCompounds.has(m.compound) && norm(i) > cut ? [m.wellId] : [])));
}
