// The compound browser: every compound of the project, searchable by text and by substructure, with
// its depiction, mechanism, where it was screened, and a details panel that leads to its wells and
// to "find similar".
import { useEffect, useMemo, useRef, useState } from 'react';
import { VirtualTable } from '../../components/VirtualTable';
import { useNav } from '../../nav';
import { CompoundDetails } from './CompoundDetails';
import { compoundColumns } from './compound-columns';
import { useCompoundQuery } from './compound-query';
import { CompoundToolbar } from './CompoundToolbar';
import './compounds.css';

export function CompoundBrowser() {
  const { route } = useNav();
  const shown = route.view === 'compounds';
  const q = useCompoundQuery(route.view === 'compounds' ? route.search : undefined);
  const { result, error } = q;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const detailsRef = useRef<HTMLElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  const rows = useMemo(() => result?.compounds ?? [], [result]);
  const highlight = result?.query.substructure ?? undefined;
  const selectedIndex = selectedId === null ? -1 : rows.findIndex((c) => c.compoundId === selectedId);
  const selected = selectedIndex >= 0 ? rows[selectedIndex] : null;

  // The first match is selected, so the details panel is never empty while there are rows.
  useEffect(() => {
    if (rows.length && selectedIndex < 0) setSelectedId(rows[0].compoundId);
  }, [rows, selectedIndex]);

  const focusTable = () => rootRef.current?.querySelector<HTMLElement>('.vtable-body')?.focus();
  return (
    <div className="compounds" ref={rootRef}>
      <section className="compounds-main">
        <CompoundToolbar q={q} shown={shown} toTable={focusTable} />
        {error && (
          <div className="error-banner" role="alert" data-testid="error">
            {error}
          </div>
        )}
        <VirtualTable
          label="Compounds"
          testId="compound-table"
          rowTestId="compound-row"
          rows={rows}
          columns={compoundColumns(highlight)}
          rowHeight={96}
          rowKey={(c) => c.compoundId}
          rowProps={(c) => ({ 'data-compound-id': c.compoundId })}
          selectedIndex={selectedIndex >= 0 ? selectedIndex : null}
          onSelect={(i) => setSelectedId(rows[i].compoundId)}
          onActivate={(i) => {
            setSelectedId(rows[i].compoundId);
            detailsRef.current?.focus();
          }}
          empty={<div className="placeholder compounds-empty">{result === null ? 'Loading compounds…' : 'No compound matches.'}</div>}
        />
      </section>
      <CompoundDetails ref={detailsRef} compound={selected} highlight={highlight} onBack={focusTable} />
    </div>
  );
}
