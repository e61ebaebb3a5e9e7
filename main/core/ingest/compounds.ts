import { quoteSmiles } from '../chem/limits.js';
import { canonicalSmiles, smilesProblem } from '../chem/rdkit.js';
import type { DB } from '../db/open.js';
import type { PlatemapEntry } from '../platemap/platemap.js';
import type { Problem } from '../types.js';

export interface ResolvedCompound {
  compoundId: string;
  name: string | null;
  smiles: string | null;
  canonicalSmiles: string | null;
  moa: string | null;
  target: string | null;
  isControl: boolean;
}

const canonCache = new Map<string, string | null>();

/** One record per compound id in these platemap entries, SMILES canonicalised by RDKit. */
export async function resolveCompounds(entries: PlatemapEntry[], problems: Problem[], file?: string): Promise<Map<string, ResolvedCompound>> {
  const out = new Map<string, ResolvedCompound>();
  for (const e of entries) {
    if (!e.compoundId || out.has(e.compoundId)) continue;
    let canon: string | null = null;
    if (e.smiles) {
      if (!canonCache.has(e.smiles)) canonCache.set(e.smiles, await canonicalSmiles(e.smiles));
      canon = canonCache.get(e.smiles) ?? null;
      if (!canon) {
        problems.push({
          file,
          row: e.line,
          well: e.well,
          message: `platemap line ${e.line}: SMILES ${quoteSmiles(e.smiles)} of ${e.compoundId} is not a valid structure (${smilesProblem(e.smiles)}); the compound is imported without a structure`,
          severity: 'warning',
        });
      }
    }
    out.set(e.compoundId, {
      compoundId: e.compoundId,
      name: e.name,
      smiles: e.smiles,
      canonicalSmiles: canon,
      moa: e.moa,
      target: e.target,
      isControl: e.pertType === 'negcon',
    });
  }
  return out;
}

/** Insert or complete a compound row; an existing row keeps what it had unless it was empty. */
export function upsertCompound(db: DB, c: ResolvedCompound): number {
  db.prepare(
    `INSERT INTO compounds (compound_id, name, smiles, canonical_smiles, moa, target, is_control) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(compound_id) DO UPDATE SET
       name = COALESCE(compounds.name, excluded.name),
       smiles = COALESCE(compounds.smiles, excluded.smiles),
       canonical_smiles = COALESCE(compounds.canonical_smiles, excluded.canonical_smiles),
       moa = COALESCE(compounds.moa, excluded.moa),
       target = COALESCE(compounds.target, excluded.target),
       is_control = MAX(compounds.is_control, excluded.is_control)`,
  ).run(c.compoundId, c.name, c.smiles, c.canonicalSmiles, c.moa, c.target, c.isControl ? 1 : 0);
  return (db.prepare('SELECT id FROM compounds WHERE compound_id = ?').get(c.compoundId) as { id: number }).id;
}
