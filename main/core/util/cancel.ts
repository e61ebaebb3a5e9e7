// Cancellation at safe points, for any long-running core work (training, embedding, evaluation, tuning)
// whether it runs in a job process or the CLI. Here, not in jobs/, so that ml/, eval/ and embeddings/
// need not import the job machinery that in turn runs them.

export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'JobCancelled';
  }
}

/** Throw at a safe point when the job was cancelled. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new JobCancelled();
}
