import type { SiteChannel } from '@contract';
import type { ChannelView } from './channels';

interface Props {
  views: ChannelView[];
  channels: SiteChannel[];
  onChange(views: ChannelView[]): void;
  onReset(): void;
}

/** Visibility, colour and contrast limits per channel; limits as sliders and numbers over the camera's range. */
export function ChannelControls({ views, channels, onChange, onReset }: Props) {
  const update = (i: number, patch: Partial<ChannelView>) => onChange(views.map((v, k) => (k === i ? { ...v, ...patch } : v)));
  return (
    <div className="channel-controls" data-testid="channel-controls">
      {views.map((v, i) => {
        const info = channels.find((c) => c.name === v.name);
        const top = 2 ** (info?.bitDepth ?? 16) - 1;
        const setLimit = (key: 'min' | 'max', value: number) => {
          if (!Number.isFinite(value)) return;
          const next = { ...v, auto: false, [key]: Math.max(0, Math.min(65535, Math.round(value))) };
          // Keep a non-empty window whichever end moved.
          if (next.max <= next.min) {
            if (key === 'min') next.max = Math.min(65535, next.min + 1);
            else next.min = Math.max(0, next.max - 1);
          }
          update(i, next);
        };
        return (
          <fieldset key={v.name} className={v.visible ? 'channel-box' : 'channel-box hidden'} data-testid="channel" data-channel={v.name}>
            <legend>
              <label>
                <input type="checkbox" data-testid="channel-visible" checked={v.visible} onChange={(e) => update(i, { visible: e.target.checked })} /> {v.name}
              </label>
              <input type="color" aria-label={`${v.name} colour`} data-testid="channel-color" value={v.color} onChange={(e) => update(i, { color: e.target.value })} />
              <button type="button" className={`small${v.auto ? ' on' : ''}`} data-testid="channel-auto" title={info ? `0.1–99.9th percentile: ${info.auto.min}–${info.auto.max}` : undefined} onClick={() => info && update(i, { auto: true, min: info.auto.min, max: info.auto.max })}>
                Auto
              </button>
            </legend>
            {(['min', 'max'] as const).map((key) => (
              <div key={key} className="limit">
                <span className="limit-label">{key}</span>
                <input type="range" aria-label={`${v.name} ${key}`} min={0} max={top} value={Math.min(v[key], top)} onChange={(e) => setLimit(key, Number(e.target.value))} />
                <input type="number" aria-label={`${v.name} ${key} value`} data-testid={`channel-${key}`} min={0} max={65535} value={v[key]} onChange={(e) => setLimit(key, Number(e.target.value))} />
              </div>
            ))}
          </fieldset>
        );
      })}
      <button type="button" data-testid="channels-reset" onClick={onReset}>
        Reset channels
      </button>
    </div>
  );
}
