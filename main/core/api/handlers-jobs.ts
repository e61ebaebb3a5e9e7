import type { DB } from '../db/open.js';
import { isBaselineName } from '../embeddings/baselines.js';
import type { EvalResult } from '../eval/evaluate-all.js';
import type { JobManager } from '../jobs/manager.js';
import { listCheckpointRuns } from '../ml/checkpoint.js';
import { createSplit } from '../split/split.js';
import { InputError } from '../types.js';
import type { EvalRow, EvalSummary, HandlersOf, ModelInfo, SplitInfo } from './contract.js';
import type { JobStartRequest, jobRequests } from './contract-jobs.js';
import type { FileScope } from '../files/scope.js';
import type { ProjectSession } from '../project/session.js';

/** Every path a job request names must lie in the session's folders (a model name for initFrom is not a path). */
function checkJobPaths(req: JobStartRequest, files: FileScope): JobStartRequest {
  if (req.kind === 'ingest') {
    return { ...req, folder: files.check(req.folder, 'plate folder'), platemap: req.platemap && files.check(req.platemap, 'platemap'), plateMeta: req.plateMeta && files.check(req.plateMeta, 'plate metadata') };
  }
  if (req.kind === 'import-profiles') {
    return { ...req, file: files.check(req.file, 'profile table'), compounds: req.compounds && req.compounds !== 'none' ? files.check(req.compounds, 'compounds table') : req.compounds };
  }
  if (req.kind === 'train' && req.initFrom && /[\\/]/.test(req.initFrom)) return { ...req, initFrom: files.check(req.initFrom, 'checkpoint') };
  return req;
}

export function jobHandlers(session: ProjectSession, jobs: JobManager | null, files: FileScope): HandlersOf<typeof jobRequests> {
  const need = (): JobManager => {
    if (!jobs) throw new InputError('this server was started without a job runner; long jobs are not available here');
    return jobs;
  };
  return {
    'jobs.start': (req) => {
      const checked = checkJobPaths(req, files);
      return need().start(checked);
    },
    'jobs.cancel': ({ jobId }) => ({ cancelled: need().cancel(jobId) }),
    'jobs.list': () => (jobs ? jobs.list() : []),
    'models.list': () => listModels(session.db),
    'train.runs': () => listCheckpointRuns(session.path),
    'eval.latest': () => latestEval(session.db),
    'split.info': () => splitInfo(session.db),
    'split.create': ({ holdoutFraction, seed }) => {
      if (jobs?.running().some((j) => j.kind === 'train')) throw new InputError('cannot change the split while a model is training');
      createSplit(session.db, { holdoutFraction, seed });
      return splitInfo(session.db);
    },
  };
}

function thin(xs: number[], max: number): number[] {
  if (xs.length <= max) return xs;
  const stride = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * stride)]).concat(xs[xs.length - 1]);
}

function parse<T>(s: string | null): T | null {
  if (!s) return null;
  try {
    return JSON.parse(s) as T;
  } catch {
    return null;
  }
}

/** A model set's `version` as written by embedModels; null for sets from before it was recorded. */
function inferenceOf(v: Partial<ModelInfo['inference']> | null): ModelInfo['inference'] {
  if (!v || typeof v.provider !== 'string') return null;
  return { provider: v.provider, adapter: typeof v.adapter === 'string' ? v.adapter : null, skipped: typeof v.skipped === 'string' ? v.skipped : null };
}

