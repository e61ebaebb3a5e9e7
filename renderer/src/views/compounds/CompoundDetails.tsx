import { type Ref } from 'react';
import type { CompoundSummary } from '@contract';
import { Structure } from '../../components/Structure';
import { getApi } from '../../api';
import { useAsync } from '../../hooks/use-request';
import { useNav } from '../../nav';
import { concentrationRange, SPLIT_LABEL, wellLabel } from './compound-format';

interface Props {
  ref: Ref<HTMLElement>;
  compound: CompoundSummary | null;
  highlight?: string;
  /** Escape: back to the table. */
  onBack(): void;
}

export function CompoundDetails({ ref, compound: c, highlight, onBack }: Props) {
  const { go, revision } = useNav();
  const id = c?.compoundId ?? null;
  // Tagged with their compound, so a previous compound's wells never show under this one.
  const loaded = useAsync(id ? () => getApi().invoke('compounds.wells', { compound: id }).then((w) => ({ id, wells: w })) : null, [id, revision]);
  const wells = loaded.data;
  // A failure is about the compound asked for; while the next one loads it is not shown.
  const error = loaded.loading ? null : loaded.error;

  if (!c) {
    return (
      <aside className="compound-details" ref={ref} tabIndex={-1} data-testid="compound-details">
        <div className="placeholder">Select a compound</div>
      </aside>
    );
  }
  const list = wells?.id === c.compoundId ? wells.wells : null;
  const conc = concentrationRange(c);
  return (
    <aside className="compound-details" ref={ref} tabIndex={-1} data-testid="compound-details" data-compound-id={c.compoundId} aria-label={`Details of ${c.name ?? c.compoundId}`} onKeyDown={(e) => e.key === 'Escape' && onBack()}>
      <div className="details-head">
        <h2 data-testid="details-name">{c.name ?? c.compoundId}</h2>
        {c.isControl && <span className="tag tag-control">control</span>}
        {c.splitRole && <span className={`tag split-${c.splitRole}`}>{SPLIT_LABEL[c.splitRole]}</span>}
      </div>
      <div className="details-structure">
        <Structure smiles={c.canonicalSmiles ?? c.smiles} width={300} height={220} highlight={highlight} />
      </div>
      <button type="button" className="btn primary details-similar" data-testid="find-similar" onClick={() => go({ view: 'similarity', query: { kind: 'compound', compound: c.compoundId } })}>
        Find similar wells
      </button>
      <dl className="facts details-facts">
        <dt>ID</dt>
        <dd data-testid="details-id">{c.compoundId}</dd>
        <dt>SMILES</dt>
        <dd className="details-smiles" data-testid="details-smiles">
          {c.canonicalSmiles ?? c.smiles ?? <span className="muted">none</span>}
        </dd>
        <dt>MoA</dt>
        <dd>{c.moa ?? <span className="muted">unknown</span>}</dd>
        <dt>Target</dt>
        <dd>{c.target ?? <span className="muted">unknown</span>}</dd>
        <dt>Screened</dt>
        <dd>
          {c.wells} wells on {c.plates} plates · {c.batches} batches · {c.sources} sources
        </dd>
        <dt>Replicates</dt>
        <dd>{c.replicates} wells at one dose (most)</dd>
        {conc && (
          <>
            <dt>Dose</dt>
            <dd>
              {conc} ({c.concentrations} {c.concentrations === 1 ? 'concentration' : 'concentrations'})
            </dd>
          </>
        )}
      </dl>
      <h3 className="details-subtitle">Wells {list && <span className="count">{list.length}</span>}</h3>
      {error && <div className="field-error">{error}</div>}
      <ul className="details-wells" data-testid="compound-wells">
        {list === null && !error && <li className="muted">Loading…</li>}
        {list?.map((w) => (
          <li key={`${w.plateId}:${w.well}`}>
            <button
              type="button"
              className="well-link"
              data-testid="compound-well"
              data-plate-id={w.plateId}
              data-plate={w.plate}
              data-well={w.well}
              title={`Open ${w.plate} ${w.well} in the plate viewer`}
              onClick={() => go({ view: 'plates', plateId: w.plateId, well: w.well })}
            >
              <span className="well-link-main">{wellLabel(w)}</span>
              <span className="muted">
                {w.source} / {w.batch}
                {w.replicate !== null ? ` · rep ${w.replicate}` : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
