// The in-memory search index of one feature set: its normalised well profiles quantised to int8
// (one scale per row) for the scan kernel, plus per-row codes for filtering (plate → batch → source,
// compound, control, concentration). Built from SQLite once and cached per connection and feature set;
// a query checks whether the project changed since (PRAGMA data_version + this connection's
// total_changes(), and when either moved, a fingerprint of the set's profiles and the wells) and
// rebuilds only then. The float32 profiles themselves stay in SQLite: the few rows a query re-ranks
// are read back by key, so 1M × 700 profiles need ~0.75 GB of memory, not 2.8 GB.
//
// Search is exact. The int8 scan gives each row an approximate cosine and a proven bound on its error
// (see `search`); every row whose upper bound reaches the k-th best lower bound is re-ranked by
// float64 cosine over the stored float32 values — so results equal a float64 brute-force scan, ties
// broken by ascending well id.
import type { DB } from '../db/open.js';
import type { FeatureSetInfo } from '../feature-sets/store.js';
import { InputError } from '../types.js';
import { mulberry32 } from '../util/random.js';
import { CODE_MAX, Int8Kernel, queryLimit } from './kernel.js';

export interface IndexPlate {
  /** plates.id in the project. */
  id: number;
  name: string;
  replicate: number | null;
  batch: string;
  source: string;
  /** Index into SearchIndex.batches / .sources. */
  batchIdx: number;
  sourceIdx: number;
}

const PERT_CODES = ['trt', 'negcon', 'poscon', 'empty'] as const;
const NO_PERT = 4;

/** Per-query row filter. `plateOk` null: every plate. */
export interface RowFilter {
  plateOk: Uint8Array | null;
  includeControls: boolean;
  minConcentration?: number;
  maxConcentration?: number;
  /** Rows never returned (the query's own wells). */
  excludeRows?: Iterable<number>;
}

export interface Hit {
  row: number;
  similarity: number;
}

/** Rows sampled once per index for the significance null (see `nullSimilarities`). */
export const NULL_SAMPLE = 1000;

/**
 * Absolute allowance for float64 rounding in the quantisation bound: the approximate cosine, ρ, φ,
 * the norms and the exact cosine itself are float64 sums and products with relative errors of order
 * d·2⁻⁵³ (≈ 1e-13 at d = 1,000), far below this.
 */
const SLACK = 1e-9;

export class SearchIndex {
  readonly n: number;
  readonly d: number;
  readonly kernel: Int8Kernel;
  /** Ascending well ids, one per row. */
  readonly wellIds: Int32Array;
  readonly plate: Int32Array;
  /** compounds.id, or -1 for a well without a compound. */
  readonly compound: Int32Array;
  /** NaN where the platemap gave none. */
  readonly concentration: Float64Array;
  /** 1 for negative-control (DMSO) and empty wells: what `includeControls` hides by default. */
  readonly control: Uint8Array;
  readonly pert: Uint8Array;
  /** Exact L2 norm of each stored row (float64). */
  readonly norms: Float64Array;
  /** s_r / ‖x_r‖: turns row r's int8 codes back into its unit vector (x_r ≈ s_r · codes_r). */
  readonly scale: Float64Array;
  /** ρ_r = ‖x_r − s_r · codes_r‖ / ‖x_r‖, the row's relative quantisation error (∞ for a non-finite row). */
  readonly residual: Float64Array;
  readonly plates: IndexPlate[];
  readonly batches: { source: string; name: string }[];
  readonly sources: string[];
  readonly nullControls: Int32Array;
  readonly nullTreated: Int32Array;
  readonly buildMs: number;
  /** Rows the last `search` re-ranked exactly (what the quantisation bound let through). */
  lastCandidates = 0;
  /** The null's rows, held so a query's null needs no reads. */
  private readonly held = new Map<number, Float32Array>();
  private readonly readRow: (wellId: number) => Buffer | undefined;

