import { useEffect, useState } from 'react';
import type { JobProgress, PlateSummary, ProjectInfo, WellSummary } from '../../main/core/api/contract';
import { getApi } from './api';
import { Header } from './views/Header';
import { PlateList } from './views/PlateList';
import { PlateView } from './views/PlateView';
import { ProjectOverview } from './views/ProjectOverview';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function App() {
  const api = getApi();
  const [info, setInfo] = useState<ProjectInfo | null>(null);
  const [plates, setPlates] = useState<PlateSummary[] | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [wells, setWells] = useState<{ plateId: number; wells: WellSummary[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<JobProgress | null>(null);

  useEffect(() => {
    Promise.all([api.invoke('project.info', {}), api.invoke('plates.list', {})]).then(
      ([i, p]) => {
        setInfo(i);
        setPlates(p);
      },
      (e) => setError(message(e)),
    );
    return api.on('job.progress', setJob);
  }, [api]);

  useEffect(() => {
    if (selectedId === null) return;
    // A slow answer for a plate the user already left must not overwrite the newer one.
    let current = true;
    api.invoke('plates.wells', { plateId: selectedId }).then(
      (w) => current && setWells({ plateId: selectedId, wells: w }),
      (e) => current && setError(message(e)),
    );
    return () => {
      current = false;
    };
  }, [api, selectedId]);

  const plate = plates?.find((p) => p.id === selectedId) ?? null;
  const plateWells = wells && wells.plateId === selectedId ? wells.wells : null;

  return (
    <div className="app">
      <Header info={info} job={job} />
      {error && (
        <div className="error-banner" role="alert" data-testid="error">
          {error}
        </div>
      )}
      <div className="workspace">
        <PlateList plates={plates} selectedId={selectedId} onSelect={setSelectedId} />
        <main className="main">
          {plate ? (
            <PlateView key={plate.id} plate={plate} wells={plateWells} />
          ) : (
            plates && plates.length > 0 ? (
              <ProjectOverview info={info} plates={plates} onSelect={setSelectedId} />
            ) : (
              <div className="placeholder" data-testid="no-plate">
                {plates === null ? 'Loading project…' : 'This project has no plates yet. Import a plate folder with `micon ingest`.'}
              </div>
            )
          )}
        </main>
      </div>
    </div>
  );
}
