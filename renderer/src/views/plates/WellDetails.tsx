import type { PlateSummary, WellSummary } from '@contract';
import { useNav } from '../../nav';
import { compoundLabel, formatConcentration, isControl, pertLabel, wellName, type Pos } from '../../plate-format';

export function WellDetails({ plate, pos, well, onOpen }: { plate: PlateSummary; pos: Pos | null; well: WellSummary | null; onOpen?: () => void }) {
  const { go } = useNav();
  if (!pos) return <aside className="well-details" data-testid="well-details" />;
  const name = wellName(pos);
  return (
    <aside className="well-details" data-testid="well-details" data-well={name}>
      <div className="details-title">
        <span className="details-well" data-testid="details-well">
          {name}
        </span>
        <span className="details-plate">{plate.name}</span>
      </div>
      {!well ? (
        <p className="muted">No images or platemap entry for this well.</p>
      ) : (
        <>
          {well.thumbnail ? (
            <img className="details-thumb" src={well.thumbnail} alt={`${name} composite`} />
          ) : (
            // A profiles-only well (import-profiles --create-plates) has nothing to show: say so, request no tile.
            <div className="details-thumb none" data-testid="details-no-images">
              {well.sites > 0 ? 'no thumbnail' : 'no images (profiles only)'}
            </div>
          )}
          {onOpen && well.sites > 0 && (
            <button type="button" className="open-images" data-testid="open-images" onClick={onOpen}>
              Open images (Enter)
            </button>
          )}
          <div className="details-links">
            <button type="button" className="small" data-testid="well-similar" onClick={() => go({ view: 'similarity', query: { kind: 'well', well: `${plate.name}:${name}` } })}>
              Wells like this
            </button>
            {well.compoundId && !isControl(well) && (
              <button type="button" className="small" data-testid="well-compound" onClick={() => go({ view: 'compounds', search: well.compoundId! })}>
                Compound
              </button>
            )}
          </div>
          <div className="details-compound" data-testid="details-compound">
            {isControl(well) ? (well.compoundName ?? 'DMSO') : compoundLabel(well)}
            {isControl(well) && <span className="tag tag-control">control</span>}
          </div>
          <dl className="facts">
            {well.compoundId && well.compoundId !== well.compoundName && <Fact k="ID" v={well.compoundId} />}
            <Fact k="Type" v={pertLabel(well)} />
            {well.concentration !== null && <Fact k="Conc." v={formatConcentration(well.concentration)} />}
            {well.moa && <Fact k="MoA" v={well.moa} />}
            <Fact k="Sites" v={String(well.sites)} />
            {well.qcFlags.length > 0 && <Fact k="QC" v={well.qcFlags.join(', ')} warn />}
          </dl>
          {well.smiles && (
            <div className="smiles" title={well.smiles}>
              <div className="smiles-label">SMILES</div>
              <code>{well.smiles}</code>
            </div>
          )}
        </>
      )}
    </aside>
  );
}

function Fact({ k, v, warn }: { k: string; v: string | null; warn?: boolean }) {
  return (
    <>
      <dt>{k}</dt>
      <dd className={warn ? 'qc-text' : undefined}>{v}</dd>
    </>
  );
}
