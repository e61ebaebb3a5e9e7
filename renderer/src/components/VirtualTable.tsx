// A table that renders only the rows in view, so 100,000 wells scroll as smoothly as 100. Rows have
// one fixed height; columns are a CSS grid shared by header and rows, so they stay aligned.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  /** CSS grid track, e.g. '120px' or 'minmax(160px, 1fr)'. */
  width: string;
  cell(row: T, index: number): ReactNode;
  align?: 'left' | 'right' | 'center';
}

interface Props<T> {
  rows: T[];
  columns: Column<T>[];
  rowHeight: number;
  rowKey(row: T, index: number): string | number;
  selectedIndex?: number | null;
  onSelect?(index: number): void;
  onActivate?(index: number): void;
  testId?: string;
  rowTestId?: string;
  rowProps?(row: T, index: number): Record<string, string | undefined>;
  empty?: ReactNode;
  label: string;
}

export function VirtualTable<T>({ rows, columns, rowHeight, rowKey, selectedIndex = null, onSelect, onActivate, testId, rowTestId, rowProps, empty, label }: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 8 });
  const template = columns.map((c) => c.width).join(' ');

  const onKeyDown = (e: KeyboardEvent) => {
    if (!rows.length || !onSelect) return;
    const i = selectedIndex ?? -1;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 1);
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = Math.min(rows.length - 1, i + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (e.key === 'PageDown') next = Math.min(rows.length - 1, i + page);
    else if (e.key === 'PageUp') next = Math.max(0, i - page);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = rows.length - 1;
    else if (e.key === 'Enter' && i >= 0) {
      e.preventDefault();
      onActivate?.(i);
      return;
    }
    if (next === null) return;
    e.preventDefault();
    onSelect(next);
    virt.scrollToIndex(next, { align: 'auto' });
  };

  return (
    <div className="vtable" data-testid={testId} data-rows={rows.length} role="grid" aria-label={label} aria-rowcount={rows.length}>
      <div className="vtable-head" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div key={c.key} role="columnheader" className={`vtable-cell align-${c.align ?? 'left'}`}>
            {c.header}
          </div>
        ))}
      </div>
      <div ref={scrollRef} className="vtable-body" tabIndex={0} onKeyDown={onKeyDown}>
        {rows.length === 0 && empty}
        <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
          {virt.getVirtualItems().map((v) => {
            const row = rows[v.index];
            return (
              <div
                key={rowKey(row, v.index)}
                role="row"
                aria-rowindex={v.index + 1}
                aria-selected={selectedIndex === v.index}
                data-testid={rowTestId}
                {...rowProps?.(row, v.index)}
                className={`vtable-row${selectedIndex === v.index ? ' selected' : ''}`}
                style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${v.start}px)` }}
                onClick={() => onSelect?.(v.index)}
                onDoubleClick={() => onActivate?.(v.index)}
              >
                {columns.map((c) => (
                  <div key={c.key} role="gridcell" className={`vtable-cell align-${c.align ?? 'left'}`}>
                    {c.cell(row, v.index)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
