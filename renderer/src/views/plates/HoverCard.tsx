import type { PlateSummary, WellSummary } from '@contract';
import { Structure } from '../../components/Structure';
import { compoundLabel, formatConcentration, isControl, pertLabel } from '../../plate-format';
import { formatValue } from './colormap';

export interface Hover {
  well: WellSummary;
  plate: PlateSummary;
  box: DOMRect;
  /** The heatmap metric's value for this well, when one is shown. */
  metric?: { label: string; unit: string; value: number | null };
}

const WIDTH = 260;

/** What a screener needs to recognise a well without clicking it; placed beside the cell, inside the window. */
export function HoverCard({ hover }: { hover: Hover }) {
  const { well, plate, box, metric } = hover;
  const conc = formatConcentration(well.concentration);
  const right = box.right + 12 + WIDTH < window.innerWidth;
  const left = right ? box.right + 12 : Math.max(4, box.left - 12 - WIDTH);
  const top = Math.max(4, Math.min(box.top - 8, window.innerHeight - 330));
  return (
    <div className="hover-card" data-testid="hover-card" data-well={well.well} style={{ left, top, width: WIDTH }} role="tooltip">
      <div className="hover-head">
        <b>{well.well}</b>
        <span className="muted">{plate.name}</span>
      </div>
      <div className="hover-compound" data-testid="hover-compound">
        {isControl(well) ? (well.compoundName ?? 'DMSO') : compoundLabel(well)}
        {isControl(well) && <span className="tag tag-control">control</span>}
      </div>
      {well.smiles && !isControl(well) && (
        <div className="hover-structure">
          <Structure smiles={well.smiles} width={236} height={130} />
        </div>
      )}
      <dl className="facts">
        {well.compoundId && well.compoundId !== well.compoundName && <Fact k="ID" v={well.compoundId} />}
        <Fact k="Type" v={pertLabel(well)} />
        {conc && <Fact k="Conc." v={conc} />}
        {well.moa && <Fact k="MoA" v={well.moa} />}
        <Fact k="Plate" v={`${plate.source} / ${plate.batch} / ${plate.name}`} />
        <Fact k="Sites" v={String(well.sites)} />
        {well.qcFlags.length > 0 && <Fact k="QC" v={well.qcFlags.join(', ')} />}
        {metric && <Fact k={metric.label} v={metric.value === null ? 'no value' : `${formatValue(metric.value)} ${metric.unit}`} testId="hover-metric" />}
      </dl>
    </div>
  );
}

function Fact({ k, v, testId }: { k: string; v: string; testId?: string }) {
  return (
    <>
      <dt>{k}</dt>
      <dd data-testid={testId}>{v}</dd>
    </>
  );
}
