import { useMemo, useState } from 'react';
import type { PlateSummary, WellSummary } from '../../../../main/core/api/contract';
import { formatImage, formatLabel, isControl, type Pos } from '../../plate-format';
import { WellDetails } from './WellDetails';
import { WellGrid } from './WellGrid';

export function PlateView({ plate, wells, initialWell }: { plate: PlateSummary; plates: PlateSummary[]; wells: WellSummary[] | null; initialWell?: string }) {
  const [selected, setSelected] = useState<Pos | null>(null);
  const wanted = initialWell ? wells?.find((w) => w.well === initialWell) : undefined;
  const byPos = useMemo(() => new Map((wells ?? []).map((w) => [w.row * plate.cols + w.col, w])), [wells, plate.cols]);
  // Until the user picks one, the first well with data is selected, so the details panel is never blank.
  const first = wells?.[0];
  const start = wanted ?? first;
  const pos = selected ?? (start ? { row: start.row, col: start.col } : null);
  const well = pos ? (byPos.get(pos.row * plate.cols + pos.col) ?? null) : null;
  const image = formatImage(plate);
  const controls = wells?.filter(isControl).length ?? 0;

  return (
    <section className="plate-view" data-testid="plate-view" data-plate-id={plate.id}>
      <div className="plate-header">
        <h1 data-testid="plate-title">{plate.name}</h1>
        <div className="plate-path">
          {plate.source} / {plate.batch}
          {plate.replicate !== null && <> · replicate {plate.replicate}</>}
        </div>
        <div className="plate-facts">
          <span>
            {formatLabel(plate.rows, plate.cols)} ({plate.rows}×{plate.cols})
          </span>
          <span>{plate.layout}</span>
          <span>
            {plate.wells} wells with data · {plate.sites} sites
          </span>
          {image && <span>{image}</span>}
          {plate.qcFlaggedSites > 0 && <span className="qc-text">{plate.qcFlaggedSites} QC-flagged sites</span>}
        </div>
      </div>
      <div className="plate-body">
        <div className="grid-panel">
          {wells ? (
            <WellGrid rows={plate.rows} cols={plate.cols} wellsByPos={byPos} selected={pos} onSelect={setSelected} />
          ) : (
            <div className="placeholder">Loading wells…</div>
          )}
          <div className="legend" data-testid="legend">
            <span className="legend-item">
              <i className="swatch swatch-control" /> DMSO / negative control ({controls})
            </span>
            <span className="legend-item">
              <i className="swatch swatch-qc" /> QC-flagged
            </span>
            <span className="legend-item">
              <i className="swatch swatch-empty" /> no data
            </span>
            <span className="legend-hint">Arrow keys move between wells · colours: DNA blue, ER/RNA green, AGP/Mito red</span>
          </div>
        </div>
        <WellDetails plate={plate} pos={pos} well={well} />
      </div>
    </section>
  );
}
