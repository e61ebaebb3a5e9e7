// 2-D structure depictions as SVG, for the compound browser, hover cards and search results.
import { matchedAtomsAndBonds, withQuery, type QueryMol } from './query.js';
import { withMol } from './rdkit.js';

export interface DepictOptions {
  width: number;
  height: number;
  /** SMARTS/SMILES whose matches are highlighted. */
  highlight?: string;
  background?: 'transparent' | 'white';
}

const HIGHLIGHT: [number, number, number] = [1, 0.78, 0.45];

/**
 * RDKit scales a drawing to fill its box, so DMSO would be drawn with bonds as long as a table cell
 * is wide; a bond length tied to the box keeps small molecules at a readable size, while big ones
 * are still shrunk to fit.
 */
function drawDetails(o: DepictOptions, match: { atoms: number[]; bonds: number[] } | null): string {
  const minSide = Math.min(o.width, o.height);
  return JSON.stringify({
    width: o.width,
    height: o.height,
    backgroundColour: o.background === 'white' ? [1, 1, 1, 1] : [1, 1, 1, 0],
    fixedBondLength: Math.max(12, Math.round(minSide / 5.5)),
    padding: 0.06,
    bondLineWidth: minSide >= 160 ? 2 : 1,
    minFontSize: minSide >= 160 ? 10 : 7,
    ...(match ? { atoms: match.atoms, bonds: match.bonds, highlightColour: HIGHLIGHT, highlightBondWidthMultiplier: minSide >= 160 ? 12 : 8 } : {}),
  });
}

function svgOf(mol: Parameters<Parameters<typeof withMol>[1]>[0], o: DepictOptions, q: QueryMol | null): string {
  return mol.get_svg_with_highlights(drawDetails(o, q ? matchedAtomsAndBonds(mol, q) : null));
}

/** SVGs for many SMILES at one size; null where a SMILES does not parse. The highlight query is parsed once (InputError when invalid). */
export async function depictMany(smiles: string[], o: DepictOptions): Promise<(string | null)[]> {
  const draw = async (q: QueryMol | null) => {
    const out: (string | null)[] = [];
    for (const s of smiles) out.push(await withMol(s, (mol) => svgOf(mol, o, q)));
    return out;
  };
  return o.highlight?.trim() ? withQuery(o.highlight, (q) => draw(q)) : draw(null);
}

/** The SVG of one SMILES, or null when it does not parse. */
export async function depict(smiles: string, o: DepictOptions): Promise<string | null> {
  return (await depictMany([smiles], o))[0];
}
