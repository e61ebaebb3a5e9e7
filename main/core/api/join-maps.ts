// Joining per-area maps (contract-<area>.ts requests, handlers-<area>.ts handlers) into one. A plain
// spread would let a name declared in two areas silently take the later one; this refuses it at load.

type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The union of the maps' entries; throws naming the key and both areas if any key appears twice. */
export function joinDistinct<M extends Record<string, Record<string, unknown>>>(areas: M): Intersect<M[keyof M]> {
  const out: Record<string, unknown> = {};
  const from = new Map<string, string>();
  for (const [area, map] of Object.entries(areas)) {
    for (const [key, value] of Object.entries(map)) {
      const first = from.get(key);
      if (first !== undefined) throw new Error(`"${key}" is declared by both ${first} and ${area}`);
      from.set(key, area);
      out[key] = value;
    }
  }
  return out as Intersect<M[keyof M]>;
}
