// Pure helpers for plate geometry and labels, kept apart from React so they are unit-tested.
import type { PlateSummary, WellSummary } from '@contract';

export interface Pos {
  row: number;
  col: number;
}

/** 0 → A … 25 → Z, 26 → AA … 31 → AF (1536-well plates), as ingest names wells. */
export function rowLetters(index: number): string {
  if (index < 26) return String.fromCharCode(65 + index);
  const i = index - 26;
  return String.fromCharCode(65 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26));
}

export function wellName(p: Pos): string {
  return `${rowLetters(p.row)}${String(p.col + 1).padStart(2, '0')}`;
}

export function formatLabel(rows: number, cols: number): string {
  const n = rows * cols;
  return n === 96 || n === 384 || n === 1536 ? `${n}-well` : `${rows}×${cols}`;
}

export function isControl(w: WellSummary): boolean {
  return w.pertType === 'negcon' || w.compoundId?.toUpperCase() === 'DMSO';
}

export function formatConcentration(c: number | null): string | null {
  if (c === null) return null;
  const s = c >= 100 ? c.toFixed(0) : c >= 1 ? String(+c.toPrecision(3)) : String(+c.toPrecision(2));
  return `${s} µM`;
}

export function pertLabel(w: WellSummary): string {
  if (isControl(w)) return 'negative control';
  if (w.pertType === 'poscon') return 'positive control';
  if (w.pertType === 'empty') return 'empty';
  return w.pertType === 'trt' ? 'treated' : (w.pertType ?? 'unannotated');
}

/** The hover text of a well: what a screener needs to recognise it without clicking. */
export function wellTitle(w: WellSummary): string {
  const who = isControl(w) ? `${w.compoundName ?? w.compoundId ?? 'DMSO'} (negative control)` : compoundLabel(w);
  const lines = [`${w.well}: ${who}`];
  if (w.compoundId && w.compoundName && w.compoundName !== w.compoundId) lines.push(`ID: ${w.compoundId}`);
  if (w.smiles) lines.push(`SMILES: ${w.smiles}`);
  const conc = formatConcentration(w.concentration);
  if (conc) lines.push(`Concentration: ${conc}`);
  if (w.moa) lines.push(`MoA: ${w.moa}`);
  lines.push(`Sites: ${w.sites}`);
  if (w.qcFlags.length) lines.push(`QC: ${w.qcFlags.join(', ')}`);
  return lines.join('\n');
}

export function compoundLabel(w: WellSummary): string {
  return w.compoundName ?? w.compoundId ?? (w.pertType === 'trt' ? 'unknown compound' : 'no compound');
}

export interface BatchGroup {
  batch: string;
  plates: PlateSummary[];
}
export interface SourceGroup {
  source: string;
  batches: BatchGroup[];
}

/** Source → batch → plates, keeping the order the API returned. */
export function groupPlates(plates: PlateSummary[]): SourceGroup[] {
  const out: SourceGroup[] = [];
  for (const p of plates) {
    let s = out.find((g) => g.source === p.source);
    if (!s) out.push((s = { source: p.source, batches: [] }));
    let b = s.batches.find((g) => g.batch === p.batch);
    if (!b) s.batches.push((b = { batch: p.batch, plates: [] }));
    b.plates.push(p);
  }
  return out;
}

/** Plates in the order the grouped list shows them, which is what Up/Down walks. */
export function displayOrder(groups: SourceGroup[]): PlateSummary[] {
  return groups.flatMap((s) => s.batches.flatMap((b) => b.plates));
}

const MOVES: Record<string, Pos> = {
  ArrowUp: { row: -1, col: 0 },
  ArrowDown: { row: 1, col: 0 },
  ArrowLeft: { row: 0, col: -1 },
  ArrowRight: { row: 0, col: 1 },
};

/** The next position for an arrow key, clamped to the plate; null for any other key. */
export function moveWell(p: Pos, key: string, rows: number, cols: number): Pos | null {
  const d = MOVES[key];
  if (!d) return null;
  return { row: Math.max(0, Math.min(rows - 1, p.row + d.row)), col: Math.max(0, Math.min(cols - 1, p.col + d.col)) };
}

export function formatImage(p: PlateSummary): string | null {
  const parts: string[] = [];
  if (p.imageWidth && p.imageHeight) parts.push(`${p.imageWidth}×${p.imageHeight} px`);
  if (p.pixelSizeUm) parts.push(`${+p.pixelSizeUm.toPrecision(3)} µm/px`);
  if (p.bitDepth) parts.push(`${p.bitDepth}-bit`);
  return parts.length ? parts.join(' · ') : null;
}
