// One compound id, two structures. A compound id is the registry's name for one structure, so a
// platemap that gives an id two different molecules (a typo, a salt or stereoisomer mixed up) is a data
// error: importing it would put one of the two on every well of that compound, silently. Structures are
// compared as RDKit canonical SMILES, so two spellings of one molecule are not a conflict.
import { canonicalSmiles } from '../chem/rdkit.js';
import type { DB } from '../db/open.js';
import type { Platemap } from '../platemap/platemap.js';
import { InputError, type Problem } from '../types.js';

export interface StructureConflict {
  compoundId: string;
  /** The structure kept: the project's, or the first platemap line's. */
  kept: { smiles: string; where: string };
  other: { smiles: string; line: number };
}

const canonCache = new Map<string, string>();
async function key(smiles: string): Promise<string> {
  let k = canonCache.get(smiles);
  if (k === undefined) {
    // An unparsable SMILES is compared as written.
    k = (await canonicalSmiles(smiles)) ?? `raw:${smiles}`;
    canonCache.set(smiles, k);
  }
  return k;
}

/** The first line per compound id whose structure differs from the one already known (project or earlier line). */
export async function findStructureConflicts(db: DB, platemap: Platemap): Promise<StructureConflict[]> {
  const known = new Map<string, { smiles: string; key: string; where: string }>();
  const conflicted = new Set<string>();
  const inProject = db.prepare('SELECT smiles, canonical_smiles AS canonical FROM compounds WHERE compound_id = ?');
  const out: StructureConflict[] = [];
  for (const e of platemap.entries) {
    if (!e.compoundId || !e.smiles || conflicted.has(e.compoundId)) continue;
    if (!known.has(e.compoundId)) {
      const p = inProject.get(e.compoundId) as { smiles: string | null; canonical: string | null } | undefined;
      if (p?.smiles) known.set(e.compoundId, { smiles: p.smiles, key: p.canonical ?? `raw:${p.smiles}`, where: 'already in the project' });
    }
    const k = await key(e.smiles);
    const first = known.get(e.compoundId);
    if (!first) {
      known.set(e.compoundId, { smiles: e.smiles, key: k, where: `${platemap.file}: line ${e.line}` });
      continue;
    }
    if (first.key === k) continue;
    conflicted.add(e.compoundId);
    out.push({ compoundId: e.compoundId, kept: { smiles: first.smiles, where: first.where }, other: { smiles: e.smiles, line: e.line } });
  }
  return out;
}

export const describeConflict = (c: StructureConflict, file: string) =>
  `compound ${c.compoundId} is given two different structures: "${c.kept.smiles}" (${c.kept.where}) and "${c.other.smiles}" (${file}: line ${c.other.line})`;

/**
 * Refuse the platemap when an id has two structures, naming both lines, unless `allow`: then each
 * becomes a warning saying which structure is kept (the project's, else the first line's).
 */
export async function checkStructureConflicts(db: DB, platemap: Platemap, allow: boolean): Promise<Problem[]> {
  const conflicts = await findStructureConflicts(db, platemap);
  const file = platemap.file;
  if (!conflicts.length) return [];
  if (!allow) {
    const problems = conflicts.map((c): Problem => ({ file, row: c.other.line, message: describeConflict(c, file), severity: 'error' }));
    const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more compound(s))` : '';
    throw new InputError(`${describeConflict(conflicts[0], file)}${more}; fix the platemap, or pass --allow-conflicts to keep the first structure of each`, problems);
  }
  return conflicts.map((c) => ({
    file,
    row: c.other.line,
    message: `${describeConflict(c, file)}; keeps the structure ${c.kept.where === 'already in the project' ? 'already in the project' : `of line ${/line (\d+)$/.exec(c.kept.where)![1]}`}`,
    severity: 'warning',
  }));
}
