// The one API contract between the UI and the core. Both transports (Electron IPC via preload, and
// browser mode over HTTP+WebSocket) carry exactly these requests and events, validated with zod on
// the receiving side. Add a request here and TypeScript shows every place that must handle it.
import { z } from 'zod';
import { TrainProgress } from '../jobs/protocol.js';

export const ChannelInfo = z.object({
  name: z.string(),
  rawId: z.string(),
  instrumentName: z.string().nullable(),
});

export const PlateSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  source: z.string(),
  batch: z.string(),
  replicate: z.number().int().nullable(),
  layout: z.string(),
  folder: z.string(),
  rows: z.number().int(),
  cols: z.number().int(),
  wells: z.number().int(),
  sites: z.number().int(),
  treatedWells: z.number().int(),
  controlWells: z.number().int(),
  compounds: z.number().int(),
  imageWidth: z.number().int().nullable(),
  imageHeight: z.number().int().nullable(),
  pixelSizeUm: z.number().nullable(),
  bitDepth: z.number().int().nullable(),
  channels: z.array(ChannelInfo),
  qcFlaggedSites: z.number().int(),
  ingestedAt: z.string(),
});
export type PlateSummary = z.infer<typeof PlateSummary>;

export const WellSummary = z.object({
  id: z.number().int(),
  well: z.string(),
  row: z.number().int(),
  col: z.number().int(),
  compoundId: z.string().nullable(),
  compoundName: z.string().nullable(),
  smiles: z.string().nullable(),
  moa: z.string().nullable(),
  concentration: z.number().nullable(),
  pertType: z.string().nullable(),
  sites: z.number().int(),
  qcFlags: z.array(z.string()),
  /** data: URL of a small RGB composite (DNA blue, ER/RNA green, AGP/Mito red), null if none. */
  thumbnail: z.string().nullable(),
});
export type WellSummary = z.infer<typeof WellSummary>;

export const ProjectInfo = z.object({
  path: z.string(),
  schemaVersion: z.number().int(),
  plates: z.number().int(),
  wells: z.number().int(),
  sites: z.number().int(),
  compounds: z.number().int(),
  /** Which shell is serving the UI, and why (e.g. browser mode because no Electron binary). */
  transport: z.enum(['electron', 'browser']),
  transportNote: z.string().nullable(),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

const Empty = z.object({}).strict();

/** Similarity search (`micon query`; main/core/search/query.ts has the semantics of every field). */
export const SearchQueryRequest = z
  .object({
    query: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('well'), well: z.string().min(1) }).strict(),
      z.object({ kind: z.literal('compound'), compound: z.string().min(1) }).strict(),
      z.object({ kind: z.literal('smiles'), smiles: z.string().min(1) }).strict(),
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

export const requests = {
  'project.info': { request: Empty, response: ProjectInfo },
  'plates.list': { request: Empty, response: z.array(PlateSummary) },
  'plates.wells': {
    request: z.object({ plateId: z.number().int().positive() }).strict(),
    response: z.array(WellSummary),
  },
  'search.query': { request: SearchQueryRequest, response: SearchQueryResult },
} as const;

export const JobProgress = z.object({
  jobId: z.string(),
  kind: z.string(),
  stage: z.string(),
  done: z.number(),
  total: z.number(),
  metrics: z.record(z.string(), z.number()).optional(),
  /** Training jobs: the step, every loss term, samples/s and the tfjs backend (see jobs/protocol.ts). */
  train: TrainProgress.optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const events = {
  'job.progress': JobProgress,
} as const;

export type RequestName = keyof typeof requests;
export type Req<K extends RequestName> = z.infer<(typeof requests)[K]['request']>;
export type Res<K extends RequestName> = z.infer<(typeof requests)[K]['response']>;
export type EventName = keyof typeof events;
export type EventPayload<K extends EventName> = z.infer<(typeof events)[K]>;

/** What `window.micon` is in the renderer, whichever transport carries it. */
export interface MiconApi {
  invoke<K extends RequestName>(name: K, request: Req<K>): Promise<Res<K>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
}

/** Server-side implementation of every request; written once, used by both transports. */
export type Handlers = { [K in RequestName]: (request: Req<K>) => Promise<Res<K>> | Res<K> };

export function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requests, name);
}

/** Validate an incoming request for `name`; throws a ZodError with the path of the bad field. */
export function parseRequest<K extends RequestName>(name: K, payload: unknown): Req<K> {
  return requests[name].request.parse(payload ?? {}) as Req<K>;
}
