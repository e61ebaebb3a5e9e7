// `npm run bench -- search [--dim 700] [--wells 100000,1000000]`: similarity search over synthetic
// well profiles (default 64-d, the micon feature-head embedding; profile tables are 300–3,000 wide),
// stored in a project file the way embed stores them. `MICON_BENCH_SEARCH_DIM` / `_WELLS` work too.
// Reports build time, file size, query latency (k=10; no exclusion and not-same-source), the rows
// each query re-ranked, recall against a float64 brute-force scan (must be 1.0) and peak RSS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openProject, type DB } from '../../main/core/db/open.js';
import { featureSetByName } from '../../main/core/feature-sets/store.js';
import { clearSearchCache, getSearchIndex, SearchIndex } from '../../main/core/search/index.js';
import { runQuery } from '../../main/core/search/query.js';
import { mulberry32 } from '../../main/core/util/random.js';
import { writeSyntheticScreen } from '../helpers/search-fixtures.js';

const K = 10;
const QUERIES = 60;
/** Queries timed with the plain-JS kernel (it scans at ~1 s per 1M × 700 query). */
const JS_QUERIES = 5;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2));
};
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

type Best = { id: number; s: number }[];

/**
 * Top-k of every query (a stored row) by a plain float64 scan of the stored profiles, streamed from the
 * project (exact cosine, ties by well id), with and without not-same-source: what search must equal.
 */
function bruteForce(db: DB, index: SearchIndex, fsId: number, queryRows: number[]): { all: number[][]; nss: number[][] } {
  const d = index.d;
  const m = queryRows.length;
  const Q = new Float64Array(m * d);
  queryRows.forEach((r, j) => {
    const v = index.vector(r);
    let qq = 0;
    for (let k = 0; k < d; k++) qq += v[k] * v[k];
    for (let k = 0; k < d; k++) Q[j * d + k] = v[k] / Math.sqrt(qq);
  });
  const qSource = queryRows.map((r) => index.plates[index.plate[r]].sourceIdx);
  const best = { all: queryRows.map((): Best => []), nss: queryRows.map((): Best => []) };
  const before = (a: { id: number; s: number }, b: { id: number; s: number }) => a.s > b.s || (a.s === b.s && a.id < b.id);
  // Keep the K best in order (similarity desc, well id asc) by insertion: no sort of 1M rows.
  const offer = (list: Best, c: { id: number; s: number }) => {
    if (list.length === K && !before(c, list[K - 1])) return;
    let i = list.length === K ? K - 1 : list.length;
    while (i > 0 && before(c, list[i - 1])) i--;
    list.splice(i, 0, c);
    if (list.length > K) list.pop();
  };
  const x = new Float32Array(d);
  const xb = new Uint8Array(x.buffer);
  const stmt = db.prepare('SELECT well_id, normalized FROM well_profiles WHERE feature_set_id = ? ORDER BY well_id').raw(true);
  for (const [wellId, blob] of stmt.iterate(fsId) as Iterable<[number, Buffer]>) {
    const r = index.rowOf(wellId);
    if (index.control[r]) continue;
    xb.set(blob);
    let xx = 0;
    for (let k = 0; k < d; k++) xx += x[k] * x[k];
    const norm = Math.sqrt(xx);
    const src = index.plates[index.plate[r]].sourceIdx;
    for (let j = 0; j < m; j++) {
      if (r === queryRows[j]) continue;
      let dot = 0;
      const o = j * d;
      for (let k = 0; k < d; k++) dot += x[k] * Q[o + k];
      const c = { id: wellId, s: norm > 0 ? dot / norm : 0 };
      offer(best.all[j], c);
      if (src !== qSource[j]) offer(best.nss[j], c);
    }
  }
  return { all: best.all.map((b) => b.map((c) => c.id)), nss: best.nss.map((b) => b.map((c) => c.id)) };
}

