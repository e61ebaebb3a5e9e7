import initRDKitModule from '@rdkit/rdkit';
import { MAX_SMILES_CHARS } from './limits.js';

type RDKitModule = Awaited<ReturnType<typeof initRDKitModule>>;

let rdkit: Promise<RDKitModule> | null = null;

/** The RDKit MinimalLib WASM module, initialised once per process. */
export function getRDKit(): Promise<RDKitModule> {
  rdkit ??= initRDKitModule();
  return rdkit;
}

/** Strip ChemAxon extended-SMILES blocks (`C1=CC=CC=C1 |c:1,3|`), which RDKit's SMILES parser rejects. */
export function stripCxExtensions(smiles: string): string {
  return smiles.replace(/\s+\|[^|]*\|\s*$/, '').trim();
}

type Mol = NonNullable<ReturnType<RDKitModule['get_mol']>>;

/**
 * The most heavy atoms a structure may have. RDKit MinimalLib runs on a fixed WASM stack: parsing a
 * chain of ~1,000 atoms, or a Morgan fingerprint of ~600, overflows it ("memory access out of
 * bounds"), and the module is unusable for the rest of the process. Screening compounds have
 * well under 150; peptides and PROTACs fit too.
 */
export const MAX_ATOMS = 300;

/**
 * An upper bound on the atoms of a SMILES/SMARTS, from the text alone (before RDKit sees it): a
 * bracket atom counts 1, every other letter 1 (so Cl counts 2).
 */
export function atomCountBound(smiles: string): number {
  let n = 0;
  let depth = 0;
  for (let i = 0; i < smiles.length; i++) {
    const c = smiles.charCodeAt(i);
    if (c === 91) {
      if (depth++ === 0) n++; // [
    } else if (c === 93) depth = Math.max(0, depth - 1); // ]
    else if (depth === 0 && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) n++;
  }
  return n;
}

/** Why RDKit must not be given this structure (too long, or too many atoms), or null when it may. */
export function tooLargeReason(smiles: string): string | null {
  const n = atomCountBound(smiles);
  if (n > MAX_ATOMS) return `structure too large: up to ${n} atoms, at most ${MAX_ATOMS} are supported`;
  return smiles.length > MAX_SMILES_CHARS ? `structure too large: ${smiles.length} characters, at most ${MAX_SMILES_CHARS} are read` : null;
}

/**
 * An RDKit parse that may throw a C++ exception (a WebAssembly.Exception, e.g. get_qmol on "C |")
 * for malformed input: null instead. A trap (RuntimeError, RangeError) is a real crash and is rethrown.
 */
export function parseOrNull<T>(parse: () => T | null): T | null {
  try {
    return parse();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) throw e;
    return null;
  }
}

/**
 * Parse `smiles` and run `f` on the molecule; null when it does not parse (or has more than
 * MAX_ATOMS atoms). The mol is always deleted (the WASM heap leaks otherwise).
 */
export async function withMol<T>(smiles: string, f: (mol: Mol) => T): Promise<T | null> {
  const RDKit = await getRDKit();
  const s = stripCxExtensions(smiles);
  if (!s || tooLargeReason(s)) return null;
  const mol = parseOrNull(() => RDKit.get_mol(s));
  if (!mol) return null;
  try {
    return mol.is_valid() ? f(mol) : null;
  } finally {
    mol.delete();
  }
}

/** Why a SMILES gave no molecule: too large, else unparsable. */
export function smilesProblem(smiles: string): string {
  return tooLargeReason(stripCxExtensions(smiles)) ?? 'RDKit cannot parse it';
}

/** RDKit canonical SMILES, or null when the input does not parse. */
export function canonicalSmiles(smiles: string): Promise<string | null> {
  return withMol(smiles, (mol) => mol.get_smiles());
}
