import { useCallback, useMemo, useState } from 'react';
import type { PlateSummary, WellSummary } from '@contract';
import { useNav } from '../../nav';
import { formatImage, formatLabel, isControl, type Pos } from '../../plate-format';
import { ColorBar } from './ColorBar';
import { ComparePanel } from './ComparePanel';
import { displayRange, useMetrics, useMetricValues, wellColors, wellValue, type HeatmapSettings } from './heatmap';
import { HeatmapControls } from './HeatmapControls';
import { HoverCard, type Hover } from './HoverCard';
import { usePlateWells } from './plate-wells';
import { WellDetails } from './WellDetails';
import { WellGrid } from './WellGrid';
import { WellViewer } from './WellViewer';
import './plates.css';

interface Props {
  plate: PlateSummary;
  plates: PlateSummary[];
  wells: WellSummary[] | null;
  initialWell?: string;
  heatmap: HeatmapSettings;
  onHeatmap(s: HeatmapSettings): void;
}

export function PlateView({ plate, plates, wells, initialWell, heatmap, onHeatmap }: Props) {
  const { revision } = useNav();
  // The well the details panel shows: on this plate, or on a compared one.
  const [picked, setPicked] = useState<{ plateId: number; pos: Pos } | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const [open, setOpen] = useState<{ plate: PlateSummary; well: WellSummary } | null>(null);

  const compared = heatmap.compare.map((id) => plates.find((p) => p.id === id)).filter((p): p is PlateSummary => !!p && p.id !== plate.id);
  const shown = [plate, ...compared];
  const shownIds = useMemo(() => shown.map((p) => p.id), [shown.map((p) => p.id).join(',')]);
  const otherWells = usePlateWells(compared.map((p) => p.id), revision);
  const wellsOf = (id: number) => (id === plate.id ? wells : (otherWells.get(id) ?? null));

  const metrics = useMetrics(revision);
  const metric = metrics.find((m) => m.id === heatmap.metric) ?? null;
  const { result, error } = useMetricValues(metric ? metric.id : null, shownIds, revision);
  const range = result ? displayRange(result, heatmap.scope) : null;

  const wanted = initialWell ? wells?.find((w) => w.well === initialWell) : undefined;
  const byPos = useMemo(() => new Map((wells ?? []).map((w) => [w.row * plate.cols + w.col, w])), [wells, plate.cols]);
  // Until the user picks one, the first well with data is selected, so the details panel is never blank.
  const start = wanted ?? wells?.[0];
  const sel = picked ?? (start ? { plateId: plate.id, pos: { row: start.row, col: start.col } } : null);
  const selPlate = shown.find((p) => p.id === sel?.plateId) ?? plate;
  const selWell = sel ? (wellsOf(sel.plateId)?.find((w) => w.row === sel.pos.row && w.col === sel.pos.col) ?? null) : null;
  const image = formatImage(plate);
  const controls = wells?.filter(isControl).length ?? 0;

  const findWell = (p: PlateSummary, pos: Pos) => wellsOf(p.id)?.find((w) => w.row === pos.row && w.col === pos.col);
  const openWell = (p: PlateSummary, pos: Pos) => {
    const w = findWell(p, pos);
    if (w && w.sites > 0) setOpen({ plate: p, well: w });
  };
  const onHover = (p: PlateSummary, well: WellSummary | null, box: DOMRect | null) =>
    setHover(well && box ? { well, plate: p, box, metric: metric ? { label: metric.label, unit: metric.unit, value: wellValue(result, p.id, well.id) } : undefined } : null);
  const closeViewer = useCallback(() => setOpen(null), []);

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
          {plate.sites === 0 && (
            <span className="muted" data-testid="no-images">
              profiles only — no images
            </span>
          )}
          {image && <span>{image}</span>}
          {plate.qcFlaggedSites > 0 && <span className="qc-text">{plate.qcFlaggedSites} QC-flagged sites</span>}
        </div>
      </div>
      <HeatmapControls metrics={metrics} settings={heatmap} onChange={onHeatmap} plate={plate} plates={plates} />
      <div className="plate-body">
        <div className="grid-panel">
          {compared.length > 0 ? (
            <ComparePanel
              plates={shown}
              wells={new Map(shown.flatMap((p) => (wellsOf(p.id) ? [[p.id, wellsOf(p.id)!] as const] : [])))}
              result={result}
              range={range}
              selectedPlate={sel?.plateId ?? plate.id}
              selected={sel?.pos ?? null}
              onSelect={(p, pos) => setPicked({ plateId: p.id, pos })}
              onOpen={openWell}
              onHover={onHover}
              onRemove={(id) => onHeatmap({ ...heatmap, compare: heatmap.compare.filter((x) => x !== id) })}
            />
          ) : wells ? (
            <WellGrid
              rows={plate.rows}
              cols={plate.cols}
              wellsByPos={byPos}
              selected={sel?.plateId === plate.id ? sel.pos : null}
              onSelect={(pos) => setPicked({ plateId: plate.id, pos })}
              colors={result ? wellColors(result, plate.id, range) : null}
              onOpen={(pos) => openWell(plate, pos)}
              onHover={(w, box) => onHover(plate, w, box)}
            />
          ) : (
            <div className="placeholder">Loading wells…</div>
          )}
          <div className="legend" data-testid="legend">
            {metric && result ? (
              <ColorBar metric={metric} range={range} scopeLabel={heatmap.scope === 'all' ? 'all plates' : compared.length ? 'shown plates' : 'this plate'} />
            ) : (
              <span className="legend-hint-left">{metric && !error ? 'Computing…' : 'Thumbnails: DNA blue, ER/RNA green, AGP/Mito red'}</span>
            )}
            {error && <span className="qc-text">{error}</span>}
            <span className="legend-item">
              <i className="swatch swatch-control" /> DMSO ({controls})
            </span>
            <span className="legend-item">
              <i className="swatch swatch-qc" /> QC-flagged
            </span>
            <span className="legend-item">
              <i className="swatch swatch-empty" /> no data
            </span>
            <span className="legend-hint">{plate.sites > 0 ? 'Arrows move · Enter or double-click opens images' : 'Arrows move · no images on this plate'}</span>
          </div>
        </div>
        <WellDetails plate={selPlate} pos={sel?.pos ?? null} well={selWell} onOpen={selWell ? () => openWell(selPlate, sel!.pos) : undefined} />
      </div>
      {hover && !open && <HoverCard hover={hover} />}
      {open && <WellViewer plate={open.plate} well={open.well} onClose={closeViewer} />}
    </section>
  );
}
