import type { PlateSummary, ProjectInfo } from '@contract';
import { formatLabel, groupPlates } from '../../plate-format';

/** What the main area shows before a plate is picked: the screen at a glance, one row per plate. */
export function ProjectOverview({ info, plates, onSelect }: { info: ProjectInfo | null; plates: PlateSummary[]; onSelect(id: number): void }) {
  const groups = groupPlates(plates);
  const batches = groups.reduce((n, s) => n + s.batches.length, 0);
  const stats: [string, number][] = [
    ['sources', groups.length],
    ['batches', batches],
    ['plates', plates.length],
    ['wells', info?.wells ?? plates.reduce((n, p) => n + p.wells, 0)],
    ['sites', info?.sites ?? plates.reduce((n, p) => n + p.sites, 0)],
    ['compounds', info?.compounds ?? 0],
  ];
  return (
    <section className="overview" data-testid="project-overview">
      <div className="stats">
        {stats.map(([k, v]) => (
          <div key={k} className="stat">
            <div className="stat-value">{v.toLocaleString()}</div>
            <div className="stat-label">{k}</div>
          </div>
        ))}
      </div>
      <table className="overview-table">
        <thead>
          <tr>
            <th>Source</th>
            <th>Batch</th>
            <th>Plate</th>
            <th>Rep</th>
            <th>Format</th>
            <th className="num">Wells</th>
            <th className="num">Treated</th>
            <th className="num">Control</th>
            <th className="num">Sites</th>
            <th className="num">QC flags</th>
          </tr>
        </thead>
        <tbody>
          {plates.map((p) => (
            <tr key={p.id} onClick={() => onSelect(p.id)} data-testid="overview-row">
              <td>{p.source}</td>
              <td className="mono">{p.batch}</td>
              <td className="strong">{p.name}</td>
              <td>{p.replicate ?? '–'}</td>
              <td>
                {formatLabel(p.rows, p.cols)} · {p.layout}
              </td>
              <td className="num">{p.wells}</td>
              <td className="num">{p.treatedWells}</td>
              <td className="num">{p.controlWells}</td>
              <td className="num">{p.sites}</td>
              <td className={`num${p.qcFlaggedSites ? ' qc-text' : ''}`}>{p.qcFlaggedSites}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted hint">Pick a plate on the left (or press ↓ in the list) to see its wells.</p>
    </section>
  );
}
