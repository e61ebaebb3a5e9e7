// The compound browser's table: every compound with where and how often it was screened.
import { StructureLibrary } from '../chem/substructure.js';
import type { DB } from '../db/open.js';
import type { ResolvedCompound } from '../ingest/compounds.js';
import { activeSplit } from '../split/split.js';

/** A compound as ingest recorded it (canonical SMILES null when none was given or it did not parse), with where it was screened. */
export interface CompoundRow extends ResolvedCompound {
  wells: number;
  plates: number;
  batches: number;
  sources: number;
  /** Replicate wells: the most wells the compound has at any one concentration. */
  replicates: number;
  concentrations: number;
  minConcentration: number | null;
  maxConcentration: number | null;
  concentrationUnit: string | null;
  /** Role in the active evaluation split; null when there is none or the compound is not in it. */
  splitRole: 'heldout' | 'train' | null;
}

export interface ListOptions {
  /** Case-insensitive substring of the id, name, MoA or target. */
  text?: string;
  /** SMILES or SMARTS the structure must contain. */
  substructure?: string;
  includeControls?: boolean;
  limit?: number;
}

export interface CompoundList {
  compounds: CompoundRow[];
  /** Compounds matching, before `limit`. */
  total: number;
  /** How the substructure query was read; null without one. */
  substructureAs: 'smiles' | 'smarts' | null;
  /** Compounds without a structure, which a substructure search cannot match. */
  withoutStructure: number;
}

function allCompoundRows(db: DB): (CompoundRow & { dbId: number })[] {
  const split = activeSplit(db).splitId;
  const rows = db
    .prepare(
      `SELECT c.id, c.compound_id, c.name, c.smiles, c.canonical_smiles, c.moa, c.target, c.is_control,
              COUNT(w.id) AS wells, COUNT(DISTINCT w.plate_id) AS plates, COUNT(DISTINCT p.batch_id) AS batches,
              COUNT(DISTINCT b.source_id) AS sources, COUNT(DISTINCT w.concentration) AS concentrations,
              MIN(w.concentration) AS cmin, MAX(w.concentration) AS cmax, MIN(w.concentration_unit) AS unit,
              (SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM wells r WHERE r.compound_id = c.id GROUP BY r.concentration)) AS replicates,
              (SELECT sc.role FROM split_compounds sc WHERE sc.compound_id = c.id AND sc.split_id = ?) AS role
         FROM compounds c
         LEFT JOIN wells w ON w.compound_id = c.id
         LEFT JOIN plates p ON p.id = w.plate_id
         LEFT JOIN batches b ON b.id = p.batch_id
        GROUP BY c.id
        ORDER BY c.is_control, c.compound_id`,
    )
    .all(split ?? -1) as Record<string, unknown>[];
  return rows.map((r) => ({
    dbId: r.id as number,
    compoundId: r.compound_id as string,
    name: (r.name as string | null) ?? null,
    smiles: (r.smiles as string | null) ?? null,
    canonicalSmiles: (r.canonical_smiles as string | null) ?? null,
    moa: (r.moa as string | null) ?? null,
    target: (r.target as string | null) ?? null,
    isControl: r.is_control === 1,
    wells: r.wells as number,
    plates: r.plates as number,
    batches: r.batches as number,
    sources: r.sources as number,
    replicates: (r.replicates as number | null) ?? 0,
    concentrations: r.concentrations as number,
    minConcentration: (r.cmin as number | null) ?? null,
    maxConcentration: (r.cmax as number | null) ?? null,
    concentrationUnit: (r.unit as string | null) ?? null,
    splitRole: (r.role as 'heldout' | 'train' | null) ?? null,
  }));
}

function matchesText(c: CompoundRow, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (!t) return true;
  return [c.compoundId, c.name, c.moa, c.target].some((f) => f?.toLowerCase().includes(t));
}

// One library at a time (the open project's), rebuilt when its compounds change: the WASM memory it
// holds is freed on replacement, which a per-database cache could not promise. Concurrent requests
// share one build.
let cached: { db: DB; signature: string; lib: Promise<StructureLibrary> } | null = null;

function structureLibrary(db: DB): Promise<StructureLibrary> {
  const sig = db.prepare('SELECT COUNT(*) AS n, MAX(id) AS m, TOTAL(LENGTH(canonical_smiles)) AS l FROM compounds').get() as Record<string, unknown>;
  const signature = `${sig.n}:${sig.m}:${sig.l}`;
  if (cached && cached.db === db && cached.signature === signature) return cached.lib;
  const entries = db.prepare('SELECT id AS key, canonical_smiles AS smiles FROM compounds WHERE canonical_smiles IS NOT NULL').all() as { key: number; smiles: string }[];
  const previous = cached?.lib;
  cached = { db, signature, lib: StructureLibrary.build(entries) };
  void previous?.then((l) => l.dispose(), () => undefined);
  return cached.lib;
}

export async function listCompounds(db: DB, o: ListOptions = {}): Promise<CompoundList> {
  let rows = allCompoundRows(db).filter((c) => (o.includeControls || !c.isControl) && matchesText(c, o.text ?? ''));
  let substructureAs: CompoundList['substructureAs'] = null;
  if (o.substructure?.trim()) {
    const lib = await structureLibrary(db);
    const hit = await lib.search(o.substructure);
    substructureAs = hit.as;
    rows = rows.filter((c) => hit.keys.has(c.dbId));
  }
  const limit = o.limit ?? rows.length;
  return {
    compounds: rows.slice(0, limit).map(({ dbId: _, ...c }) => c),
    total: rows.length,
    substructureAs,
    withoutStructure: db.prepare('SELECT COUNT(*) AS n FROM compounds WHERE canonical_smiles IS NULL').pluck().get() as number,
  };
}
