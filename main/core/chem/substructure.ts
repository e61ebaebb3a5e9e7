// Substructure search over many structures: RDKit's SubstructLibrary screens with pattern
// fingerprints before matching atom by atom, so a query over a screening library's compounds does
// not parse every molecule again. The library is WASM memory: whoever builds one disposes of it.
import { withQuery, type ParsedQuery } from './query.js';
import { getRDKit, parseOrNull, tooLargeReason } from './rdkit.js';

type RDKitModule = Awaited<ReturnType<typeof getRDKit>>;
type Library = InstanceType<RDKitModule['SubstructLibrary']>;

export class StructureLibrary {
  private constructor(
    private lib: Library | null,
    /** The caller's key for each library index. */
    private readonly keys: number[],
  ) {}

  /** Structures that do not parse are left out (they can match nothing). */
  static async build(entries: { key: number; smiles: string }[]): Promise<StructureLibrary> {
    const RDKit = await getRDKit();
    const lib = new RDKit.SubstructLibrary();
    const keys: number[] = [];
    try {
      for (const e of entries) {
        if (tooLargeReason(e.smiles)) continue;
        const i = parseOrNull(() => lib.add_smiles(e.smiles)) ?? -1;
        if (i >= 0) keys[i] = e.key;
      }
    } catch (err) {
      lib.delete();
      throw err;
    }
    return new StructureLibrary(lib, keys);
  }

  get size(): number {
    return this.keys.length;
  }

  /** Keys of the structures containing `query` (SMILES or SMARTS; InputError when it is neither). */
  async search(query: string): Promise<{ keys: Set<number> } & ParsedQuery> {
    const lib = this.lib;
    if (!lib) throw new Error('StructureLibrary used after dispose()');
    return withQuery(query, (q, parsed) => {
      // maxResults defaults to 1000 in RDKit; ask for all.
      const hits = JSON.parse(lib.get_matches(q, false, 1, Math.max(1, this.keys.length))) as number[];
      return { keys: new Set(hits.map((i) => this.keys[i])), ...parsed };
    });
  }

  dispose(): void {
    this.lib?.delete();
    this.lib = null;
  }
}
