// A 2-D structure depiction of a SMILES, drawn by RDKit in the main process (see depictions.ts).
import { useEffect, useState } from 'react';
import { cachedDepiction, depiction, type Depiction } from './depictions';
import './structure.css';

interface Props {
  smiles: string | null;
  width?: number;
  height?: number;
  /** SMARTS/SMILES whose matches are highlighted. */
  highlight?: string;
}

export function Structure({ smiles, width = 120, height = 90, highlight }: Props) {
  const key = smiles ? { smiles, width, height, highlight: highlight?.trim() || undefined } : null;
  const [state, setState] = useState<{ id: string; url: Depiction | undefined; error?: string }>({ id: '', url: undefined });
  const id = key ? `${width}x${height}|${key.highlight ?? ''}|${smiles}` : '';
  const known = key ? cachedDepiction(key) : undefined;

  useEffect(() => {
    if (!key || known !== undefined) return;
    let live = true;
    depiction(key).then(
      (url) => live && setState({ id, url }),
      (e: unknown) => live && setState({ id, url: undefined, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
    // `key` is a new object every render; `id` names it.
  }, [id, known]);

  const box = { width, height };
  if (!smiles) return <span className="structure structure-none" style={box} data-testid="structure" data-state="none" title="No structure" />;
  const url = known !== undefined ? known : state.id === id ? state.url : undefined;
  const error = state.id === id ? state.error : undefined;
  if (url) return <img className="structure" src={url} width={width} height={height} alt={smiles} title={smiles} data-testid="structure" data-state="ready" draggable={false} />;
  if (url === null)
    return (
      <span className="structure structure-invalid" style={box} data-testid="structure" data-state="invalid" title={`Invalid SMILES: ${smiles}`}>
        invalid SMILES
      </span>
    );
  return <span className={`structure structure-loading${error ? ' structure-error' : ''}`} style={box} data-testid="structure" data-state={error ? 'error' : 'loading'} title={error ?? smiles} />;
}
