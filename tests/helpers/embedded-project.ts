import path from 'node:path';
import { openProject, type DB } from '../../main/core/db/open.js';
import { embedAll } from '../../main/core/jobs/embed.js';
import { train } from '../../main/core/ml/train.js';
import { copyProject, makeTrainingProject } from './training-project.js';

/** One `train` call's options, less where it writes (the helper chooses). */
export type TrainRun = Omit<Parameters<typeof train>[1], 'projectPath' | 'checkpointDir'>;

export interface EmbeddedProject {
  /** The training project as built (hand-crafted features, no model): for tests of the "not embedded yet" case. */
  bare: string;
  /** The copy that was prepared, trained and embedded. */
  project: string;
  /** `project`, open; the caller closes it. */
  db: DB;
}

/**
 * The demo training project in `dir`, copied to `<name>.micon`, `prepare`d (a split, say), trained
 * with each run in order (checkpoints under `dir/ck-<model>`) and embedded, as `micon train` then
 * `micon embed` would leave it.
 */
export async function makeEmbeddedProject(dir: string, runs: TrainRun[], opts: { name?: string; prepare?: (db: DB) => void } = {}): Promise<EmbeddedProject> {
  const bare = await makeTrainingProject(dir);
  const project = copyProject(bare, opts.name ?? 'embedded');
  const db = openProject(project);
  try {
    opts.prepare?.(db);
    for (const run of runs) await train(db, { ...run, projectPath: project, checkpointDir: path.join(dir, `ck-${run.model}`) });
    await embedAll(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return { bare, project, db };
}
