import type { CompoundSummary, CompoundWell } from '@contract';
import { formatConcentration } from '../../plate-format';

export const SPLIT_LABEL: Record<'heldout' | 'train', string> = { heldout: 'held out', train: 'trained' };

/** "0.1–1 µM", "10 µM", or null when no well has a concentration. */
export function concentrationRange(c: CompoundSummary): string | null {
  if (c.minConcentration === null || c.maxConcentration === null) return null;
  if (c.minConcentration === c.maxConcentration) return formatConcentration(c.minConcentration);
  return `${formatConcentration(c.minConcentration)?.replace(/ µM$/, '')}–${formatConcentration(c.maxConcentration)}`;
}

export function wellLabel(w: CompoundWell): string {
  const conc = formatConcentration(w.concentration);
  return [w.plate, w.well, conc].filter(Boolean).join(' · ');
}