  constructor(
    readonly featureSet: FeatureSetInfo,
    db: DB,
    opts: { engine?: 'wasm-simd' | 'js'; threads?: 1 | 2; nullSample?: number } = {},
  ) {
    const t0 = performance.now();
    const fsId = featureSet.id;
    const plateRows = db
      .prepare(
        `SELECT p.id, p.name, p.replicate, b.id AS batchId, b.name AS batch, s.name AS source FROM plates p
           JOIN batches b ON b.id = p.batch_id JOIN sources s ON s.id = b.source_id ORDER BY p.id`,
      )
      .all() as { id: number; name: string; replicate: number | null; batchId: number; batch: string; source: string }[];
    const sourceIdx = new Map<string, number>();
    const batchIdx = new Map<number, number>();
    this.sources = [];
    this.batches = [];
    this.plates = plateRows.map((p) => {
      if (!sourceIdx.has(p.source)) {
        sourceIdx.set(p.source, this.sources.length);
        this.sources.push(p.source);
      }
      if (!batchIdx.has(p.batchId)) {
        batchIdx.set(p.batchId, this.batches.length);
        this.batches.push({ source: p.source, name: p.batch });
      }
      return { id: p.id, name: p.name, replicate: p.replicate ?? null, batch: p.batch, source: p.source, batchIdx: batchIdx.get(p.batchId)!, sourceIdx: sourceIdx.get(p.source)! };
    });
    const plateOf = new Map(this.plates.map((p, i) => [p.id, i]));

    const from = 'FROM well_profiles wp JOIN wells w ON w.id = wp.well_id WHERE wp.feature_set_id = ?';
    const n = (db.prepare(`SELECT COUNT(*) AS n ${from}`).get(fsId) as { n: number }).n;
    const first = db.prepare(`SELECT length(wp.normalized) AS b ${from} LIMIT 1`).get(fsId) as { b: number } | undefined;
    const d = first ? first.b / 4 : featureSet.dim;
    this.n = n;
    this.d = d;
    this.kernel = new Int8Kernel(n, d, { engine: opts.engine, threads: opts.threads });
    this.wellIds = new Int32Array(n);
    this.plate = new Int32Array(n);
    this.compound = new Int32Array(n);
    this.concentration = new Float64Array(n);
    this.control = new Uint8Array(n);
    this.pert = new Uint8Array(n);
    this.norms = new Float64Array(n);
    this.scale = new Float64Array(n);
    this.residual = new Float64Array(n);

    const stmt = db.prepare(`SELECT wp.well_id, wp.normalized, w.plate_id, w.compound_id, w.concentration, w.pert_type ${from} ORDER BY wp.well_id`).raw(true);
    const vec = new Float32Array(d);
    const vecBytes = new Uint8Array(vec.buffer);
    let r = 0;
    for (const row of stmt.iterate(fsId) as Iterable<[number, Buffer, number, number | null, number | null, string | null]>) {
      if (r >= n) break;
      const [wellId, blob, plateId, compoundId, conc, pert] = row;
      if (blob.byteLength !== d * 4) throw new Error(`feature set ${featureSet.name}: well ${wellId} has ${blob.byteLength / 4} values, expected ${d}`);
      vecBytes.set(blob);
      this.quantise(r, vec);
      this.wellIds[r] = wellId;
      this.plate[r] = plateOf.get(plateId) ?? -1;
      this.compound[r] = compoundId ?? -1;
      this.concentration[r] = conc ?? NaN;
      const code = pert === null ? NO_PERT : PERT_CODES.indexOf(pert as (typeof PERT_CODES)[number]);
      this.pert[r] = code < 0 ? NO_PERT : code;
      this.control[r] = pert === 'negcon' || pert === 'empty' ? 1 : 0;
      r++;
    }
    if (r !== n) throw new Error(`feature set ${featureSet.name}: read ${r} profiles, expected ${n} (the project changed while indexing)`);
    const read = db.prepare('SELECT normalized FROM well_profiles WHERE feature_set_id = ? AND well_id = ?').pluck(true);
    this.readRow = (wellId) => read.get(fsId, wellId) as Buffer | undefined;

    // The significance null's rows: up to NULL_SAMPLE control wells and as many treated wells, drawn once.
    const m = opts.nullSample ?? NULL_SAMPLE;
    const controls: number[] = [];
    const treated: number[] = [];
    for (let i = 0; i < n; i++) {
      if (this.pert[i] === 1) controls.push(i);
      else if (!this.control[i] && this.compound[i] >= 0) treated.push(i);
    }
    const rnd = mulberry32(0x5eed + fsId);
    this.nullControls = sample(controls, m, rnd);
    this.nullTreated = sample(treated, m, rnd);
    for (const i of [...this.nullControls, ...this.nullTreated]) this.held.set(i, this.vector(i));
    this.buildMs = performance.now() - t0;
  }

