import type { ProjectInfo } from '@contract';
import { JobIndicator } from './JobIndicator';

export function Header({ info }: { info: ProjectInfo | null }) {
  return (
    <header className="header" data-testid="app-header">
      <div className="brand">MICON Studio</div>
      <div className="project" title={info?.path}>
        <span className="project-label">Project</span>
        <span className="project-path" data-testid="project-path">
          {info?.path ?? '…'}
        </span>
      </div>
      {info && (
        <div className="project-counts" data-testid="project-counts">
          {info.plates} plates · {info.wells.toLocaleString()} wells · {info.sites.toLocaleString()} sites · {info.compounds} compounds
        </div>
      )}
      {info?.readOnly && (
        <div className="project-readonly" data-testid="project-readonly" title={info.readOnly}>
          read-only: {info.readOnly}
        </div>
      )}
      <JobIndicator />
      {info && (
        <div className={`transport transport-${info.transport}`} data-testid="transport" title={info.transportNote ?? undefined}>
          {/* The note already says which mode and why; the bare name is only the fallback. */}
          {info.transportNote ? (
            <span className="transport-note">{info.transportNote}</span>
          ) : (
            <span className="transport-name">{info.transport === 'electron' ? 'Desktop' : 'Browser mode'}</span>
          )}
        </div>
      )}
    </header>
  );
}
