import { getApi } from '../api';
import { useJobs } from '../jobs';
import { ProgressBar } from '../components/ProgressBar';

/** The running job, visible from every view, with its progress and a cancel button. */
export function JobIndicator() {
  const running = useJobs().find((j) => j.state === 'running');
  if (!running) return null;
  const p = running.progress;
  return (
    <div className="job" data-testid="job-progress" data-kind={running.kind}>
      <span className="job-title" title={running.title}>
        {running.kind}
        {p ? `: ${p.stage}` : ': starting…'}
      </span>
      <ProgressBar done={p?.done ?? 0} total={p?.total ?? 0} />
      <button type="button" className="small" onClick={() => void getApi().invoke('jobs.cancel', { jobId: running.jobId })}>
        Cancel
      </button>
    </div>
  );
}
