import { CHANNELS, type ChannelName, InputError } from '../types.js';

// Stain and dye names instruments write into their metadata, per Cell Painting channel.
// Matched case-insensitively against the whole name after removing punctuation/spaces.
const SYNONYMS: Record<ChannelName, string[]> = {
  DNA: ['dna', 'hoechst', 'hoechst33342', 'hoechst33258', 'dapi', 'nuclei', 'nucleus', 'h33342', 'draq5'],
  ER: ['er', 'concanavalina', 'concanavalin', 'cona', 'endoplasmicreticulum', 'alexa488cona', 'ertracker'],
  RNA: ['rna', 'syto14', 'syto', 'nucleoli', 'nucleolirna', 'cytoplasmicrna'],
  AGP: ['agp', 'phalloidin', 'wga', 'phalloidinwga', 'wgaphalloidin', 'actin', 'golgi', 'membrane', 'plasmamembrane', 'actingolgiplasmamembrane', 'wheatgermagglutinin'],
  Mito: ['mito', 'mitotracker', 'mitotrackerdeepred', 'mitotrackerred', 'mitotrackerredcmxros', 'mitochondria'],
};

function squash(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Canonical channel for an instrument/stain name, or null when it is not recognisable.
 * Tries exact synonyms first, then a synonym contained in the name ("Alexa 488 ConA" -> ER),
 * and gives up when more than one channel matches.
 */
export function resolveChannelName(raw: string): ChannelName | null {
  const s = squash(raw.replace(/^(orig|illum)/i, ''));
  if (!s) return null;
  for (const ch of CHANNELS) if (SYNONYMS[ch].includes(s)) return ch;
  // Words of the name ("ER 488", "RNA_SYTO") match any synonym, short ones included.
  const words = raw
    .replace(/^(orig|illum)/i, '')
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.toLowerCase())
    .filter(Boolean);
  const hits = new Set<ChannelName>();
  for (const ch of CHANNELS) {
    for (const syn of SYNONYMS[ch]) {
      // Short synonyms (er, rna) are too ambiguous to find inside longer words ("external"); whole words only.
      if ((syn.length >= 4 && s.includes(syn)) || words.includes(syn)) hits.add(ch);
    }
  }
  return hits.size === 1 ? [...hits][0] : null;
}

/** Parse `--channels "1=DNA,2=ER,w3=RNA"` into raw-id -> canonical channel. */
export function parseChannelOption(spec: string): Record<string, ChannelName> {
  const out: Record<string, ChannelName> = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(.+)$/.exec(part);
    if (!m) throw new InputError(`--channels: "${part}" is not KEY=CHANNEL (e.g. 1=DNA)`);
    const ch = resolveChannelName(m[2]);
    if (!ch) throw new InputError(`--channels: "${m[2]}" is not one of ${CHANNELS.join(', ')} or a known stain name`);
    out[m[1].trim()] = ch;
  }
  return out;
}

/**
 * Build raw-id -> canonical mapping for one plate. `explicit` (from --channels) wins; its keys may be
 * the raw id ("w2", "ch2", "C02") or just the number ("2"). Every canonical channel must be covered
 * exactly once, or the whole plate is refused with a message naming what is missing/duplicated.
 */
export function buildChannelMap(
  rawIds: string[],
  names: Record<string, string>,
  explicit: Record<string, ChannelName> | undefined,
  where: string,
): Record<string, ChannelName> {
  const map: Record<string, ChannelName> = {};
  const unresolved: string[] = [];
  for (const id of rawIds) {
    const num = id.replace(/^\D+/, '').replace(/^0+(?=\d)/, '');
    const ex = explicit?.[id] ?? explicit?.[num];
    const ch = ex ?? (names[id] ? resolveChannelName(names[id]) : null) ?? resolveChannelName(id);
    if (ch) map[id] = ch;
    else unresolved.push(names[id] ? `${id} ("${names[id]}")` : id);
  }
  const seen = new Map<ChannelName, string[]>();
  for (const [id, ch] of Object.entries(map)) seen.set(ch, [...(seen.get(ch) ?? []), id]);
  const dup = [...seen].filter(([, ids]) => ids.length > 1);
  const missing = CHANNELS.filter((c) => !seen.has(c));
  if (dup.length || missing.length) {
    const parts: string[] = [];
    if (missing.length) parts.push(`no channel maps to ${missing.join(', ')}`);
    if (dup.length) parts.push(dup.map(([c, ids]) => `${ids.join(' and ')} both map to ${c}`).join('; '));
    if (unresolved.length) parts.push(`channel(s) with unrecognised names: ${unresolved.join(', ')}`);
    throw new InputError(
      `${where}: cannot map channels by name (${parts.join('; ')}). ` +
        `Pass --channels, e.g. --channels "1=DNA,2=ER,3=RNA,4=AGP,5=Mito".`,
    );
  }
  return map;
}
