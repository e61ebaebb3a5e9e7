// The demo compound library: real drugs with the mechanism annotation a screening lab would carry,
// potencies (EC50, µM) of the right order for a 24–48 h Cell Painting assay, and the doses a lab would
// pick around them. Ids are assigned from the full list so the small screen's compounds keep the ids
// they have in the default screen.

export const MECHANISMS = [
  'tubulin_destabiliser',
  'tubulin_stabiliser',
  'actin_disruptor',
  'hdac_inhibitor',
  'topoisomerase_inhibitor',
  'mito_uncoupler',
  'er_stress',
  'protein_synthesis_inhibitor',
  'kinase_inhibitor',
] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** The annotation written to the platemaps (Metadata_MoA / moa). */
const MOA_LABEL: Record<Mechanism, string> = {
  tubulin_destabiliser: 'tubulin polymerization inhibitor',
  tubulin_stabiliser: 'tubulin stabilizer',
  actin_disruptor: 'actin polymerization inhibitor',
  hdac_inhibitor: 'HDAC inhibitor',
  topoisomerase_inhibitor: 'topoisomerase inhibitor',
  mito_uncoupler: 'mitochondrial uncoupler',
  er_stress: 'ER stress inducer',
  protein_synthesis_inhibitor: 'protein synthesis inhibitor',
  kinase_inhibitor: 'pan-kinase inhibitor',
};

export interface Compound {
  id: string;
  name: string;
  smiles: string;
  /** What the platemap says the compound does. */
  moa: string;
  /** The phenotype it causes in this screen; null for compounds with no morphological effect. */
  mechanism: Mechanism | null;
  /** EC50 in µM for the morphological effect; null when inactive. */
  ec50: number | null;
  hill: number;
  /** Maximal effect strength (1 = the mechanism's full phenotype). */
  emax: number;
  /** Concentrations used in the screen, µM (low, high). */
  doses: number[];
  analogSeries?: string;
  inSmall: boolean;
}

export const DMSO = { id: 'DMSO', name: 'DMSO', smiles: 'CS(C)=O' } as const;

type Entry = Omit<Compound, 'id' | 'moa' | 'hill' | 'emax'> & { moa?: string; hill?: number; emax?: number };

const act = (name: string, smiles: string, mechanism: Mechanism, ec50: number, doses: number[], extra: Partial<Entry> = {}): Entry => ({
  name,
  smiles,
  mechanism,
  ec50,
  doses,
  inSmall: false,
  ...extra,
});

const inactive = (name: string, smiles: string, moa: string, extra: Partial<Entry> = {}): Entry => ({
  name,
  smiles,
  mechanism: null,
  moa,
  ec50: null,
  doses: [10],
  inSmall: false,
  ...extra,
});

