import { useEffect, useMemo, useRef, useState } from 'react';
import type { PlateSummary, WellSite, WellSummary } from '@contract';
import { getApi } from '../../api';
import { useAsync } from '../../hooks/use-request';
import { compoundLabel, isControl } from '../../plate-format';
import { ChannelControls } from './ChannelControls';
import { defaultChannels, forSite, tileSettings, type ChannelView } from './channels';
import { useDeepZoom } from './deep-zoom';
import './plates.css';

/** A well's sites at full resolution (deep zoom), with per-channel display controls. Escape closes. */
export function WellViewer({ plate, well, onClose }: { plate: PlateSummary; well: WellSummary; onClose(): void }) {
  const loaded = useAsync(() => getApi().invoke('wells.sites', { wellId: well.id }), [well.id]);
  const sites: WellSite[] | null = loaded.data ?? null;
  const { error } = loaded;
  const [index, setIndex] = useState(0);
  const [views, setViews] = useState<ChannelView[]>([]);
  const [loads, setLoads] = useState(0);
  const host = useRef<HTMLDivElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const site = sites?.[index] ?? null;

  // New sites: default display settings (before the effect below fits them to the shown site).
  useEffect(() => {
    if (sites) setViews(sites.length ? defaultChannels(sites[0].channels) : []);
  }, [sites]);

  useEffect(() => {
    if (site) setViews((v) => forSite(v, site.channels));
  }, [site]);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    dialog.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      onClose();
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      previous?.focus();
    };
  }, [onClose]);

  const settings = useMemo(() => tileSettings(views), [views]);
  // The viewer gets the site only once its display settings are set (the effects above run after the
  // sites arrive): drawn earlier, with no channel settings, it would load a black image first.
  const viewer = useDeepZoom(host, views.length ? site : null, settings, setLoads);
  const zoom = (f: number) => viewer.current?.viewport.zoomBy(f).applyConstraints();

  return (
    <div className="viewer-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="well-viewer" role="dialog" aria-modal="true" aria-label={`${plate.name} ${well.well} images`} tabIndex={-1} ref={dialog} data-testid="well-viewer" data-site={site?.siteId} data-loads={loads}>
        <header className="viewer-head">
          <b>
            {plate.name} · {well.well}
          </b>
          <span>{isControl(well) ? (well.compoundName ?? 'DMSO') : compoundLabel(well)}</span>
          {site && (
            <span className="muted">
              {site.width}×{site.height} px · {site.channels[0]?.bitDepth}-bit
            </span>
          )}
          {site && site.qcFlags.length > 0 && <span className="qc-text">QC: {site.qcFlags.join(', ')}</span>}
          <button type="button" className="viewer-close" data-testid="viewer-close" aria-label="Close (Escape)" title="Close (Escape)" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="viewer-body">
          <div className="viewer-stage">
            <div className="osd" ref={host} data-testid="osd" />
            <div className="zoom-buttons">
              <button type="button" aria-label="Zoom in" onClick={() => zoom(1.5)}>
                +
              </button>
              <button type="button" aria-label="Zoom out" onClick={() => zoom(1 / 1.5)}>
                −
              </button>
              <button type="button" aria-label="Fit" data-testid="zoom-home" onClick={() => viewer.current?.viewport.goHome()}>
                ⤢
              </button>
            </div>
            {error && (
              <div className="error-banner" role="alert">
                {error}
              </div>
            )}
            {!sites && !error && <div className="viewer-note">Loading sites…</div>}
            {sites?.length === 0 && <div className="viewer-note">This well has no images.</div>}
          </div>
          <aside className="viewer-side">
            {sites && sites.length > 1 && (
              <div className="site-picker" role="radiogroup" aria-label="Site" data-testid="site-picker">
                {sites.map((s, i) => (
                  <button key={s.siteId} type="button" role="radio" aria-checked={i === index} className={i === index ? 'on' : undefined} onClick={() => setIndex(i)}>
                    {s.site}
                  </button>
                ))}
              </div>
            )}
            {site && <ChannelControls views={views} channels={site.channels} onChange={setViews} onReset={() => setViews(defaultChannels(site.channels))} />}
          </aside>
        </div>
      </div>
    </div>
  );
}
