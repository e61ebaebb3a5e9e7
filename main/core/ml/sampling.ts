// MICON's training items: one compound, two of its treated images from DIFFERENT wells (often other
// plates/batches, so batch effects are pushed out), and for each a control image from the same plate
// (else the same batch, else the same source) — the state the compound was applied to.
import { mulberry32Advance, mulberry32Value } from '../util/random.js';

export interface SiteRef {
  siteId: number;
  wellId: number;
  compound: string | null;
  plate: string;
  batch: string;
  source: string;
  control: boolean;
}

export interface TrainingItem {
  compound: string;
  treated: [number, number]; // site ids
  controls: [number, number]; // site ids, matched to treated[0] and treated[1]
}

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x2545f491;
  }
  next(): number {
    this.s = mulberry32Advance(this.s);
    return mulberry32Value(this.s);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: T[]): T {
    return xs[this.int(xs.length)];
  }
  /** The generator's state, so a resumed run continues the same sequence. */
  get state(): number {
    return this.s;
  }
  set state(v: number) {
    this.s = v >>> 0;
  }
}

export class ItemSampler {
  /** compound -> well id -> site ids */
  private byCompound = new Map<string, Map<number, number[]>>();
  private controlsBy = { plate: new Map<string, number[]>(), batch: new Map<string, number[]>(), source: new Map<string, number[]>() };
  private siteInfo = new Map<number, SiteRef>();
  readonly compounds: string[];

  /** `trainCompounds`: compounds training may see (held-out ones excluded by the caller's split). */
  constructor(sites: SiteRef[], trainCompounds: Set<string>) {
    for (const s of sites) {
      this.siteInfo.set(s.siteId, s);
      if (s.control) {
        for (const k of ['plate', 'batch', 'source'] as const) {
          const m = this.controlsBy[k];
          m.set(s[k], [...(m.get(s[k]) ?? []), s.siteId]);
        }
      } else if (s.compound && trainCompounds.has(s.compound)) {
        const wells = this.byCompound.get(s.compound) ?? new Map<number, number[]>();
        wells.set(s.wellId, [...(wells.get(s.wellId) ?? []), s.siteId]);
        this.byCompound.set(s.compound, wells);
      }
    }
    // Only compounds with two wells can give a pair from different wells.
    this.compounds = [...this.byCompound].filter(([, w]) => w.size >= 2).map(([c]) => c).sort();
  }

  get hasControls(): boolean {
    return this.controlsBy.source.size > 0;
  }

  private controlFor(siteId: number, rng: Rng): number {
    const s = this.siteInfo.get(siteId)!;
    const pool = this.controlsBy.plate.get(s.plate) ?? this.controlsBy.batch.get(s.batch) ?? this.controlsBy.source.get(s.source) ?? [...this.controlsBy.source.values()].flat();
    if (!pool.length) throw new Error('no control (DMSO) sites in the project: MICON needs negative controls');
    return rng.pick(pool);
  }

  /** A batch of `n` items with distinct compounds (fewer if the screen has fewer compounds). */
  batch(n: number, rng: Rng): TrainingItem[] {
    const order = [...this.compounds];
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order.slice(0, Math.min(n, order.length)).map((compound) => {
      const wells = [...this.byCompound.get(compound)!.keys()];
      const a = rng.int(wells.length);
      let b = rng.int(wells.length - 1);
      if (b >= a) b++;
      const ta = rng.pick(this.byCompound.get(compound)!.get(wells[a])!);
      const tb = rng.pick(this.byCompound.get(compound)!.get(wells[b])!);
      return { compound, treated: [ta, tb], controls: [this.controlFor(ta, rng), this.controlFor(tb, rng)] };
    });
  }
}
