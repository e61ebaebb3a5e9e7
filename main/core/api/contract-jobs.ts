// Long jobs (ingest, train, embed, evaluate) run in the job process; the UI starts, watches and cancels them.
import { z } from 'zod';
import { JobKind, TrainProgress } from '../jobs/protocol.js';
import type { JobResults } from '../jobs/results.js';
import { Channel } from './contract-project.js';
import { ExecutionProvider } from '../ml/kinds.js';

export { JobKind };
// The shapes of job results, owned by the modules that produce them; the renderer reads them from here.
export type { ImportProfilesSummary } from '../embeddings/import-profiles.js';
export type { IngestSummary } from '../ingest/ingest.js';
export type { EvalJobResult, JobResults, TrainJobResult } from '../jobs/results.js';
export type { EmbedAllResult } from '../jobs/embed.js';
import { ModelKind, TrainParams } from '../ml/train-params.js';

export { BackendPreference, CompoundSelection, EncoderKind, ModelKind, TRAIN_DEFAULTS, TRAIN_PARAM_DEFAULTS, TrainParams } from '../ml/train-params.js';

export const JobProgress = z.object({
  jobId: z.string(),
  kind: JobKind,
  stage: z.string(),
  done: z.number(),
  total: z.number(),
  metrics: z.record(z.string(), z.number()).optional(),
  /** Training jobs: the step, every loss term, samples/s and the tfjs backend (see jobs/protocol.ts). */
  train: TrainProgress.optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobState = z.enum(['running', 'done', 'failed', 'cancelled']);

/** One job as the UI lists it: what was asked, how far it got, and how it ended. */
const JobInfoBase = z.object({
  jobId: z.string(),
  state: JobState,
  /** A one-line description ("ingest /data/plate1", "train micon 300 steps"). */
  title: z.string(),
  params: z.record(z.string(), z.unknown()),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  progress: JobProgress.nullable(),
  /** Training: every reported step, so a reopened view redraws the whole curve. */
  trainHistory: z.array(TrainProgress),
  error: z.string().nullable(),
});

/**
 * A job of one kind, with that kind's result once done (null before, and when it failed). The result is
 * typed, not re-validated: it comes from our own job process, and its shape is owned by the module that
 * produces it (jobs/results.ts), which a second zod copy here would only drift from.
 */
const jobInfoOf = <K extends JobKind>(kind: K) => JobInfoBase.extend({ kind: z.literal(kind), result: z.custom<JobResults[K]>().nullable() });

/** Every job, keyed by kind: `if (job.kind === 'ingest') job.result` is an IngestSummary | null. */
export const JobInfo = z.discriminatedUnion('kind', [jobInfoOf('ingest'), jobInfoOf('import-profiles'), jobInfoOf('train'), jobInfoOf('embed'), jobInfoOf('eval')]);
export type JobInfo = z.infer<typeof JobInfo>;
/** The job of one kind. */
export type JobOf<K extends JobKind> = Extract<JobInfo, { kind: K }>;

const IngestStart = z
  .object({
    kind: z.literal('ingest'),
    folder: z.string().min(1).max(4096),
    platemap: z.string().min(1).max(4096).optional(),
    plateMeta: z.string().min(1).max(4096).optional(),
    source: z.string().min(1).max(200).optional(),
    batch: z.string().min(1).max(200).optional(),
    /** Raw channel id → channel, where the user corrected what was detected. */
    channels: z.record(z.string().min(1).max(100), Channel).optional(),
    /** Import a platemap that gives a compound id two structures, keeping the first (`ingest --allow-conflicts`). */
    allowConflicts: z.boolean().optional(),
  })
  .strict();

/** The run's options are ml/train-params.ts's, once; the API asks for the model explicitly. */
const TrainStart = TrainParams.extend({ kind: z.literal('train'), model: ModelKind });

/** `import-profiles --create-plates` as a job: a profile table (and optional compounds table) into the open project. */
const ImportProfilesStart = z
  .object({
    kind: z.literal('import-profiles'),
    file: z.string().min(1).max(4096),
    compounds: z.string().min(1).max(4096).optional(),
    columns: z.string().max(4096).optional(),
    name: z.string().min(1).max(64).optional(),
    replace: z.boolean().optional(),
  })
  .strict();

export const JobStartRequest = z.discriminatedUnion('kind', [
  IngestStart,
  ImportProfilesStart,
  TrainStart,
  z.object({ kind: z.literal('embed'), executionProvider: ExecutionProvider.optional(), allowSoftwareGpu: z.boolean().optional() }).strict(),
  z.object({ kind: z.literal('eval'), permutations: z.number().int().min(0).max(10_000).optional() }).strict(),
]);
export type JobStartRequest = z.infer<typeof JobStartRequest>;

export const ModelInfo = z.object({
  name: z.string(),
  kind: z.string(),
  status: z.string(),
  step: z.number().int(),
  backend: z.string().nullable(),
  checkpoint: z.string().nullable(),
  updatedAt: z.string(),
  encoder: z.string().nullable(),
  featureSource: z.string().nullable(),
  /** Total loss per logged step (thinned to at most 500 points). */
  losses: z.array(z.number()),
  /** Whether profiles from this model exist (embed has run since it was trained). */
  embedded: z.boolean(),
  /** How its embedding ran: ONNX Runtime execution provider, GPU (webgpu), why faster ones were skipped; null before embed (or embedded by an older version). */
  inference: z.object({ provider: z.string(), adapter: z.string().nullable(), skipped: z.string().nullable() }).nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

/** A compound-bootstrap 95 % interval; null where it could not be computed (or an older evaluation). */
const Ci95 = z.tuple([z.number(), z.number()]).nullable();

const TopK = z.object({
  top1: z.number().nullable(),
  top5: z.number().nullable(),
  top10: z.number().nullable(),
  queries: z.number().int(),
  top1Ci95: Ci95.optional(),
  top5Ci95: Ci95.optional(),
  top10Ci95: Ci95.optional(),
  /** Queries with no eligible replicate (counted as misses). */
  skipped: z.number().int().optional(),
});

export const EvalRow = z.object({
  featureSet: z.string(),
  group: z.enum(['heldout', 'trained']),
  queries: z.number().int(),
  compounds: z.number().int(),
  nsb: TopK,
  nss: TopK,
  map: z.number().nullable(),
  mapSignificant: z.number().nullable(),
  mechanismMap: z.number().nullable(),
  mapCi95: Ci95.optional(),
  /** copairs activity mAP (replicates vs DMSO only) and the fraction of compounds retrieved (BH q < 0.05). */
  mapActivity: z.number().nullable().optional(),
  mapActivityCi95: Ci95.optional(),
  fractionRetrieved: z.number().nullable().optional(),
  samePlateNeighbourRate: z.number().nullable().optional(),
  samePlateChance: z.number().nullable().optional(),
  /** A fair baseline (`<set>_z`, `<model>_untrained`, `cellcount`). */
  baseline: z.boolean().optional(),
  /** How the set's profiles were normalised, in words. */
  normalization: z.string().nullable().optional(),
});
export type EvalRow = z.infer<typeof EvalRow>;

export const EvalSummary = z.object({
  createdAt: z.string(),
  split: z.object({ id: z.number().int().nullable(), heldoutCompounds: z.number().int() }),
  rows: z.array(EvalRow),
});
export type EvalSummary = z.infer<typeof EvalSummary>;

export const SplitInfo = z.object({
  id: z.number().int().nullable(),
  method: z.string().nullable(),
  createdAt: z.string().nullable(),
  heldout: z.array(z.string()),
  trained: z.number().int(),
});
export type SplitInfo = z.infer<typeof SplitInfo>;

export const jobRequests = {
  'jobs.start': { request: JobStartRequest, response: JobInfo },
  'jobs.cancel': { request: z.object({ jobId: z.string().min(1).max(100) }).strict(), response: z.object({ cancelled: z.boolean() }) },
  'jobs.list': { request: z.object({}).strict(), response: z.array(JobInfo) },
  'models.list': { request: z.object({}).strict(), response: z.array(ModelInfo) },
  /** Runs with checkpoints on disk, finished or not: what Resume can continue. */
  'train.runs': { request: z.object({}).strict(), response: z.array(z.object({ name: z.string(), step: z.number().int(), file: z.string() })) },
  'eval.latest': { request: z.object({}).strict(), response: EvalSummary.nullable() },
  'split.info': { request: z.object({}).strict(), response: SplitInfo },
  'split.create': {
    request: z.object({ holdoutFraction: z.number().gt(0).lt(1), seed: z.number().int().optional() }).strict(),
    response: SplitInfo,
  },
} as const;

export const jobEvents = {
  'job.progress': JobProgress,
  /** A job started, finished, failed or was cancelled. */
  'job.state': JobInfo,
} as const;
