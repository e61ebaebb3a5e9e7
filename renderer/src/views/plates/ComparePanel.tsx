import type { MetricResult, PlateSummary, ValueRange, WellSummary } from '@contract';
import { formatLabel, type Pos } from '../../plate-format';
import { wellColors } from './heatmap';
import { byPosition } from './plate-wells';
import { WellGrid } from './WellGrid';

interface Props {
  plates: PlateSummary[];
  wells: Map<number, WellSummary[]>;
  result: MetricResult | null;
  range: ValueRange;
  selectedPlate: number;
  selected: Pos | null;
  onSelect(plate: PlateSummary, p: Pos): void;
  onOpen(plate: PlateSummary, p: Pos): void;
  onHover(plate: PlateSummary, well: WellSummary | null, box: DOMRect | null): void;
  onRemove(plateId: number): void;
}

/** Small multiples: the selected plate and the compared ones side by side, coloured on one shared scale. */
export function ComparePanel({ plates, wells, result, range, selectedPlate, selected, onSelect, onOpen, onHover, onRemove }: Props) {
  return (
    <div className={`compare-grid n${Math.min(plates.length, 4)}`} data-testid="compare-panel">
      {plates.map((p) => {
        const w = wells.get(p.id);
        return (
          <section key={p.id} className="compare-plate" data-testid="compare-plate" data-plate-id={p.id} data-plate-name={p.name}>
            <div className="compare-title">
              <b>{p.name}</b>
              <span className="muted">
                {p.source} / {p.batch} · {formatLabel(p.rows, p.cols)}
              </span>
              {p.id !== selectedPlate && (
                <button type="button" className="link" aria-label={`Stop comparing ${p.name}`} onClick={() => onRemove(p.id)}>
                  ×
                </button>
              )}
            </div>
            {w ? (
              <WellGrid
                label={`Wells of ${p.name}`}
                rows={p.rows}
                cols={p.cols}
                wellsByPos={byPosition(w, p.cols)}
                selected={p.id === selectedPlate ? selected : null}
                onSelect={(pos) => onSelect(p, pos)}
                colors={result ? wellColors(result, p.id, range) : null}
                onOpen={(pos) => onOpen(p, pos)}
                onHover={(well, box) => onHover(p, well, box)}
              />
            ) : (
              <div className="placeholder">Loading wells…</div>
            )}
          </section>
        );
      })}
    </div>
  );
}
