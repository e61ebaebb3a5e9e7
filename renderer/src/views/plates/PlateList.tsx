import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { PlateSummary } from '@contract';
import { displayOrder, formatImage, formatLabel, groupPlates } from '../../plate-format';

interface Props {
  plates: PlateSummary[] | null;
  selectedId: number | null;
  onSelect(id: number): void;
}

export function PlateList({ plates, selectedId, onSelect }: Props) {
  const groups = useMemo(() => groupPlates(plates ?? []), [plates]);
  const order = useMemo(() => displayOrder(groups), [groups]);
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (!order.length) return;
    const i = order.findIndex((p) => p.id === selectedId);
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = i < 0 ? 0 : Math.min(order.length - 1, i + 1);
    else if (e.key === 'ArrowUp') next = i < 0 ? 0 : Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = order.length - 1;
    if (next === null) return;
    e.preventDefault();
    onSelect(order[next].id);
  };

  return (
    <aside className="sidebar">
      <div className="sidebar-title">
        Plates <span className="count">{plates?.length ?? ''}</span>
      </div>
      <div
        ref={listRef}
        className="plate-list"
        role="listbox"
        aria-label="Plates"
        tabIndex={0}
        data-testid="plate-list"
        aria-activedescendant={selectedId !== null ? `plate-${selectedId}` : undefined}
        onKeyDown={onKeyDown}
      >
        {groups.map((s) => (
          <section key={s.source} className="source-group" data-testid="source-group" data-source={s.source}>
            <h2 className="source-name">{s.source}</h2>
            {s.batches.map((b) => (
              <section key={b.batch} className="batch-group" data-testid="batch-group" data-batch={b.batch}>
                <h3 className="batch-name">{b.batch}</h3>
                {b.plates.map((p) => (
                  <PlateItem key={p.id} plate={p} selected={p.id === selectedId} onSelect={() => onSelect(p.id)} />
                ))}
              </section>
            ))}
          </section>
        ))}
      </div>
    </aside>
  );
}

function PlateItem({ plate: p, selected, onSelect }: { plate: PlateSummary; selected: boolean; onSelect(): void }) {
  const image = formatImage(p);
  return (
    <div
      id={`plate-${p.id}`}
      role="option"
      aria-selected={selected}
      className={`plate-item${selected ? ' selected' : ''}`}
      data-testid="plate-item"
      data-plate-id={p.id}
      data-plate-name={p.name}
      onClick={onSelect}
    >
      <div className="plate-item-head">
        <span className="plate-name" data-testid="plate-name">
          {p.name}
        </span>
        {p.replicate !== null && <span className="tag">rep {p.replicate}</span>}
        <span className="tag tag-muted">{p.layout}</span>
      </div>
      <div className="plate-meta" data-testid="plate-counts">
        {formatLabel(p.rows, p.cols)} · <b>{p.wells}</b> wells · <b>{p.sites}</b> sites
      </div>
      <div className="plate-meta" data-testid="plate-treatments">
        {p.treatedWells} treated · {p.controlWells} control · {p.compounds} compounds
      </div>
      {image && (
        <div className="plate-meta" data-testid="plate-image">
          {image}
        </div>
      )}
      <div className="channels" data-testid="plate-channels">
        {p.channels.map((c) => (
          <span key={c.name} className="channel" title={`${c.name}: ${c.instrumentName ?? c.rawId} (${c.rawId})`}>
            <b>{c.name}</b> {c.instrumentName ?? c.rawId}
          </span>
        ))}
      </div>
      {p.qcFlaggedSites > 0 && (
        <div className="qc-note" data-testid="plate-qc">
          {p.qcFlaggedSites} QC-flagged {p.qcFlaggedSites === 1 ? 'site' : 'sites'}
        </div>
      )}
    </div>
  );
}