  /** Row r's int8 codes (scale max|x|/127, rounded to nearest), its norm, scale and residual. */
  private quantise(r: number, x: Float32Array): void {
    const d = this.d;
    let ss = 0;
    let max = 0;
    for (let k = 0; k < d; k++) {
      const v = x[k];
      ss += v * v;
      const a = Math.abs(v);
      if (a > max) max = a;
    }
    const norm = Math.sqrt(ss);
    this.norms[r] = norm;
    if (!(norm > 0 && norm < Infinity)) {
      // A zero row scores exactly 0 (bound 0); a row with NaN/∞ is always re-ranked (bound ∞).
      this.residual[r] = norm === 0 ? 0 : Infinity;
      return;
    }
    const s = max / CODE_MAX;
    const inv = CODE_MAX / max;
    const codes = this.kernel.codes;
    const o = r * this.kernel.dp;
    let ee = 0;
    for (let k = 0; k < d; k++) {
      const v = x[k];
      const c = Math.round(v * inv); // |v·inv| ≤ 127 (+ rounding), so c ∈ [-127, 127]
      codes[o + k] = c;
      const e = v - c * s;
      ee += e * e;
    }
    this.scale[r] = s / norm;
    this.residual[r] = Math.sqrt(ee) / norm;
  }

  /** Stop the scan's helper thread (the index still answers, on one thread). */
  close(): void {
    this.kernel.close();
  }

  /** Row of a well id, or -1. */
  rowOf(wellId: number): number {
    let lo = 0;
    let hi = this.n - 1;
    const ids = this.wellIds;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid];
      if (v === wellId) return mid;
      if (v < wellId) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** A copy of a stored row, read back from the project (rows of the null are held). */
  vector(row: number): Float32Array {
    const held = this.held.get(row);
    if (held) return held.slice();
    const wellId = this.wellIds[row];
    const blob = this.readRow(wellId);
    const v = new Float32Array(this.d);
    let same = !!blob && blob.byteLength === this.d * 4;
    if (same) {
      new Uint8Array(v.buffer).set(blob!);
      // The codes and bounds describe the row as it was indexed: a row rewritten since (embed replaces
      // a set's rows) would make the re-rank wrong, so its norm — summed as at build — must still match.
      let ss = 0;
      for (let k = 0; k < this.d; k++) ss += v[k] * v[k];
      same = Object.is(Math.sqrt(ss), this.norms[row]);
    }
    // Not a bug but a race with a writer (e.g. an embed job): the user's fix is to ask again.
    if (!same) throw new InputError(`feature set ${this.featureSet.name}: the profile of well ${wellId} changed since the search index was built; run the query again`);
    return v;
  }

  /** Unit-length float64 copy of `q` (all zeros stays zeros). */
  unit(q: ArrayLike<number>): Float64Array {
    if (q.length !== this.d) throw new RangeError(`query has ${q.length} values, feature set ${this.featureSet.name} has ${this.d}`);
    let s = 0;
    for (let k = 0; k < this.d; k++) s += q[k] * q[k];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    return Float64Array.from(q, (v) => v * inv);
  }

