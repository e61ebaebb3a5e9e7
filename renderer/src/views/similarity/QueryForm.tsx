import { useEffect, useState, type FormEvent } from 'react';
import type { FeatureSetChoice, SearchQueryRequest } from '@contract';
import { SmilesInput } from './SmilesInput';

type Kind = SearchQueryRequest['query']['kind'];
type Exclude = 'same-plate' | 'same-batch' | 'same-source' | null;

export interface QueryOptions {
  k: number;
  features?: string;
  exclude: Exclude;
  includeControls: boolean;
}

const EXCLUDES: { value: Exclude; label: string; title: string }[] = [
  { value: null, label: 'all wells', title: 'no exclusion besides the query well itself' },
  { value: 'same-plate', label: 'not same plate', title: 'ignore wells on the query well’s plate' },
  { value: 'same-batch', label: 'NSB', title: 'not same batch: only wells imaged in other batches' },
  { value: 'same-source', label: 'NSS', title: 'not same source: only wells from other sites/centres' },
];

export function QueryForm({ sets, initial, busy, onRun }: { sets: FeatureSetChoice[]; initial?: SearchQueryRequest['query']; busy: boolean; onRun(q: SearchQueryRequest['query'], o: QueryOptions): void }) {
  const [kind, setKind] = useState<Kind>(initial?.kind ?? 'compound');
  const [well, setWell] = useState(initial?.kind === 'well' ? initial.well : '');
  const [compound, setCompound] = useState(initial?.kind === 'compound' ? initial.compound : '');
  const [smiles, setSmiles] = useState(initial?.kind === 'smiles' ? initial.smiles : '');
  const [smilesOk, setSmilesOk] = useState(false);
  const [features, setFeatures] = useState('');
  const [exclude, setExclude] = useState<Exclude>('same-source');
  const [k, setK] = useState(10);
  const [includeControls, setIncludeControls] = useState(false);

  // A predicted profile belongs to no plate, batch or source, so there is nothing to exclude.
  const options = (): QueryOptions => ({ k, features: features || undefined, exclude: kind === 'smiles' ? null : exclude, includeControls });
  const query = (): SearchQueryRequest['query'] | null => {
    if (kind === 'well') return well.trim() ? { kind, well: well.trim() } : null;
    if (kind === 'compound') return compound.trim() ? { kind, compound: compound.trim() } : null;
    return smiles.trim() && smilesOk ? { kind, smiles: smiles.trim() } : null;
  };

  // Arriving with a query (from the compound browser, a plate or the map) shows it and runs it at
  // once; later edits run when the user asks.
  useEffect(() => {
    if (!initial) return;
    setKind(initial.kind);
    if (initial.kind === 'well') setWell(initial.well);
    else if (initial.kind === 'compound') setCompound(initial.compound);
    else setSmiles(initial.smiles);
    onRun(initial, { ...options(), exclude: initial.kind === 'smiles' ? null : exclude });
  }, [initial]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = query();
    if (q) onRun(q, options());
  };
  const smilesSets = sets.filter((s) => s.smiles);
  const offered = kind === 'smiles' ? smilesSets : sets;

  return (
    <form className="card query-form" onSubmit={submit} data-testid="query-form">
      <div className="seg" role="radiogroup" aria-label="Query by">
        {(['well', 'compound', 'smiles'] as const).map((x) => (
          <button key={x} type="button" role="radio" aria-checked={kind === x} className={`seg-btn${kind === x ? ' on' : ''}`} data-testid={`query-kind-${x}`} onClick={() => setKind(x)}>
            {x === 'well' ? 'Well' : x === 'compound' ? 'Compound' : 'New structure (SMILES)'}
          </button>
        ))}
      </div>
      {kind === 'well' && (
        <label className="field">
          Well (PLATE:WELL)
          <input type="text" value={well} onChange={(e) => setWell(e.target.value)} placeholder="e.g. S1B1P01:C05" data-testid="query-well" />
        </label>
      )}
      {kind === 'compound' && (
        <label className="field">
          Compound (id, name or SMILES)
          <input type="text" value={compound} onChange={(e) => setCompound(e.target.value)} placeholder="e.g. nocodazole" data-testid="query-compound" />
        </label>
      )}
      {kind === 'smiles' && <SmilesInput value={smiles} onChange={setSmiles} onValid={setSmilesOk} />}
      <div className="query-options">
        <label className="field">
          Feature set
          <select value={features} onChange={(e) => setFeatures(e.target.value)} data-testid="query-features">
            <option value="">{kind === 'smiles' ? 'MICON (default)' : 'default (micon, else handcrafted)'}</option>
            {offered.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} ({s.dim}-d, {s.wells} wells)
              </option>
            ))}
          </select>
        </label>
        {kind !== 'smiles' && (
          <div className="field">
            Exclude
            <div className="seg small" role="radiogroup" aria-label="Exclude">
              {EXCLUDES.map((x) => (
                <button key={String(x.value)} type="button" role="radio" aria-checked={exclude === x.value} title={x.title} className={`seg-btn${exclude === x.value ? ' on' : ''}`} data-testid={`exclude-${x.value ?? 'none'}`} onClick={() => setExclude(x.value)}>
                  {x.label}
                </button>
              ))}
            </div>
          </div>
        )}
        <label className="field">
          k
          <input type="number" min={1} max={1000} value={k} onChange={(e) => setK(Math.max(1, Math.trunc(Number(e.target.value) || 1)))} style={{ width: 64 }} data-testid="query-k" />
        </label>
        <label className="field inline checkbox">
          <input type="checkbox" checked={includeControls} onChange={(e) => setIncludeControls(e.target.checked)} /> include DMSO wells
        </label>
      </div>
      <div className="row-actions">
        <button type="submit" className="btn primary" disabled={busy || !query()} data-testid="run-query">
          {busy ? 'Searching…' : 'Find similar wells'}
        </button>
        {kind === 'smiles' && smilesSets.length === 0 && <span className="muted small">A SMILES query needs a trained and embedded MICON model.</span>}
      </div>
    </form>
  );
}
