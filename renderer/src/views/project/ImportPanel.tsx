// Plate folders in: choose (or drop) a folder, a platemap and a plate table → preview → import job.
import { useEffect, useState, type DragEvent } from 'react';
import type { PlateSummary } from '@contract';
import { getApi } from '../../api';
import { useAction } from '../../hooks/use-request';
import { useLatestJob } from '../../jobs';
import { FileRow } from './FileRow';
import { IngestJob } from './IngestJob';
import { IngestPreviewTable } from './IngestPreviewTable';
import { useIngestPreview, type Choice } from './ingest-choice';
import type { Chooser } from './ProjectView';

export function ImportPanel({ plates, choose }: { plates: PlateSummary[] | null; choose(c: Chooser): void }) {
  const api = getApi();
  const [choice, setChoice] = useState<Choice | null>(null);
  const [dropError, setDropError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const job = useLatestJob('ingest');
  const { preview, loading, error } = useIngestPreview(choice, setChoice);
  const previewError = dropError ?? error;
  // A drop that gave no path is forgotten once something is chosen.
  useEffect(() => setDropError(null), [choice]);
  const { run, error: startError } = useAction();

  const start = () => {
    if (!choice) return;
    void run(() => api.invoke('jobs.start', { kind: 'ingest', ...choice }));
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    const p = file ? api.pathForFile?.(file) : null;
    if (p) setChoice({ folder: p });
    else setDropError('Dropping a folder works in the desktop app; in browser mode the page cannot see where a dropped folder lives. Use "Choose plate folder…".');
  };

  const running = job?.state === 'running';
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
      {loading && <div className="muted">Reading the folder…</div>}
      {previewError && (
        <div className="error-inline" role="alert" data-testid="preview-error">
          {previewError}
        </div>
      )}
      {preview && choice && <IngestPreviewTable preview={preview} choice={choice} setChoice={setChoice} existing={existing} running={running} start={start} startError={startError} />}
      {job && <IngestJob job={job} />}
    </section>
  );
}
