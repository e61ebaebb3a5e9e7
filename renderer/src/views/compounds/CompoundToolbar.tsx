// The compound browser's search boxes: text and substructure, controls or not, the count. "/" focuses
// the search from anywhere in the view; arrows or Enter go to the table, Escape clears a box.
import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { CompoundQuery } from './compound-query';

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/** `shown`: the view is on screen (it stays mounted when not); `toTable`: move focus to the table. */
export function CompoundToolbar({ q, shown, toTable }: { q: CompoundQuery; shown: boolean; toTable(): void }) {
  const searchRef = useRef<HTMLInputElement>(null);
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

  const onSearchKey = (e: ReactKeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      toTable();
    } else if (e.key === 'Escape') {
      // Escape clears the box; on an empty box it goes back to the table.
      if ((e.target as HTMLInputElement).value === '') toTable();
      else if (e.target === searchRef.current) q.setText('');
      else q.setSubstructure('');
    }
  };

  const count = q.result ? `${q.result.total} ${q.result.total === 1 ? 'compound' : 'compounds'}` : '';
  return (
    <>
      <div className="compounds-toolbar">
        <label className="field compounds-search">
          <span>
            Search <kbd title="Press / to search">/</kbd>
          </span>
          <input
            ref={searchRef}
            type="text"
            value={q.text}
            placeholder="id, name, mechanism or target"
            data-testid="compound-search"
            onChange={(e) => q.setText(e.target.value)}
            onKeyDown={onSearchKey}
          />
        </label>
        <label className="field compounds-substructure">
          Substructure
          <input
            type="text"
            value={q.substructure}
            placeholder="SMILES or SMARTS, e.g. c1ccccc1C=Cc1ccccc1"
            spellCheck={false}
            className={q.subError ? 'invalid' : undefined}
            aria-invalid={q.subError ? true : undefined}
            data-testid="compound-substructure"
            onChange={(e) => q.setSubstructure(e.target.value)}
            onKeyDown={onSearchKey}
          />
        </label>
        <label className="compounds-check">
          <input type="checkbox" checked={q.includeControls} data-testid="include-controls" onChange={(e) => q.setIncludeControls(e.target.checked)} />
          Include controls
        </label>
        <span className="compounds-count" data-testid="compound-count" aria-live="polite">
          {q.loading && <span className="muted">searching… </span>}
          {count}
          {q.result?.query.substructureAs && <span className="muted"> · read as {q.result.query.substructureAs.toUpperCase()}</span>}
          {q.result && q.result.query.substructure && q.result.withoutStructure > 0 && <span className="muted"> · {q.result.withoutStructure} without structure</span>}
        </span>
      </div>
      {q.subError && (
        <div className="field-error" role="alert" data-testid="substructure-error">
          {q.subError}
        </div>
      )}
    </>
  );
}
