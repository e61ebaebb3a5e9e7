// "Wells like this": similarity search over a feature set's normalised well profiles, by well, by a
// screened compound (each replicate well, and the mean of its wells), or by an unseen SMILES (MICON's
// counterfactual head predicts the profile; counterfactual.ts). Shared by `micon query` and the API.
import { MAX_SMILES_CHARS, quoteSmiles } from '../chem/limits.js';
import { canonicalSmiles, smilesProblem } from '../chem/rdkit.js';
import type { DB } from '../db/open.js';
import { featureSetByName, featureSets, type FeatureSetInfo } from '../feature-sets/store.js';
import { tryNormaliseWell } from '../plates/wells.js';
import { InputError } from '../types.js';
import { applicabilityDomain, type ApplicabilityDomain } from './applicability.js';
import { predictSmilesProfile, smilesFeatureSets } from './counterfactual.js';
import { empiricalP, getSearchIndex, NULL_SAMPLE, type Hit, type SearchIndex } from './index.js';

export const EXCLUSIONS = ['same-plate', 'same-batch', 'same-source'] as const;
export type Exclusion = (typeof EXCLUSIONS)[number];

export type QueryTarget = { kind: 'well'; well: string } | { kind: 'compound'; compound: string } | { kind: 'smiles'; smiles: string };

export interface QueryOptions {
  /** Results per query (default 10). */
  k?: number;
  /** Feature set; default micon when it has profiles, else handcrafted (SMILES: a micon model's set). */
  features?: string;
  /** Leave out wells sharing the query well's plate, batch or source (for a compound: any of its wells'). */
  exclude?: Exclusion | null;
  /** Only wells on these sources / batches / plates (names). */
  sources?: string[];
  batches?: string[];
  plates?: string[];
  /** Return DMSO (negcon) and empty wells too (default: treated wells only). */
  includeControls?: boolean;
  /** Only wells whose concentration lies in [min, max] (wells without one are then left out). */
  minConcentration?: number;
  maxConcentration?: number;
}

const DEFAULT_K = 10;
const MAX_K = 10_000;

export interface SearchHit {
  rank: number;
  plate: string;
  well: string;
  wellId: number;
  /** Sites (fields of view) averaged into the well's profile. */
  sites: number;
  /** Compound id (JCP-style), name and canonical SMILES; null for wells without a compound. */
  compound: string | null;
  compoundName: string | null;
  smiles: string | null;
  moa: string | null;
  pertType: string | null;
  concentration: number | null;
  source: string;
  batch: string;
  replicate: number | null;
  /** Cosine similarity of normalised profiles. */
  similarity: number;
  /** Empirical p-value against the null (see `query.null`). */
  p: number;
  /** The hit is a well of the query's compound. */
  isReplicate: boolean;
  /**
   * Compound queries, mean-of-wells results: how many of the compound's wells made up the consensus this
   * hit was compared with (those outside the hit's own well, or plate/batch/source under an exclusion).
   */
  consensusWells?: number;
}

export interface QueryWell {
  plate: string;
  well: string;
  wellId: number;
  source: string;
  batch: string;
  replicate: number | null;
  compound: string | null;
  concentration: number | null;
  pertType: string | null;
  sites: number;
}

export interface QueryCompound {
  id: string;
  name: string | null;
  smiles: string | null;
  moa: string | null;
  control: boolean;
}

export interface QueryResult {
  query: {
    kind: 'well' | 'compound' | 'smiles';
    /** One line saying what was asked. */
    description: string;
    featureSet: string;
    k: number;
    exclude: Exclusion | null;
    filters: { sources: string[] | null; batches: string[] | null; plates: string[] | null; includeControls: boolean; minConcentration: number | null; maxConcentration: number | null };
    /** The query's compound (well: the well's; smiles: the screened compound with that structure, if any). */
    compound: QueryCompound | null;
    /** compound queries: how the text was matched. */
    matchedBy?: 'id' | 'name' | 'smiles';
    /** well: the well; compound: every profiled well of the compound (averaged into the query). */
    wells: QueryWell[];
    smiles?: { input: string; canonical: string; screened: boolean };
    prediction?: {
      model: string;
      step: number;
      checkpoint: string;
      imageEncoder: 'features' | 'cnn';
      plates: number;
      controlWells: number;
      controlSites: number;
      method: string;
      /** Nearest training compound (Tanimoto), stereo look-alikes, and warnings when the query is far from training. */
      applicability?: ApplicabilityDomain;
      warnings?: string[];
    };
    null: { controls: number; treated: number; description: string };
  };
  /** well: its neighbours; compound: neighbours of the mean of its wells; smiles: of the predicted profile. */
  results: SearchHit[];
  /** compound queries: each replicate well as a query of its own. */
  replicates?: { plate: string; well: string; wellId: number; source: string; batch: string; results: SearchHit[] }[];
  index: { wells: number; dim: number; engine: string; cached: boolean; buildMs: number; searchMs: number };
}