  /** Exact (float64) cosine of row `r` with a unit-length query. */
  cosine(r: number, q: Float64Array): number {
    const norm = this.norms[r];
    if (!(norm > 0)) return 0;
    const x = this.held.get(r) ?? this.vector(r);
    let s = 0;
    for (let k = 0; k < this.d; k++) s += x[k] * q[k];
    return s / norm;
  }

  /** Whether row `r` passes a filter (the same test `search` applies). */
  passes(r: number, f: RowFilter): boolean {
    if (f.plateOk !== null && !f.plateOk[this.plate[r]]) return false;
    if (!f.includeControls && this.control[r]) return false;
    if (f.minConcentration !== undefined || f.maxConcentration !== undefined) {
      const c = this.concentration[r];
      if (!(c >= (f.minConcentration ?? -Infinity) && c <= (f.maxConcentration ?? Infinity))) return false;
    }
    for (const x of f.excludeRows ?? []) if (x === r) return false;
    return true;
  }

  /**
   * The query's int16 codes into the kernel (scale t = max|q|/B, B the kernel's overflow-safe limit);
   * returns t and φ = ‖q − t·codes‖.
   */
  private quantiseQuery(q: Float64Array): { t: number; phi: number } {
    const kq = this.kernel.query;
    kq.fill(0);
    let max = 0;
    for (let k = 0; k < this.d; k++) max = Math.max(max, Math.abs(q[k]));
    if (max === 0) return { t: 0, phi: 0 };
    const limit = queryLimit(this.kernel.dp);
    const t = max / limit;
    let ff = 0;
    for (let k = 0; k < this.d; k++) {
      const c = Math.max(-limit, Math.min(limit, Math.round(q[k] / t)));
      kq[k] = c;
      const f = q[k] - c * t;
      ff += f * f;
    }
    return { t, phi: Math.sqrt(ff) };
  }

