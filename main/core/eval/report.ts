import type { Matrix } from '../profiles/matrix.js';
import type { WellMeta } from '../profiles/well-meta.js';
import { averagePrecision, bestPositiveRank, classifyMechanism, classifyReplicates, dropClass, NEG_CONTROL, NEG_TREATED } from './ap.js';
import { bootstrapCi, bootstrapDraws, compoundSums, ratioOf, type BootstrapDraws, type CompoundSums } from './bootstrap.js';
import { encodeMeta, KIND_CONTROL, KIND_TREATED, treatedQueries, wellsOfKind, type Exclusion, type ReplicateKey } from './labels.js';
import { summarizeAps, type MapSummary, type QueryAp } from './map-summary.js';
import { MechanismAccumulator, type MechanismSummary } from './mechanism.js';
import { forEachSimilarityRow } from './similarity.js';

export type MapBrief = Omit<MapSummary, 'perCompound'> & { perCompound?: MapSummary['perCompound'] };
export type Ci95 = [number, number] | null;

export interface TopK {
  /** Fractions of queries with a same-compound well among the top k; null when there was no query. */
  top1: number | null;
  top5: number | null;
  top10: number | null;
  /** Queries the fractions rest on (every query, including those counted as misses below). */
  queries: number;
  /**
   * Queries with no same-compound well left in the candidate pool (e.g. every replicate in the
   * same source under NSS). They count as misses: leaving them out of the denominator would let a
   * set look better on a screen where fewer compounds can be judged.
   */
  skipped: number;
}

export interface TopKCi extends TopK {
  /** Compound-bootstrap 95 % intervals of top1/top5/top10. */
  top1Ci95: Ci95;
  top5Ci95: Ci95;
  top10Ci95: Ci95;
}

/** A copairs-style mAP: mean over replicate groups of their mean AP, and the fraction whose BH-corrected p < alpha. */
export interface CopairsMap {
  map: number | null;
  mapCi95: Ci95;
  fractionRetrieved: number | null;
  fractionRetrievedCi95: Ci95;
  /** Groups scored (compounds, compound-dose groups, or compounds for consistency). */
  groups: number;
  queries: number;
  /** Query wells without a positive (no replicate / no other compound of the mechanism). */
  skipped: number;
  /** Per group mAP, p and BH q (only with `perCompound`). */
  perCompound?: MapSummary['perCompound'];
}

export interface GroupReport {
  /** Treated query wells in this group (every number below says how many of them it rests on). */
  queries: number;
  compounds: number;
  nsb: TopKCi;
  nss: TopKCi;
  /** Retrieval with no exclusion besides the query itself: shows how much batch effects would flatter. */
  plain: TopKCi;
  /** Replicate mAP (no exclusion; negatives: other compounds and DMSO), mean over replicate groups. */
  map: number | null;
  mapCi95: Ci95;
  mapSignificantFraction: number | null;
  mapQueries: number;
  mapDetail: { all: MapBrief; nsb: MapBrief; nss: MapBrief };
  /** copairs phenotypic activity: replicates ranked against DMSO wells only. */
  mapActivity: CopairsMap;
  /** copairs consistency: other compounds sharing a mechanism/target, ranked against other annotated compounds. */
  mapConsistency?: CopairsMap;
  /** Fraction of queries whose nearest other well (treated or DMSO) is on the query's own plate: a batch-effect check. */
  samePlateNeighbourRate: number | null;
  samePlateNeighbourRateCi95: Ci95;
  /** The same fraction expected by chance (same-plate wells among the candidates). */
  samePlateChance: number | null;
  /** Present when any treated well carries a mechanism annotation. */
  mechanism?: MechanismSummary & { mapCi95: Ci95 };
}

export interface EvalReport {
  heldout: GroupReport;
  trained: GroupReport;
  /** What makes a replicate, and how intervals were computed. */
  replicates: ReplicateKey;
  bootstrap: { unit: 'compound'; resamples: number; seed: number };
}

