// A live check of a SMILES as the user types it: never throws, says why a structure is invalid.
import { depict } from './depict.js';
import { withErrorLog } from './query.js';
import { canonicalSmiles, stripCxExtensions, tooLargeReason } from './rdkit.js';

export interface SmilesCheck {
  valid: boolean;
  canonical: string | null;
  /** RDKit's reason when invalid (e.g. "SMILES Parse Error: unclosed ring"). */
  error: string | null;
  svg: string | null;
}

export async function checkSmiles(smiles: string, size = { width: 300, height: 220 }): Promise<SmilesCheck> {
  const s = stripCxExtensions(smiles);
  if (!s) return { valid: false, canonical: null, error: 'empty SMILES', svg: null };
  const large = tooLargeReason(s);
  if (large) return { valid: false, canonical: null, error: large, svg: null };
  const { value: canonical, error } = await withErrorLog(() => canonicalSmiles(s));
  if (!canonical) return { valid: false, canonical: null, error: error ?? 'RDKit could not parse this SMILES', svg: null };
  return { valid: true, canonical, error: null, svg: await depict(canonical, { ...size, background: 'transparent' }) };
}