async function benchSize(dir: string, wells: number, dim: number): Promise<object> {
  const file = path.join(dir, `search-${wells}x${dim}.micon`);
  process.stderr.write(`bench search: writing ${wells.toLocaleString()} synthetic ${dim}-d well profiles\n`);
  const db = openProject(file);
  const t0 = performance.now();
  const screen = writeSyntheticScreen(db, { wells, dim, seed: 7 });
  db.pragma('wal_checkpoint(TRUNCATE)');
  const writeSeconds = (performance.now() - t0) / 1000;
  const fileMiB = (fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0)) / 2 ** 20;
  const rssBeforeIndex = peakRssMiB();

  const fsInfo = featureSetByName(db, 'micon')!;
  const t1 = performance.now();
  const { index } = getSearchIndex(db, fsInfo);
  const indexSeconds = (performance.now() - t1) / 1000;
  process.stderr.write(`  written in ${writeSeconds.toFixed(1)} s (${fileMiB.toFixed(0)} MiB), indexed in ${indexSeconds.toFixed(2)} s (${index.kernel.engine})\n`);

  const rnd = mulberry32(99);
  const queryRows: number[] = [];
  while (queryRows.length < QUERIES) {
    const r = Math.floor(rnd() * index.n);
    if (!index.control[r]) queryRows.push(r);
  }
  const wellName = db.prepare('SELECT p.name AS plate, w.well FROM wells w JOIN plates p ON p.id = w.plate_id WHERE w.id = ?');
  const latency: Record<string, { search: number[]; query: number[]; reranked: number[] }> = {
    all: { search: [], query: [], reranked: [] },
    nss: { search: [], query: [], reranked: [] },
  };
  const got: Record<string, { search: number[][]; query: number[][] }> = { all: { search: [], query: [] }, nss: { search: [], query: [] } };
  for (const [mode, nss] of [
    ['all', false],
    ['nss', true],
  ] as const) {
    for (const r of queryRows) {
      // The scan alone (what the index does, from the query's stored profile) …
      const sourceOk = Uint8Array.from(index.plates, (p) => (nss && p.sourceIdx === index.plates[index.plate[r]].sourceIdx ? 0 : 1));
      const ts = performance.now();
      const hits = index.search(index.vector(r), K, { plateOk: nss ? sourceOk : null, includeControls: false, excludeRows: [r] });
      latency[mode].search.push(performance.now() - ts);
      latency[mode].reranked.push(index.lastCandidates);
      // … and a whole `micon query --well` (well lookup, scan, null, p-values, metadata of the hits).
      const w = wellName.get(index.wellIds[r]) as { plate: string; well: string };
      const tq = performance.now();
      const res = await runQuery(db, { kind: 'well', well: `${w.plate}:${w.well}` }, { k: K, exclude: nss ? 'same-source' : null });
      latency[mode].query.push(performance.now() - tq);
      got[mode].search.push(hits.map((h) => index.wellIds[h.row]));
      got[mode].query.push(res.results.map((h) => h.wellId));
    }
  }
  const searchPeakRssMiB = peakRssMiB();
  process.stderr.write(`  timed; brute force over ${QUERIES} queries …\n`);
  const tb = performance.now();
  const ref = bruteForce(db, index, fsInfo.id, queryRows);
  const bruteSeconds = (performance.now() - tb) / 1000;
  let found = 0;
  let exactOrder = 0;
  for (const mode of ['all', 'nss'] as const) {
    queryRows.forEach((_, j) => {
      const want = ref[mode][j];
      found += got[mode].search[j].filter((id) => want.includes(id)).length;
      if (got[mode].search[j].join() === want.join() && got[mode].query[j].join() === want.join()) exactOrder++;
    });
  }
  const indexMiB = index.kernel.bytes / 2 ** 20;
  const engine = index.kernel.engine;
  const threads = index.kernel.threads;
  // The scan without WebAssembly SIMD, for comparison (same data, plain-JS kernel), once the first index is dropped.
  clearSearchCache(db);
  const jsIndex = new SearchIndex(fsInfo, db, { engine: 'js' });
  const jsTimes = queryRows.slice(0, JS_QUERIES).map((r) => {
    const t = performance.now();
    jsIndex.search(jsIndex.vector(r), K, { plateOk: null, includeControls: false, excludeRows: [r] });
    return performance.now() - t;
  });
  db.close();
  fs.rmSync(file, { force: true });
  for (const s of ['-wal', '-shm']) fs.rmSync(file + s, { force: true });
  return {
    wells,
    dim,
    plates: screen.plates,
    sources: screen.sources,
    batches: screen.batches,
    compounds: screen.compounds,
    controls: screen.controls,
    build: {
      writeSeconds: Number(writeSeconds.toFixed(2)),
      indexSeconds: Number(indexSeconds.toFixed(2)),
      fileMiB: Number(fileMiB.toFixed(1)),
      indexMiB: Number(indexMiB.toFixed(1)),
    },
    engine,
    threads,
    k: K,
    queries: QUERIES,
    latencyMs: {
      search: { p50: pct(latency.all.search, 50), p95: pct(latency.all.search, 95) },
      searchNotSameSource: { p50: pct(latency.nss.search, 50), p95: pct(latency.nss.search, 95) },
      query: { p50: pct(latency.all.query, 50), p95: pct(latency.all.query, 95) },
      queryNotSameSource: { p50: pct(latency.nss.query, 50), p95: pct(latency.nss.query, 95) },
      searchPlainJsKernel: { p50: pct(jsTimes, 50), p95: pct(jsTimes, 95), queries: jsTimes.length },
    },
    rerankedRows: {
      search: { p50: pct(latency.all.reranked, 50), p95: pct(latency.all.reranked, 95), max: Math.max(...latency.all.reranked) },
      searchNotSameSource: { p50: pct(latency.nss.reranked, 50), p95: pct(latency.nss.reranked, 95), max: Math.max(...latency.nss.reranked) },
    },
    recall: found / (2 * QUERIES * K),
    identicalToBruteForce: `${exactOrder}/${2 * QUERIES}`,
    bruteForceSeconds: Number(bruteSeconds.toFixed(1)),
    peakRssMiB: { beforeIndex: rssBeforeIndex, search: searchPeakRssMiB, withPlainJsIndex: peakRssMiB() },
  };
}

