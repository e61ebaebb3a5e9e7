// The plate-folder import's preview: layout, plates with their channel mapping (editable), the
// platemap's summary and every problem, with the button that starts the import.
import type { IngestPreview } from '@contract';
import { StartImport } from './ImportJob';
import { CHANNELS, type Channel, type Choice } from './ingest-choice';
import { ProblemList } from './ProblemList';

interface Props {
  preview: IngestPreview;
  choice: Choice;
  setChoice(c: Choice): void;
  /** Names of the project's plates (an import replaces a plate of the same name). */
  existing: Set<string>;
  running: boolean;
  start(): void;
  startError: string | null;
}

export function IngestPreviewTable({ preview, choice, setChoice, existing, running, start, startError }: Props) {
  return (
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
      <StartImport testId="start-import" disabled={running} onClick={start} error={startError}>
        Import {preview.plates.length} plate{preview.plates.length === 1 ? '' : 's'}
      </StartImport>
    </div>
  );
}
