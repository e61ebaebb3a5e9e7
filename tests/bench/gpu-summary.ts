// A few human lines from `bench gpu`'s JSON, for the device script's output (scripts/gpu-bench/run.sh).
import type { EmbedRun, TrainRun } from './gpu.bench.js';

interface GpuBenchResult {
  machine: { cpu: string; cores: number; nvidiaGpus: string[] | null };
  webgpu: { adapter: string | null; refused?: string } | null;
  settings: { steps: number; image: number };
  train: TrainRun[];
  embed: EmbedRun[];
}

export function summarizeGpuBench(r: GpuBenchResult): string {
  const lines = [`machine: ${r.machine.cpu}, ${r.machine.cores} cores; nvidia-smi: ${r.machine.nvidiaGpus?.join(' | ') ?? 'none'}`];
  if (r.webgpu) lines.push(`WebGPU adapter: ${r.webgpu.adapter ?? 'none'}${r.webgpu.refused ? ` — not used: ${r.webgpu.refused}` : ''}`);
  lines.push(`train, sites/s (treated + controls, after warm-up; ${r.settings.image}² images):`);
  for (const t of r.train) {
    lines.push(`  ${t.backend.padEnd(10)} ${t.encoder.padEnd(8)} ${t.skipped ? `skipped: ${t.skipped}` : `${t.sitesPerSecond} (${t.steps} steps of ${t.sitesPerStep} sites, first step ${t.firstStepSeconds} s) — ${t.detail}`}`);
  }
  lines.push('embed (ONNX CNN encoder), sites/s:');
  for (const e of r.embed) {
    const diff = e.maxAbsDiffVsCpu == null ? '' : `, max |Δ| vs cpu ${e.maxAbsDiffVsCpu.toExponential(1)}`;
    lines.push(`  ${e.provider.padEnd(10)} ${e.skipped ? `skipped: ${e.skipped}` : `${e.sitesPerSecond} (batch ${e.batch}${diff})`}`);
  }
  return lines.join('\n') + '\n';
}
