// The compound browser: every compound of the project, searchable by text and by substructure, with
// its depiction, mechanism, where it was screened, and a details panel that leads to its wells and
// to "find similar".
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CompoundSummary } from '@contract';
import { Structure } from '../../components/Structure';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { useRequest } from '../../hooks/use-request';
import { useNav } from '../../nav';
import { CompoundDetails } from './CompoundDetails';
import { SPLIT_LABEL } from './compound-format';
import './compounds.css';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function CompoundBrowser() {
  const { route } = useNav();
  // Only a route that carries a search replaces what the user typed (the view stays mounted).
  const routeSearch = route.view === 'compounds' ? route.search : undefined;
  const shown = route.view === 'compounds';
  const [text, setText] = useState(routeSearch ?? '');
  const [substructure, setSubstructure] = useState('');
  const [includeControls, setIncludeControls] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const detailsRef = useRef<HTMLElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (routeSearch !== undefined) setText(routeSearch);
  }, [routeSearch]);

  const q = { text: useDebounced(text, 200), substructure: useDebounced(substructure, 350) };
  const sub = q.substructure.trim();
  const loaded = useRequest('compounds.list', { text: q.text, includeControls, ...(sub ? { substructure: sub } : {}) }, [q.text, q.substructure, includeControls]);
  const { loading } = loaded;
  const result = loaded.data ?? null;
  // An invalid query keeps the last good list on screen and says what is wrong with it.
  const subError = loaded.error && sub && /SMARTS|SMILES|substructure/.test(loaded.error) ? loaded.error : null;
  const error = subError ? null : loaded.error;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (shown && e.key === '/' && !isTyping(e.target) && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shown]);

  const rows = useMemo(() => result?.compounds ?? [], [result]);
  const highlight = result?.query.substructure ?? undefined;
  const selectedIndex = selectedId === null ? -1 : rows.findIndex((c) => c.compoundId === selectedId);
  const selected = selectedIndex >= 0 ? rows[selectedIndex] : null;

  // The first match is selected, so the details panel is never empty while there are rows.
  useEffect(() => {
    if (rows.length && selectedIndex < 0) setSelectedId(rows[0].compoundId);
  }, [rows, selectedIndex]);

  const focusTable = () => rootRef.current?.querySelector<HTMLElement>('.vtable-body')?.focus();
  const onSearchKey = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      focusTable();
    } else if (e.key === 'Escape') {
      // Escape clears the box; on an empty box it goes back to the table.
      if ((e.target as HTMLInputElement).value === '') focusTable();
      else if (e.target === searchRef.current) setText('');
      else setSubstructure('');
    }
  };

  const columns: Column<CompoundSummary>[] = [
    { key: 'structure', header: 'Structure', width: '140px', cell: (c) => <Structure smiles={c.canonicalSmiles ?? c.smiles} width={120} height={90} highlight={highlight} /> },
    {
      key: 'compound',
      header: 'Compound',
      width: 'minmax(150px, 1.1fr)',
      cell: (c) => (
        <div className="cell-stack" title={`${c.name ?? c.compoundId} (${c.compoundId})`}>
          <span className="cell-line compound-name">
            {c.name ?? c.compoundId}
            {c.isControl && <span className="tag tag-control">control</span>}
          </span>
          <span className="cell-line compound-id">{c.compoundId}</span>
        </div>
      ),
    },
    {
      key: 'moa',
      header: 'Mechanism / target',
      width: 'minmax(150px, 1.3fr)',
      cell: (c) => (
        <div className="cell-stack" title={[c.moa, c.target].filter(Boolean).join(' · ')}>
          <span className="cell-line">{c.moa ?? <span className="muted">unknown</span>}</span>
          {c.target && <span className="cell-line muted">{c.target}</span>}
        </div>
      ),
    },
    { key: 'wells', header: 'Wells', width: '58px', align: 'right', cell: (c) => c.wells },
    { key: 'replicates', header: <span title="Replicate wells: the most wells at any one concentration">Reps</span>, width: '52px', align: 'right', cell: (c) => c.replicates },
    { key: 'plates', header: 'Plates', width: '62px', align: 'right', cell: (c) => c.plates },
    { key: 'sources', header: 'Sources', width: '70px', align: 'right', cell: (c) => c.sources },
    {
      key: 'split',
      header: 'Split',
      width: '78px',
      cell: (c) => (c.splitRole ? <span className={`tag split-${c.splitRole}`}>{SPLIT_LABEL[c.splitRole]}</span> : <span className="muted">—</span>),
    },
  ];

  const count = result ? `${result.total} ${result.total === 1 ? 'compound' : 'compounds'}` : '';
  return (
    <div className="compounds" ref={rootRef}>
      <section className="compounds-main">
        <div className="compounds-toolbar">
          <label className="field compounds-search">
            <span>
              Search <kbd title="Press / to search">/</kbd>
            </span>
            <input
              ref={searchRef}
              type="text"
              value={text}
              placeholder="id, name, mechanism or target"
              data-testid="compound-search"
              onChange={(e) => setText(e.target.value)}
              onKeyDown={onSearchKey}
            />
          </label>
          <label className="field compounds-substructure">
            Substructure
            <input
              type="text"
              value={substructure}
              placeholder="SMILES or SMARTS, e.g. c1ccccc1C=Cc1ccccc1"
              spellCheck={false}
              className={subError ? 'invalid' : undefined}
              aria-invalid={subError ? true : undefined}
              data-testid="compound-substructure"
              onChange={(e) => setSubstructure(e.target.value)}
              onKeyDown={onSearchKey}
            />
          </label>
          <label className="compounds-check">
            <input type="checkbox" checked={includeControls} data-testid="include-controls" onChange={(e) => setIncludeControls(e.target.checked)} />
            Include controls
          </label>
          <span className="compounds-count" data-testid="compound-count" aria-live="polite">
            {loading && <span className="muted">searching… </span>}
            {count}
            {result?.query.substructureAs && <span className="muted"> · read as {result.query.substructureAs.toUpperCase()}</span>}
            {result && result.query.substructure && result.withoutStructure > 0 && <span className="muted"> · {result.withoutStructure} without structure</span>}
          </span>
        </div>
        {subError && (
          <div className="field-error" role="alert" data-testid="substructure-error">
            {subError}
          </div>
        )}
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
          columns={columns}
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
