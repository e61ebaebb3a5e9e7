import type { WellMeta } from '../profiles/well-meta.js';

/** Which wells a query is never compared with besides itself. */
export type Exclusion = 'none' | 'batch' | 'source';

export const KIND_OTHER = 0;
export const KIND_TREATED = 1;
export const KIND_CONTROL = 2;

/** What makes two treated wells replicates: the same compound, or the same compound at the same dose. */
export type ReplicateKey = 'compound' | 'compound-dose';

/** Metadata as integer codes so the per-query loops touch only typed arrays. */
export interface EncodedMeta {
  n: number;
  /** KIND_TREATED: pertType 'trt' with a compound; KIND_CONTROL: 'negcon'; else KIND_OTHER. */
  kind: Uint8Array;
  /** Replicate-group code for treated wells (the compound, or compound@dose), −1 otherwise. */
  compound: Int32Array;
  /** Replicate-group names (the compound id, or `id@dose`). */
  compoundNames: string[];
  /** The compound id of each replicate group (equal to compoundNames under 'compound'). */
  groupCompound: string[];
  /** Plate code (identified by source, batch and plate). */
  plate: Int32Array;
  /** Batch code; a batch is identified by (source, batch) so equal batch names in two sources stay apart. */
  batch: Int32Array;
  source: Int32Array;
  /** Mechanism codes per well (treated wells with an annotation), else null. */
  moa: (Int32Array | null)[];
}

function coder(): (key: string) => number {
  const codes = new Map<string, number>();
  return (key) => {
    let c = codes.get(key);
    if (c === undefined) codes.set(key, (c = codes.size));
    return c;
  };
}

/** '|' separates several mechanisms/targets on one compound (JUMP style); two wells share a mechanism if any one matches. */
export function parseMechanisms(moa: string | null): string[] {
  if (!moa) return [];
  return [...new Set(moa.split('|').map((s) => s.trim()).filter(Boolean))];
}

export function encodeMeta(meta: WellMeta[], replicates: ReplicateKey = 'compound'): EncodedMeta {
  const n = meta.length;
  const plate = new Int32Array(n);
  const plateCode = coder();
  const groupCompound: string[] = [];
  const kind = new Uint8Array(n);
  const compound = new Int32Array(n).fill(-1);
  const batch = new Int32Array(n);
  const source = new Int32Array(n);
  const moa: (Int32Array | null)[] = new Array(n).fill(null);
  const compoundCode = coder();
  const batchCode = coder();
  const sourceCode = coder();
  const moaCode = coder();
  const compoundNames: string[] = [];
  meta.forEach((m, i) => {
    source[i] = sourceCode(m.source);
    plate[i] = plateCode(`${m.source}\u0000${m.batch}\u0000${m.plate}`);
    batch[i] = batchCode(`${m.source}\u0000${m.batch}`);
    if (m.pertType === 'trt' && m.compound) {
      kind[i] = KIND_TREATED;
      const key = replicates === 'compound-dose' ? `${m.compound}@${m.concentration ?? 'none'}` : m.compound;
      const c = compoundCode(key);
      if (c === compoundNames.length) {
        compoundNames.push(key);
        groupCompound.push(m.compound);
      }
      compound[i] = c;
      const mechs = parseMechanisms(m.moa);
      if (mechs.length) moa[i] = Int32Array.from(mechs.map(moaCode)).sort();
    } else if (m.pertType === 'negcon') {
      kind[i] = KIND_CONTROL;
    }
  });
  return { n, kind, compound, compoundNames, groupCompound, plate, batch, source, moa };
}

/** Treated query wells, optionally only those of the given compounds. */
export function treatedQueries(enc: EncodedMeta, compounds?: Set<string>): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < enc.n; i++) {
    if (enc.kind[i] !== KIND_TREATED) continue;
    if (compounds && !compounds.has(enc.groupCompound[enc.compound[i]])) continue;
    out.push(i);
  }
  return Int32Array.from(out);
}

export function wellsOfKind(enc: EncodedMeta, ...kinds: number[]): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < enc.n; i++) if (kinds.includes(enc.kind[i])) out.push(i);
  return Int32Array.from(out);
}