export interface EvaluateOptions {
  heldoutCompounds: Set<string>;
  seed?: number;
  /** Permutations of the mAP null per compound (default 1000; 0 skips significance). */
  permutations?: number;
  alpha?: number;
  /** Exclusion used for mechanism consistency (default 'none'). */
  mechanismExclude?: Exclusion;
  /** Keep per-compound mAP / p / q lists in mapDetail (default false: the report stays small). */
  perCompound?: boolean;
  /** Replicates are wells of one compound (default) or of one compound at one dose. */
  replicates?: ReplicateKey;
  /** Compound-bootstrap resamples (default 1000; 0 skips intervals). */
  resamples?: number;
}

/** Per-compound sums behind the headline figures, for paired comparisons between feature sets. */
export interface GroupStats {
  /** Compound ids, sorted: index i of every CompoundSums below. */
  compounds: string[];
  draws: BootstrapDraws;
  sums: Record<'nssTop1' | 'nsbTop1' | 'map' | 'mapActivity', CompoundSums>;
}

const VARIANTS: Exclusion[] = ['none', 'batch', 'source'];

/** Where a GroupReport keeps one exclusion's retrieval figures ('topk') or mAP detail ('map'). */
export function variantKey(exclude: Exclusion, kind: 'topk'): 'plain' | 'nsb' | 'nss';
export function variantKey(exclude: Exclusion, kind: 'map'): 'all' | 'nsb' | 'nss';
export function variantKey(exclude: Exclusion, kind: 'topk' | 'map'): string {
  return exclude === 'batch' ? 'nsb' : exclude === 'source' ? 'nss' : kind === 'topk' ? 'plain' : 'all';
}

/** Every treated compound of `meta`: as held-out set, evaluate reports all queries in one group. */
export function allCompounds(meta: WellMeta[]): Set<string> {
  return new Set(meta.flatMap((m) => (m.pertType === 'trt' && m.compound ? [m.compound] : [])));
}

interface QueryRecord {
  compound: string;
  ranks: [number, number, number];
  samePlateNn: number;
  mechanismAp: number | null;
}

interface GroupState {
  records: QueryRecord[];
  aps: QueryAp[][];
  apSkipped: number[];
  activity: QueryAp[];
  activitySkipped: number;
  consistency: QueryAp[];
  consistencySkipped: number;
  mechanism: MechanismAccumulator;
  chanceSum: number;
}

function newGroup(): GroupState {
  return {
    records: [],
    aps: VARIANTS.map(() => []),
    apSkipped: VARIANTS.map(() => 0),
    activity: [],
    activitySkipped: 0,
    consistency: [],
    consistencySkipped: 0,
    mechanism: new MechanismAccumulator(),
    chanceSum: 0,
  };
}

/** Index of the most similar candidate other than the query (first on ties), −1 if none. */
function nearest(sims: Float32Array, cands: ArrayLike<number>, q: number): number {
  let best = -1;
  let bestSim = -Infinity;
  for (let j = 0; j < cands.length; j++) {
    if (cands[j] !== q && sims[j] > bestSim) {
      bestSim = sims[j];
      best = j;
    }
  }
  return best;
}

/**
 * All evaluation numbers for one feature set in a single pass over the similarities: each query
 * row is computed once and scored for NSB/NSS/plain retrieval, the mAP variants, copairs activity
 * and consistency, the same-plate neighbour rate and mechanism consistency. Queries are every
 * treated well (active and inactive compounds alike), reported apart for held-out and trained
 * compounds; candidates are always all treated wells (plus negcon wells as mAP negatives). Every
 * figure gets a compound-bootstrap 95 % interval from the per-query results.
 */
export function evaluate(profiles: Matrix, meta: WellMeta[], opts: EvaluateOptions): EvalReport {
  return evaluateWithStats(profiles, meta, opts).report;
}

