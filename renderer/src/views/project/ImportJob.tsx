// The footer both import panels share (plate folders, profile tables): the latest import job's
// title and state, its error if it failed, and what the caller adds (progress, result).
import type { ReactNode } from 'react';
import type { JobInfo, Problem } from '@contract';
import { useNav } from '../../nav';
import { ProblemList } from './ProblemList';

interface JobProps {
  job: JobInfo;
  testId: string;
  /** data-testid of the failure message, where a test reads it. */
  errorTestId?: string;
  /** Extra data-* attributes of the footer. */
  attrs?: Record<`data-${string}`, string>;
  /** After the title and state, on the same line. */
  head?: ReactNode;
  children?: ReactNode;
}

export function ImportJob({ job, testId, errorTestId, attrs, head, children }: JobProps) {
  return (
    <div className="import-job" data-testid={testId} data-state={job.state} {...attrs}>
      <div className="import-job-head">
        <b>{job.title}</b> — {job.state}
        {head}
      </div>
      {job.state === 'failed' && (
        <div className="error-inline" role="alert" data-testid={errorTestId}>
          {job.error}
        </div>
      )}
      {children}
    </div>
  );
}

/** A finished import: the caller's summary lines, every problem, and the way to the plates. */
export function ImportResult({ testId, problems, problemsTestId, children }: { testId: string; problems: Problem[]; problemsTestId: string; children: ReactNode }) {
  const { go } = useNav();
  return (
    <div data-testid={testId}>
      {children}
      <ProblemList problems={problems} testId={problemsTestId} />
      <button type="button" className="btn" onClick={() => go({ view: 'plates' })}>
        View plates
      </button>
    </div>
  );
}

/** The button that starts an import, and why starting it failed. */
export function StartImport({ testId, disabled, onClick, error, children }: { testId: string; disabled: boolean; onClick(): void; error: string | null; children: ReactNode }) {
  return (
    <div className="row-actions">
      <button type="button" className="btn primary" data-testid={testId} disabled={disabled} onClick={onClick}>
        {children}
      </button>
      {error && (
        <span className="error-inline" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
