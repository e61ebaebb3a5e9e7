// The sidecar that tests read and models never do: what every compound really does, how every plate
// was distorted, and where the deliberate failures are.
import type { ChannelName } from '../types.js';
import type { DemoSize, PlatePlan, QcKind, ScreenPlan } from './design.js';
import type { Vignetting } from './effects.js';
import type { Shifts } from './phenotypes.js';

export interface GroundTruth {
  note: string;
  seed: number;
  size: DemoSize;
  sources: {
    name: string;
    instrument: string;
    layout: 'imagexpress' | 'phenix';
    imageWidth: number;
    imageHeight: number;
    pixelSizeUm: number;
    bitDepth: number;
    channels: { index: number; name: string; channel: ChannelName }[];
  }[];
  compounds: {
    id: string;
    name: string;
    smiles: string;
    moa: string;
    mechanism: string | null;
    active: boolean;
    potency: number | null;
    hill: number;
    emax: number;
    doses: number[];
    analogSeries?: string;
    /** Full-strength phenotype shifts (mechanism + compound-specific part). */
    signature: Shifts;
  }[];
  plates: {
    name: string;
    source: string;
    batch: string;
    replicate: number;
    layout: 'imagexpress' | 'phenix';
    folder: string;
    gain: Record<ChannelName, number>;
    offset: Record<ChannelName, number>;
    drift: Record<ChannelName, number>;
    vignetting: Record<ChannelName, Vignetting>;
    edgeEffect: Shifts | null;
  }[];
  wells: { plate: string; well: string; compoundId: string; pertType: 'trt' | 'negcon'; concentration: number | null; effectStrength: number }[];
  sites: { plate: string; well: string; site: number; cells: number; blurSigma: number }[];
  qcFailures: { plate: string; well: string; site: number; kind: QcKind }[];
}

const r4 = (v: number) => Number(v.toFixed(4));

export function groundTruth(plan: ScreenPlan, folders: Map<string, string>, cellCounts: Map<string, number>): GroundTruth {
  const plateEntry = (p: PlatePlan) => ({
    name: p.name,
    source: p.source,
    batch: p.batch,
    replicate: p.replicate,
    layout: p.instrument.layout,
    folder: folders.get(p.name)!,
    gain: p.tech.gain,
    offset: p.tech.offset,
    drift: p.tech.drift,
    vignetting: p.tech.vignetting,
    edgeEffect: p.edgeEffect,
  });
  return {
    note: 'Ground truth of the generated MICON demo screen. For tests and evaluation only: models must never read this file.',
    seed: plan.seed,
    size: plan.size,
    sources: plan.instruments.map((i) => ({
      name: i.source,
      instrument: i.model,
      layout: i.layout,
      imageWidth: i.width,
      imageHeight: i.height,
      pixelSizeUm: i.pixelSizeUm,
      bitDepth: i.bitDepth,
      channels: i.channels.map((c) => ({ index: c.index, name: c.name, channel: c.channel })),
    })),
    compounds: plan.compounds.map((c) => ({
      id: c.id,
      name: c.name,
      smiles: c.smiles,
      moa: c.moa,
      mechanism: c.mechanism,
      active: c.mechanism !== null,
      potency: c.ec50,
      hill: c.hill,
      emax: c.emax,
      doses: c.doses,
      ...(c.analogSeries ? { analogSeries: c.analogSeries } : {}),
      signature: Object.fromEntries(Object.entries(plan.signatures.get(c.id) ?? {}).map(([k, v]) => [k, r4(v)])),
    })),
    plates: plan.plates.map(plateEntry),
    wells: plan.plates.flatMap((p) =>
      p.wells.map((w) => ({
        plate: p.name,
        well: w.well,
        compoundId: w.compound?.id ?? 'DMSO',
        pertType: w.compound ? ('trt' as const) : ('negcon' as const),
        concentration: w.concentration,
        effectStrength: r4(w.strength),
      })),
    ),
    sites: plan.plates.flatMap((p) =>
      p.wells.flatMap((w) => w.sites.map((s) => ({ plate: p.name, well: w.well, site: s.site, cells: cellCounts.get(`${p.name}/${w.well}/${s.site}`) ?? 0, blurSigma: s.blurSigma }))),
    ),
    qcFailures: plan.plates.flatMap((p) => p.wells.flatMap((w) => w.sites.filter((s) => s.qc).map((s) => ({ plate: p.name, well: w.well, site: s.site, kind: s.qc! })))),
  };
}
