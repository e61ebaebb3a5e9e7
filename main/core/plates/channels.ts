import { CHANNELS, type ChannelName, InputError } from '../types.js';

// Stain and dye names instruments write into their metadata, per Cell Painting channel.
// Matched case-insensitively against the whole name after removing punctuation/spaces.
const SYNONYMS: Record<ChannelName, string[]> = {
  DNA: ['dna', 'hoechst', 'hoechst33342', 'hoechst33258', 'dapi', 'nuclei', 'nucleus', 'h33342', 'draq5'],
  // ERSyto / ERSytoBleed / Ph_golgi: the Broad's ImageXpress names (BBBC022, Bray/CDRP): ER (ConA 488, SYTO
  // bleeding in), RNA (SYTO 14 read in the 568 band) and actin/Golgi.
  ER: ['er', 'concanavalina', 'concanavalin', 'cona', 'endoplasmicreticulum', 'alexa488cona', 'ertracker', 'ersyto'],
  RNA: ['rna', 'syto14', 'syto', 'nucleoli', 'nucleolirna', 'cytoplasmicrna', 'ersytobleed'],
  AGP: ['agp', 'phalloidin', 'wga', 'phalloidinwga', 'wgaphalloidin', 'actin', 'golgi', 'membrane', 'plasmamembrane', 'actingolgiplasmamembrane', 'wheatgermagglutinin', 'phgolgi'],
  Mito: ['mito', 'mitotracker', 'mitotrackerdeepred', 'mitotrackerred', 'mitotrackerredcmxros', 'mitochondria'],
};

// Fluorophore / filter names, as Harmony and CellVoyager write them when the protocol names the dye, not
// the stain. They identify a Cell Painting channel only within the standard kit (Hoechst 33342, ConA-Alexa
// 488, SYTO 14 read through a long-pass 488 filter, Phalloidin-Alexa 568 + WGA-Alexa 555, MitoTracker Deep
// Red in the 647 band) — the mapping of JUMP's own loader (broadinstitute/pe2loaddata, config.yml for the
// cpg0016 Phenix plates). So they are a fallback for names the stain list does not know, and are only used
// when the whole set then maps one-to-one; anything else still asks for --channels.
const FLUOROPHORES: Record<ChannelName, string[]> = {
  DNA: ['hoechst33342', 'hoechst', 'dapi', 'h33342', '405'],
  ER: ['alexa488', 'alexafluor488', 'af488', 'a488', '488'],
  RNA: ['488long', '488lp', 'alexa488long', 'syto14', '488568', '488599'],
  AGP: ['alexa568', 'alexafluor568', 'af568', 'a568', 'alexa555', 'alexafluor555', 'af555', 'a555', '568', '555'],
  Mito: ['alexa647', 'alexafluor647', 'af647', 'a647', '647', '640'],
};

/** How a raw channel id got its Cell Painting channel, for the import summary. */
export type ChannelRule = 'option' | 'stain' | 'fluorophore' | 'id';

export interface ChannelAssignment {
  raw: string;
  /** The instrument's name for the channel, when it wrote one. */
  name: string | null;
  channel: ChannelName | null;
  rule: ChannelRule | null;
}

const CHANNEL_RULE_TEXT: Record<ChannelRule, string> = {
  option: 'given with --channels',
  stain: 'stain name',
  fluorophore: "fluorophore name, standard Cell Painting kit (JUMP's pe2loaddata mapping)",
  id: 'channel id names the stain',
};

/** Canonical channel for a fluorophore or filter name of the standard Cell Painting kit, or null. */
function resolveFluorophore(raw: string): ChannelName | null {
  const s = squash(raw);
  for (const ch of CHANNELS) if (FLUOROPHORES[ch].includes(s)) return ch;
  return null;
}

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
  // CellProfiler's per-image tables also list the outline images it saved (NucleiOutlines): not stains.
  if (s.endsWith('outlines')) return null;
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
  return channelAssignments(rawIds, names, explicit, where).map;
}

