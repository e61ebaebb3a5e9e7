// Drawing the profile map on a canvas: every well dimmed when something is marked, hits ringed on
// top, the query's wells as diamonds above all.
import { category, CONTROL, OTHER, type ColorBy, type Colors, type Point, type Scale } from './scatter-colors';

interface Marks {
  points: Point[];
  colorBy: ColorBy;
  colors: Colors;
  scale: Scale;
  query: Set<number>;
  hits: Set<number>;
}

export function drawScatter(ctx: CanvasRenderingContext2D, { points, colorBy, colors, scale, query, hits }: Marks): void {
  const dim = query.size > 0 || hits.size > 0;
  ctx.globalAlpha = dim ? 0.35 : 0.8;
  for (const p of points) {
    if (query.has(p.wellId) || hits.has(p.wellId)) continue;
    const cat = category(p, colorBy);
    ctx.fillStyle = cat === 'DMSO' ? CONTROL : (colors.map.get(cat) ?? OTHER);
    ctx.beginPath();
    ctx.arc(scale.x(p.x), scale.y(p.y), cat === 'DMSO' ? 2 : 3, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  for (const p of points) {
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
  for (const p of points) {
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
}
