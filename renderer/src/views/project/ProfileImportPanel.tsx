// Profiles-first import: a CellProfiler / pycytominer / JUMP profile table (and an optional compounds
// table with SMILES) → plates, wells, compounds and a feature set, as `micon import-profiles
// --create-plates` does. Choose → preview of the columns recognised and problems by line → import job.
import { useState } from 'react';
import { getApi } from '../../api';
import { useAction, useAsync } from '../../hooks/use-request';
import { useLatestJob } from '../../jobs';
import { FileRow as Row } from './FileRow';
import { ImportJob, ImportResult, StartImport } from './ImportJob';
import { ProblemList } from './ProblemList';
import type { Chooser } from './ProjectView';

interface Choice {
  file: string;
  compounds?: string;
  columns?: string;
}

export function ProfileImportPanel({ choose }: { choose(c: Chooser): void }) {
  const api = getApi();
  const [choice, setChoice] = useState<Choice | null>(null);
  const job = useLatestJob('import-profiles');
  // A file preview, not project data: asked again only when the choice changes.
  const loaded = useAsync(choice ? () => api.invoke('profiles.preview', { file: choice.file, columns: choice.columns }) : null, [api, choice]);
  const error = loaded.error;
  // Another file's preview never stands in for this one's; a failed preview shows none.
  const preview = !error && loaded.data && loaded.data.file === choice?.file ? loaded.data : null;
  const { run, error: startError } = useAction();

  const start = () => {
    if (!choice) return;
    void run(() => api.invoke('jobs.start', { kind: 'import-profiles', file: choice.file, compounds: choice.compounds, columns: choice.columns || undefined }));
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
          <StartImport testId="start-profile-import" disabled={running || blocking} onClick={start} error={startError}>
            Import profiles
          </StartImport>
        </div>
      )}
      {job && (
        <ImportJob job={job} testId="profile-import-job" errorTestId="profile-import-error">
          {result && (
            <ImportResult testId="profile-import-result" problems={result.problems} problemsTestId="profile-import-problems">
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
            </ImportResult>
          )}
        </ImportJob>
      )}
    </section>
  );
}
