// Profiles-first import: a CellProfiler / pycytominer / JUMP profile table (and an optional compounds
// table with SMILES) → plates, wells, compounds and a feature set, as `micon import-profiles
// --create-plates` does. Choose → preview of the columns recognised and problems by line → import job.
import { useEffect, useState } from 'react';
import type { ProfilePreview } from '../../../../main/core/api/contract';
import { getApi } from '../../api';
import { errorMessage } from '../../errors';
import { useLatestJob } from '../../jobs';
import { useNav } from '../../nav';
import { FileRow as Row } from './ImportPanel';
import { ProblemList } from './ProblemList';
import type { Chooser } from './ProjectView';

interface Choice {
  file: string;
  compounds?: string;
  columns?: string;
}

export function ProfileImportPanel({ choose }: { choose(c: Chooser): void }) {
  const api = getApi();
  const { go } = useNav();
  const [choice, setChoice] = useState<Choice | null>(null);
  const [preview, setPreview] = useState<ProfilePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const job = useLatestJob('import-profiles');

  useEffect(() => {
    if (!choice) return;
    let live = true;
    setPreview((p) => (p && p.file !== choice.file ? null : p));
    api.invoke('profiles.preview', { file: choice.file, columns: choice.columns }).then(
      (p) => {
        if (!live) return;
        setPreview(p);
        setError(null);
      },
      (e) => {
        if (!live) return;
        setPreview(null);
        setError(errorMessage(e));
      },
    );
    return () => {
      live = false;
    };
  }, [api, choice]);

  const start = () => {
    if (!choice) return;
    api.invoke('jobs.start', { kind: 'import-profiles', file: choice.file, compounds: choice.compounds, columns: choice.columns || undefined }).then(
      () => setStartError(null),
      (e) => setStartError(errorMessage(e)),
    );
  };

  const running = job?.state === 'running';
  const result = job && job.state === 'done' ? job.result : null;
  const blocking = preview?.problems.some((p) => p.severity === 'error') ?? false;

  return (
    <section className="card import-card" data-testid="profile-import-panel">
      <h2>Import a profile table</h2>
      <p className="muted">
        No images? Start from profiles: CellProfiler per-well means, pycytominer levels, JUMP Parquet. Plates, wells, compounds, controls, batches and sources are read from the
        table&apos;s <code>Metadata_*</code> columns; SMILES may come from a separate compounds table.
      </p>
      <div className="import-choices">
        <Row label="Profile table" value={choice?.file} testId="choose-profiles" onClick={() => choose({ kind: 'csv', title: 'Choose a profile table (CSV, CSV.gz or Parquet)', then: (p) => setChoice({ file: p }) })} />
        <Row
          label="Compounds table"
          value={choice?.compounds}
          disabled={!choice}
          testId="choose-compounds"
          onClick={() => choice && choose({ kind: 'csv', title: 'Choose a compounds table (id or name, SMILES, MoA)', then: (p) => setChoice({ ...choice, compounds: p }) })}
        />
        {choice && (
          <label className="field">
            Column roles (optional)
            <input
              type="text"
              data-testid="profile-columns"
              placeholder="well=…,plate=…,compound=…,smiles=…,control=…"
              defaultValue={choice.columns ?? ''}
              onBlur={(e) => setChoice({ ...choice, columns: e.target.value.trim() || undefined })}
            />
          </label>
        )}
      </div>
      {error && (
        <div className="error-inline" role="alert" data-testid="profile-preview-error">
          {error}
        </div>
      )}
      {preview && choice && (
        <div className="preview" data-testid="profile-preview">
          <div className="preview-head">
            <b>{preview.format.toUpperCase()}</b> · {preview.columns} columns · <span data-testid="profile-feature-count">{preview.featureColumns}</span> numeric feature columns ·{' '}
            {preview.plates.length} plate{preview.plates.length === 1 ? '' : 's'} in the first {preview.rowsRead} rows
          </div>
          <table className="preview-table">
            <thead>
              <tr>
                <th>Role</th>
                <th>Column</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(preview.roles).map(([role, col]) => (
                <tr key={role} data-testid="profile-role" data-role={role} data-column={col ?? ''}>
                  <td>{role}</td>
                  <td className={col ? undefined : 'muted'}>{col ?? 'not found'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {preview.textColumns.length > 0 && <div className="muted">Ignored text columns: {preview.textColumns.join(', ')}</div>}
          <ProblemList problems={preview.problems} testId="profile-preview-problems" />
          <div className="row-actions">
            <button type="button" className="btn primary" data-testid="start-profile-import" disabled={running || blocking} onClick={start}>
              Import profiles
            </button>
            {startError && (
              <span className="error-inline" role="alert">
                {startError}
              </span>
            )}
          </div>
        </div>
      )}
      {job && (
        <div className="import-job" data-testid="profile-import-job" data-state={job.state}>
          <div className="import-job-head">
            <b>{job.title}</b> — {job.state}
          </div>
          {job.state === 'failed' && (
            <div className="error-inline" role="alert" data-testid="profile-import-error">
              {job.error}
            </div>
          )}
          {result && (
            <div data-testid="profile-import-result">
              <div>
                Feature set {result.featureSet}: {result.wells} wells on {result.plates} plates × {result.features} features
                {result.created && (
                  <>
                    {' '}
                    · created {result.created.plates} plates, {result.created.wells} wells, {result.created.compounds} compounds ({result.created.compoundsWithSmiles} with a structure),{' '}
                    {result.created.controlWells} control wells
                  </>
                )}
              </div>
              {result.created?.defaults.map((d) => (
                <div key={d} className="muted">
                  {d}
                </div>
              ))}
              <ProblemList problems={result.problems} testId="profile-import-problems" />
              <button type="button" className="btn" onClick={() => go({ view: 'plates' })}>
                View plates
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
