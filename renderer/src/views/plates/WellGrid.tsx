import { memo, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type RefObject } from 'react';
import type { WellSummary } from '@contract';
import { isControl, moveWell, rowLetters, wellName, wellTitle, type Pos } from '../../plate-format';

interface Props {
  rows: number;
  cols: number;
  /** Keyed by row * cols + col. */
  wellsByPos: Map<number, WellSummary>;
  selected: Pos | null;
  onSelect(p: Pos): void;
  /** Heatmap fill by well id; a well with data but no entry is drawn grey ("no value"). */
  colors?: Map<number, string> | null;
  /** Double-click or Enter: open the well's images. */
  onOpen?(p: Pos): void;
  /** The well under the pointer (null when it leaves), with the cell's screen box for a hover card. */
  onHover?(well: WellSummary | null, box: DOMRect | null): void;
  /** Accessible name of the grid (several grids share a page in compare mode). */
  label?: string;
}

/** Largest square cell that fits the panel, so 96-, 384- and 1536-well plates all fill it. */
function useCellSize(ref: RefObject<HTMLDivElement | null>, rows: number, cols: number, label: number, gap: number): number {
  const [size, setSize] = useState(20);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const fit = () => {
      const w = (el.clientWidth - label - gap * cols - 4) / cols;
      const h = (el.clientHeight - label - gap * rows - 4) / rows;
      setSize(Math.max(8, Math.min(72, Math.floor(Math.min(w, h)))));
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, rows, cols, label, gap]);
  return size;
}

export function WellGrid({ rows, cols, wellsByPos, selected, onSelect, colors, onOpen, onHover, label: ariaLabel = 'Wells' }: Props) {
  const wrap = useRef<HTMLDivElement>(null);
  const dense = cols > 24;
  const gap = dense ? 1 : 2;
  const label = dense ? 18 : 24;
  const cell = useCellSize(wrap, rows, cols, label, gap);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && selected && onOpen) {
      e.preventDefault();
      onOpen(selected);
      return;
    }
    const next = moveWell(selected ?? { row: 0, col: 0 }, e.key, rows, cols);
    if (!next) return;
    e.preventDefault();
    onSelect(next);
  };

  const cells = [];
  cells.push(<div key="corner" className="grid-corner" />);
  for (let c = 0; c < cols; c++) {
    cells.push(
      <div key={`c${c}`} className="grid-label col-label" role="columnheader">
        {/* 48 two-digit numbers do not fit over 1536-well columns; odd ones keep the count readable. */}
        {!dense || c % 2 === 0 ? c + 1 : ''}
      </div>,
    );
  }
  for (let r = 0; r < rows; r++) {
    cells.push(
      <div key={`r${r}`} className="grid-label row-label" role="rowheader">
        {rowLetters(r)}
      </div>,
    );
    for (let c = 0; c < cols; c++) {
      const isSel = selected?.row === r && selected?.col === c;
      const well = wellsByPos.get(r * cols + c);
      const fill = colors && well ? (colors.get(well.id) ?? NO_VALUE) : undefined;
      cells.push(<WellCell key={`${r}:${c}`} row={r} col={c} well={well} selected={isSel} onSelect={onSelect} fill={fill} />);
    }
  }

  // One listener per grid, not per cell: hover and double-click find the cell from the event target.
  const cellOf = (e: MouseEvent) => (e.target as HTMLElement).closest<HTMLElement>('[data-well]');
  const posOf = (el: HTMLElement) => ({ row: Number(el.dataset.row), col: Number(el.dataset.col) });
  const onMouseOver = (e: MouseEvent) => {
    if (!onHover) return;
    const el = cellOf(e);
    const well = el ? wellsByPos.get(posOf(el).row * cols + posOf(el).col) : undefined;
    onHover(well ?? null, well && el ? el.getBoundingClientRect() : null);
  };
  const onDoubleClick = (e: MouseEvent) => {
    const el = cellOf(e);
    if (el && onOpen && !el.dataset.empty) onOpen(posOf(el));
  };

  return (
    <div className="grid-wrap" ref={wrap}>
      <div
        className={`well-grid${dense ? ' dense' : ''}${colors ? ' heatmap' : ''}`}
        role="grid"
        aria-label={ariaLabel}
        tabIndex={0}
        data-testid="well-grid"
        data-rows={rows}
        data-cols={cols}
        data-selected={selected ? wellName(selected) : ''}
        onKeyDown={onKeyDown}
        onMouseOver={onMouseOver}
        onMouseLeave={() => onHover?.(null, null)}
        onDoubleClick={onDoubleClick}
        style={{
          gridTemplateColumns: `${label}px repeat(${cols}, ${cell}px)`,
          gridTemplateRows: `${label}px repeat(${rows}, ${cell}px)`,
          gap: `${gap}px`,
          fontSize: dense ? 9 : cell < 28 ? 10 : 11,
        }}
      >
        {cells}
      </div>
    </div>
  );
}

interface CellProps {
  row: number;
  col: number;
  well: WellSummary | undefined;
  selected: boolean;
  onSelect(p: Pos): void;
  fill?: string;
}

// Grey, not a colour of the map: "no value" must not read as "low value".
export const NO_VALUE = 'rgb(90, 98, 108)';

// Memoised: moving the selection re-renders two cells, not all 1,536.
const WellCell = memo(function WellCell({ row, col, well, selected, onSelect, fill }: CellProps) {
  const name = wellName({ row, col });
  const control = well ? isControl(well) : false;
  const qc = !!well && well.qcFlags.length > 0;
  const cls = ['well', well ? 'has-data' : 'empty', control && 'control', qc && 'qc', selected && 'selected'].filter(Boolean).join(' ');
  return (
    <div
      role="gridcell"
      aria-selected={selected}
      className={cls}
      data-testid="well"
      data-well={name}
      data-empty={well ? undefined : 'true'}
      data-control={control ? 'true' : undefined}
      data-qc={qc ? 'true' : undefined}
      data-row={row}
      data-col={col}
      data-fill={fill}
      aria-label={well ? wellTitle(well) : `${name}: no data`}
      style={fill ? { background: fill } : undefined}
      onClick={() => onSelect({ row, col })}
    >
      {!fill && well?.thumbnail && <img className="thumb" data-testid="well-thumb" src={well.thumbnail} alt="" draggable={false} />}
    </div>
  );
});