  /**
   * The k most similar rows that pass the filter, by exact cosine (descending; ties by ascending well
   * id). One int8 kernel pass bounds every row's cosine; rows that could be in the top k are re-ranked
   * in float64 from their stored values.
   *
   * Why the bound holds. Row r holds x (its float32 values), N = ‖x‖, codes c with x = s·c + e and
   * ρ = ‖e‖/N; the unit query q = t·b + f with int16 codes b and φ = ‖f‖. Then
   *   cos = x·q/N = s·t·(c·b)/N + (s·c)·f/N + e·q/N,
   * where c·b is the kernel's exact integer sum, |(s·c)·f| ≤ ‖x − e‖·φ ≤ (N + ‖e‖)·φ and
   * |e·q| ≤ ‖e‖·‖q‖ = ‖e‖ (Cauchy–Schwarz), so with a = (c·b)·(s/N)·t,
   *   |cos − a| ≤ β = ρ + (1 + ρ)·φ (+ SLACK for float64 rounding).
   * Let τ be the k-th largest lower bound a − β among rows that pass. k rows then have cos ≥ τ, so
   * the k-th best cosine is ≥ τ and every row of the top k — ties included — has a + β ≥ cos ≥ τ.
   * Rows with a + β < τ are dropped; τ only rises during the scan, so dropping early is safe too.
   */
  search(query: ArrayLike<number>, k: number, f: RowFilter): Hit[] {
    const q = this.unit(query);
    const excluded = new Set(f.excludeRows ?? []);
    const plateOk = f.plateOk;
    const plate = this.plate;
    const control = this.control;
    const skipControls = !f.includeControls;
    const concFilter = f.minConcentration !== undefined || f.maxConcentration !== undefined;
    const cmin = f.minConcentration ?? -Infinity;
    const cmax = f.maxConcentration ?? Infinity;
    const conc = this.concentration;
    const pass = (r: number) => {
      if (plateOk !== null && !plateOk[plate[r]]) return false;
      if (skipControls && control[r]) return false;
      if (concFilter) {
        const c = conc[r];
        if (!(c >= cmin && c <= cmax)) return false;
      }
      return !(excluded.size && excluded.has(r));
    };
    const n = this.n;
    const { t, phi } = this.quantiseQuery(q);
    const hits: Hit[] = [];
    if (t === 0) {
      // A zero query: every cosine is exactly 0, so the top k are the first k rows that pass.
      for (let r = 0; r < n && hits.length < k; r++) if (pass(r)) hits.push({ row: r, similarity: this.cosine(r, q) });
      this.lastCandidates = hits.length;
      return hits;
    }
    const scale = this.scale;
    const resid = this.residual;
    const onePhi = 1 + phi;
    const phiSlack = phi + SLACK;

    // Min-heap of the k best lower bounds so far; its root is the running threshold τ.
    const heap = new Float64Array(Math.max(1, k));
    let size = 0;
    let lim = -Infinity;
    let cands = new Int32Array(256);
    let nc = 0;
    const visit = (from: number, to: number) => {
      const dots = this.kernel.out;
      for (let r = from; r < to; r++) {
        const a = dots[r] * scale[r] * t;
        const b = resid[r] * onePhi + phiSlack;
        if (a + b < lim) continue;
        if (plateOk !== null && !plateOk[plate[r]]) continue;
        if (skipControls && control[r]) continue;
        if (concFilter) {
          const c = conc[r];
          if (!(c >= cmin && c <= cmax)) continue;
        }
        if (excluded.size && excluded.has(r)) continue;
        if (nc === cands.length) {
          const grown = new Int32Array(cands.length * 2);
          grown.set(cands);
          cands = grown;
        }
        cands[nc++] = r;
        const lo = a - b;
        if (size < k) {
          heap[size++] = lo;
          siftUp(heap, size - 1);
          if (size === k) lim = heap[0];
        } else if (lo > heap[0]) {
          heap[0] = lo;
          siftDown(heap, size);
          lim = heap[0];
        }
      }
    };
    const dots = this.kernel.scan(visit);
    for (let i = 0; i < nc; i++) {
      const r = cands[i];
      if (dots[r] * scale[r] * t + (resid[r] * onePhi + phiSlack) >= lim) hits.push({ row: r, similarity: this.cosine(r, q) });
    }
    this.lastCandidates = hits.length;
    hits.sort((a, b) => b.similarity - a.similarity || this.wellIds[a.row] - this.wellIds[b.row]);
    return hits.slice(0, k);
  }

  /**
   * The significance null for a query: exact cosines between it and the sampled control (DMSO) wells
   * plus the sampled treated wells, leaving out `excludeRows` (the query's wells) and, from the treated
   * part, wells of `excludeCompounds` (the query's own compound, whose wells are expected positives).
   * Sorted ascending.
   */
  nullSimilarities(query: ArrayLike<number>, excludeRows: Iterable<number> = [], excludeCompounds: Iterable<number> = []): Float64Array {
    const q = this.unit(query);
    const rows = new Set(excludeRows);
    const compounds = new Set(excludeCompounds);
    const out: number[] = [];
    for (const r of this.nullControls) if (!rows.has(r)) out.push(this.cosine(r, q));
    for (const r of this.nullTreated) if (!rows.has(r) && !compounds.has(this.compound[r])) out.push(this.cosine(r, q));
    return Float64Array.from(out).sort();
  }
}

/** Empirical p-value of similarity `s` against a sorted null: (1 + #null ≥ s) / (1 + n). */
export function empiricalP(nullSorted: Float64Array, s: number): number {
  let lo = 0;
  let hi = nullSorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (nullSorted[mid] < s) lo = mid + 1;
    else hi = mid;
  }
  return (1 + nullSorted.length - lo) / (1 + nullSorted.length);
}