const NULL_DESCRIPTION =
  `cosines between the query and up to ${NULL_SAMPLE} DMSO (negcon) wells plus up to ${NULL_SAMPLE} treated wells drawn at random ` +
  '(once per index, fixed seed) from other compounds, leaving out the query\'s own wells; p = (1 + #null ≥ similarity) / (1 + n)';

function validateOptions(o: QueryOptions): { k: number } {
  const k = o.k ?? DEFAULT_K;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_K) throw new InputError(`k must be a whole number from 1 to ${MAX_K}, got ${String(o.k)}`);
  if (o.exclude != null && !EXCLUSIONS.includes(o.exclude)) throw new InputError(`exclude must be one of ${EXCLUSIONS.join(', ')}, got "${String(o.exclude)}"`);
  for (const [name, v] of [
    ['min concentration', o.minConcentration],
    ['max concentration', o.maxConcentration],
  ] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw new InputError(`${name} must be a number, got ${String(v)}`);
  }
  if (o.minConcentration !== undefined && o.maxConcentration !== undefined && o.minConcentration > o.maxConcentration) {
    throw new InputError(`min concentration ${o.minConcentration} is above max concentration ${o.maxConcentration}`);
  }
  return { k };
}

/** Ids of the feature sets that have profiles (one index probe per set, not a scan of every profile). */
function setsWithProfiles(db: DB): Set<number> {
  const any = db.prepare('SELECT 1 FROM well_profiles WHERE feature_set_id = ? LIMIT 1');
  return new Set(featureSets(db).flatMap((f) => (any.get(f.id) ? [f.id] : [])));
}

const NO_PROFILES = 'no well profiles yet: run micon embed (after micon train) to embed the sites and build profiles';

function resolveFeatureSet(db: DB, kind: QueryTarget['kind'], name: string | undefined): FeatureSetInfo {
  const have = setsWithProfiles(db);
  if (name !== undefined) {
    const fs = featureSetByName(db, name);
    const known = featureSets(db).filter((f) => have.has(f.id)).map((f) => f.name);
    if (!fs) throw new InputError(`no feature set "${name}"${known.length ? ` (have: ${known.join(', ')})` : `; ${NO_PROFILES}`}`);
    if (!have.has(fs.id)) throw new InputError(`feature set "${name}" has no profiles yet; run micon embed`);
    if (kind === 'smiles' && !smilesFeatureSets(db).some((f) => f.id === fs.id)) {
      const ok = smilesFeatureSets(db).filter((f) => have.has(f.id)).map((f) => f.name);
      throw new InputError(`feature set "${name}" is not a trained micon model's embedding: a SMILES query needs MICON's counterfactual generator${ok.length ? ` (use ${ok.join(' or ')})` : ''}`);
    }
    return fs;
  }
  if (!have.size) throw new InputError(NO_PROFILES);
  if (kind === 'smiles') {
    const ok = smilesFeatureSets(db).filter((f) => have.has(f.id));
    const fs = ok.find((f) => f.name === 'micon') ?? ok[0];
    if (!fs) throw new InputError('no trained micon model with profiles: a SMILES query needs MICON\'s counterfactual head (micon train --model micon, then micon embed)');
    return fs;
  }
  // As `micon export` picks: micon, else handcrafted, else the first set with profiles by name.
  const sets = featureSets(db).filter((f) => have.has(f.id));
  return sets.find((f) => f.name === 'micon') ?? sets.find((f) => f.name === 'handcrafted') ?? sets[0];
}

interface CompoundRow {
  id: number;
  compound_id: string;
  name: string | null;
  smiles: string | null;
  moa: string | null;
  is_control: number;
}

const COMPOUND_SQL = 'SELECT id, compound_id, name, COALESCE(canonical_smiles, smiles) AS smiles, moa, is_control FROM compounds';

