// Heatmap state shared by the plate view and its compare mode: which metric, which range, which
// plates, and the values the API returned for them.
import type { MetricInfo, MetricResult, ValueRange } from '@contract';
import { getApi } from '../../api';
import { useAsync } from '../../hooks/use-request';
import { position, viridis } from './colormap';

export interface HeatmapSettings {
  /** null: wells show their thumbnails. */
  metric: string | null;
  /** 'plate': the shown plate(s) own range; 'all': the range over every plate of the project. */
  scope: 'plate' | 'all';
  /** Plates shown beside the selected one (compare mode when non-empty). */
  compare: number[];
}

export const DEFAULT_HEATMAP: HeatmapSettings = { metric: null, scope: 'plate', compare: [] };

const NO_METRICS: MetricInfo[] = [];

export function useMetrics(revision: number): MetricInfo[] {
  // A failure leaves the metric list empty (thumbnails only).
  return useAsync(() => getApi().invoke('plates.metrics', {}), [revision]).data ?? NO_METRICS;
}

/** The metric's values on `plateIds`; null while loading or with no metric chosen. */
export function useMetricValues(metric: string | null, plateIds: number[], revision: number): { result: MetricResult | null; error: string | null } {
  const key = metric ? `${metric}|${plateIds.join(',')}|${revision}` : '';
  // plateIds and revision are folded into key, so a new array with the same plates does not refetch.
  const loaded = useAsync(metric ? () => getApi().invoke('plates.metric', { plateIds, metric }) : null, [key]);
  // Another metric's or plate's values are never shown as these: nothing until they answer.
  if (!metric || loaded.loading) return { result: null, error: null };
  return { result: loaded.error ? null : (loaded.data ?? null), error: loaded.error };
}

/** The range colours are scaled to: every plate of the project, or the plates on screen together. */
export function displayRange(result: MetricResult, scope: HeatmapSettings['scope']): ValueRange {
  if (scope === 'all') return result.allPlates;
  const rs = result.plates.map((p) => p.range).filter((r): r is NonNullable<ValueRange> => r !== null);
  return rs.length ? { min: Math.min(...rs.map((r) => r.min)), max: Math.max(...rs.map((r) => r.max)) } : null;
}

/** Well id → fill colour for one plate of the result. */
export function wellColors(result: MetricResult, plateId: number, range: ValueRange): Map<number, string> {
  const p = result.plates.find((x) => x.plateId === plateId);
  return new Map((p?.values ?? []).map((v) => [v.wellId, range ? viridis(position(v.value, range)) : viridis(0.5)]));
}

export function wellValue(result: MetricResult | null, plateId: number, wellId: number): number | null {
  return result?.plates.find((x) => x.plateId === plateId)?.values.find((v) => v.wellId === wellId)?.value ?? null;
}
