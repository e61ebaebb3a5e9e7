// Morgan (ECFP-like) fingerprints: the molecule encoder's input. RDKit MinimalLib's
// get_morgan_fp_as_uint8array returns the bits *packed* (nBits/8 bytes), so we read the '0'/'1'
// string form, which has one character per bit and no bit-order ambiguity.
import { withMol } from './rdkit.js';

export interface MorganOptions {
  radius: number;
  nBits: number;
}

const MORGAN_DEFAULTS: MorganOptions = { radius: 2, nBits: 2048 };

/** The Morgan fingerprint as nBits floats of 0/1, or null when the SMILES does not parse. */
export async function morganFingerprint(smiles: string, opts: Partial<MorganOptions> = {}): Promise<Float32Array | null> {
  const { radius, nBits } = { ...MORGAN_DEFAULTS, ...opts };
  return withMol(smiles, (mol) => {
    const bits = mol.get_morgan_fp(JSON.stringify({ radius, nBits }));
    const out = new Float32Array(nBits);
    for (let i = 0; i < nBits; i++) if (bits.charCodeAt(i) === 49) out[i] = 1;
    return out;
  });
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
