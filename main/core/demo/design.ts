// The screen plan: sources, batches, plates, which compound at which dose goes in which well, and
// which sites carry deliberate technical failures. Everything downstream (pixels, vendor files,
// platemaps, ground truth) is written from this plan.
import { wellFromRowCol } from '../plates/wells.js';
import { type Compound, compoundLibrary, effectStrength } from './compounds.js';
import { batchTech, imagexpress, type Instrument, phenix, plateTech, type PlateTech } from './effects.js';
import { compoundSignature, type Shifts, wellPhenotype, type WellPhenotype } from './phenotypes.js';
import { type Rng, rngFor } from './random.js';

export type DemoSize = 'small' | 'default';
export type QcKind = 'out_of_focus' | 'empty_field' | 'debris';

export const SITES_PER_WELL = 2;
export const PLATE_ROWS = 8;
export const PLATE_COLS = 12;

interface Region {
  rows: [number, number];
  cols: [number, number];
}

interface SizeConfig {
  platesPerBatch: number;
  /** Wells imaged, 0-based inclusive. Source 2 leaves the outer ring empty, as many labs do against edge effects. */
  region: Record<'source_1' | 'source_2', Region>;
  dmso: Record<'source_1' | 'source_2', number>;
  qc: QcKind[];
}

const SIZES: Record<DemoSize, SizeConfig> = {
  small: {
    platesPerBatch: 1,
    region: { source_1: { rows: [0, 3], cols: [0, 5] }, source_2: { rows: [1, 4], cols: [1, 6] } },
    dmso: { source_1: 8, source_2: 8 },
    qc: ['out_of_focus', 'empty_field'],
  },
  default: {
    platesPerBatch: 2,
    region: { source_1: { rows: [0, 7], cols: [0, 7] }, source_2: { rows: [1, 6], cols: [1, 10] } },
    dmso: { source_1: 16, source_2: 12 },
    qc: ['out_of_focus', 'empty_field', 'debris'],
  },
};

const BATCHES: Record<'source_1' | 'source_2', { name: string; date: string }[]> = {
  source_1: [
    { name: '2024_03_12_Batch1', date: '2024-03-12' },
    { name: '2024_04_09_Batch2', date: '2024-04-09' },
  ],
  source_2: [
    { name: '2024_05_06_Run1', date: '2024-05-06' },
    { name: '2024_06_03_Run2', date: '2024-06-03' },
  ],
};

export interface SitePlan {
  site: number;
  /** Defocus in px (0: in focus). */
  blurSigma: number;
  qc: QcKind | null;
}

export interface WellPlan {
  well: string;
  row: number;
  col: number;
  compound: Compound | null; // null: DMSO
  concentration: number | null;
  strength: number;
  phenotype: WellPhenotype;
  sites: SitePlan[];
}

export interface PlatePlan {
  name: string;
  source: 'source_1' | 'source_2';
  batch: string;
  batchDate: string;
  replicate: number;
  instrument: Instrument;
  tech: PlateTech;
  /** Position effect of outer wells (evaporation): log-shifts applied there, or null. */
  edgeEffect: Shifts | null;
  wells: WellPlan[];
}

export interface ScreenPlan {
  seed: number;
  size: DemoSize;
  compounds: Compound[];
  signatures: Map<string, Shifts>;
  instruments: Instrument[];
  plates: PlatePlan[];
}

function regionWells(r: Region): { row: number; col: number }[] {
  const out = [];
  for (let row = r.rows[0]; row <= r.rows[1]; row++) for (let col = r.cols[0]; col <= r.cols[1]; col++) out.push({ row, col });
  return out;
}

/** DMSO wells scattered over rows and columns, so a plate gradient cannot masquerade as a control effect. */
function pickControls(rng: Rng, wells: { row: number; col: number }[], n: number, region: Region): Set<number> {
  const nRows = region.rows[1] - region.rows[0] + 1;
  const nCols = region.cols[1] - region.cols[0] + 1;
  for (let attempt = 0; ; attempt++) {
    const order = rng.shuffle(wells.map((_, i) => i)).slice(0, n);
    const rows = new Set(order.map((i) => wells[i].row)).size;
    const cols = new Set(order.map((i) => wells[i].col)).size;
    if ((rows >= Math.min(nRows, n) - 1 && cols >= Math.min(nCols, n) / 2) || attempt > 2000) return new Set(order);
  }
}

/**
 * Every compound once per plate, its dose alternating between plates so each source sees both doses,
 * then the remaining slots give active compounds their other dose, rotating which ones per plate.
 */
