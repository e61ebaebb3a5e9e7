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

/** RDKit canonical SMILES, or null when the input does not parse. Every mol is deleted (the WASM heap leaks otherwise). */
export async function canonicalSmiles(smiles: string): Promise<string | null> {
  const RDKit = await getRDKit();
  const s = stripCxExtensions(smiles);
  if (!s) return null;
  const mol = RDKit.get_mol(s);
  if (!mol) return null;
  try {
    if (!mol.is_valid()) return null;
    return mol.get_smiles();
  } finally {
    mol.delete();
  }
}
