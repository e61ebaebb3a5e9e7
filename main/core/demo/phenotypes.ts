// How compounds change cells. A phenotype is a set of shifts on the cell parameters the drawing code
// reads: log-multipliers for sizes and intensities, additive shifts for fractions (mitotic cells,
// apoptotic cells…). Each mechanism moves its own set of parameters, taken from what the Cell Painting
// literature reports for it; each compound adds a smaller fixed deviation of its own (shared in part
// with its analog series) so replicates of one compound agree better than two drugs of one class.
import { type Compound, type Mechanism } from './compounds.js';
import { rngFor } from './random.js';

/** Log-scale parameters: value = baseline * exp(shift). */
const LOG_PARAMS = [
  'density',
  'nucSize',
  'nucAspect',
  'dnaInt',
  'dnaTexture',
  'nucleoliSize',
  'nucleoliInt',
  'rnaCyto',
  'erInt',
  'erSpread',
  'erTexture',
  'actinEdge',
  'stressFibres',
  'golgiInt',
  'golgiSpread',
  'cellSize',
  'cellIrregularity',
  'elongation',
  'mitoInt',
  'mitoSpread',
] as const;
/** Fractions in [0, 1]: value = baseline + shift. */
const FRACTION_PARAMS = ['pMitotic', 'pApoptotic', 'pBinucleate', 'pMicronuclei', 'mitoFrag', 'actinFoci'] as const;
export type LogParam = (typeof LOG_PARAMS)[number];
export type FractionParam = (typeof FRACTION_PARAMS)[number];
export type Param = LogParam | FractionParam;
export type Shifts = Partial<Record<Param, number>>;

/** Untreated U2OS-like cells. */
const BASELINE: Record<FractionParam, number> = {
  pMitotic: 0.03,
  pApoptotic: 0.01,
  pBinucleate: 0.02,
  pMicronuclei: 0.03,
  mitoFrag: 0.2,
  actinFoci: 0,
};

const MECHANISM_SHIFTS: Record<Mechanism, Shifts> = {
  // Mitotic arrest (rounded cells, condensed chromosomes), Golgi scattered and ER/mitochondria drawn in
  // once microtubules are gone, fewer cells.
  tubulin_destabiliser: { pMitotic: 0.45, pMicronuclei: 0.12, pApoptotic: 0.04, density: -0.3, cellSize: -0.15, elongation: -0.5, golgiSpread: 0.8, erSpread: -0.35, mitoSpread: -0.4 },
  // Mitotic arrest too, but with multi-lobed / micronucleated nuclei and binucleate cells from failed division.
  tubulin_stabiliser: { pMitotic: 0.3, pMicronuclei: 0.35, pBinucleate: 0.12, nucSize: 0.15, density: -0.25, cellSize: 0.1, elongation: -0.3, golgiSpread: 0.35, mitoSpread: 0.2 },
  // Cortical actin and stress fibres lost, actin aggregates, arborised cells, binucleation.
  actin_disruptor: { actinEdge: -1.0, stressFibres: -2.0, actinFoci: 0.8, pBinucleate: 0.25, cellIrregularity: 0.9, cellSize: -0.2, density: -0.1, nucSize: 0.05 },
  // Chromatin decondensation: larger, smoother, dimmer nuclei; flattened cells; more cytoplasmic RNA.
  hdac_inhibitor: { nucSize: 0.25, dnaTexture: -0.7, dnaInt: -0.2, rnaCyto: 0.25, nucleoliInt: -0.35, cellSize: 0.15, density: -0.2, erInt: 0.1 },
  // DNA damage / G2 arrest: enlarged bright nuclei, nucleolar segregation, micronuclei, large flat cells, cell loss.
  topoisomerase_inhibitor: { nucSize: 0.35, dnaInt: 0.15, nucleoliSize: -0.5, nucleoliInt: -0.3, pMicronuclei: 0.25, pApoptotic: 0.05, cellSize: 0.25, density: -0.45, rnaCyto: -0.1 },
  // MitoTracker needs membrane potential: dim, fragmented, perinuclear mitochondria.
  mito_uncoupler: { mitoInt: -0.9, mitoFrag: 0.65, mitoSpread: -0.45, cellSize: -0.05, erInt: 0.05, density: -0.05 },
  // Swollen, brighter, spread ER; Golgi dispersed and dimmer.
  er_stress: { erInt: 0.6, erSpread: 0.5, erTexture: 0.8, golgiInt: -0.4, golgiSpread: 0.5, rnaCyto: -0.15, density: -0.15, cellSize: 0.05 },
  // Ribosome biogenesis stalls: small nucleoli, little cytoplasmic RNA, less ER; smaller cells.
  protein_synthesis_inhibitor: { nucleoliSize: -0.45, nucleoliInt: 0.2, rnaCyto: -0.6, erInt: -0.3, golgiInt: -0.3, cellSize: -0.15, density: -0.2, mitoInt: -0.1 },
  // Broad toxicity: apoptosis, retraction with long protrusions, heavy cell loss.
  kinase_inhibitor: { density: -1.0, pApoptotic: 0.45, cellSize: -0.4, cellIrregularity: 1.0, elongation: 0.6, actinEdge: 0.3, nucSize: -0.15, dnaInt: 0.3 },
};

function isFraction(p: Param): p is FractionParam {
  return (FRACTION_PARAMS as readonly string[]).includes(p);
}

/**
 * The full-strength phenotype of a compound: its mechanism's shifts, each scaled by a compound-specific
 * factor, plus small deviations on every parameter (partly shared across an analog series).
 */
export function compoundSignature(seed: number, c: Compound): Shifts {
  if (!c.mechanism) return {};
  const own = rngFor(seed, 'compound-signature', c.id);
  const series = c.analogSeries ? rngFor(seed, 'series-signature', c.analogSeries) : null;
  const out: Shifts = {};
  const base = MECHANISM_SHIFTS[c.mechanism];
  for (const p of [...LOG_PARAMS, ...FRACTION_PARAMS]) {
    const scale = isFraction(p) ? 0.04 : 0.14;
    const shared = series ? series.normal() : 0;
    const dev = series ? 0.6 * shared + 0.55 * own.normal() : own.normal();
    const mech = base[p] ?? 0;
    out[p] = mech * (1 + 0.15 * own.normal()) + scale * dev;
  }
  return out;
}

/** Per-well state the cell sampler reads: multipliers for log parameters, probabilities for fractions. */
export type WellPhenotype = Record<Param, number>;

export function wellPhenotype(signature: Shifts, strength: number, extra: Shifts = {}): WellPhenotype {
  const out = {} as WellPhenotype;
  for (const p of LOG_PARAMS) out[p] = Math.exp(strength * (signature[p] ?? 0) + (extra[p] ?? 0));
  for (const p of FRACTION_PARAMS) out[p] = Math.min(0.95, Math.max(0, BASELINE[p] + strength * (signature[p] ?? 0) + (extra[p] ?? 0)));
  return out;
}
