// Choosing a folder or file from inside the page. Browser mode has no native dialog, and the same
// chooser in the desktop app keeps one flow to learn and test. Keyboard: arrows move, Enter opens a
// folder (or picks a file), Backspace goes up, Escape cancels.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { FsBrowseResult } from '@contract';
import { getApi } from '../api';
import { useAction } from '../hooks/use-request';
import './file-chooser.css';

export type ChooseKind = 'folder' | 'project' | 'csv' | 'new-project';

const ICON: Record<string, string> = { dir: '📁', project: '🧫', csv: '📄', image: '🖼', other: '·' };

interface Props {
  kind: ChooseKind;
  title: string;
  start?: string | null;
  onChoose(path: string): void;
  onCancel(): void;
}

export function FileChooser({ kind, title, start, onChoose, onCancel }: Props) {
  const [listing, setListing] = useState<FsBrowseResult | null>(null);
  const [typed, setTyped] = useState(start ?? '');
  const { run, error } = useAction();
  const [sel, setSel] = useState(0);
  const [name, setName] = useState('screen.micon');
  const listRef = useRef<HTMLDivElement>(null);

  const load = (p?: string) =>
    run(
      () => getApi().invoke('fs.browse', { path: p }),
      (r) => {
        setListing(r);
        setTyped(r.path);
        setSel(0);
      },
    );

  // Only the first folder comes from props; after that the user walks.
  useEffect(() => {
    void load(start ?? undefined);
  }, []);

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [sel]);

  const wanted = (k: string) => k === 'dir' || (kind === 'project' && k === 'project') || (kind === 'csv' && k === 'csv');
  const entries = (listing?.entries ?? []).filter((e) => wanted(e.kind));
  const pickEntry = (i: number) => {
    const e = entries[i];
    if (!e) return;
    if (e.kind === 'dir') void load(e.path);
    else onChoose(e.path);
  };
  const join = (dir: string, n: string) => `${dir.replace(/[\\/]+$/, '')}${dir.includes('\\') && !dir.includes('/') ? '\\' : '/'}${n}`;

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    } else if (e.target instanceof HTMLInputElement) {
      return;
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setSel((s) => Math.min(entries.length - 1, s + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setSel((s) => Math.max(0, s - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      pickEntry(sel);
    } else if (e.key === 'Backspace' && listing?.parent) {
      e.preventDefault();
      void load(listing.parent);
    }
  };

  return (
    <div className="modal-backdrop" onKeyDown={onKeyDown}>
      <div className="modal chooser" role="dialog" aria-modal="true" aria-label={title} data-testid="file-chooser" data-kind={kind}>
        <div className="modal-title">{title}</div>
        <form
          className="chooser-path"
          onSubmit={(e) => {
            e.preventDefault();
            void load(typed);
          }}
        >
          <button type="button" className="btn" disabled={!listing?.parent} onClick={() => listing?.parent && void load(listing.parent)} title="Up (Backspace)">
            ↑
          </button>
          <input type="text" value={typed} onChange={(e) => setTyped(e.target.value)} aria-label="Path" data-testid="chooser-path" spellCheck={false} />
          <button type="submit" className="btn">
            Go
          </button>
          <button type="button" className="btn" onClick={() => listing && void load(listing.home)}>
            Home
          </button>
          {/* The session's folders: the page may not leave them (micon serve --allow adds more). */}
          {listing && listing.roots.length > 1 && (
            <select aria-label="Allowed folders" data-testid="chooser-roots" value="" onChange={(e) => e.target.value && void load(e.target.value)}>
              <option value="">Folders…</option>
              {listing.roots.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </form>
        {error && (
          <div className="error-inline" role="alert">
            {error}
          </div>
        )}
        <div className="chooser-list" role="listbox" tabIndex={0} ref={listRef} aria-label="Folder contents" autoFocus>
          {entries.length === 0 && <div className="muted chooser-empty">{listing ? 'Nothing to choose here.' : 'Loading…'}</div>}
          {entries.map((e, i) => (
            <div
              key={e.path}
              role="option"
              aria-selected={i === sel}
              className={`chooser-entry${i === sel ? ' selected' : ''}`}
              data-testid="chooser-entry"
              data-name={e.name}
              onClick={() => setSel(i)}
              onDoubleClick={() => pickEntry(i)}
            >
              <span className="chooser-icon">{ICON[e.kind]}</span> {e.name}
            </div>
          ))}
          {listing?.truncated && <div className="muted chooser-empty">Only the first {listing.entries.length} entries are listed.</div>}
        </div>
        <div className="modal-actions">
          {kind === 'new-project' && (
            <label className="field inline">
              Name
              <input type="text" value={name} onChange={(e) => setName(e.target.value)} data-testid="chooser-name" />
            </label>
          )}
          <span className="spacer" />
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          {kind === 'folder' && (
            <button type="button" className="btn primary" data-testid="chooser-choose" disabled={!listing} onClick={() => listing && onChoose(listing.path)}>
              Choose this folder
            </button>
          )}
          {kind === 'new-project' && (
            <button type="button" className="btn primary" data-testid="chooser-choose" disabled={!listing || !name.trim()} onClick={() => listing && onChoose(join(listing.path, name.trim()))}>
              Create here
            </button>
          )}
          {(kind === 'project' || kind === 'csv') && (
            <button type="button" className="btn primary" data-testid="chooser-choose" disabled={!entries[sel] || entries[sel].kind === 'dir'} onClick={() => pickEntry(sel)}>
              Open
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