async function findCompound(db: DB, text: string): Promise<{ row: CompoundRow; matchedBy: 'id' | 'name' | 'smiles' }> {
  const t = text.trim();
  if (!t) throw new InputError('compound: empty name');
  const exact = db.prepare(`${COMPOUND_SQL} WHERE compound_id = ?`).get(t) as CompoundRow | undefined;
  if (exact) return { row: exact, matchedBy: 'id' };
  const pick = (rows: CompoundRow[], by: 'id' | 'name' | 'smiles') => {
    if (rows.length > 1) throw new InputError(`compound "${t}" is ambiguous: it matches ${rows.map((r) => r.compound_id).join(', ')} by ${by}; give the compound id`);
    return rows.length ? { row: rows[0], matchedBy: by } : null;
  };
  const byId = pick(db.prepare(`${COMPOUND_SQL} WHERE compound_id = ? COLLATE NOCASE`).all(t) as CompoundRow[], 'id');
  if (byId) return byId;
  const byName = pick(db.prepare(`${COMPOUND_SQL} WHERE name = ? COLLATE NOCASE`).all(t) as CompoundRow[], 'name');
  if (byName) return byName;
  const canonical = await canonicalSmiles(t);
  if (canonical) {
    const bySmiles = pick(db.prepare(`${COMPOUND_SQL} WHERE canonical_smiles = ? OR (canonical_smiles IS NULL AND smiles = ?)`).all(canonical, t) as CompoundRow[], 'smiles');
    if (bySmiles) return bySmiles;
    throw new InputError(`no screened compound has the structure ${canonical}; to ask about a compound that was not screened use --smiles (MICON's counterfactual head)`);
  }
  throw new InputError(`unknown compound "${t}": no compound id, name or SMILES in the project matches`);
}

function compoundInfo(r: CompoundRow): QueryCompound {
  return { id: r.compound_id, name: r.name, smiles: r.smiles, moa: r.moa, control: r.is_control === 1 };
}

function findWell(db: DB, spec: string): { wellId: number; plate: string; well: string } {
  const s = spec.trim();
  const at = s.lastIndexOf(':');
  if (at <= 0 || at === s.length - 1) throw new InputError(`well "${spec}": expected PLATE:WELL, e.g. P1:A01`);
  const plateName = s.slice(0, at);
  const wellName = tryNormaliseWell(s.slice(at + 1));
  if (!wellName) throw new InputError(`well "${spec}": "${s.slice(at + 1)}" is not a well name (expected e.g. A01, A1 or a1)`);
  const plate = (db.prepare('SELECT id, name FROM plates WHERE name = ?').get(plateName) ?? db.prepare('SELECT id, name FROM plates WHERE name = ? COLLATE NOCASE').get(plateName)) as
    | { id: number; name: string }
    | undefined;
  if (!plate) {
    const names = (db.prepare('SELECT name FROM plates ORDER BY name LIMIT 20').all() as { name: string }[]).map((p) => p.name);
    throw new InputError(`unknown plate "${plateName}" in well "${spec}"${names.length ? ` (plates: ${names.join(', ')}${names.length === 20 ? ', …' : ''})` : ': the project has no plates'}`);
  }
  const w = db.prepare('SELECT id FROM wells WHERE plate_id = ? AND well = ?').get(plate.id, wellName) as { id: number } | undefined;
  if (!w) throw new InputError(`unknown well: plate ${plate.name} has no well ${wellName}`);
  return { wellId: w.id, plate: plate.name, well: wellName };
}

/** Plates a hit may come from: the restrictions, minus those the exclusion rules out for these query plates. */
function plateMask(index: SearchIndex, o: QueryOptions, exclude: Exclusion | null, queryPlates: number[]): Uint8Array | null {
  const check = (what: string, wanted: string[] | undefined, have: string[]) => {
    if (!wanted) return null;
    const set = new Set(wanted);
    const unknown = [...set].filter((x) => !have.includes(x));
    if (unknown.length) throw new InputError(`unknown ${what}: ${unknown.join(', ')} (have: ${[...new Set(have)].join(', ')})`);
    return set;
  };
  const sources = check('source', o.sources, index.sources);
  const batches = check('batch', o.batches, index.batches.map((b) => b.name));
  const plates = check('plate', o.plates, index.plates.map((p) => p.name));
  if (!sources && !batches && !plates && (!exclude || !queryPlates.length)) return null;
  const qp = queryPlates.map((i) => index.plates[i]);
  const exPlate = new Set(qp.map((p) => p.name));
  const exBatch = new Set(qp.map((p) => p.batchIdx));
  const exSource = new Set(qp.map((p) => p.sourceIdx));
  return Uint8Array.from(index.plates, (p) => {
    if (sources && !sources.has(p.source)) return 0;
    if (batches && !batches.has(p.batch)) return 0;
    if (plates && !plates.has(p.name)) return 0;
    if (exclude === 'same-plate' && exPlate.has(p.name)) return 0;
    if (exclude === 'same-batch' && exBatch.has(p.batchIdx)) return 0;
    if (exclude === 'same-source' && exSource.has(p.sourceIdx)) return 0;
    return 1;
  });
}

