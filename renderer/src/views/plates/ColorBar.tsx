import type { MetricInfo, ValueRange } from '@contract';
import { formatValue, viridisGradient } from './colormap';
import { NO_VALUE } from './WellGrid';

/** The heatmap's legend: the map from min to max, labelled in the metric's unit. */
export function ColorBar({ metric, range, scopeLabel }: { metric: MetricInfo; range: ValueRange; scopeLabel: string }) {
  return (
    <div className="color-bar" data-testid="color-bar" data-min={range?.min} data-max={range?.max} title={metric.description}>
      <span className="color-bar-title">
        {metric.label} <span className="muted">({metric.unit}, {scopeLabel})</span>
      </span>
      {range ? (
        <span className="color-bar-scale">
          <span data-testid="color-bar-min">{formatValue(range.min)}</span>
          <i className="color-bar-ramp" style={{ background: viridisGradient() }} />
          <span data-testid="color-bar-max">{formatValue(range.max)}</span>
        </span>
      ) : (
        <span className="muted">no well has a value</span>
      )}
      <span className="legend-item">
        <i className="swatch" style={{ background: NO_VALUE }} /> no value
      </span>
    </div>
  );
}
