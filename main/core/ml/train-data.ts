// Everything a training run reads from the project: sites with their plate/batch/source and
// compound, the split, Morgan fingerprints, and the image side's inputs (normalised hand-crafted
// vectors for the feature head, or site images for the CNN).
import { morganFingerprint } from '../chem/fingerprint.js';
import type { DB } from '../db/open.js';
import { embedHandcrafted, HANDCRAFTED } from '../embeddings/handcrafted.js';
import { featureSetByName, loadSiteVectors, siteInfo, type SiteInfo } from '../embeddings/store.js';
import { createMatrix } from '../profiles/matrix.js';
import { madNormalize } from '../profiles/normalize.js';
import { activeSplit } from '../split/split.js';
import { InputError } from '../types.js';

/** Hand-crafted site vectors, robust-z-scored per plate against that plate's DMSO sites and clipped. */
export function normalizedSiteFeatures(db: DB, sites: SiteInfo[]): { dim: number; bySite: Map<number, Float32Array> } {
  let fs = featureSetByName(db, HANDCRAFTED);
  if (!fs) {
    embedHandcrafted(db);
    fs = featureSetByName(db, HANDCRAFTED)!;
  }
  const v = loadSiteVectors(db, fs.id);
  const info = new Map(sites.map((s) => [s.siteId, s]));
  const meta = v.siteIds.map((id) => {
    const s = info.get(id)!;
    return { wellId: s.wellId, plate: s.plate, batch: s.batch, source: s.source, compound: s.compound, pertType: s.control ? ('negcon' as const) : ('trt' as const), moa: null };
  });
  const { normalized } = madNormalize(createMatrix(v.rows, v.cols, v.data), meta);
  const bySite = new Map<number, Float32Array>();
  v.siteIds.forEach((id, i) => {
    const row = normalized.data.slice(i * v.cols, (i + 1) * v.cols);
    // Clipping keeps a few extreme sites (debris, saturation) from dominating a linear head.
    for (let k = 0; k < row.length; k++) row[k] = Math.max(-10, Math.min(10, row[k]));
    bySite.set(id, row);
  });
  return { dim: v.cols, bySite };
}

export interface TrainData {
  sites: SiteInfo[];
  heldout: Set<string>;
  splitId: number | null;
  trainCompounds: Set<string>;
  fingerprints: Map<string, Float32Array>;
  compoundIndex: Map<string, number>;
}

export async function loadTrainData(db: DB, fpBits: number): Promise<TrainData> {
  const sites = siteInfo(db);
  if (!sites.length) throw new InputError('no ingested sites: run micon ingest first');
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
