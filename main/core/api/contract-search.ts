// Similarity search and the profile map: what the similarity explorer asks for.
import { z } from 'zod';
import { MAX_SMILES_CHARS } from '../chem/limits.js';

/** Similarity search (`micon query`; main/core/search/query.ts has the semantics of every field). */
export const SearchQueryRequest = z
  .object({
    query: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('well'), well: z.string().min(1) }).strict(),
      z.object({ kind: z.literal('compound'), compound: z.string().min(1) }).strict(),
      z.object({ kind: z.literal('smiles'), smiles: z.string().min(1).max(MAX_SMILES_CHARS) }).strict(),
    ]),
    k: z.number().int().min(1).max(10_000).optional(),
    features: z.string().min(1).optional(),
    exclude: z.enum(['same-plate', 'same-batch', 'same-source']).nullable().optional(),
    sources: z.array(z.string().min(1)).optional(),
    batches: z.array(z.string().min(1)).optional(),
    plates: z.array(z.string().min(1)).optional(),
    includeControls: z.boolean().optional(),
    minConcentration: z.number().optional(),
    maxConcentration: z.number().optional(),
  })
  .strict();
export type SearchQueryRequest = z.infer<typeof SearchQueryRequest>;

export const SearchHit = z.object({
  rank: z.number().int(),
  plate: z.string(),
  well: z.string(),
  wellId: z.number().int(),
  sites: z.number().int(),
  compound: z.string().nullable(),
  compoundName: z.string().nullable(),
  smiles: z.string().nullable(),
  moa: z.string().nullable(),
  pertType: z.string().nullable(),
  concentration: z.number().nullable(),
  source: z.string(),
  batch: z.string(),
  replicate: z.number().int().nullable(),
  similarity: z.number(),
  p: z.number(),
  isReplicate: z.boolean(),
  consensusWells: z.number().int().optional(),
});
export type SearchHit = z.infer<typeof SearchHit>;

const SearchQueryWell = z.object({
  plate: z.string(),
  well: z.string(),
  wellId: z.number().int(),
  source: z.string(),
  batch: z.string(),
  replicate: z.number().int().nullable(),
  compound: z.string().nullable(),
  concentration: z.number().nullable(),
  pertType: z.string().nullable(),
  sites: z.number().int(),
});

export const SearchQueryResult = z.object({
  query: z.object({
    kind: z.enum(['well', 'compound', 'smiles']),
    description: z.string(),
    featureSet: z.string(),
    k: z.number().int(),
    exclude: z.enum(['same-plate', 'same-batch', 'same-source']).nullable(),
    filters: z.object({
      sources: z.array(z.string()).nullable(),
      batches: z.array(z.string()).nullable(),
      plates: z.array(z.string()).nullable(),
      includeControls: z.boolean(),
      minConcentration: z.number().nullable(),
      maxConcentration: z.number().nullable(),
    }),
    compound: z.object({ id: z.string(), name: z.string().nullable(), smiles: z.string().nullable(), moa: z.string().nullable(), control: z.boolean() }).nullable(),
    matchedBy: z.enum(['id', 'name', 'smiles']).optional(),
    wells: z.array(SearchQueryWell),
    smiles: z.object({ input: z.string(), canonical: z.string(), screened: z.boolean() }).optional(),
    prediction: z
      .object({
        model: z.string(),
        step: z.number().int(),
        checkpoint: z.string(),
        imageEncoder: z.enum(['features', 'cnn']),
        plates: z.number().int(),
        controlWells: z.number().int(),
        controlSites: z.number().int(),
        method: z.string(),
        /** Applicability domain: nearest training compound by Tanimoto, stereo look-alikes. */
        applicability: z
          .object({
            nearest: z.object({ compound: z.string(), name: z.string().nullable(), smiles: z.string(), tanimoto: z.number() }).nullable(),
            trainingCompounds: z.number().int(),
            threshold: z.number(),
            sameFingerprint: z.array(z.object({ compound: z.string(), smiles: z.string() })),
            warnings: z.array(z.string()),
          })
          .optional(),
        warnings: z.array(z.string()).optional(),
      })
      .optional(),
    null: z.object({ controls: z.number().int(), treated: z.number().int(), description: z.string() }),
  }),
  results: z.array(SearchHit),
  replicates: z
    .array(z.object({ plate: z.string(), well: z.string(), wellId: z.number().int(), source: z.string(), batch: z.string(), results: z.array(SearchHit) }))
    .optional(),
  index: z.object({ wells: z.number().int(), dim: z.number().int(), engine: z.string(), cached: z.boolean(), buildMs: z.number(), searchMs: z.number() }),
});
export type SearchQueryResult = z.infer<typeof SearchQueryResult>;


export const FeatureSetChoice = z.object({
  name: z.string(),
  kind: z.string(),
  dim: z.number().int(),
  wells: z.number().int(),
  /** A trained micon model's embedding: the only kind an unseen SMILES can be asked against. */
  smiles: z.boolean(),
});
export type FeatureSetChoice = z.infer<typeof FeatureSetChoice>;

export const ProfileMapRequest = z
  .object({
    features: z.string().min(1).optional(),
    method: z.enum(['pca', 'umap']).optional(),
    includeControls: z.boolean().optional(),
  })
  .strict();

export const ProfileMap = z.object({
  featureSet: z.string(),
  method: z.enum(['pca', 'umap']),
  points: z.array(
    z.object({
      wellId: z.number().int(),
      plate: z.string(),
      well: z.string(),
      x: z.number(),
      y: z.number(),
      compound: z.string().nullable(),
      moa: z.string().nullable(),
      source: z.string(),
      batch: z.string(),
      pertType: z.string().nullable(),
    }),
  ),
  wells: z.number().int(),
  explained: z.tuple([z.number(), z.number()]).nullable(),
  seconds: z.number(),
});
export type ProfileMap = z.infer<typeof ProfileMap>;

export const searchRequests = {
  'search.query': { request: SearchQueryRequest, response: SearchQueryResult },
  'featureSets.list': { request: z.object({}).strict(), response: z.array(FeatureSetChoice) },
  'profiles.map': { request: ProfileMapRequest, response: ProfileMap },
  /** Small composites for result rows: data URLs (null where a well has none), in the order asked. */
  'wells.thumbnails': {
    request: z.object({ wellIds: z.array(z.number().int().positive()).max(500) }).strict(),
    response: z.object({ thumbnails: z.array(z.string().nullable()) }),
  },
} as const;