/** buildChannelMap, with how each raw channel was assigned (or why not) for the import summary. */
export function channelAssignments(
  rawIds: string[],
  names: Record<string, string>,
  explicit: Record<string, ChannelName> | undefined,
  where: string,
): { map: Record<string, ChannelName>; assignments: ChannelAssignment[] } {
  const map: Record<string, ChannelName> = {};
  const unresolved: string[] = [];
  const assignments: ChannelAssignment[] = [];
  for (const id of rawIds) {
    const num = id.replace(/^\D+/, '').replace(/^0+(?=\d)/, '');
    const ex = explicit?.[id] ?? explicit?.[num];
    const byName = names[id] ? resolveChannelName(names[id]) : null;
    const byId = byName ? null : resolveChannelName(id);
    const ch = ex ?? byName ?? byId;
    const rule: ChannelRule | null = ex ? 'option' : byName ? 'stain' : byId ? 'id' : null;
    assignments.push({ raw: id, name: names[id] ?? null, channel: ch, rule });
    if (ch) map[id] = ch;
  }
  // Fluorophore names only when stain names leave channels open, and only if every open channel then maps.
  const open = CHANNELS.filter((c) => !Object.values(map).includes(c));
  if (open.length) {
    const fluo = assignments.filter((a) => !a.channel && a.name).map((a) => ({ a, ch: resolveFluorophore(a.name!) }));
    const got = fluo.filter((f) => f.ch && open.includes(f.ch));
    const covers = open.every((c) => got.filter((f) => f.ch === c).length === 1);
    if (covers) {
      for (const f of got) {
        f.a.channel = f.ch;
        f.a.rule = 'fluorophore';
        map[f.a.raw] = f.ch!;
      }
    }
  }
  for (const a of assignments) if (!a.channel) unresolved.push(a.name ? `${a.raw} ("${a.name}")` : a.raw);
  const seen = new Map<ChannelName, string[]>();
  for (const [id, ch] of Object.entries(map)) seen.set(ch, [...(seen.get(ch) ?? []), id]);
  const dup = [...seen].filter(([, ids]) => ids.length > 1);
  const missing = CHANNELS.filter((c) => !seen.has(c));
  if (dup.length || missing.length) {
    const parts: string[] = [];
    if (missing.length) parts.push(`no channel maps to ${missing.join(', ')}`);
    if (dup.length) parts.push(dup.map(([c, ids]) => `${ids.join(' and ')} both map to ${c}`).join('; '));
    if (unresolved.length) parts.push(`channel(s) with unrecognised names: ${unresolved.join(', ')}`);
    if (rawIds.length < CHANNELS.length && !dup.length) {
      // No mapping can help: the images of the other stains are not there (BBBC022's Hoechst-only excerpt).
      throw new InputError(
        `${where}: only ${rawIds.length} channel(s) (${rawIds.join(', ')}) are present, so no site has all five Cell Painting channels ` +
          `(${CHANNELS.join(', ')}; ${parts.join('; ')}); plate not imported.`,
      );
    }
    throw new InputError(
      `${where}: cannot map channels by name (${parts.join('; ')}). ` +
        `Pass --channels, e.g. --channels "1=DNA,2=ER,3=RNA,4=AGP,5=Mito".`,
    );
  }
  return { map, assignments };
}

/** One line per plate for the import summary: which instrument name became which channel, and by which rule. */
export function describeAssignments(assignments: ChannelAssignment[]): string {
  const label = (a: ChannelAssignment) => `${a.raw}${a.name ? ` "${a.name}"` : ''}`;
  const parts = (Object.keys(CHANNEL_RULE_TEXT) as ChannelRule[])
    .map((r) => ({ r, hits: assignments.filter((a) => a.rule === r) }))
    .filter((g) => g.hits.length)
    .map((g) => `by ${CHANNEL_RULE_TEXT[g.r]}: ${g.hits.map((a) => `${label(a)} → ${a.channel}`).join(', ')}`);
  const ignored = assignments.filter((a) => !a.channel).map(label);
  if (ignored.length) parts.push(`not Cell Painting, ignored: ${ignored.join(', ')}`);
  return parts.join('; ');
}
