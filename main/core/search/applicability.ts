// Applicability domain of a SMILES query: how far the structure is from every compound the model
// was trained on. The counterfactual head has only seen the training compounds' fingerprints; far
// from all of them its prediction is an extrapolation. Morgan fingerprints ignore stereochemistry,
// so E/Z or R/S isomers of a trained compound (cis- vs trans-combretastatin A-4) get *identical*
// inputs and identical predictions, whatever their biology.
import { morganFingerprint, tanimoto } from '../chem/fingerprint.js';
import type { DB } from '../db/open.js';

/** Below this Tanimoto (Morgan r=2) to every trained compound, a prediction is flagged as extrapolation. */
export const LOW_SIMILARITY = 0.4;

export interface ApplicabilityDomain {
  /** The most similar training compound, or null when the model's training compounds are unknown. */
  nearest: { compound: string; name: string | null; smiles: string; tanimoto: number } | null;
  trainingCompounds: number;
  threshold: number;
  /** Training compounds whose fingerprint equals the query's but whose structure (e.g. stereo) differs. */
  sameFingerprint: { compound: string; smiles: string }[];
  warnings: string[];
}

/** The training compounds of a model: those with a structure, not controls, not held out by the split it was trained under. */
function trainingCompounds(db: DB, modelSplitId: number | null): { compound: string; name: string | null; smiles: string }[] {
  const held = modelSplitId === null ? new Set<number>() : new Set((db.prepare("SELECT compound_id FROM split_compounds WHERE split_id = ? AND role = 'heldout'").all(modelSplitId) as { compound_id: number }[]).map((r) => r.compound_id));
  const rows = db
    .prepare("SELECT id, compound_id, name, COALESCE(canonical_smiles, smiles) AS smiles FROM compounds WHERE is_control = 0 AND COALESCE(canonical_smiles, smiles) IS NOT NULL")
    .all() as { id: number; compound_id: string; name: string | null; smiles: string }[];
  return rows.filter((r) => !held.has(r.id)).map((r) => ({ compound: r.compound_id, name: r.name, smiles: r.smiles }));
}

const fpCache = new WeakMap<DB, Map<string, Float32Array | null>>();

async function fingerprintOf(db: DB, smiles: string, nBits: number): Promise<Float32Array | null> {
  let m = fpCache.get(db);
  if (!m) fpCache.set(db, (m = new Map()));
  const key = `${nBits}:${smiles}`;
  if (!m.has(key)) m.set(key, await morganFingerprint(smiles, { nBits }));
  return m.get(key)!;
}

export async function applicabilityDomain(db: DB, canonicalSmiles: string, o: { modelSplitId: number | null; fpBits: number }): Promise<ApplicabilityDomain> {
  const query = await morganFingerprint(canonicalSmiles, { nBits: o.fpBits });
  const train = trainingCompounds(db, o.modelSplitId);
  const out: ApplicabilityDomain = { nearest: null, trainingCompounds: train.length, threshold: LOW_SIMILARITY, sameFingerprint: [], warnings: [] };
  if (!query) return out;
  for (const t of train) {
    const fp = await fingerprintOf(db, t.smiles, o.fpBits);
    if (!fp) continue;
    const s = tanimoto(query, fp);
    if (!out.nearest || s > out.nearest.tanimoto) out.nearest = { ...t, tanimoto: s };
    if (t.smiles !== canonicalSmiles && fp.every((v, i) => v === query[i])) out.sameFingerprint.push({ compound: t.compound, smiles: t.smiles });
  }
  if (out.nearest && out.nearest.tanimoto < LOW_SIMILARITY) {
    out.warnings.push(
      `outside the applicability domain: the most similar training compound (${out.nearest.name ?? out.nearest.compound}) has Tanimoto ${out.nearest.tanimoto.toFixed(2)} < ${LOW_SIMILARITY}; the predicted profile is an extrapolation`,
    );
  }
  for (const s of out.sameFingerprint) {
    out.warnings.push(
      `same Morgan fingerprint as training compound ${s.compound} (${s.smiles}), a different structure (stereoisomer?): the model cannot tell them apart and predicts the same profile for both`,
    );
  }
  return out;
}
