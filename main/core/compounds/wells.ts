// Where a compound was screened: every well, with its plate, batch, source and replicate.
import type { DB } from '../db/open.js';
import { InputError } from '../types.js';

export interface CompoundWell {
  plateId: number;
  plate: string;
  well: string;
  source: string;
  batch: string;
  replicate: number | null;
  concentration: number | null;
  concentrationUnit: string | null;
  pertType: string | null;
}

export function compoundWells(db: DB, compoundId: string): CompoundWell[] {
  const c = db.prepare('SELECT id FROM compounds WHERE compound_id = ?').get(compoundId) as { id: number } | undefined;
  if (!c) throw new InputError(`no compound "${compoundId}" in this project`);
  return db
    .prepare(
      `SELECT p.id AS plateId, p.name AS plate, w.well, s.name AS source, b.name AS batch, p.replicate,
              w.concentration, w.concentration_unit AS concentrationUnit, w.pert_type AS pertType
         FROM wells w JOIN plates p ON p.id = w.plate_id JOIN batches b ON b.id = p.batch_id JOIN sources s ON s.id = b.source_id
        WHERE w.compound_id = ?
        ORDER BY s.name, b.name, p.name, w.row, w.col`,
    )
    .all(c.id) as CompoundWell[];
}

/** The project's compound with this canonical SMILES, if any (the same structure under another id counts). */
export function compoundBySmiles(db: DB, canonical: string): { compoundId: string; name: string | null } | null {
  const r = db.prepare('SELECT compound_id AS compoundId, name FROM compounds WHERE canonical_smiles = ? ORDER BY is_control, compound_id LIMIT 1').get(canonical);
  return (r as { compoundId: string; name: string | null } | undefined) ?? null;
}
