// A 2-D structure depiction of a SMILES. Placeholder until compounds.depict exists: shows the SMILES.
export function Structure({ smiles, width = 120, height = 90 }: { smiles: string | null; width?: number; height?: number }) {
  return (
    <span className="structure" style={{ width, height, display: 'inline-block', overflow: 'hidden', fontSize: 10 }} title={smiles ?? undefined}>
      {smiles ?? ''}
    </span>
  );
}
