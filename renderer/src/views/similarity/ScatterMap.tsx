// A canvas scatter plot: thousands of wells draw in milliseconds, hover finds the nearest point.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ProfileMap } from '@contract';
import { useNav } from '../../nav';
import { ScatterLegend } from './ScatterLegend';
import { categoryColors, nearestPoint, pointScale, type ColorBy, type Point } from './scatter-colors';
import { drawScatter } from './scatter-draw';

export type { ColorBy } from './scatter-colors';

export function ScatterMap({ map, colorBy, query, hits }: { map: ProfileMap; colorBy: ColorBy; query: Set<number>; hits: Set<number> }) {
  const { go } = useNav();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 600, h: 420 });
  const [hover, setHover] = useState<Point | null>(null);
  const colors = useMemo(() => categoryColors(map.points, colorBy), [map, colorBy]);
  const scale = useMemo(() => pointScale(map.points, size), [map, size]);

  useEffect(() => {
    const el = canvas.current?.parentElement;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: Math.max(200, el.clientWidth), h: Math.max(200, Math.min(520, el.clientWidth * 0.72)) }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = size.w * dpr;
    c.height = size.h * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.w, size.h);
    drawScatter(ctx, { points: map.points, colorBy, colors, scale, query, hits });
  }, [map, colorBy, colors, scale, size, query, hits]);

  const nearest = (mx: number, my: number) => nearestPoint(map.points, scale, mx, my);
  const pos = (e: React.MouseEvent) => {
    const r = (e.target as HTMLCanvasElement).getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };

  return (
    <div className="scatter">
      <div className="scatter-box">
        <canvas
          ref={canvas}
          style={{ width: size.w, height: size.h }}
          data-testid="map-canvas"
          data-points={map.points.length}
          data-query={query.size}
          data-hits={[...hits].filter((id) => map.points.some((p) => p.wellId === id)).length}
          onMouseMove={(e) => setHover(nearest(...pos(e)))}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            const p = nearest(...pos(e));
            if (p) go({ view: 'similarity', query: { kind: 'well', well: `${p.plate}:${p.well}` } });
          }}
          role="img"
          aria-label={`map of ${map.points.length} well profiles`}
        />
        {hover && (
          <div className="scatter-tip" style={{ left: Math.min(scale.x(hover.x) + 10, size.w - 200), top: scale.y(hover.y) + 10 }} data-testid="map-tip">
            <b>{hover.compound ?? (hover.pertType === 'negcon' ? 'DMSO' : '–')}</b>
            <div>{hover.moa ?? ''}</div>
            <div className="muted">
              {hover.plate} · {hover.well} · {hover.source}
            </div>
            <div className="muted small">click: wells like this one</div>
          </div>
        )}
      </div>
      <ScatterLegend colors={colors} />
    </div>
  );
}
