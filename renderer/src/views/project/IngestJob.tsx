// The plate-folder import's job: progress with cancel while it runs, then what was imported.
import type { JobOf } from '@contract';
import { getApi } from '../../api';
import { ProgressBar } from '../../components/ProgressBar';
import { ImportJob, ImportResult } from './ImportJob';

export function IngestJob({ job }: { job: JobOf<'ingest'> }) {
  const api = getApi();
  const running = job?.state === 'running';
  const result = job && job.state === 'done' ? job.result : null;
  return (
    <ImportJob job={job} testId="import-job" attrs={{ 'data-folder': String(job.params.folder ?? '') }} head={running && job.progress && <span className="muted"> · {job.progress.stage}</span>}>
      {running && (
        <div className="row-actions">
          <ProgressBar done={job.progress?.done ?? 0} total={job.progress?.total ?? 0} label="import progress" />
          <button type="button" className="btn" data-testid="cancel-import" onClick={() => void api.invoke('jobs.cancel', { jobId: job.jobId })}>
            Cancel
          </button>
        </div>
      )}
      {job.state === 'cancelled' && <div className="muted">Cancelled. Plates finished before the cancel are in the project; the rest were not written. Import again to finish.</div>}
      {result && (
        <ImportResult testId="import-result" problems={result.problems} problemsTestId="import-problems">
          <div>
            Imported {result.plates} plates · {result.wells} wells · {result.sites} sites · {result.images} images · {result.compounds} compounds · {result.controls} control wells in{' '}
            {result.seconds.toFixed(1)} s{result.replaced.length > 0 && <> · replaced {result.replaced.join(', ')}</>}
            {result.refused.length > 0 && <span className="qc-text"> · refused {result.refused.join(', ')}</span>}
          </div>
          {(result.channelMappings ?? []).map((m) => (
            <div key={m.plate} className="muted" data-testid="import-channels">
              channels of {m.plate}: {m.mapping}
            </div>
          ))}
        </ImportResult>
      )}
    </ImportJob>
  );
}