export function evaluateWithStats(profiles: Matrix, meta: WellMeta[], opts: EvaluateOptions): { report: EvalReport; stats: { heldout: GroupStats; trained: GroupStats } } {
  if (meta.length !== profiles.rows) throw new RangeError(`${meta.length} metadata rows for ${profiles.rows} profiles`);
  const replicates = opts.replicates ?? 'compound';
  const enc = encodeMeta(meta, replicates);
  const annotated = enc.moa.some((m) => m !== null);
  const cands = wellsOfKind(enc, KIND_TREATED, KIND_CONTROL);
  const N = cands.length;
  const cls = new Int8Array(N);
  const platePool = new Map<number, number>();
  for (let j = 0; j < N; j++) platePool.set(enc.plate[cands[j]], (platePool.get(enc.plate[cands[j]]) ?? 0) + 1);
  const groups = { heldout: newGroup(), trained: newGroup() };
  forEachSimilarityRow(profiles, treatedQueries(enc), cands, (q, sims) => {
    const group = enc.compoundNames[enc.compound[q]];
    const compound = enc.groupCompound[enc.compound[q]];
    const g = opts.heldoutCompounds.has(compound) ? groups.heldout : groups.trained;
    const ranks: [number, number, number] = [-1, -1, -1];
    VARIANTS.forEach((exclude, v) => {
      classifyReplicates(enc, q, cands, exclude, cls);
      ranks[v] = bestPositiveRank(sims, cls, N);
      const r = averagePrecision(sims, cls, N);
      if (r) g.aps[v].push({ well: q, compound: group, ...r });
      else g.apSkipped[v]++;
      if (v === 0) {
        // copairs activity: the same replicates, negatives = DMSO wells only.
        dropClass(cls, N, NEG_TREATED);
        const a = averagePrecision(sims, cls, N);
        if (a) g.activity.push({ well: q, compound: group, ...a });
        else g.activitySkipped++;
      }
    });
    const nn = nearest(sims, cands, q);
    const samePlate = nn >= 0 && enc.plate[cands[nn]] === enc.plate[q] ? 1 : 0;
    const inPool = platePool.get(enc.plate[q])! - 1;
    g.chanceSum += N > 1 ? inPool / (N - 1) : 0;
    let mechanismAp: number | null = null;
    if (annotated) {
      const has = classifyMechanism(enc, q, cands, opts.mechanismExclude ?? 'none', cls);
      mechanismAp = has ? (averagePrecision(sims, cls, N)?.ap ?? null) : null;
      g.mechanism.add(has, mechanismAp);
      if (has) {
        // copairs consistency: other compounds of the mechanism against other annotated compounds.
        dropClass(cls, N, NEG_CONTROL);
        const c = averagePrecision(sims, cls, N);
        if (c) g.consistency.push({ well: q, compound, ...c });
        else g.consistencySkipped++;
      }
    }
    g.records.push({ compound, ranks, samePlateNn: samePlate, mechanismAp });
  });

  const seed = opts.seed ?? 0;
  const resamples = opts.resamples ?? 1000;
  const sig = { permutations: opts.permutations, seed, alpha: opts.alpha };
  const finish = (g: GroupState): { report: GroupReport; stats: GroupStats } => {
    const compounds = [...new Set(g.records.map((r) => r.compound))].sort();
    const index = new Map(compounds.map((c, i) => [c, i]));
    const C = compounds.length;
    const draws = bootstrapDraws(C, resamples, seed);
    const ci = (s: CompoundSums, minus?: CompoundSums) => (resamples > 0 ? bootstrapCi(s, draws, minus) : null);
    // Per-query figures: Σ over a compound's queries / its number of queries.
    const perQuery = (value: (r: QueryRecord) => number | null) => {
      const s = compoundSums(C);
      for (const r of g.records) {
        const v = value(r);
        if (v === null) continue;
        const i = index.get(r.compound)!;
        s.num[i] += v;
        s.den[i] += 1;
      }
      return s;
    };
    const topk = (v: number): { result: TopKCi; top1: CompoundSums } => {
      const [s1, s5, s10] = [1, 5, 10].map((k) => perQuery((r) => (r.ranks[v] >= 0 && r.ranks[v] < k ? 1 : 0)));
      const skipped = g.records.filter((r) => r.ranks[v] < 0).length;
      return {
        result: { top1: ratioOf(s1), top5: ratioOf(s5), top10: ratioOf(s10), queries: g.records.length, skipped, top1Ci95: ci(s1), top5Ci95: ci(s5), top10Ci95: ci(s10) },
        top1: s1,
      };
    };
    // Per-group figures (a group = a compound, or a compound at one dose): each compound adds its groups' values.
    const perGroup = (summary: MapSummary, value: (c: MapSummary['perCompound'][number]) => number, baseOf: (group: string) => string) => {
      const s = compoundSums(C);
      for (const c of summary.perCompound) {
        const i = index.get(baseOf(c.compound));
        if (i === undefined) continue;
        s.num[i] += value(c);
        s.den[i] += 1;
      }
      return s;
    };
    const groupIndex = new Map(enc.compoundNames.map((n, i) => [n, i]));
    const baseOfGroup = (group: string) => enc.groupCompound[groupIndex.get(group)!];
    const [all, nsb, nss] = VARIANTS.map((_, v) => summarizeAps(g.aps[v], g.apSkipped[v], sig));
    const mapSums = perGroup(all, (c) => c.map, baseOfGroup);
    const copairs = (aps: QueryAp[], skipped: number, baseOf: (group: string) => string): { result: CopairsMap; sums: CompoundSums } => {
      const s = summarizeAps(aps, skipped, sig);
      const mapS = perGroup(s, (c) => c.map, baseOf);
      const sigS = perGroup(s, (c) => (c.significant ? 1 : 0), baseOf);
      return {
        result: {
          map: s.map,
          mapCi95: ci(mapS),
          fractionRetrieved: s.significantFraction,
          fractionRetrievedCi95: s.significantFraction === null ? null : ci(sigS),
          groups: s.compounds,
          queries: s.queries,
          skipped,
          ...(opts.perCompound ? { perCompound: s.perCompound } : {}),
        },
        sums: mapS,
      };
    };
    const activity = copairs(g.activity, g.activitySkipped, baseOfGroup);
    const consistency = annotated ? copairs(g.consistency, g.consistencySkipped, (c) => c) : null;
    const brief = (s: MapSummary): MapBrief => {
      const b: MapBrief = { ...s };
      if (!opts.perCompound) delete b.perCompound;
      return b;
    };
    const [plain, nsbK, nssK] = [0, 1, 2].map(topk);
    const nn = perQuery((r) => r.samePlateNn);
    const mech = perQuery((r) => r.mechanismAp);
    const report: GroupReport = {
      queries: g.records.length,
      compounds: C,
      nsb: nsbK.result,
      nss: nssK.result,
      plain: plain.result,
      map: all.map,
      mapCi95: ci(mapSums),
      mapSignificantFraction: all.significantFraction,
      mapQueries: all.queries,
      mapDetail: { all: brief(all), nsb: brief(nsb), nss: brief(nss) },
      mapActivity: activity.result,
      ...(consistency ? { mapConsistency: consistency.result } : {}),
      samePlateNeighbourRate: ratioOf(nn),
      samePlateNeighbourRateCi95: ci(nn),
      samePlateChance: g.records.length ? g.chanceSum / g.records.length : null,
      ...(annotated ? { mechanism: { ...g.mechanism.result(), mapCi95: ci(mech) } } : {}),
    };
    return { report, stats: { compounds, draws, sums: { nssTop1: nssK.top1, nsbTop1: nsbK.top1, map: mapSums, mapActivity: activity.sums } } };
  };
  const heldout = finish(groups.heldout);
  const trained = finish(groups.trained);
  return {
    report: { heldout: heldout.report, trained: trained.report, replicates, bootstrap: { unit: 'compound', resamples, seed } },
    stats: { heldout: heldout.stats, trained: trained.stats },
  };
}
