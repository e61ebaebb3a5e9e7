// Loss curves per term, drawn with uPlot (canvas; thousands of steps stay cheap to redraw live).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLORS = ['#1f6feb', '#d1495b', '#2a9d8f', '#e9a23b', '#7b61ff', '#6c757d', '#00a6d6'];

export interface LossSeries {
  steps: number[];
  series: { name: string; values: number[] }[];
}

export function LossChart({ data, height = 240, testId }: { data: LossSeries; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const names = data.series.map((s) => s.name).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height,
      scales: { x: { time: false } },
      axes: [{ label: 'step' }, { label: 'loss' }],
      series: [{ label: 'step' }, ...data.series.map((s, i) => ({ label: s.name, stroke: COLORS[i % COLORS.length], width: s.name === 'loss' ? 2 : 1.25, points: { show: false } }))],
      legend: { live: true },
    };
    const u = new uPlot(opts, [data.steps, ...data.series.map((s) => s.values)], el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // A new set of terms needs new series; new points only need setData below.
  }, [names, height]);

  useEffect(() => {
    plot.current?.setData([data.steps, ...data.series.map((s) => s.values)]);
  }, [data]);

  return <div ref={box} className="loss-chart" data-testid={testId} data-points={data.steps.length} />;
}
