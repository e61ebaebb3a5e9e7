import { useEffect, useState } from 'react';
import type { WellSummary } from '@contract';
import { getApi } from '../../api';

/** Wells of several plates (compare mode), fetched once per plate and kept while shown. */
export function usePlateWells(plateIds: number[], revision: number): Map<number, WellSummary[]> {
  const [wells, setWells] = useState<{ revision: number; byPlate: Map<number, WellSummary[]> }>({ revision, byPlate: new Map() });
  const key = plateIds.join(',');
  useEffect(() => {
    let current = true;
    const have = wells.revision === revision ? wells.byPlate : new Map<number, WellSummary[]>();
    const missing = plateIds.filter((id) => !have.has(id));
    if (!missing.length) return;
    Promise.all(missing.map((plateId) => getApi().invoke('plates.wells', { plateId }).then((w) => [plateId, w] as const))).then(
      (got) => current && setWells((prev) => ({ revision, byPlate: new Map([...(prev.revision === revision ? prev.byPlate : []), ...got]) })),
      () => undefined,
    );
    return () => {
      current = false;
    };
    // key stands for plateIds.
  }, [key, revision]);
  return wells.revision === revision ? wells.byPlate : new Map();
}

export function byPosition(wells: WellSummary[], cols: number): Map<number, WellSummary> {
  return new Map(wells.map((w) => [w.row * cols + w.col, w]));
}
