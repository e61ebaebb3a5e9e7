import type { ModelInfo } from '@contract';

function Sparkline({ values }: { values: number[] }) {
  if (values.length < 2) return null;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pts = values.map((v, i) => `${((i / (values.length - 1)) * 100).toFixed(1)},${(hi > lo ? 20 - ((v - lo) / (hi - lo)) * 20 : 10).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" viewBox="0 0 100 20" preserveAspectRatio="none" aria-label={`loss ${values[0].toFixed(2)} → ${values[values.length - 1].toFixed(2)}`}>
      <polyline points={pts} fill="none" stroke="currentColor" strokeWidth="1.2" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

export function ModelsTable({ models }: { models: ModelInfo[] | null }) {
  return (
    <section className="card">
      <h2>Models</h2>
      {!models ? (
        <div className="muted">…</div>
      ) : models.length === 0 ? (
        <div className="muted">No model trained yet.</div>
      ) : (
        <table className="data-table" data-testid="models-table">
          <thead>
            <tr>
              <th>Model</th>
              <th>Status</th>
              <th className="num">Step</th>
              <th>Backend</th>
              <th>Loss</th>
              <th>Embedded</th>
              <th>Checkpoint</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.name} data-testid="model-row" data-model={m.name} data-status={m.status}>
                <td>
                  <b>{m.name}</b>
                  <div className="muted small">{m.encoder === 'cnn' ? 'CNN on pixels' : `feature head on ${m.featureSource ?? 'handcrafted'}`}</div>
                </td>
                <td>{m.status}</td>
                <td className="num">{m.step}</td>
                <td>{m.backend ?? '–'}</td>
                <td className="loss-cell">
                  <Sparkline values={m.losses} />
                  {m.losses.length > 0 && (
                    <span className="small">
                      {m.losses[0].toFixed(2)} → {m.losses[m.losses.length - 1].toFixed(2)}
                    </span>
                  )}
                </td>
                <td
                  data-testid="model-embedded"
                  data-embedded={m.embedded ? 'yes' : 'no'}
                  data-provider={m.inference?.provider}
                  title={m.inference?.skipped ? `faster providers skipped: ${m.inference.skipped}` : undefined}
                >
                  {m.embedded ? 'yes' : 'not yet'}
                  {m.embedded && m.inference && (
                    <div className="muted small">
                      onnxruntime {m.inference.provider}
                      {m.inference.adapter ? ` on ${m.inference.adapter}` : ''}
                    </div>
                  )}
                </td>
                <td className="path-cell" title={m.checkpoint ?? undefined}>
                  {m.checkpoint ? m.checkpoint.split(/[\\/]/).slice(-2).join('/') : '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
