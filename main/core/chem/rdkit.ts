import initRDKitModule from '@rdkit/rdkit';

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
 * Parse `smiles` and run `f` on the molecule; null when it does not parse. The mol is always deleted
 * (the WASM heap leaks otherwise).
 */
export async function withMol<T>(smiles: string, f: (mol: Mol) => T): Promise<T | null> {
  const RDKit = await getRDKit();
  const s = stripCxExtensions(smiles);
  if (!s) return null;
  const mol = RDKit.get_mol(s);
  if (!mol) return null;
  try {
    return mol.is_valid() ? f(mol) : null;
  } finally {
    mol.delete();
  }
}

/** RDKit canonical SMILES, or null when the input does not parse. */
export function canonicalSmiles(smiles: string): Promise<string | null> {
  return withMol(smiles, (mol) => mol.get_smiles());
}