function numbers(option: string | undefined, env: string | undefined, fallback: number[]): number[] {
  const text = option ?? env;
  if (!text) return fallback;
  const xs = text.split(',').map(Number);
  if (!xs.every((x) => Number.isInteger(x) && x > 0)) throw new Error(`bench search: expected positive whole numbers, got "${text}"`);
  return xs;
}

export async function benchSearch(o: Record<string, string> = {}): Promise<object> {
  const [dim] = numbers(o.dim, process.env.MICON_BENCH_SEARCH_DIM, [64]);
  const sizes = numbers(o.wells, process.env.MICON_BENCH_SEARCH_WELLS, [100_000, 1_000_000]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-bench-search-'));
  try {
    const results = [];
    for (const n of sizes) results.push(await benchSize(dir, n, dim));
    return {
      sizes: results,
      peakRssMiB: peakRssMiB(),
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
      note:
        'search = the index scan alone (WebAssembly SIMD int8 scan with a per-row error bound + exact float64 re-rank of rerankedRows rows read from the project); query = a whole `micon query --well` (lookup, scan, null of ≤2,000 wells, p-values, hit metadata); recall and identicalToBruteForce compare with a float64 full scan streamed from the project (ties by well id), for both exclusion modes; peakRssMiB.search is the peak up to the end of the timed queries, withPlainJsIndex after building a second index for the plain-JS comparison; loadAverage is the machine load at the end (the machine is shared)',
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
