// `npm run bench -- search`: similarity search over 100k and 1M synthetic well profiles (64-d, the
// default micon feature-head embedding), stored in a project file the way embed stores them. Reports
// build time, file size, query latency (k=10; no exclusion and not-same-source), recall against a
// float64 brute-force scan (must be 1.0) and peak RSS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openProject } from '../../main/core/db/open.js';
import { featureSetByName } from '../../main/core/embeddings/store.js';
import { clearSearchCache, getSearchIndex, SearchIndex } from '../../main/core/search/index.js';
import { runQuery } from '../../main/core/search/query.js';
import { mulberry32 } from '../../main/core/util/random.js';
import { writeSyntheticScreen } from '../helpers/search-fixtures.js';

const DIM = 64;
const K = 10;
const QUERIES = 60;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2));
};
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Top-k by a plain float64 scan of every row (exact cosine, ties by well id); the reference search must equal. */
function bruteForce(index: SearchIndex, qRow: number, nss: boolean): number[] {
  const d = index.d;
  const dp = index.kernel.dp;
  const X = index.kernel.rows;
  const q = X.subarray(qRow * dp, qRow * dp + d);
  let qq = 0;
  for (let k = 0; k < d; k++) qq += q[k] * q[k];
  const qSource = index.plates[index.plate[qRow]].sourceIdx;
  // Keep the K best in order (similarity desc, well id asc) with insertion: no full sort of 1M rows.
  const best: { id: number; s: number }[] = [];
  const before = (a: { id: number; s: number }, b: { id: number; s: number }) => a.s > b.s || (a.s === b.s && a.id < b.id);
  for (let r = 0; r < index.n; r++) {
    if (r === qRow || index.control[r]) continue;
    if (nss && index.plates[index.plate[r]].sourceIdx === qSource) continue;
    let dot = 0;
    let xx = 0;
    for (let k = 0; k < d; k++) {
      dot += X[r * dp + k] * q[k];
      xx += X[r * dp + k] * X[r * dp + k];
    }
    const c = { id: index.wellIds[r], s: dot / Math.sqrt(xx * qq) };
    if (best.length === K && !before(c, best[K - 1])) continue;
    let i = best.length === K ? K - 1 : best.length;
    while (i > 0 && before(c, best[i - 1])) i--;
    best.splice(i, 0, c);
    if (best.length > K) best.pop();
  }
  return best.map((x) => x.id);
}

async function benchSize(dir: string, wells: number): Promise<object> {
  const file = path.join(dir, `search-${wells}.micon`);
  process.stderr.write(`bench search: writing ${wells.toLocaleString()} synthetic well profiles\n`);
  const db = openProject(file);
  const t0 = performance.now();
  const screen = writeSyntheticScreen(db, { wells, dim: DIM, seed: 7 });
  db.pragma('wal_checkpoint(TRUNCATE)');
  const writeSeconds = (performance.now() - t0) / 1000;
  const fileMiB = (fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0)) / 2 ** 20;

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
  const latency: Record<string, { search: number[]; query: number[] }> = { all: { search: [], query: [] }, nss: { search: [], query: [] } };
  let found = 0;
  let exactOrder = 0;
  for (const [mode, nss] of [
    ['all', false],
    ['nss', true],
  ] as const) {
    for (const r of queryRows) {
      // The scan alone (what the index does) …
      const sourceOk = Uint8Array.from(index.plates, (p) => (nss && p.sourceIdx === index.plates[index.plate[r]].sourceIdx ? 0 : 1));
      const ts = performance.now();
      const hits = index.search(index.vector(r), K, { plateOk: nss ? sourceOk : null, includeControls: false, excludeRows: [r] });
      latency[mode].search.push(performance.now() - ts);
      // … and a whole `micon query --well` (well lookup, scan, null, p-values, metadata of the hits).
      const w = wellName.get(index.wellIds[r]) as { plate: string; well: string };
      const tq = performance.now();
      const res = await runQuery(db, { kind: 'well', well: `${w.plate}:${w.well}` }, { k: K, exclude: nss ? 'same-source' : null });
      latency[mode].query.push(performance.now() - tq);
      const ref = bruteForce(index, r, nss);
      const got = hits.map((h) => index.wellIds[h.row]);
      found += got.filter((id) => ref.includes(id)).length;
      if (got.join() === ref.join() && res.results.map((h) => h.wellId).join() === ref.join()) exactOrder++;
    }
  }
  // The scan without WebAssembly SIMD, for comparison (same data, plain-JS kernel).
  const jsIndex = new SearchIndex(fsInfo, db, { engine: 'js' });
  const jsTimes = queryRows.slice(0, 20).map((r) => {
    const t = performance.now();
    jsIndex.search(jsIndex.vector(r), K, { plateOk: null, includeControls: false, excludeRows: [r] });
    return performance.now() - t;
  });
  clearSearchCache(db);
  db.close();
  fs.rmSync(file, { force: true });
  for (const s of ['-wal', '-shm']) fs.rmSync(file + s, { force: true });
  return {
    wells,
    dim: DIM,
    plates: screen.plates,
    sources: screen.sources,
    batches: screen.batches,
    compounds: screen.compounds,
    controls: screen.controls,
    build: { writeSeconds: Number(writeSeconds.toFixed(2)), indexSeconds: Number(indexSeconds.toFixed(2)), fileMiB: Number(fileMiB.toFixed(1)), indexMiB: Number((index.kernel.bytes / 2 ** 20).toFixed(1)) },
    engine: index.kernel.engine,
    k: K,
    queries: QUERIES,
    latencyMs: {
      search: { p50: pct(latency.all.search, 50), p95: pct(latency.all.search, 95) },
      searchNotSameSource: { p50: pct(latency.nss.search, 50), p95: pct(latency.nss.search, 95) },
      query: { p50: pct(latency.all.query, 50), p95: pct(latency.all.query, 95) },
      queryNotSameSource: { p50: pct(latency.nss.query, 50), p95: pct(latency.nss.query, 95) },
      searchPlainJsKernel: { p50: pct(jsTimes, 50), p95: pct(jsTimes, 95) },
    },
    recall: found / (2 * QUERIES * K),
    identicalToBruteForce: `${exactOrder}/${2 * QUERIES}`,
    peakRssMiB: peakRssMiB(),
  };
}

export async function benchSearch(): Promise<object> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-bench-search-'));
  try {
    const sizes = [];
    for (const n of [100_000, 1_000_000]) sizes.push(await benchSize(dir, n));
    return {
      sizes,
      peakRssMiB: peakRssMiB(),
      cpus: os.cpus().length,
      note:
        'search = the index scan alone (WebAssembly SIMD float32 cosines + exact float64 re-rank); query = a whole `micon query --well` (lookup, scan, null of ≤2,000 wells, p-values, hit metadata); recall and identicalToBruteForce compare with a float64 full scan + sort (ties by well id), for both exclusion modes',
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
