// Everything a training run reads from the project: sites with their plate/batch/source and
// compound, the split, Morgan fingerprints, and the image side's inputs (a normalised site-level
// feature set for the feature head — hand-crafted by default — or site images for the CNN).
import { morganFingerprint } from '../chem/fingerprint.js';
import type { DB } from '../db/open.js';
import { embedHandcrafted, HANDCRAFTED } from '../embeddings/handcrafted.js';
import { featureSetByName, featureSets, isWellLevelSet, loadImportedWellFeatures, loadSiteVectors, siteInfo, wellInfo, type SiteInfo } from '../feature-sets/store.js';
import { createMatrix } from '../profiles/matrix.js';
import { madNormalize } from '../profiles/normalize.js';
import { activeSplit } from '../split/split.js';
import { InputError } from '../types.js';

/** A site-level feature set normalised for a feature head, by site id. */
export interface SiteFeatures {
  /** The feature set the vectors come from. */
  source: string;
  dim: number;
  bySite: Map<number, Float32Array>;
}

/**
 * A site-level feature set's vectors (default: the hand-crafted features; also a frozen backbone's
 * output from `micon backbone`, or a model's embedding), robust-z-scored per plate against that
 * plate's DMSO sites and clipped. Every site in `sites` must have a vector: the hand-crafted set is
 * computed (again) when it is missing or incomplete; any other set is refused with how to fix it.
 */
export function normalizedSiteFeatures(db: DB, sites: SiteInfo[], source: string = HANDCRAFTED): SiteFeatures {
  let fs = featureSetByName(db, source);
  const covers = (id: number) => {
    const ids = new Set(loadSiteIds(db, id));
    return sites.filter((s) => !ids.has(s.siteId)).length;
  };
  if (source === HANDCRAFTED && (!fs || covers(fs.id) > 0)) {
    embedHandcrafted(db);
    fs = featureSetByName(db, HANDCRAFTED)!;
  }
  if (!fs) {
    const usable = featureSets(db).filter((f) => SITE_LEVEL.has(f.kind)).map((f) => f.name);
    throw new InputError(`no feature set named "${source}" in this project (site-level sets: ${usable.join(', ') || 'none'}; import a backbone with micon backbone FILE.onnx)`);
  }
  if (!SITE_LEVEL.has(fs.kind) || isWellLevelSet(db, fs)) {
    throw new InputError(`feature set "${source}" is well-level (imported profiles), not per-site vectors; read it with normalizedWellFeatures`);
  }
  const missing = covers(fs.id);
  if (missing > 0) {
    const fix = fs.kind === 'backbone' ? `re-run micon backbone FILE.onnx --name ${source}` : fs.kind === 'model' ? 'run micon embed' : 'check the sites have preprocessed arrays (re-ingest)';
    throw new InputError(`feature set "${source}" has no vector for ${missing} of ${sites.length} sites (plates ingested after it was computed?); ${fix} first`);
  }
  const v = loadSiteVectors(db, fs.id);
  const info = new Map(sites.map((s) => [s.siteId, s]));
  // Vectors of sites not in `sites` (none today: both come from the same tables) are left out.
  const keep = v.siteIds.flatMap((id, i) => (info.has(id) ? [i] : []));
  const data = keep.length === v.rows ? v.data : new Float32Array(keep.length * v.cols);
  if (data !== v.data) keep.forEach((i, r) => data.set(v.data.subarray(i * v.cols, (i + 1) * v.cols), r * v.cols));
  const ids = keep.map((i) => v.siteIds[i]);
  return { source, dim: v.cols, bySite: normalizeForHead(ids.map((id) => info.get(id)!), v.cols, data) };
}

/**
 * Per plate, robust z-scores against the plate's DMSO samples, clipped: the input treatment of every
 * feature head, whether a sample is a site or a well. Keyed by `siteId` (a well's id for well-level sets).
 */
