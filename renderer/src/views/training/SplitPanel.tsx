import { useState } from 'react';
import type { SplitInfo } from '@contract';
import { getApi } from '../../api';
import { useAction } from '../../hooks/use-request';

/** Which compounds training never sees: the numbers that matter are measured on them. */
export function SplitPanel({ split, disabled, onChanged }: { split: SplitInfo | null; disabled: boolean; onChanged(): void }) {
  const [fraction, setFraction] = useState(0.25);
  const [seed, setSeed] = useState(1);
  const { run, error } = useAction();
  const create = () => run(() => getApi().invoke('split.create', { holdoutFraction: fraction, seed }), onChanged);
  return (
    <section className="card" data-testid="split-panel">
      <h2>Held-out compounds</h2>
      {split === null ? (
        <div className="muted">…</div>
      ) : split.id === null ? (
        <div className="muted" data-testid="split-summary">
          No split yet: every compound would be used for training, and nothing could be judged on unseen compounds.
        </div>
      ) : (
        <div data-testid="split-summary">
          <b>{split.heldout.length}</b> compounds held out, {split.trained} for training ({split.method}, {split.createdAt?.slice(0, 10)})
          <div className="heldout-list" title={split.heldout.join(', ')}>
            {split.heldout.join(', ')}
          </div>
        </div>
      )}
      <div className="row-actions">
        <label className="field inline">
          Hold out
          <input type="number" min={0.05} max={0.9} step={0.05} value={fraction} onChange={(e) => setFraction(Number(e.target.value))} style={{ width: 64 }} aria-label="hold-out fraction" />
        </label>
        <label className="field inline">
          seed
          <input type="number" value={seed} onChange={(e) => setSeed(Math.trunc(Number(e.target.value)))} style={{ width: 56 }} aria-label="split seed" />
        </label>
        <button type="button" className="btn" data-testid="create-split" disabled={disabled || !(fraction > 0 && fraction < 1)} onClick={() => void create()}>
          {split?.id ? 'New split' : 'Create split'}
        </button>
      </div>
      {error && (
        <div className="error-inline" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}