function sample(xs: number[], m: number, rnd: () => number): Int32Array {
  const a = xs.slice();
  const take = Math.min(m, a.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rnd() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return Int32Array.from(a.slice(0, take)).sort();
}

function siftUp(h: Float64Array, i: number): void {
  const v = h[i];
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p] <= v) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = v;
}

function siftDown(h: Float64Array, size: number): void {
  const v = h[0];
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const c = l + 1 < size && h[l + 1] < h[l] ? l + 1 : l;
    if (h[c] >= v) break;
    h[i] = h[c];
    i = c;
  }
  h[i] = v;
}

// ---- the per-connection cache ------------------------------------------------------------------

interface CacheEntry {
  index: SearchIndex;
  quick: string;
  full: string;
}

const cache = new WeakMap<DB, Map<number, CacheEntry>>();
/** Indexes kept per connection (a 1M × 700 index holds ~0.75 GB, 1M × 64 ~110 MB). */
const MAX_CACHED = 2;

function quickVersion(db: DB): string {
  const dv = db.pragma('data_version', { simple: true }) as number;
  const tc = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  return `${dv}:${tc}`;
}

/** What the index depends on: the set's profile rows, the set itself, and the wells (metadata). */
function fullVersion(db: DB, fs: FeatureSetInfo): string {
  const p = db.prepare('SELECT COUNT(*) AS n, MAX(rowid) AS m FROM well_profiles WHERE feature_set_id = ?').get(fs.id) as { n: number; m: number | null };
  const f = db.prepare('SELECT created_at AS c FROM feature_sets WHERE id = ?').get(fs.id) as { c: string } | undefined;
  const w = db.prepare('SELECT COUNT(*) AS n, MAX(id) AS m FROM wells').get() as { n: number; m: number | null };
  const s = db.prepare('SELECT fitted_on AS f, length(matrix) AS l FROM sphering WHERE feature_set_id = ?').get(fs.id) as { f: number; l: number } | undefined;
  return JSON.stringify([p.n, p.m, f?.c, w.n, w.m, s?.f, s?.l, fs.dim]);
}

/** The cached index of a feature set, rebuilt when its profiles (or the wells) changed. */
export function getSearchIndex(db: DB, fs: FeatureSetInfo): { index: SearchIndex; cached: boolean } {
  let perDb = cache.get(db);
  if (!perDb) cache.set(db, (perDb = new Map()));
  const hit = perDb.get(fs.id);
  const quick = quickVersion(db);
  if (hit && hit.index.featureSet.name === fs.name) {
    if (hit.quick === quick) return touch(perDb, fs.id, hit, true);
    const full = fullVersion(db, fs);
    if (hit.full === full) {
      hit.quick = quick;
      return touch(perDb, fs.id, hit, true);
    }
  }
  drop(perDb, fs.id);
  // A set rebuilt by `embed` comes back under a new id: its old index is dead weight.
  for (const [id, e] of perDb) if (e.index.featureSet.name === fs.name) drop(perDb, id);
  const full = fullVersion(db, fs);
  const index = new SearchIndex(fs, db);
  const entry = { index, quick, full };
  perDb.set(fs.id, entry);
  while (perDb.size > MAX_CACHED) drop(perDb, perDb.keys().next().value!);
  return { index, cached: false };
}

/** Forget an index and stop its helper thread (a caller still holding it gets one-thread scans). */
function drop(perDb: Map<number, CacheEntry>, id: number): void {
  perDb.get(id)?.index.close();
  perDb.delete(id);
}

function touch(perDb: Map<number, CacheEntry>, id: number, e: CacheEntry, cached: boolean): { index: SearchIndex; cached: boolean } {
  perDb.delete(id);
  perDb.set(id, e);
  return { index: e.index, cached };
}

/** Drop every cached index of a connection (tests, or before closing a project). */
export function clearSearchCache(db: DB): void {
  for (const e of cache.get(db)?.values() ?? []) e.index.close();
  cache.delete(db);
}