interface WellDetail {
  well: string;
  concentration: number | null;
  pert_type: string | null;
  compound_id: string | null;
  name: string | null;
  smiles: string | null;
  moa: string | null;
  sites: number;
}

function wellDetails(db: DB): (wellId: number) => WellDetail {
  const stmt = db.prepare(
    `SELECT w.well, w.concentration, w.pert_type, c.compound_id, c.name, COALESCE(c.canonical_smiles, c.smiles) AS smiles, c.moa,
            (SELECT COUNT(*) FROM sites s WHERE s.well_id = w.id) AS sites
       FROM wells w LEFT JOIN compounds c ON c.id = w.compound_id WHERE w.id = ?`,
  );
  const memo = new Map<number, WellDetail>();
  return (id) => {
    let d = memo.get(id);
    if (!d) memo.set(id, (d = stmt.get(id) as WellDetail));
    return d;
  };
}

function queryWell(index: SearchIndex, row: number, detail: (id: number) => WellDetail): QueryWell {
  const p = index.plates[index.plate[row]];
  const d = detail(index.wellIds[row]);
  return {
    plate: p.name,
    well: d.well,
    wellId: index.wellIds[row],
    source: p.source,
    batch: p.batch,
    replicate: p.replicate,
    compound: d.compound_id,
    concentration: d.concentration,
    pertType: d.pert_type,
    sites: d.sites,
  };
}

function meanOf(index: SearchIndex, rows: number[]): Float32Array {
  const acc = new Float64Array(index.d);
  for (const r of rows) {
    const v = index.vector(r);
    for (let k = 0; k < index.d; k++) acc[k] += v[k];
  }
  return Float32Array.from(acc, (x) => x / rows.length);
}

