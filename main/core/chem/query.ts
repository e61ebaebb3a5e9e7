// Substructure queries typed by a user: SMILES or SMARTS. One place parses them and owns the query
// molecule's lifetime (like withMol does for molecules), so depictions and searches agree on what a
// query means.
import { quoteSmiles } from './limits.js';
import { getRDKit, parseOrNull, tooLargeReason } from './rdkit.js';
import { InputError } from '../types.js';

type RDKitModule = Awaited<ReturnType<typeof getRDKit>>;
export type QueryMol = NonNullable<ReturnType<RDKitModule['get_qmol']>>;

export interface ParsedQuery {
  /** How the text was read. SMILES first: a Kekulé ring such as C1=CC=CC=C1 means benzene to a chemist but matches nothing as SMARTS. */
  as: 'smiles' | 'smarts';
}

/**
 * Run `f` with RDKit's error log captured; returns f's value and the last error line RDKit wrote
 * (its parse errors say what is wrong and where), without the timestamp.
 */
export async function withErrorLog<T>(f: (RDKit: RDKitModule) => T | Promise<T>): Promise<{ value: T; error: string | null }> {
  const RDKit = await getRDKit();
  const log = RDKit.set_log_capture('rdApp.error');
  try {
    const value = await f(RDKit);
    const lines = (log?.get_buffer() ?? '')
      .split('\n')
      .map((l) => l.replace(/^\[[\d:]+\]\s*/, '').trim())
      .filter(Boolean);
    return { value, error: pickReason(lines) };
  } finally {
    log?.delete();
  }
}

/** RDKit writes a syntax error as several lines (message, position, the input, a caret); keep the informative one. */
function pickReason(lines: string[]): string | null {
  if (!lines.length) return null;
  const pos = lines.find((l) => /check for mistakes around position/.test(l));
  const first = lines[0].replace(/ for input: '.*'$/, '');
  return pos ? `${first.replace(/: [^:]*$/, '')} ${pos.replace(/^.*(around position \d+).*$/, '$1')}` : first;
}

/** Parse a query and run `f` on it; the query molecule is always deleted. Throws InputError naming the query when it parses as neither SMILES nor SMARTS. */
export async function withQuery<T>(text: string, f: (q: QueryMol, parsed: ParsedQuery) => T | Promise<T>): Promise<T> {
  const query = text.trim();
  if (!query) throw new InputError('empty substructure query: type a SMILES or SMARTS');
  const large = tooLargeReason(query);
  if (large) throw new InputError(`substructure query ${quoteSmiles(query)}: ${large}`);
  const { value: asSmiles } = await withErrorLog((R) => parseOrNull(() => R.get_mol(query)));
  let q: QueryMol | null = asSmiles && asSmiles.is_valid() ? asSmiles : null;
  if (asSmiles && !q) asSmiles.delete();
  let as: ParsedQuery['as'] = 'smiles';
  if (!q) {
    const { value, error } = await withErrorLog((R) => parseOrNull(() => R.get_qmol(query)));
    if (!value || !value.is_valid() || value.get_num_atoms() === 0) {
      value?.delete();
      throw new InputError(`invalid SMARTS/SMILES ${quoteSmiles(query)}: ${error ?? 'RDKit could not parse it'}`);
    }
    q = value;
    as = 'smarts';
  }
  try {
    return await f(q, { as });
  } finally {
    q.delete();
  }
}

/** Atoms and bonds of every match of `q` in a molecule, merged: what a depiction highlights. */
export function matchedAtomsAndBonds(mol: { get_substruct_matches(q: QueryMol): string }, q: QueryMol): { atoms: number[]; bonds: number[] } | null {
  const matches = JSON.parse(mol.get_substruct_matches(q)) as { atoms?: number[]; bonds?: number[] }[];
  if (!Array.isArray(matches) || matches.length === 0) return null;
  const atoms = new Set<number>();
  const bonds = new Set<number>();
  for (const m of matches) {
    m.atoms?.forEach((a) => atoms.add(a));
    m.bonds?.forEach((b) => bonds.add(b));
  }
  return { atoms: [...atoms], bonds: [...bonds] };
}
