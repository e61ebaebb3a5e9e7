import { useEffect, useState } from 'react';
import type { PlateSummary, ProjectInfo } from '@contract';
import { getApi } from '../../api';
import { useAsync } from '../../hooks/use-request';
import { useNav } from '../../nav';
import { DEFAULT_HEATMAP, type HeatmapSettings } from './heatmap';
import { PlateList } from './PlateList';
import { PlateView } from './PlateView';
import { ProjectOverview } from './ProjectOverview';

export function PlatesView({ info, plates }: { info: ProjectInfo | null; plates: PlateSummary[] | null }) {
  const api = getApi();
  const { route, go, revision } = useNav();
  // The view stays mounted while others are shown; a tab click (no plate named) returns to the
  // plate and well left here, a link from elsewhere (a search hit, a compound's well) moves them.
  const [target, setTarget] = useState<{ plateId?: number; plateName?: string; well?: string }>({});
  useEffect(() => {
    if (route.view === 'plates' && (route.plateId !== undefined || route.plateName !== undefined)) setTarget({ plateId: route.plateId, plateName: route.plateName, well: route.well });
  }, [route]);
  const byName = target.plateName ? plates?.find((p) => p.name === target.plateName) : undefined;
  const selectedId = target.plateId ?? byName?.id ?? null;
  // Kept here, not in PlateView: the chosen metric should survive moving to another plate.
  const [heatmap, setHeatmap] = useState<HeatmapSettings>(DEFAULT_HEATMAP);

  // Tagged with their plate: while another plate loads, the last one's wells are not shown as its.
  const loaded = useAsync(selectedId === null ? null : () => api.invoke('plates.wells', { plateId: selectedId }).then((w) => ({ plateId: selectedId, wells: w })), [api, selectedId, revision]);
  const { data: wells, error } = loaded;

  const plate = plates?.find((p) => p.id === selectedId) ?? null;
  const plateWells = wells && wells.plateId === selectedId ? wells.wells : null;
  const select = (id: number) => go({ view: 'plates', plateId: id });

  return (
    <div className="workspace">
      <PlateList plates={plates} selectedId={selectedId} onSelect={select} />
      <main className="main">
        {error && (
          <div className="error-banner" role="alert" data-testid="error">
            {error}
          </div>
        )}
        {plate ? (
          <PlateView key={`${plate.id}:${target.well ?? ''}`} plate={plate} plates={plates ?? []} wells={plateWells} initialWell={target.well} heatmap={heatmap} onHeatmap={setHeatmap} />
        ) : plates && plates.length > 0 ? (
          <ProjectOverview info={info} plates={plates} onSelect={select} />
        ) : (
          <div className="placeholder" data-testid="no-plate">
            {plates === null ? (
              'Loading project…'
            ) : (
              <>
                This project has no plates yet.{' '}
                <button type="button" className="link" onClick={() => go({ view: 'project' })}>
                  Import a plate folder
                </button>
              </>
            )}
          </div>
        )}
      </main>
    </div>
  );
}