/** Run one query. Throws InputError for anything the user must fix. */
export async function runQuery(db: DB, target: QueryTarget, o: QueryOptions = {}): Promise<QueryResult> {
  const { k } = validateOptions(o);
  const exclude = o.exclude ?? null;
  let smiles: { input: string; canonical: string } | null = null;
  if (target.kind === 'smiles') {
    if (target.smiles.length > MAX_SMILES_CHARS) throw new InputError(`SMILES of ${target.smiles.length} characters: at most ${MAX_SMILES_CHARS} are read`);
    const canonical = await canonicalSmiles(target.smiles);
    if (!canonical) throw new InputError(`invalid SMILES ${quoteSmiles(target.smiles)}: ${smilesProblem(target.smiles)}`);
    if (exclude) throw new InputError(`--exclude does not apply to a SMILES query: its profile is predicted from every plate's DMSO wells; restrict the results with sources, batches or plates instead`);
    smiles = { input: target.smiles, canonical };
  }
  const fs = resolveFeatureSet(db, target.kind, o.features);
  const { index, cached } = getSearchIndex(db, fs);
  if (!index.n) throw new InputError(`feature set "${fs.name}" has no profiles yet; run micon embed`);
  const detail = wellDetails(db);
  const filters = {
    sources: o.sources ?? null,
    batches: o.batches ?? null,
    plates: o.plates ?? null,
    includeControls: !!o.includeControls,
    minConcentration: o.minConcentration ?? null,
    maxConcentration: o.maxConcentration ?? null,
  };
  plateMask(index, o, null, []); // validates the restriction names before any work

  let compound: QueryCompound | null = null;
  let compoundDbIds: number[] = [];
  let queryRows: number[] = [];
  let vector: Float32Array;
  let description: string;
  let matchedBy: QueryResult['query']['matchedBy'];
  let prediction: QueryResult['query']['prediction'];
  const t0 = performance.now();

  if (target.kind === 'well') {
    const w = findWell(db, target.well);
    const row = index.rowOf(w.wellId);
    if (row < 0) throw new InputError(`well ${w.plate}:${w.well} has no profile in feature set "${fs.name}" (no embedded sites?)`);
    queryRows = [row];
    vector = index.vector(row);
    const cid = index.compound[row];
    if (cid >= 0) {
      compoundDbIds = [cid];
      compound = compoundInfo(db.prepare(`${COMPOUND_SQL} WHERE id = ?`).get(cid) as CompoundRow);
    }
    description = `well ${w.plate}:${w.well}${compound ? ` (${compound.name ?? compound.id})` : ''}`;
  } else if (target.kind === 'compound') {
    const found = await findCompound(db, target.compound);
    compound = compoundInfo(found.row);
    matchedBy = found.matchedBy;
    compoundDbIds = [found.row.id];
    const wellIds = (db.prepare('SELECT id FROM wells WHERE compound_id = ? ORDER BY id').all(found.row.id) as { id: number }[]).map((r) => r.id);
    queryRows = wellIds.map((id) => index.rowOf(id)).filter((r) => r >= 0);
    if (!queryRows.length) throw new InputError(`compound ${compound.id} has no well with a profile in feature set "${fs.name}"${wellIds.length ? '' : ' (it is in no well)'}`);
    vector = meanOf(index, queryRows);
    description = `compound ${compound.name ?? compound.id}${compound.name ? ` (${compound.id})` : ''}: mean of its ${queryRows.length} well${queryRows.length === 1 ? '' : 's'} (each hit compared with the mean of those outside its own ${exclude ? exclude.slice(5) : 'well'}), and each well on its own`;
  } else {
    const rows = db.prepare(`${COMPOUND_SQL} WHERE canonical_smiles = ?`).all(smiles!.canonical) as CompoundRow[];
    if (rows.length) {
      compound = compoundInfo(rows[0]);
      compoundDbIds = rows.map((r) => r.id);
    }
    const p = await predictSmilesProfile(db, fs, smiles!.canonical);
    const domain = await applicabilityDomain(db, smiles!.canonical, { modelSplitId: p.model.splitId, fpBits: p.model.fpBits });
    vector = p.vector;
    prediction = {
      model: p.model.name,
      step: p.model.step,
      checkpoint: p.model.checkpoint,
      imageEncoder: p.model.imageEncoder,
      plates: p.plates,
      controlWells: p.controlWells,
      controlSites: p.controlSites,
      method:
        'G(control site embedding, molecule embedding) for every DMSO site; mean per control well; per-plate robust MAD and the stored ZCA, as for measured wells; mean over those predicted wells',
      applicability: domain,
      warnings: [...domain.warnings, ...p.warnings],
    };
    description = `unseen SMILES ${smiles!.canonical}: profile predicted by ${p.model.name}'s counterfactual head from ${p.controlWells} DMSO wells on ${p.plates} plates${compound ? ` (a screened compound, ${compound.id}, has this structure; its wells count as replicates)` : ''}`;
  }

  const plateOf = (rows: number[]) => [...new Set(rows.map((r) => index.plate[r]))];
  const isReplicate = new Set(compoundDbIds);
  const run = (q: Float32Array, exRows: number[], exPlates: number[]): SearchHit[] => {
    const hits = index.search(q, k, {
      plateOk: plateMask(index, o, exclude, exPlates),
      includeControls: !!o.includeControls,
      minConcentration: o.minConcentration,
      maxConcentration: o.maxConcentration,
      excludeRows: exRows,
    });
    const nul = index.nullSimilarities(q, exRows, compoundDbIds);
    return hits.map((h, i) => toHit(index, h, i + 1, empiricalP(nul, h.similarity), isReplicate, detail));
  };
  const nullSizes = (() => {
    const ex = new Set(queryRows);
    return {
      controls: [...index.nullControls].filter((r) => !ex.has(r)).length,
      treated: [...index.nullTreated].filter((r) => !ex.has(r) && !isReplicate.has(index.compound[r])).length,
    };
  })();

  // A compound's consensus (mean of its wells) must never be compared with a well that helped make it,
  // nor — under an exclusion — with wells sharing a plate/batch/source with the wells it was made of.
  // So each hit is scored against the mean of the compound's wells outside the hit's own group (its
  // well, plate, batch or source): one scan for hits outside every group the compound occupies, and
  // one per group with the consensus of the other groups (for no exclusion, each of the compound's own
  // wells directly, leave-one-out). Hits from different scans are merged by similarity.
  const aggregate = (rows: number[]): SearchHit[] => {
    const plates = index.plates;
    const keyOfPlate = (pi: number) => (exclude === 'same-plate' ? pi : exclude === 'same-batch' ? plates[pi].batchIdx : plates[pi].sourceIdx);
    const keyOf = (r: number) => (exclude ? keyOfPlate(index.plate[r]) : -1 - r);
    const groups = new Map<number, number[]>();
    for (const r of rows) {
      const g = keyOf(r);
      const list = groups.get(g);
      if (list) list.push(r);
      else groups.set(g, [r]);
    }
    const base = plateMask(index, o, null, []) ?? new Uint8Array(plates.length).fill(1);
    const filter = { includeControls: !!o.includeControls, minConcentration: o.minConcentration, maxConcentration: o.maxConcentration };
    const scored: { hit: Hit; nul: Float64Array; consensus: number }[] = [];
    const score = (q: Float32Array, consensus: number, hits: Hit[]) => {
      const nul = index.nullSimilarities(q, rows, compoundDbIds);
      for (const hit of hits) scored.push({ hit, nul, consensus });
    };
    const outside = exclude ? Uint8Array.from(base, (ok, pi) => (ok && !groups.has(keyOfPlate(pi)) ? 1 : 0)) : base;
    score(vector, rows.length, index.search(vector, k, { plateOk: outside, ...filter, excludeRows: rows }));
    for (const [g, inGroup] of groups) {
      const others = rows.filter((r) => keyOf(r) !== g);
      if (!others.length) continue;
      const q = meanOf(index, others);
      if (exclude) {
        score(q, others.length, index.search(q, k, { plateOk: Uint8Array.from(base, (ok, pi) => (ok && keyOfPlate(pi) === g ? 1 : 0)), ...filter }));
      } else if (index.passes(inGroup[0], { plateOk: base, ...filter })) {
        score(q, others.length, [{ row: inGroup[0], similarity: index.cosine(inGroup[0], index.unit(q)) }]);
      }
    }
    scored.sort((a, b) => b.hit.similarity - a.hit.similarity || index.wellIds[a.hit.row] - index.wellIds[b.hit.row]);
    return scored.slice(0, k).map((s, i) => ({ ...toHit(index, s.hit, i + 1, empiricalP(s.nul, s.hit.similarity), isReplicate, detail), consensusWells: s.consensus }));
  };

  const results = target.kind === 'compound' ? aggregate(queryRows) : run(vector, queryRows, plateOf(queryRows));
  let replicates: QueryResult['replicates'];
  if (target.kind === 'compound') {
    replicates = queryRows.map((r) => {
      const w = queryWell(index, r, detail);
      return { plate: w.plate, well: w.well, wellId: w.wellId, source: w.source, batch: w.batch, results: run(index.vector(r), [r], [index.plate[r]]) };
    });
  }
  const searchMs = performance.now() - t0;

  return {
    query: {
      kind: target.kind,
      description,
      featureSet: fs.name,
      k,
      exclude,
      filters,
      compound,
      ...(matchedBy ? { matchedBy } : {}),
      wells: target.kind === 'smiles' ? [] : queryRows.map((r) => queryWell(index, r, detail)),
      ...(smiles ? { smiles: { ...smiles, screened: compound !== null } } : {}),
      ...(prediction ? { prediction } : {}),
      null: { ...nullSizes, description: NULL_DESCRIPTION },
    },
    results,
    ...(replicates ? { replicates } : {}),
    index: { wells: index.n, dim: index.d, engine: index.kernel.engine, cached, buildMs: round(index.buildMs), searchMs: round(searchMs) },
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function toHit(index: SearchIndex, h: Hit, rank: number, p: number, replicateOf: Set<number>, detail: (id: number) => WellDetail): SearchHit {
  const pl = index.plates[index.plate[h.row]];
  const d = detail(index.wellIds[h.row]);
  return {
    rank,
    plate: pl.name,
    well: d.well,
    wellId: index.wellIds[h.row],
    sites: d.sites,
    compound: d.compound_id,
    compoundName: d.name,
    smiles: d.smiles,
    moa: d.moa,
    pertType: d.pert_type,
    concentration: d.concentration,
    source: pl.source,
    batch: pl.batch,
    replicate: pl.replicate,
    similarity: h.similarity,
    p,
    isReplicate: index.compound[h.row] >= 0 && replicateOf.has(index.compound[h.row]),
  };
}
