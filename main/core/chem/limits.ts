// Bounds on structure text, shared by the API contract (which the renderer bundles, so no imports here)
// and the core. A drug-like SMILES is under 200 characters; the 300-atom bound RDKit is held to
// (rdkit.ts MAX_ATOMS) fits in well under this many.
export const MAX_SMILES_CHARS = 4000;

/** A SMILES as quoted in a message: at most `max` characters of it, and its length when cut. */
export function quoteSmiles(smiles: string, max = 60): string {
  return smiles.length <= max ? `"${smiles}"` : `"${smiles.slice(0, max)}…" (${smiles.length} characters)`;
}
