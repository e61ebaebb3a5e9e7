import type { MetricInfo, PlateSummary } from '@contract';
import type { HeatmapSettings } from './heatmap';

interface Props {
  metrics: MetricInfo[];
  settings: HeatmapSettings;
  onChange(s: HeatmapSettings): void;
  plate: PlateSummary;
  plates: PlateSummary[];
}

/** Metric picker, range toggle and the plates to compare with. */
export function HeatmapControls({ metrics, settings, onChange, plate, plates }: Props) {
  const groups = [...new Set(metrics.map((m) => m.group))];
  const others = plates.filter((p) => p.id !== plate.id && !settings.compare.includes(p.id));
  const set = (patch: Partial<HeatmapSettings>) => onChange({ ...settings, ...patch });
  return (
    <div className="heatmap-controls" data-testid="heatmap-controls">
      <label className="control">
        Colour by
        <select data-testid="metric-picker" value={settings.metric ?? ''} onChange={(e) => set({ metric: e.target.value || null })}>
          <option value="">Thumbnails</option>
          {groups.map((g) => (
            <optgroup key={g} label={g}>
              {metrics
                .filter((m) => m.group === g)
                .map((m) => (
                  <option key={m.id} value={m.id} title={m.description}>
                    {m.label}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </label>
      <div className="segmented" role="radiogroup" aria-label="Colour range">
        {(['plate', 'all'] as const).map((scope) => (
          <button
            key={scope}
            type="button"
            role="radio"
            aria-checked={settings.scope === scope}
            data-testid={`scope-${scope}`}
            className={settings.scope === scope ? 'on' : undefined}
            disabled={!settings.metric}
            onClick={() => set({ scope })}
          >
            {scope === 'plate' ? (settings.compare.length ? 'Shown plates' : 'This plate') : 'All plates'}
          </button>
        ))}
      </div>
      <label className="control">
        Compare with
        <select data-testid="compare-picker" value="" onChange={(e) => e.target.value && set({ compare: [...settings.compare, Number(e.target.value)] })} disabled={others.length === 0}>
          <option value="">{settings.compare.length ? 'add a plate…' : 'a plate…'}</option>
          {others.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.source} / {p.batch})
            </option>
          ))}
        </select>
      </label>
      {settings.compare.length > 0 && (
        <button type="button" className="link" data-testid="compare-clear" onClick={() => set({ compare: [] })}>
          Single plate
        </button>
      )}
    </div>
  );
}
