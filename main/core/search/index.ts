// The in-memory search index of one feature set: its normalised well profiles as float32 rows for
// the scan kernel, plus per-row codes for filtering (plate → batch → source, compound, control,
// concentration). Built from SQLite once and cached per connection and feature set; a query checks
// whether the project changed since (PRAGMA data_version + this connection's total_changes(), and
// when either moved, a fingerprint of the set's profiles and the wells) and rebuilds only then.
//
// Search is exact: the kernel's float32 cosines pick candidates with a margin that bounds their
// rounding error (kernel.ts), and the candidates are re-ranked by float64 cosine over the stored
// values — so results equal a float64 brute-force scan, ties broken by ascending well id.
import type { DB } from '../db/open.js';
import type { FeatureSetInfo } from '../embeddings/store.js';
import { mulberry32 } from '../util/random.js';
import { DotKernel, kernelErrorBound } from './kernel.js';

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

export const PERT_CODES = ['trt', 'negcon', 'poscon', 'empty'] as const;
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

export class SearchIndex {
  readonly n: number;
  readonly d: number;
  readonly kernel: DotKernel;
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
  readonly plates: IndexPlate[];
  readonly batches: { source: string; name: string }[];
  readonly sources: string[];
  readonly nullControls: Int32Array;
  readonly nullTreated: Int32Array;
  readonly buildMs: number;

  constructor(
    readonly featureSet: FeatureSetInfo,
    db: DB,
    opts: { engine?: 'wasm-simd' | 'js'; nullSample?: number } = {},
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
    this.kernel = new DotKernel(n, d, { engine: opts.engine });
    this.wellIds = new Int32Array(n);
    this.plate = new Int32Array(n);
    this.compound = new Int32Array(n);
    this.concentration = new Float64Array(n);
    this.control = new Uint8Array(n);
    this.pert = new Uint8Array(n);
    this.norms = new Float64Array(n);

    const dp = this.kernel.dp;
    const bytes = new Uint8Array(this.kernel.rows.buffer, this.kernel.rows.byteOffset, this.kernel.rows.byteLength);
    const stmt = db.prepare(`SELECT wp.well_id, wp.normalized, w.plate_id, w.compound_id, w.concentration, w.pert_type ${from} ORDER BY wp.well_id`).raw(true);
    let r = 0;
    for (const row of stmt.iterate(fsId) as Iterable<[number, Buffer, number, number | null, number | null, string | null]>) {
      if (r >= n) break;
      const [wellId, vec, plateId, compoundId, conc, pert] = row;
      if (vec.byteLength !== d * 4) throw new Error(`feature set ${featureSet.name}: well ${wellId} has ${vec.byteLength / 4} values, expected ${d}`);
      bytes.set(vec, r * dp * 4);
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

    const X = this.kernel.rows;
    for (let i = 0; i < n; i++) {
      const o = i * dp;
      let s = 0;
      for (let k = 0; k < d; k++) s += X[o + k] * X[o + k];
      const norm = Math.sqrt(s);
      this.norms[i] = norm;
      this.kernel.invNorm[i] = norm > 0 ? 1 / norm : 0;
    }

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
    this.buildMs = performance.now() - t0;
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

  /** A copy of a stored row (unpadded). */
  vector(row: number): Float32Array {
    const o = row * this.kernel.dp;
    return this.kernel.rows.slice(o, o + this.d);
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
    const X = this.kernel.rows;
    const o = r * this.kernel.dp;
    let s = 0;
    for (let k = 0; k < this.d; k++) s += X[o + k] * q[k];
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
   * The k most similar rows that pass the filter, by exact cosine (descending; ties by ascending well
   * id). One kernel pass, then a float64 re-rank of every row the kernel's error could place in the top k.
   */
  search(query: ArrayLike<number>, k: number, f: RowFilter): Hit[] {
    const q = this.unit(query);
    const kq = this.kernel.query;
    kq.fill(0);
    for (let i = 0; i < this.d; i++) kq[i] = q[i];
    const out = this.kernel.run();

    const margin = 2 * kernelErrorBound(this.d);
    const excluded = new Set(f.excludeRows ?? []);
    const plateOk = f.plateOk;
    const plate = this.plate;
    const control = this.control;
    const skipControls = !f.includeControls;
    const concFilter = f.minConcentration !== undefined || f.maxConcentration !== undefined;
    const cmin = f.minConcentration ?? -Infinity;
    const cmax = f.maxConcentration ?? Infinity;
    const conc = this.concentration;

    // Min-heap of the k best approximate values so far; its root is the running threshold.
    const heap = new Float32Array(Math.max(1, k));
    let size = 0;
    let lim = -Infinity;
    let cands = new Int32Array(256);
    let nc = 0;
    const n = this.n;
    for (let r = 0; r < n; r++) {
      const s = out[r];
      if (s < lim) continue;
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
      if (size < k) {
        heap[size++] = s;
        siftUp(heap, size - 1);
        if (size === k) lim = heap[0] - margin;
      } else if (s > heap[0]) {
        heap[0] = s;
        siftDown(heap, size);
        lim = heap[0] - margin;
      }
    }
    const floor = size === k ? heap[0] - margin : -Infinity;
    const hits: Hit[] = [];
    for (let i = 0; i < nc; i++) {
      const r = cands[i];
      if (out[r] >= floor) hits.push({ row: r, similarity: this.cosine(r, q) });
    }
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

function siftUp(h: Float32Array, i: number): void {
  const v = h[i];
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p] <= v) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = v;
}

function siftDown(h: Float32Array, size: number): void {
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
/** Indexes kept per connection (a 1M × 64 index holds ~280 MB). */
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
  perDb.delete(fs.id);
  // A set rebuilt by `embed` comes back under a new id: its old index is dead weight.
  for (const [id, e] of perDb) if (e.index.featureSet.name === fs.name) perDb.delete(id);
  const full = fullVersion(db, fs);
  const index = new SearchIndex(fs, db);
  const entry = { index, quick, full };
  perDb.set(fs.id, entry);
  while (perDb.size > MAX_CACHED) perDb.delete(perDb.keys().next().value!);
  return { index, cached: false };
}

function touch(perDb: Map<number, CacheEntry>, id: number, e: CacheEntry, cached: boolean): { index: SearchIndex; cached: boolean } {
  perDb.delete(id);
  perDb.set(id, e);
  return { index: e.index, cached };
}

/** Drop every cached index of a connection (tests, or before closing a project). */
export function clearSearchCache(db: DB): void {
  cache.delete(db);
}
