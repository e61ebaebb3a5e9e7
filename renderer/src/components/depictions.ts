// Structure depictions from the main process (RDKit cannot run in the renderer: the CSP forbids
// WebAssembly compilation here). Requests from every <Structure> rendered in one frame are batched
// into one compounds.depict call per size, and answers are cached by SMILES + size + highlight.
import { DEPICT_MAX } from '@contract';
import { getApi } from '../api';

export interface DepictKey {
  smiles: string;
  width: number;
  height: number;
  highlight?: string;
}

/** A data: URL, so no script in an SVG can ever run and img-src 'self' data: allows it; null = invalid SMILES. */
export type Depiction = string | null;

interface Entry {
  promise: Promise<Depiction>;
  /** Set once answered, so a row scrolled back into view shows its structure in the first render. */
  done?: { value: Depiction };
}

const CAPACITY = 3000;
const cache = new Map<string, Entry>();
let pending = new Map<string, { key: DepictKey; resolve(d: Depiction): void; reject(e: unknown): void }[]>();
let scheduled = false;

const groupOf = (k: DepictKey) => `${k.width}x${k.height}|${k.highlight ?? ''}`;
const cacheKey = (k: DepictKey) => `${groupOf(k)}|${k.smiles}`;

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

async function flushGroup(items: { key: DepictKey; resolve(d: Depiction): void; reject(e: unknown): void }[]): Promise<void> {
  const { width, height, highlight } = items[0].key;
  for (let i = 0; i < items.length; i += DEPICT_MAX) {
    const chunk = items.slice(i, i + DEPICT_MAX);
    try {
      const { svgs } = await getApi().invoke('compounds.depict', { smiles: chunk.map((c) => c.key.smiles), width, height, ...(highlight ? { highlight } : {}) });
      chunk.forEach((c, j) => c.resolve(svgs[j] ? svgDataUrl(svgs[j]) : null));
    } catch (e) {
      // A failed request must not stay cached: the next render asks again.
      chunk.forEach((c) => {
        cache.delete(cacheKey(c.key));
        c.reject(e);
      });
    }
  }
}

function flush(): void {
  scheduled = false;
  const groups = pending;
  pending = new Map();
  for (const items of groups.values()) void flushGroup(items);
}

function entry(key: DepictKey): Entry {
  const k = cacheKey(key);
  const hit = cache.get(k);
  if (hit) {
    cache.delete(k);
    cache.set(k, hit);
    return hit;
  }
  const e: Entry = {
    promise: new Promise<Depiction>((resolve, reject) => {
      const g = groupOf(key);
      if (!pending.has(g)) pending.set(g, []);
      pending.get(g)!.push({ key, resolve: (d) => ((e.done = { value: d }), resolve(d)), reject });
      if (!scheduled) {
        scheduled = true;
        setTimeout(flush, 16);
      }
    }),
  };
  cache.set(k, e);
  while (cache.size > CAPACITY) cache.delete(cache.keys().next().value as string);
  return e;
}

export function depiction(key: DepictKey): Promise<Depiction> {
  return entry(key).promise;
}

/** The answer if it is already there (undefined while loading). */
export function cachedDepiction(key: DepictKey): Depiction | undefined {
  return cache.get(cacheKey(key))?.done?.value;
}
