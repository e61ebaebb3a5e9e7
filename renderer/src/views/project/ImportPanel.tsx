import { useEffect, useState, type DragEvent } from 'react';
import { Channel, type IngestPreview, type PlateSummary } from '../../../../main/core/api/contract';
import { getApi } from '../../api';
import { ProgressBar } from '../../components/ProgressBar';
import { errorMessage } from '../../errors';
import { useLatestJob } from '../../jobs';
import { useNav } from '../../nav';
import { ProblemList } from './ProblemList';
import type { Chooser } from './ProjectView';

const CHANNELS = Channel.options;

interface Choice {
  folder: string;
  platemap?: string;
  plateMeta?: string;
  source?: string;
  batch?: string;
  channels?: Record<string, Channel>;
}

export function ImportPanel({ plates, startDir, choose }: { plates: PlateSummary[] | null; startDir: string | null; choose(c: Chooser): void }) {
  const api = getApi();
  const { go } = useNav();
  const [choice, setChoice] = useState<Choice | null>(null);
  const [preview, setPreview] = useState<IngestPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const job = useLatestJob('ingest');

  useEffect(() => {
    if (!choice) return;
    let live = true;
    setLoading(true);
    // Another folder: the old preview must not stand in for the new one while it loads.
    setPreview((p) => (p && p.folder !== choice.folder ? null : p));
    api
      .invoke('ingest.preview', { folder: choice.folder, platemap: choice.platemap, plateMeta: choice.plateMeta, channels: choice.channels })
      .then(
        (p) => {
          if (!live) return;
          setPreview(p);
          setPreviewError(null);
          // Offer what sits next to the plates when the user has not chosen yet.
          if (!choice.platemap && !choice.plateMeta && (p.suggestions.platemaps.length === 1 || p.suggestions.plateMeta.length === 1)) {
            setChoice({ ...choice, platemap: p.suggestions.platemaps.length === 1 ? p.suggestions.platemaps[0] : undefined, plateMeta: p.suggestions.plateMeta.length === 1 ? p.suggestions.plateMeta[0] : undefined });
          }
        },
        (e) => {
          if (!live) return;
          setPreview(null);
          setPreviewError(errorMessage(e));
        },
      )
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [api, choice]);

  const start = () => {
    if (!choice) return;
    api.invoke('jobs.start', { kind: 'ingest', ...choice }).then(
      () => setStartError(null),
      (e) => setStartError(errorMessage(e)),
    );
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    const p = file ? api.pathForFile?.(file) : null;
    if (p) setChoice({ folder: p });
    else setPreviewError('Dropping a folder works in the desktop app; in browser mode the page cannot see where a dropped folder lives. Use "Choose plate folder…".');
  };

  const running = job?.state === 'running';
  const result = job && job.state === 'done' ? job.result : null;
  const existing = new Set((plates ?? []).map((p) => p.name));

  return (
    <section
      className={`card import-card${dragging ? ' dragging' : ''}`}
      data-testid="import-panel"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <h2>Import plates</h2>
      <p className="muted">
        Choose (or drop) a plate folder straight off the microscope: ImageXpress, Opera Phenix/Operetta, CellVoyager or a CellProfiler LoadData CSV. Then a platemap
        (well → compound, SMILES, concentration, control) and, if you have one, a plate table (plate → source, batch, replicate).
      </p>
      <div className="import-choices">
        <FileRow label="Plate folder" value={choice?.folder} testId="choose-folder" onClick={() => choose({ kind: 'folder', title: 'Choose a plate folder', then: (p) => setChoice({ folder: p }) })} />
        <FileRow
          label="Platemap CSV"
          value={choice?.platemap}
          disabled={!choice}
          testId="choose-platemap"
          onClear={choice?.platemap ? () => setChoice({ ...choice, platemap: undefined }) : undefined}
          onClick={() => choice && choose({ kind: 'csv', title: 'Choose the platemap CSV', then: (p) => setChoice({ ...choice, platemap: p }) })}
        />
        <FileRow
          label="Plate table CSV"
          value={choice?.plateMeta}
          disabled={!choice}
          testId="choose-platemeta"
          onClear={choice?.plateMeta ? () => setChoice({ ...choice, plateMeta: undefined }) : undefined}
          onClick={() => choice && choose({ kind: 'csv', title: 'Choose the plate table (plate → source, batch, replicate)', then: (p) => setChoice({ ...choice, plateMeta: p }) })}
        />
        {choice && !choice.plateMeta && (
          <div className="import-meta">
            <label className="field">
              Source (site)
              <input type="text" value={choice.source ?? ''} placeholder="from the plate table, or 'default'" onChange={(e) => setChoice({ ...choice, source: e.target.value || undefined })} />
            </label>
            <label className="field">
              Batch
              <input type="text" value={choice.batch ?? ''} placeholder="from the plate table, or 'default'" onChange={(e) => setChoice({ ...choice, batch: e.target.value || undefined })} />
            </label>
          </div>
        )}
      </div>
      {startDir === null && null}
      {loading && <div className="muted">Reading the folder…</div>}
      {previewError && (
        <div className="error-inline" role="alert" data-testid="preview-error">
          {previewError}
        </div>
      )}
      {preview && choice && (
        <div className="preview" data-testid="ingest-preview">
          <div className="preview-head">
            <b data-testid="preview-layout">{preview.layoutLabel}</b> · {preview.plates.length} plate{preview.plates.length === 1 ? '' : 's'} ·{' '}
            {preview.plates.reduce((s, p) => s + p.images, 0).toLocaleString()} images
            {preview.platemap && (
              <>
                {' '}
                · platemap: {preview.platemap.entries} rows, {preview.platemap.compounds} compounds, {preview.platemap.controls} control wells
              </>
            )}
          </div>
          <table className="preview-table">
            <thead>
              <tr>
                <th>Plate</th>
                <th>Source / batch / rep</th>
                <th className="num">Wells</th>
                <th className="num">Sites</th>
                <th>Channels (instrument → stain)</th>
              </tr>
            </thead>
            <tbody>
              {preview.plates.map((p) => (
                <tr key={p.name} data-testid="preview-plate" data-plate={p.name}>
                  <td>
                    {p.name}
                    {(p.existing || existing.has(p.name)) && <span className="tag tag-warn">replaces existing</span>}
                  </td>
                  <td>{[p.source ?? choice.source ?? 'default', p.batch ?? choice.batch ?? 'default', p.replicate ?? '–'].join(' / ')}</td>
                  <td className="num">{p.wells}</td>
                  <td className="num">{p.sites}</td>
                  <td>
                    {p.channels.map((c) => (
                      <label key={c.rawId} className="channel-map" title={c.instrumentName ?? c.rawId}>
                        {c.instrumentName ?? c.rawId} →{' '}
                        <select
                          value={choice.channels?.[c.rawId] ?? c.channel}
                          aria-label={`stain for ${c.instrumentName ?? c.rawId}`}
                          onChange={(e) => setChoice({ ...choice, channels: { ...choice.channels, [c.rawId]: e.target.value as Channel } })}
                        >
                          {c.channel === '?' && <option value="?">?</option>}
                          {CHANNELS.map((ch) => (
                            <option key={ch}>{ch}</option>
                          ))}
                        </select>
                      </label>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ProblemList problems={preview.problems} testId="preview-problems" />
          <div className="row-actions">
            <button type="button" className="btn primary" data-testid="start-import" disabled={running} onClick={start}>
              Import {preview.plates.length} plate{preview.plates.length === 1 ? '' : 's'}
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
        <div className="import-job" data-testid="import-job" data-state={job.state} data-folder={String(job.params.folder ?? '')}>
          <div className="import-job-head">
            <b>{job.title}</b> — {job.state}
            {running && job.progress && <span className="muted"> · {job.progress.stage}</span>}
          </div>
          {running && (
            <div className="row-actions">
              <ProgressBar done={job.progress?.done ?? 0} total={job.progress?.total ?? 0} label="import progress" />
              <button type="button" className="btn" data-testid="cancel-import" onClick={() => void api.invoke('jobs.cancel', { jobId: job.jobId })}>
                Cancel
              </button>
            </div>
          )}
          {job.state === 'failed' && (
            <div className="error-inline" role="alert">
              {job.error}
            </div>
          )}
          {job.state === 'cancelled' && <div className="muted">Cancelled. Plates finished before the cancel are in the project; the rest were not written. Import again to finish.</div>}
          {result && (
            <div data-testid="import-result">
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
              <ProblemList problems={result.problems} testId="import-problems" />
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

export function FileRow({ label, value, onClick, onClear, disabled, testId }: { label: string; value?: string; onClick(): void; onClear?(): void; disabled?: boolean; testId: string }) {
  return (
    <div className="file-row">
      <span className="file-label">{label}</span>
      <span className={`file-value${value ? '' : ' muted'}`} title={value} data-testid={`${testId}-value`}>
        {value ?? 'none chosen'}
      </span>
      <button type="button" className="btn" data-testid={testId} disabled={disabled} onClick={onClick}>
        Choose…
      </button>
      {onClear && (
        <button type="button" className="small" onClick={onClear} aria-label={`clear ${label}`}>
          ✕
        </button>
      )}
    </div>
  );
}
