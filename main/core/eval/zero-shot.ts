// Zero-shot retrieval from structure: can a held-out compound's own wells be found from its SMILES
// alone? The query is the profile MICON's counterfactual head predicts for the structure; the
// baseline is what a chemist would do without a model — take the most similar *trained* compound
// (Tanimoto on the same Morgan fingerprints) and query with the mean of its measured wells.
import { canonicalSmiles } from '../chem/rdkit.js';
import type { DB } from '../db/open.js';
import { loadProfiles } from '../embeddings/profiles.js';
import { createMatrix } from '../profiles/matrix.js';
import { applicabilityDomain } from '../search/applicability.js';
import { miconModelOf, predictSmilesProfile, smilesFeatureSets } from '../search/counterfactual.js';
import { activeSplit } from '../split/split.js';
import { averagePrecision, NEG_TREATED, POS } from './ap.js';
import { bootstrapCi, bootstrapDraws, compoundSums, ratioOf, type CompoundSums } from './bootstrap.js';
import type { Ci95 } from './report.js';
import { forEachSimilarityRow } from './similarity.js';

export interface ZeroShotMethod {
  top1: number | null;
  top1Ci95: Ci95;
  top10: number | null;
  top10Ci95: Ci95;
  /** Mean over compounds of the AP of the compound's own wells among all treated wells. */
  map: number | null;
  mapCi95: Ci95;
}

export interface ZeroShotReport {
  featureSet: string;
  /** Held-out compounds with a structure and wells in the set. */
  compounds: number;
  prediction: ZeroShotMethod;
  nearestTrainedAnalog: ZeroShotMethod;
  /** prediction − analog, paired over the same compound resamples. */
  difference: { top1: number | null; top1Ci95: Ci95; map: number | null; mapCi95: Ci95 };
  perCompound: { compound: string; analog: string | null; analogTanimoto: number | null; predictionRank: number; analogRank: number }[];
}

/** Rank of the best own well (0 = first) and the AP of all own wells, for a query vector over the treated wells. */
function score(query: Float32Array, profiles: ReturnType<typeof loadProfiles>, own: Set<number>, treated: Int32Array): { rank: number; ap: number } {
  const d = profiles.profiles.cols;
  const m = createMatrix(profiles.profiles.rows + 1, d);
  m.data.set(profiles.profiles.data);
  m.data.set(query, profiles.profiles.rows * d);
  const cls = new Int8Array(treated.length);
  let result = { rank: -1, ap: 0 };
  forEachSimilarityRow(m, [profiles.profiles.rows], treated, (_q, sims) => {
    for (let j = 0; j < treated.length; j++) cls[j] = own.has(treated[j]) ? POS : NEG_TREATED;
    let best = -Infinity;
    for (let j = 0; j < treated.length; j++) if (cls[j] === POS && sims[j] > best) best = sims[j];
    let rank = 0;
    for (let j = 0; j < treated.length; j++) if (cls[j] === NEG_TREATED && sims[j] >= best) rank++;
    result = { rank, ap: averagePrecision(sims, cls, treated.length)?.ap ?? 0 };
  });
  return result;
}

export async function zeroShotEval(db: DB, opts: { seed?: number; resamples?: number } = {}): Promise<ZeroShotReport[]> {
  const split = activeSplit(db);
  if (split.splitId === null || !split.heldout.size) return [];
  const rows = db.prepare('SELECT compound_id, COALESCE(canonical_smiles, smiles) AS smiles FROM compounds WHERE is_control = 0').all() as { compound_id: string; smiles: string | null }[];
  const smilesOf = new Map(rows.map((r) => [r.compound_id, r.smiles]));
  const out: ZeroShotReport[] = [];
  for (const fs of smilesFeatureSets(db)) {
    const model = miconModelOf(db, fs)!;
    const profiles = loadProfiles(db, fs.id);
    if (!profiles.profiles.rows) continue;
    const treated = Int32Array.from(profiles.meta.flatMap((m, i) => (m.pertType === 'trt' && m.compound ? [i] : [])));
    const wellsOf = new Map<string, number[]>();
    for (const i of treated) {
      const c = profiles.meta[i].compound!;
      if (!wellsOf.has(c)) wellsOf.set(c, []);
      wellsOf.get(c)!.push(i);
    }
    const compounds = [...split.heldout].filter((c) => smilesOf.get(c) && wellsOf.has(c)).sort();
    const scored: { compound: string; analog: string | null; analogTanimoto: number | null; p: { rank: number; ap: number }; a: { rank: number; ap: number } }[] = [];
    for (const c of compounds) {
      const smiles = (await canonicalSmiles(smilesOf.get(c)!)) ?? smilesOf.get(c)!;
      const own = new Set(wellsOf.get(c)!);
      const pred = await predictSmilesProfile(db, fs, smiles);
      const p = score(pred.vector, profiles, own, treated);
      const ad = await applicabilityDomain(db, smiles, { modelSplitId: model.splitId, fpBits: model.config.molecule.fpBits });
      const analog = ad.nearest && wellsOf.has(ad.nearest.compound) ? ad.nearest : null;
      // No trained analog with wells: the baseline has nothing to query with and misses.
      let a = { rank: treated.length, ap: 0 };
      if (analog) {
        const idx = wellsOf.get(analog.compound)!;
        const v = new Float32Array(profiles.profiles.cols);
        for (const i of idx) for (let k = 0; k < v.length; k++) v[k] += profiles.profiles.data[i * v.length + k] / idx.length;
        a = score(v, profiles, own, treated);
      }
      scored.push({ compound: c, analog: analog?.compound ?? null, analogTanimoto: analog?.tanimoto ?? null, p, a });
    }
    const C = scored.length;
    const draws = bootstrapDraws(C, opts.resamples ?? 1000, opts.seed ?? 0);
    const ci = (s: CompoundSums, minus?: CompoundSums) => (C && draws.resamples ? bootstrapCi(s, draws, minus) : null);
    const sums = (f: (x: (typeof scored)[number]) => number): CompoundSums => {
      const s = compoundSums(C);
      scored.forEach((x, i) => {
        s.num[i] = f(x);
        s.den[i] = 1;
      });
      return s;
    };
    const method = (pick: (x: (typeof scored)[number]) => { rank: number; ap: number }) => {
      const s1 = sums((x) => (pick(x).rank < 1 ? 1 : 0));
      const s10 = sums((x) => (pick(x).rank < 10 ? 1 : 0));
      const sm = sums((x) => pick(x).ap);
      const summary: ZeroShotMethod = { top1: ratioOf(s1), top1Ci95: ci(s1), top10: ratioOf(s10), top10Ci95: ci(s10), map: ratioOf(sm), mapCi95: ci(sm) };
      return { summary, s1, sm };
    };
    const pm = method((x) => x.p);
    const am = method((x) => x.a);
    const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
    out.push({
      featureSet: fs.name,
      compounds: C,
      prediction: pm.summary,
      nearestTrainedAnalog: am.summary,
      difference: { top1: diff(pm.summary.top1, am.summary.top1), top1Ci95: ci(pm.s1, am.s1), map: diff(pm.summary.map, am.summary.map), mapCi95: ci(pm.sm, am.sm) },
      perCompound: scored.map((x) => ({ compound: x.compound, analog: x.analog, analogTanimoto: x.analogTanimoto, predictionRank: x.p.rank, analogRank: x.a.rank })),
    });
  }
  return out;
}
