// Compounds: the compound browser, structure depictions and SMILES checks.
import { z } from 'zod';
import { MAX_SMILES_CHARS } from '../chem/limits.js';

export const CompoundSummary = z.object({
  compoundId: z.string(),
  name: z.string().nullable(),
  smiles: z.string().nullable(),
  canonicalSmiles: z.string().nullable(),
  moa: z.string().nullable(),
  target: z.string().nullable(),
  isControl: z.boolean(),
  wells: z.number().int(),
  plates: z.number().int(),
  batches: z.number().int(),
  sources: z.number().int(),
  /** Replicate wells: the most wells the compound has at any one concentration. */
  replicates: z.number().int(),
  concentrations: z.number().int(),
  minConcentration: z.number().nullable(),
  maxConcentration: z.number().nullable(),
  concentrationUnit: z.string().nullable(),
  splitRole: z.enum(['heldout', 'train']).nullable(),
});
export type CompoundSummary = z.infer<typeof CompoundSummary>;

export const CompoundWell = z.object({
  plateId: z.number().int(),
  plate: z.string(),
  well: z.string(),
  source: z.string(),
  batch: z.string(),
  replicate: z.number().int().nullable(),
  concentration: z.number().nullable(),
  concentrationUnit: z.string().nullable(),
  pertType: z.string().nullable(),
});
export type CompoundWell = z.infer<typeof CompoundWell>;

/** Depictions are drawn in the main process; the bounds keep one request from occupying it for long. */
export const DEPICT_MAX = 200;
const Size = { width: z.number().int().min(40).max(1200).optional(), height: z.number().int().min(30).max(1200).optional() };
const Query = z.string().max(2000);

export const SmilesCheck = z.object({
  valid: z.boolean(),
  canonical: z.string().nullable(),
  /** RDKit's reason when the SMILES is invalid. */
  error: z.string().nullable(),
  svg: z.string().nullable(),
  /** The project's compound with this structure, if any. */
  inProject: z.object({ compoundId: z.string(), name: z.string().nullable() }).nullable(),
});
export type SmilesCheck = z.infer<typeof SmilesCheck>;

export const compoundRequests = {
  'compounds.list': {
    request: z
      .object({
        /** Case-insensitive substring of id, name, MoA or target. */
        text: z.string().max(500).optional(),
        /** SMILES or SMARTS the structure must contain (SMILES first); invalid → error naming it. */
        substructure: Query.optional(),
        includeControls: z.boolean().optional(),
        limit: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict(),
    response: z.object({
      compounds: z.array(CompoundSummary),
      /** Matching compounds before `limit`. */
      total: z.number().int(),
      query: z.object({
        text: z.string().nullable(),
        substructure: z.string().nullable(),
        /** How the substructure was read. */
        substructureAs: z.enum(['smiles', 'smarts']).nullable(),
        includeControls: z.boolean(),
      }),
      /** Compounds without a structure (a substructure search cannot match them). */
      withoutStructure: z.number().int(),
    }),
  },
  'compounds.wells': {
    request: z.object({ compound: z.string().min(1) }).strict(),
    response: z.array(CompoundWell),
  },
  'compounds.depict': {
    request: z
      .object({
        smiles: z.array(z.string().max(5000)).min(1).max(DEPICT_MAX),
        ...Size,
        /** SMARTS/SMILES whose matches are highlighted. */
        highlight: Query.optional(),
        background: z.enum(['transparent', 'white']).optional(),
      })
      .strict(),
    /** One SVG per SMILES, in order; null where it does not parse. */
    response: z.object({ svgs: z.array(z.string().nullable()) }),
  },
  'chem.check': {
    request: z.object({ smiles: z.string().max(MAX_SMILES_CHARS), ...Size }).strict(),
    response: SmilesCheck,
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;
