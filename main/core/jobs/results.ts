// What each job kind returns: the registry's functions are typed by it, and the API contract's
// JobInfo carries it as `result`, keyed by the job's kind (contract-jobs.ts).
import type { ImportProfilesSummary } from '../embeddings/import-profiles.js';
import type { IngestSummary } from '../ingest/ingest.js';
import type { TrainResult } from '../ml/train.js';
import type { EmbedAllResult } from './embed.js';

/** A train job: train()'s result, plus why Electron's compute window was not used when it was not. */
export type TrainJobResult = TrainResult & { computeWindow?: string };

/** An eval job: which split it used and the sets it evaluated (the numbers are read with `eval.latest`). */
export interface EvalJobResult {
  split: { id: number | null; heldout_compounds: number };
  featureSets: string[];
}

export interface JobResults {
  ingest: IngestSummary;
  'import-profiles': ImportProfilesSummary;
  train: TrainJobResult;
  embed: EmbedAllResult;
  eval: EvalJobResult;
}
