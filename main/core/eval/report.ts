import type { Matrix } from '../profiles/matrix.js';
import type { WellMeta } from '../profiles/well-meta.js';
import { averagePrecision, bestPositiveRank, classifyMechanism, classifyReplicates } from './ap.js';
import { encodeMeta, KIND_CONTROL, KIND_TREATED, treatedQueries, wellsOfKind, type Exclusion } from './labels.js';
import { summarizeAps, type MapSummary, type QueryAp } from './map.js';
import { MechanismAccumulator, type MechanismSummary } from './mechanism.js';
import { TopKCounter, type TopK } from './retrieval.js';
import { forEachSimilarityRow } from './similarity.js';

export type MapBrief = Omit<MapSummary, 'perCompound'> & { perCompound?: MapSummary['perCompound'] };

export interface GroupReport {
  /** Treated query wells in this group (every number below says how many of them it rests on). */
  queries: number;
  compounds: number;
  nsb: TopK;
  nss: TopK;
  /** Retrieval with no exclusion besides the query itself: shows how much batch effects would flatter. */
  plain: TopK;
  /** Replicate mAP (no exclusion), mean over compounds. */
  map: number | null;
  mapSignificantFraction: number | null;
  mapQueries: number;
  mapDetail: { all: MapBrief; nsb: MapBrief; nss: MapBrief };
  /** Present when any treated well carries a mechanism annotation. */
  mechanism?: MechanismSummary;
}

export interface EvalReport {
  heldout: GroupReport;
  trained: GroupReport;
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
}

const VARIANTS: Exclusion[] = ['none', 'batch', 'source'];

interface GroupState {
  queries: number;
  compounds: Set<number>;
  topk: TopKCounter[];
  aps: QueryAp[][];
  apSkipped: number[];
  mechanism: MechanismAccumulator;
}

function newGroup(): GroupState {
  return {
    queries: 0,
    compounds: new Set(),
    topk: VARIANTS.map(() => new TopKCounter()),
    aps: VARIANTS.map(() => []),
    apSkipped: VARIANTS.map(() => 0),
    mechanism: new MechanismAccumulator(),
  };
}

/**
 * All evaluation numbers for one feature set in a single pass over the similarities: each query
 * row is computed once and scored for NSB/NSS/plain retrieval, the three mAP variants and
 * mechanism consistency. Queries are every treated well (active and inactive compounds alike),
 * reported apart for held-out and trained compounds; candidates are always all treated wells
 * (plus negcon wells as mAP negatives).
 */
export function evaluate(profiles: Matrix, meta: WellMeta[], opts: EvaluateOptions): EvalReport {
  if (meta.length !== profiles.rows) throw new RangeError(`${meta.length} metadata rows for ${profiles.rows} profiles`);
  const enc = encodeMeta(meta);
  const annotated = enc.moa.some((m) => m !== null);
  const cands = wellsOfKind(enc, KIND_TREATED, KIND_CONTROL);
  const N = cands.length;
  const cls = new Int8Array(N);
  const groups = { heldout: newGroup(), trained: newGroup() };
  forEachSimilarityRow(profiles, treatedQueries(enc), cands, (q, sims) => {
    const name = enc.compoundNames[enc.compound[q]];
    const g = opts.heldoutCompounds.has(name) ? groups.heldout : groups.trained;
    g.queries++;
    g.compounds.add(enc.compound[q]);
    VARIANTS.forEach((exclude, v) => {
      classifyReplicates(enc, q, cands, exclude, cls);
      g.topk[v].add(bestPositiveRank(sims, cls, N));
      const r = averagePrecision(sims, cls, N);
      if (r) g.aps[v].push({ well: q, compound: name, ...r });
      else g.apSkipped[v]++;
    });
    if (annotated) {
      const has = classifyMechanism(enc, q, cands, opts.mechanismExclude ?? 'none', cls);
      g.mechanism.add(has, has ? (averagePrecision(sims, cls, N)?.ap ?? null) : null);
    }
  });

  const sig = { permutations: opts.permutations, seed: opts.seed, alpha: opts.alpha };
  const finish = (g: GroupState): GroupReport => {
    const [all, nsb, nss] = VARIANTS.map((_, v) => {
      const s: MapBrief = summarizeAps(g.aps[v], g.apSkipped[v], sig);
      if (!opts.perCompound) delete s.perCompound;
      return s;
    });
    const [plain, nsbK, nssK] = g.topk.map((t) => t.result());
    return {
      queries: g.queries,
      compounds: g.compounds.size,
      nsb: nsbK,
      nss: nssK,
      plain,
      map: all.map,
      mapSignificantFraction: all.significantFraction,
      mapQueries: all.queries,
      mapDetail: { all, nsb, nss },
      ...(annotated ? { mechanism: g.mechanism.result() } : {}),
    };
  };
  return { heldout: finish(groups.heldout), trained: finish(groups.trained) };
}