export function listModels(db: DB): ModelInfo[] {
  const rows = db
    .prepare(
      `SELECT m.name, m.kind, m.status, m.step, m.backend, m.checkpoint, m.updated_at, m.config, m.metrics,
              EXISTS (SELECT 1 FROM feature_sets f JOIN well_profiles p ON p.feature_set_id = f.id WHERE f.model_id = m.id) AS embedded,
              (SELECT f.version FROM feature_sets f WHERE f.model_id = m.id AND f.name = m.name AND f.kind = 'model') AS inference
         FROM models m ORDER BY m.name`,
    )
    .all() as Record<string, unknown>[];
  return rows.map((r) => {
    const config = parse<{ imageEncoder?: { kind?: string; source?: string } }>(r.config as string);
    const metrics = parse<{ losses?: unknown }>(r.metrics as string | null);
    const losses = Array.isArray(metrics?.losses) ? metrics.losses.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)) : [];
    return {
      name: r.name as string,
      kind: r.kind as string,
      status: r.status as string,
      step: r.step as number,
      backend: (r.backend as string | null) ?? null,
      checkpoint: (r.checkpoint as string | null) ?? null,
      updatedAt: r.updated_at as string,
      encoder: config?.imageEncoder?.kind ?? null,
      featureSource: config?.imageEncoder?.source ?? null,
      losses: thin(losses, 500),
      embedded: Boolean(r.embedded),
      inference: inferenceOf(parse<Partial<ModelInfo['inference']>>(r.inference as string | null)),
    };
  });
}

export function latestEval(db: DB): EvalSummary | null {
  const row = db.prepare('SELECT created_at, result FROM evaluations ORDER BY id DESC LIMIT 1').get() as { created_at: string; result: string } | undefined;
  const r = row ? parse<EvalResult>(row.result) : null;
  if (!row || !r) return null;
  const rows: EvalRow[] = [];
  for (const group of ['heldout', 'trained'] as const) {
    for (const [featureSet, rep] of Object.entries(r.featureSets)) {
      const g = rep[group];
      const topk = (t: typeof g.nsb) => ({
        top1: t.top1,
        top5: t.top5,
        top10: t.top10,
        queries: t.queries,
        top1Ci95: t.top1Ci95 ?? null,
        top5Ci95: t.top5Ci95 ?? null,
        top10Ci95: t.top10Ci95 ?? null,
        skipped: t.skipped,
      });
      rows.push({
        featureSet,
        group,
        queries: g.queries,
        compounds: g.compounds,
        nsb: topk(g.nsb),
        nss: topk(g.nss),
        map: g.map,
        mapSignificant: g.mapSignificantFraction,
        mechanismMap: g.mechanism?.map ?? null,
        // Evaluations stored before intervals and copairs activity existed lack these: null, not an error.
        mapCi95: g.mapCi95 ?? null,
        mapActivity: g.mapActivity?.map ?? null,
        mapActivityCi95: g.mapActivity?.mapCi95 ?? null,
        fractionRetrieved: g.mapActivity?.fractionRetrieved ?? null,
        samePlateNeighbourRate: g.samePlateNeighbourRate ?? null,
        samePlateChance: g.samePlateChance ?? null,
        baseline: rep.kind === 'baseline' || isBaselineName(featureSet),
        normalization: rep.normalizationDescription ?? null,
      });
    }
  }
  return { createdAt: row.created_at, split: { id: r.split.id, heldoutCompounds: r.split.heldout_compounds }, rows };
}

export function splitInfo(db: DB): SplitInfo {
  const s = db.prepare('SELECT id, method, created_at FROM splits WHERE active = 1 ORDER BY id DESC LIMIT 1').get() as
    | { id: number; method: string; created_at: string }
    | undefined;
  if (!s) return { id: null, method: null, createdAt: null, heldout: [], trained: 0 };
  const roles = db
    .prepare('SELECT c.compound_id AS id, sc.role FROM split_compounds sc JOIN compounds c ON c.id = sc.compound_id WHERE sc.split_id = ? ORDER BY c.compound_id')
    .all(s.id) as { id: string; role: string }[];
  return {
    id: s.id,
    method: s.method,
    createdAt: s.created_at,
    heldout: roles.filter((r) => r.role === 'heldout').map((r) => r.id),
    trained: roles.filter((r) => r.role === 'train').length,
  };
}
