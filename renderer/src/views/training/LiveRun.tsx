import { useMemo } from 'react';
import type { JobInfo, JobOf } from '@contract';
import { getApi } from '../../api';
import { LossChart, type LossSeries } from '../../components/LossChart';
import { ProgressBar } from '../../components/ProgressBar';

function seriesOf(job: JobInfo): LossSeries {
  const h = job.trainHistory;
  const terms = [...new Set(h.flatMap((t) => Object.keys(t.terms)))].sort();
  return {
    steps: h.map((t) => t.step),
    series: [{ name: 'loss', values: h.map((t) => t.loss) }, ...terms.map((k) => ({ name: k, values: h.map((t) => t.terms[k] ?? NaN) }))],
  };
}

/** The current (or last) training run: progress, every loss term live, throughput and backend. */
export function LiveRun({ job }: { job: JobOf<'train'> | null }) {
  const data = useMemo(() => (job ? seriesOf(job) : null), [job]);
  if (!job) {
    return (
      <section className="card" data-testid="live-run">
        <h2>Run</h2>
        <div className="muted">No training run in this session yet. Choose settings on the left and start one.</div>
      </section>
    );
  }
  const last = job.trainHistory[job.trainHistory.length - 1];
  const p = job.progress;
  const result = job.result;
  return (
    <section className="card" data-testid="live-run" data-state={job.state}>
      <div className="card-head">
        <h2>{job.title}</h2>
        <span className={`tag state-${job.state}`} data-testid="run-state">
          {job.state}
        </span>
        <span className="spacer" />
        {job.state === 'running' && (
          <button type="button" className="btn" data-testid="cancel-train" onClick={() => void getApi().invoke('jobs.cancel', { jobId: job.jobId })}>
            Cancel
          </button>
        )}
      </div>
      {job.state === 'running' && <ProgressBar done={p?.done ?? 0} total={p?.total ?? 0} label="training progress" />}
      <div className="run-facts" data-testid="run-facts">
        {p && p.stage !== 'train' && job.state === 'running' && <span>{p.stage}…</span>}
        {last && (
          <>
            <span>
              step <b data-testid="run-step">{last.step}</b> / {last.steps}
            </span>
            <span>
              loss <b data-testid="run-loss">{last.loss.toFixed(3)}</b>
            </span>
            <span>
              <b data-testid="run-rate">{Math.round(last.samplesPerSecond).toLocaleString()}</b> samples/s
            </span>
            <span>
              backend{' '}
              <b data-testid="run-backend" title={last.device}>
                {last.backend}
              </b>
              {last.device && /software/.test(last.device) ? ' (software adapter)' : ''}
            </span>
          </>
        )}
      </div>
      {data && data.steps.length > 0 && <LossChart data={data} testId="loss-chart" />}
      {job.state === 'done' && result && (
        <div className="muted" data-testid="run-result">
          Finished {result.steps} steps{result.seconds ? ` in ${result.seconds.toFixed(0)} s` : ''}; checkpoint {result.checkpoint}. Embed to use the model in search and evaluation.
        </div>
      )}
      {job.state === 'cancelled' && <div className="muted">Cancelled. The last checkpoint is kept: Resume continues from it.</div>}
      {job.state === 'failed' && (
        <div className="error-inline" role="alert">
          {job.error}
        </div>
      )}
    </section>
  );
}
