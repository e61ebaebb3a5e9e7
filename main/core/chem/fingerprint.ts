// Morgan (ECFP-like) fingerprints: the molecule encoder's input. RDKit MinimalLib's
// get_morgan_fp_as_uint8array returns the bits *packed* (nBits/8 bytes), so we read the '0'/'1'
// string form, which has one character per bit and no bit-order ambiguity.
import { getRDKit, stripCxExtensions } from './rdkit.js';

export interface MorganOptions {
  radius: number;
  nBits: number;
}

export const MORGAN_DEFAULTS: MorganOptions = { radius: 2, nBits: 2048 };

/** The Morgan fingerprint as nBits floats of 0/1, or null when the SMILES does not parse. */
export async function morganFingerprint(smiles: string, opts: Partial<MorganOptions> = {}): Promise<Float32Array | null> {
  const { radius, nBits } = { ...MORGAN_DEFAULTS, ...opts };
  const RDKit = await getRDKit();
  const s = stripCxExtensions(smiles);
  if (!s) return null;
  const mol = RDKit.get_mol(s);
  if (!mol) return null;
  try {
    if (!mol.is_valid()) return null;
    const bits = mol.get_morgan_fp(JSON.stringify({ radius, nBits }));
    const out = new Float32Array(nBits);
    for (let i = 0; i < nBits; i++) if (bits.charCodeAt(i) === 49) out[i] = 1;
    return out;
  } finally {
    mol.delete();
  }
}

/** Tanimoto (Jaccard) similarity of two 0/1 fingerprints; 0 when both are empty. */
export function tanimoto(a: Float32Array, b: Float32Array): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] > 0;
    const y = b[i] > 0;
    if (x && y) both++;
    if (x || y) either++;
  }
  return either === 0 ? 0 : both / either;
}