function treatments(compounds: Compound[], plateIndex: number, slots: number): { compound: Compound; dose: number }[] {
  if (slots < compounds.length) throw new Error(`demo design: ${slots} treated wells cannot hold ${compounds.length} compounds`);
  const list = compounds.map((c, i) => ({ compound: c, dose: c.doses[(i + plateIndex) % c.doses.length] }));
  const multi = compounds.map((c, i) => ({ c, i })).filter(({ c }) => c.doses.length > 1);
  for (let k = 0; list.length < slots; k++) {
    const { c, i } = multi[(plateIndex * 7 + k) % multi.length];
    list.push({ compound: c, dose: c.doses[(i + plateIndex + 1) % c.doses.length] });
  }
  return list;
}

export function planScreen(seed: number, size: DemoSize): ScreenPlan {
  const cfg = SIZES[size];
  const compounds = compoundLibrary(size);
  const signatures = new Map(compounds.map((c) => [c.id, compoundSignature(seed, c)]));
  const instruments = [imagexpress(size), phenix(size)];
  const plates: PlatePlan[] = [];
  let plateIndex = 0;
  for (const [s, inst] of instruments.entries()) {
    const region = cfg.region[inst.source];
    let replicate = 0;
    for (const [b, batch] of BATCHES[inst.source].entries()) {
      const bt = batchTech(rngFor(seed, 'batch-tech', inst.source, batch.name), inst);
      for (let p = 0; p < cfg.platesPerBatch; p++) {
        const name = `S${s + 1}B${b + 1}P${String(p + 1).padStart(2, '0')}`;
        const rng = rngFor(seed, 'plate', name);
        const all = regionWells(region);
        const controls = pickControls(rng, all, cfg.dmso[inst.source], region);
        const trt = rng.shuffle(treatments(compounds, plateIndex, all.length - controls.size));
        const plateDensity = 0.08 * rng.normal();
        const edgeEffect: Shifts | null = inst.source === 'source_1' ? { density: -0.15, dnaInt: 0.04, cellSize: -0.05 } : null;
        let t = 0;
        const wells = all.map((pos, i): WellPlan => {
          const isControl = controls.has(i);
          const { compound, dose } = isControl ? { compound: null, dose: null } : trt[t++];
          const strength = compound && dose !== null ? effectStrength(compound, dose) : 0;
          const wr = rngFor(seed, 'well', name, i);
          const edge = edgeEffect && (pos.row === 0 || pos.row === PLATE_ROWS - 1 || pos.col === 0 || pos.col === PLATE_COLS - 1);
          const extra: Shifts = {
            density: plateDensity + 0.1 * wr.normal() + (edge ? edgeEffect.density! : 0),
            dnaInt: 0.03 * wr.normal() + (edge ? edgeEffect.dnaInt! : 0),
            cellSize: 0.04 * wr.normal() + (edge ? edgeEffect.cellSize! : 0),
            erInt: 0.04 * wr.normal(),
            mitoInt: 0.04 * wr.normal(),
            rnaCyto: 0.04 * wr.normal(),
          };
          return {
            well: wellFromRowCol(pos.row, pos.col),
            ...pos,
            compound,
            concentration: dose,
            strength,
            phenotype: wellPhenotype(compound ? signatures.get(compound.id)! : {}, strength, extra),
            sites: Array.from({ length: SITES_PER_WELL }, (_, k) => ({
              site: k + 1,
              // Autofocus now and then settles slightly off the focal plane.
              blurSigma: wr.next() < 0.05 ? Number(wr.range(0.8, 1.6).toFixed(2)) : 0,
              qc: null,
            })),
          };
        });
        plates.push({
          name,
          source: inst.source,
          batch: batch.name,
          batchDate: batch.date,
          replicate: ++replicate,
          instrument: inst,
          tech: plateTech(rng, bt),
          edgeEffect,
          wells,
        });
        plateIndex++;
      }
    }
  }
  placeQcFailures(rngFor(seed, 'qc'), plates, cfg.qc);
  return { seed, size, compounds, signatures, instruments, plates };
}

/** One site per failure kind, on different plates. */
function placeQcFailures(rng: Rng, plates: PlatePlan[], kinds: QcKind[]): void {
  const order = rng.shuffle(plates.map((_, i) => i));
  kinds.forEach((kind, k) => {
    const plate = plates[order[k % order.length]];
    const well = rng.pick(plate.wells);
    const site = rng.pick(well.sites);
    site.qc = kind;
    site.blurSigma = kind === 'out_of_focus' ? Number((4 / plate.instrument.pixelSizeUm).toFixed(2)) : 0;
  });
}
