// A canvas scatter plot: thousands of wells draw in milliseconds, hover finds the nearest point.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ProfileMap } from '@contract';
import { useNav } from '../../nav';

export type ColorBy = 'moa' | 'compound' | 'source' | 'batch' | 'plate';
type Point = ProfileMap['points'][number];

// Tableau 10 plus two: distinguishable, and readable on white.
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#17becf', '#8c564b', '#bcbd22'];
const OTHER = '#c4cad1';
const CONTROL = '#8a94a0';

function category(p: Point, by: ColorBy): string {
  if (p.pertType === 'negcon') return 'DMSO';
  if (by === 'moa') return p.moa ?? 'unannotated';
  if (by === 'compound') return p.compound ?? 'unknown';
  if (by === 'source') return p.source;
  if (by === 'batch') return p.batch;
  return p.plate;
}

const PAD = 12;

export function ScatterMap({ map, colorBy, query, hits }: { map: ProfileMap; colorBy: ColorBy; query: Set<number>; hits: Set<number> }) {
  const { go } = useNav();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 600, h: 420 });
  const [hover, setHover] = useState<Point | null>(null);

  const colors = useMemo(() => {
    const counts = new Map<string, number>();
    for (const p of map.points) {
      const c = category(p, colorBy);
      if (c !== 'DMSO') counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    // The biggest categories get colours; the rest share grey, said so in the legend.
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, PALETTE.length);
    const m = new Map<string, string>(top.map(([c], i) => [c, PALETTE[i]]));
    return { map: m, legend: top.map(([c, n]) => ({ c, n, color: m.get(c)! })), others: counts.size - top.length };
  }, [map, colorBy]);

  const scale = useMemo(() => {
    const xs = map.points.map((p) => p.x);
    const ys = map.points.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const sx = (size.w - 2 * PAD) / (x1 - x0 || 1);
    const sy = (size.h - 2 * PAD) / (y1 - y0 || 1);
    return { x: (v: number) => PAD + (v - x0) * sx, y: (v: number) => size.h - PAD - (v - y0) * sy };
  }, [map, size]);

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
    const dim = query.size > 0 || hits.size > 0;
    ctx.globalAlpha = dim ? 0.35 : 0.8;
    for (const p of map.points) {
      if (query.has(p.wellId) || hits.has(p.wellId)) continue;
      const cat = category(p, colorBy);
      ctx.fillStyle = cat === 'DMSO' ? CONTROL : (colors.map.get(cat) ?? OTHER);
      ctx.beginPath();
      ctx.arc(scale.x(p.x), scale.y(p.y), cat === 'DMSO' ? 2 : 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    for (const p of map.points) {
      if (!hits.has(p.wellId) || query.has(p.wellId)) continue;
      const cat = category(p, colorBy);
      ctx.fillStyle = colors.map.get(cat) ?? OTHER;
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.arc(scale.x(p.x), scale.y(p.y), 5, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
    for (const p of map.points) {
      if (!query.has(p.wellId)) continue;
      const x = scale.x(p.x);
      const y = scale.y(p.y);
      ctx.fillStyle = '#111';
      ctx.beginPath();
      ctx.moveTo(x, y - 8);
      ctx.lineTo(x + 8, y);
      ctx.lineTo(x, y + 8);
      ctx.lineTo(x - 8, y);
      ctx.closePath();
      ctx.fill();
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
  }, [map, colorBy, colors, scale, size, query, hits]);

  const nearest = (mx: number, my: number): Point | null => {
    let best: Point | null = null;
    let bd = 64;
    for (const p of map.points) {
      const d = (scale.x(p.x) - mx) ** 2 + (scale.y(p.y) - my) ** 2;
      if (d < bd) {
        bd = d;
        best = p;
      }
    }
    return best;
  };
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
      <div className="scatter-legend" data-testid="map-legend">
        <span className="legend-entry">
          <i style={{ background: '#111' }} className="diamond" /> query
        </span>
        <span className="legend-entry">
          <i style={{ border: '1.5px solid #111' }} /> hits
        </span>
        <span className="legend-entry">
          <i style={{ background: CONTROL }} /> DMSO
        </span>
        {colors.legend.map((l) => (
          <span key={l.c} className="legend-entry" title={`${l.n} wells`}>
            <i style={{ background: l.color }} /> {l.c}
          </span>
        ))}
        {colors.others > 0 && (
          <span className="legend-entry">
            <i style={{ background: OTHER }} /> {colors.others} more
          </span>
        )}
      </div>
    </div>
  );
}