// Stereo is given where the drug is one stereoisomer; thapsigargin is written without it.
const LIBRARY: Entry[] = [
  act('nocodazole', 'COC(=O)NC1=NC2=C(N1)C=C(C=C2)C(=O)C3=CC=CS3', 'tubulin_destabiliser', 0.08, [0.1, 1], { inSmall: true }),
  act('colchicine', 'CC(=O)N[C@H]1CCC2=CC(=C(C(=C2C3=CC=C(C(=O)C=C13)OC)OC)OC)OC', 'tubulin_destabiliser', 0.03, [0.03, 0.3], { inSmall: true }),
  act('podophyllotoxin', 'COC1=CC(=CC(=C1OC)OC)[C@H]2[C@@H]3[C@H](COC3=O)[C@H](C4=CC5=C(C=C24)OCO5)O', 'tubulin_destabiliser', 0.02, [0.03, 0.3]),
  act(
    'paclitaxel',
    'CC1=C2[C@H](C(=O)[C@@]3([C@H](C[C@@H]4[C@]([C@H]3[C@@H]([C@@](C2(C)C)(C[C@@H]1OC(=O)[C@@H]([C@H](C5=CC=CC=C5)NC(=O)C6=CC=CC=C6)O)O)OC(=O)C7=CC=CC=C7)(CO4)OC(=O)C)O)C)OC(=O)C',
    'tubulin_stabiliser',
    0.008,
    [0.01, 0.1],
  ),
  act(
    'docetaxel',
    'CC1=C2[C@H](C(=O)[C@@]3([C@H](C[C@@H]4[C@]([C@H]3[C@@H]([C@@](C2(C)C)(C[C@@H]1OC(=O)[C@@H]([C@H](C5=CC=CC=C5)NC(=O)OC(C)(C)C)O)O)OC(=O)C6=CC=CC=C6)(CO4)OC(=O)C)O)C)O',
    'tubulin_stabiliser',
    0.004,
    [0.01, 0.1],
  ),
  act(
    'cytochalasin D',
    'C[C@H]1CC=C[C@H]2[C@@H](C(=C)[C@H]([C@H]3[C@]2([C@@H](/C=C/[C@@](C1=O)(C)O)OC(=O)C)C(=O)N[C@H]3CC4=CC=CC=C4)C)O',
    'actin_disruptor',
    0.4,
    [0.3, 3],
    { inSmall: true },
  ),
  act('latrunculin B', 'C[C@H]1CC[C@@H]2C[C@H](C[C@@](O2)([C@@H]3CSC(=O)N3)O)OC(=O)/C=C(\\CCC=C1)/C', 'actin_disruptor', 0.5, [0.3, 3]),
  act('vorinostat', 'C1=CC=C(C=C1)NC(=O)CCCCCCC(=O)NO', 'hdac_inhibitor', 1.5, [1, 10], { inSmall: true }),
  act('trichostatin A', 'C[C@H](/C=C(\\C)/C=C/C(=O)NO)C(=O)C1=CC=C(C=C1)N(C)C', 'hdac_inhibitor', 0.04, [0.03, 0.3], { inSmall: true }),
  act('panobinostat', 'CC1=C(C2=CC=CC=C2N1)CCNCC3=CC=C(C=C3)/C=C/C(=O)NO', 'hdac_inhibitor', 0.01, [0.01, 0.1]),
  act('camptothecin', 'CC[C@@]1(C2=C(COC1=O)C(=O)N3CC4=CC5=CC=CC=C5N=C4C3=C2)O', 'topoisomerase_inhibitor', 0.05, [0.1, 1], { analogSeries: 'camptothecins' }),
  act(
    'etoposide',
    'C[C@@H]1OC[C@@H]2[C@@H](O1)[C@@H]([C@H]([C@@H](O2)O[C@H]3[C@H]4COC(=O)[C@@H]4[C@@H](C5=CC6=C(C=C35)OCO6)C7=CC(=C(C(=C7)OC)O)OC)O)O',
    'topoisomerase_inhibitor',
    3,
    [1, 10],
  ),
  act('FCCP', 'C1=CC(=CC=C1NN=C(C#N)C#N)OC(F)(F)F', 'mito_uncoupler', 1.5, [1, 10], { inSmall: true }),
  act('CCCP', 'C1=CC(=CC(=C1)Cl)NN=C(C#N)C#N', 'mito_uncoupler', 4, [1, 10], { inSmall: true }),
  act('niclosamide', 'C1=CC(=C(C=C1[N+](=O)[O-])Cl)NC(=O)C2=C(C=CC(=C2)Cl)O', 'mito_uncoupler', 1, [0.3, 3]),
  act(
    'thapsigargin',
    'CCCCCCCC(=O)OC1C(OC(=O)/C(=C\\C)/C)C(C)=C2C3OC(=O)C(C)(O)C3(O)C(OC(=O)CCC)CC(C)(OC(C)=O)C12',
    'er_stress',
    0.01,
    [0.01, 0.1],
  ),
  act('brefeldin A', 'C[C@H]1CCC/C=C/[C@@H]2C[C@H](C[C@H]2[C@@H](/C=C/C(=O)O1)O)O', 'er_stress', 0.1, [0.1, 1]),
  act('cycloheximide', 'C[C@H]1C[C@H](C(=O)[C@@H](C1)C)[C@@H](CC2CC(=O)NC(=O)C2)O', 'protein_synthesis_inhibitor', 1, [1, 10]),
  act('anisomycin', 'CC(=O)O[C@@H]1[C@H](NC[C@@H]1O)CC2=CC=C(C=C2)OC', 'protein_synthesis_inhibitor', 0.05, [0.1, 1]),
  act('emetine', 'CC[C@H]1CN2CCC3=CC(=C(C=C3[C@@H]2C[C@@H]1C[C@@H]4C5=CC(=C(C=C5CCN4)OC)OC)OC)OC', 'protein_synthesis_inhibitor', 0.1, [0.1, 1]),
  act(
    'staurosporine',
    'C[C@@]12[C@@H]([C@@H](C[C@@H](O1)N3C4=CC=CC=C4C5=C6C(=C7C8=CC=CC=C8N2C7=C53)CNC6=O)NC)OC',
    'kinase_inhibitor',
    0.02,
    [0.01, 0.1],
    { emax: 0.9 },
  ),
  // Camptothecin series: same lactone core, A/B-ring substituents; potency order SN-38 > 9-amino ≈ 10-OH > topotecan.
  act('SN-38', 'CCC1=C2CN3C(=CC4=C(C3=O)COC(=O)[C@@]4(CC)O)C2=NC5=C1C=C(C=C5)O', 'topoisomerase_inhibitor', 0.01, [0.03, 0.3], { analogSeries: 'camptothecins' }),
  act('10-hydroxycamptothecin', 'CC[C@@]1(C2=C(COC1=O)C(=O)N3CC4=CC5=C(C=CC(=C5)O)N=C4C3=C2)O', 'topoisomerase_inhibitor', 0.03, [0.03, 0.3], {
    analogSeries: 'camptothecins',
  }),
  act('9-aminocamptothecin', 'CC[C@@]1(C2=C(COC1=O)C(=O)N3CC4=CC5=C(C=CC=C5N)N=C4C3=C2)O', 'topoisomerase_inhibitor', 0.02, [0.03, 0.3], {
    analogSeries: 'camptothecins',
  }),
  act('topotecan', 'CC[C@@]1(C2=C(COC1=O)C(=O)N3CC4=CC5=C(C=CC(=C5CN(C)C)O)N=C4C3=C2)O', 'topoisomerase_inhibitor', 0.15, [0.03, 0.3], {
    analogSeries: 'camptothecins',
  }),
  // Combretastatin stilbenes: the cis double bond carries the activity; the trans isomer is ~1000x weaker.
  act('combretastatin A-4', 'COC1=C(C=C(C=C1)/C=C\\C2=CC(=C(C(=C2)OC)OC)OC)O', 'tubulin_destabiliser', 0.004, [0.01, 0.1], {
    analogSeries: 'combretastatins',
    inSmall: true,
  }),
  act('3\'-amino combretastatin A-4', 'COC1=C(C=C(C=C1)/C=C\\C2=CC(=C(C(=C2)OC)OC)OC)N', 'tubulin_destabiliser', 0.006, [0.01, 0.1], {
    analogSeries: 'combretastatins',
    inSmall: true,
  }),
  act('3,4,4\',5-tetramethoxy-cis-stilbene', 'COC1=CC=C(C=C1)/C=C\\C2=CC(=C(C(=C2)OC)OC)OC', 'tubulin_destabiliser', 0.05, [0.01, 0.1], {
    analogSeries: 'combretastatins',
  }),
  act('trans-combretastatin A-4', 'COC1=C(C=C(C=C1)/C=C/C2=CC(=C(C(=C2)OC)OC)OC)O', 'tubulin_destabiliser', 5, [0.01, 0.1], {
    analogSeries: 'combretastatins',
    inSmall: true,
  }),
  // Most of a real library does nothing visible at 10 µM.
  inactive('aspirin', 'CC(=O)OC1=CC=CC=C1C(=O)O', 'cyclooxygenase inhibitor', { inSmall: true }),
  inactive('caffeine', 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C', 'adenosine receptor antagonist', { inSmall: true }),
  inactive('metformin', 'CN(C)C(=N)N=C(N)N', 'AMPK activator', { inSmall: true }),
  inactive('ibuprofen', 'CC(C)CC1=CC=C(C=C1)C(C)C(=O)O', 'cyclooxygenase inhibitor'),
  inactive('acetaminophen', 'CC(=O)NC1=CC=C(C=C1)O', 'cyclooxygenase inhibitor'),
  inactive('lidocaine', 'CCN(CC)CC(=O)NC1=C(C=CC=C1C)C', 'sodium channel blocker'),
];

/** The compounds of a screen of this size, with ids MCN-0001… (stable across sizes). */
export function compoundLibrary(size: 'small' | 'default'): Compound[] {
  return LIBRARY.map(
    (e, i): Compound => ({
      ...e,
      id: `MCN-${String(i + 1).padStart(4, '0')}`,
      moa: e.moa ?? MOA_LABEL[e.mechanism!],
      hill: e.hill ?? 1.4,
      emax: e.emax ?? 1,
    }),
  ).filter((c) => size === 'default' || c.inSmall);
}

/** Effect strength of a compound at a concentration (Hill curve); 0 for inactive compounds. */
export function effectStrength(c: Pick<Compound, 'ec50' | 'hill' | 'emax'>, concUm: number): number {
  if (c.ec50 === null || concUm <= 0) return 0;
  const x = Math.pow(concUm / c.ec50, c.hill);
  return (c.emax * x) / (1 + x);
}
