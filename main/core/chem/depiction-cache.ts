// Recently drawn depictions: scrolling back up a table, or the same compound in several views,
// should not draw it again (~3–8 ms each). Bounded by count; least recently used goes first.
import type { DepictOptions } from './depict.js';

export class DepictionCache {
  private readonly entries = new Map<string, string | null>();

  constructor(private readonly capacity = 2000) {}

  private static key(smiles: string, o: DepictOptions): string {
    return `${o.width}x${o.height}|${o.background ?? ''}|${o.highlight ?? ''}|${smiles}`;
  }

  /** Depictions of `smiles` in order, drawing only the ones not cached (each at most once per call). */
  async getMany(smiles: string[], o: DepictOptions, draw: (missing: string[]) => Promise<(string | null)[]>): Promise<(string | null)[]> {
    const key = (s: string) => DepictionCache.key(s, o);
    const found = new Map<string, string | null>();
    for (const s of smiles) if (this.entries.has(key(s))) found.set(s, this.entries.get(key(s)) ?? null);
    const missing = [...new Set(smiles.filter((s) => !found.has(s)))];
    const drawn = missing.length ? await draw(missing) : [];
    missing.forEach((s, i) => found.set(s, drawn[i] ?? null));
    for (const [s, svg] of found) this.set(key(s), svg);
    return smiles.map((s) => found.get(s) ?? null);
  }

  private set(key: string, value: string | null): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** Shared by every request: depictions do not depend on the open project. */
export const depictionCache = new DepictionCache();