function normalizeForHead(samples: SiteInfo[], cols: number, data: Float32Array): Map<number, Float32Array> {
  const meta = samples.map((s) => ({ wellId: s.wellId, plate: s.plate, batch: s.batch, source: s.source, compound: s.compound, pertType: s.control ? ('negcon' as const) : ('trt' as const), moa: null }));
  const { normalized } = madNormalize(createMatrix(samples.length, cols, data), meta);
  const bySite = new Map<number, Float32Array>();
  samples.forEach((s, i) => {
    const row = normalized.data.slice(i * cols, (i + 1) * cols);
    // Clipping keeps a few extreme sites (debris, saturation) from dominating a linear head.
    for (let k = 0; k < row.length; k++) row[k] = Math.max(-10, Math.min(10, row[k]));
    bySite.set(s.siteId, row);
  });
  return bySite;
}

/** A well-level feature set (imported profiles): its wells as samples (siteId = wellId) and their normalised vectors. */
export interface WellSamples {
  samples: SiteInfo[];
  feats: SiteFeatures;
}

/**
 * An imported (well-level) feature set as training samples: each well with a vector is one sample,
 * normalised exactly as site-level sets are (per plate vs its DMSO wells, clipped).
 */
export function normalizedWellFeatures(db: DB, source: string): WellSamples {
  const fs = featureSetByName(db, source);
  if (!fs) throw new InputError(`no feature set named "${source}" in this project (sets: ${featureSets(db).map((f) => f.name).join(', ') || 'none'})`);
  if (!isWellLevelSet(db, fs)) throw new Error(`feature set ${source} is not well-level`);
  const v = loadImportedWellFeatures(db, fs.id);
  if (!v.rows) throw new InputError(`feature set "${source}" has no wells in this project (its plates were removed?); re-import it`);
  const info = new Map(wellInfo(db).map((w) => [w.wellId, w]));
  const samples: SiteInfo[] = v.wellIds.map((id) => {
    const w = info.get(id)!;
    return { siteId: id, wellId: id, plate: w.plate, batch: w.batch, source: w.source, compound: w.compound, control: w.pertType === 'negcon' };
  });
  return { samples, feats: { source, dim: v.cols, bySite: normalizeForHead(samples, v.cols, v.data) } };
}

/** Whether `source` names a well-level set (imported profiles) of this project. */
export function isWellLevelSource(db: DB, source: string | null | undefined): boolean {
  const fs = source ? featureSetByName(db, source) : undefined;
  return !!fs && isWellLevelSet(db, fs);
}

/** Feature-set kinds that hold one vector per site (imported sets are well-level). */
const SITE_LEVEL = new Set<string>(['handcrafted', 'backbone', 'model']);

function loadSiteIds(db: DB, featureSetId: number): number[] {
  return (db.prepare('SELECT site_id FROM site_features WHERE feature_set_id = ?').all(featureSetId) as { site_id: number }[]).map((r) => r.site_id);
}

export interface TrainData {
  sites: SiteInfo[];
  heldout: Set<string>;
  splitId: number | null;
  trainCompounds: Set<string>;
  fingerprints: Map<string, Float32Array>;
  compoundIndex: Map<string, number>;
}

/** `samples`: the training samples when they are not the ingested sites (wells of an imported set). */
export async function loadTrainData(db: DB, fpBits: number, samples?: SiteInfo[]): Promise<TrainData> {
  const sites = samples ?? siteInfo(db);
  if (!sites.length) throw new InputError('no ingested sites: run micon ingest first (or train --features on imported profiles)');
  if (!sites.some((s) => s.control)) throw new InputError('no DMSO (negcon) wells: MICON pairs treated images with controls; check the platemap control column');
  const split = activeSplit(db);
  const rows = db
    .prepare("SELECT compound_id, COALESCE(canonical_smiles, smiles) AS smiles FROM compounds WHERE is_control = 0")
    .all() as { compound_id: string; smiles: string | null }[];
  const fingerprints = new Map<string, Float32Array>();
  for (const r of rows) {
    const fp = r.smiles ? await morganFingerprint(r.smiles, { nBits: fpBits }) : null;
    if (fp) fingerprints.set(r.compound_id, fp);
  }
  // Training sees only compounds with a structure that are not held out.
  const trainCompounds = new Set([...fingerprints.keys()].filter((c) => !split.heldout.has(c)));
  const compoundIndex = new Map([...trainCompounds].sort().map((c, i) => [c, i]));
  return { sites, heldout: split.heldout, splitId: split.splitId, trainCompounds, fingerprints, compoundIndex };
}
