import { useEffect, useState } from 'react';
import type { EvalRow, EvalSummary } from '../../../../main/core/api/contract';
import { getApi } from '../../api';
import { errorMessage } from '../../errors';
import { useNav } from '../../nav';

const f2 = (x: number | null) => (x === null ? '–' : x.toFixed(2));

type Metric = (r: EvalRow) => number | null;
const METRICS: { key: string; label: string; get: Metric; title: string }[] = [
  { key: 'nsb1', label: 'NSB@1', get: (r) => r.nsb.top1, title: 'same compound first, other batches only' },
  { key: 'nsb5', label: 'NSB@5', get: (r) => r.nsb.top5, title: 'same compound in the top 5, other batches only' },
  { key: 'nss1', label: 'NSS@1', get: (r) => r.nss.top1, title: 'same compound first, other sources (sites) only' },
  { key: 'nss5', label: 'NSS@5', get: (r) => r.nss.top5, title: 'same compound in the top 5, other sources only' },
  { key: 'nss10', label: 'NSS@10', get: (r) => r.nss.top10, title: 'same compound in the top 10, other sources only' },
  { key: 'map', label: 'mAP', get: (r) => r.map, title: 'replicate mean average precision (copairs-style)' },
  { key: 'sig', label: 'sig.', get: (r) => r.mapSignificant, title: 'fraction of compounds whose replicate AP beats the permutation null' },
  { key: 'mech', label: 'MoA mAP', get: (r) => r.mechanismMap, title: 'mAP of other compounds sharing the mechanism: biology, not memorised identity' },
];

/** MICON against the baselines, held-out compounds first: the numbers that say whether it learned biology. */
export function EvalTable() {
  const { revision } = useNav();
  const [summary, setSummary] = useState<EvalSummary | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    getApi()
      .invoke('eval.latest', {})
      .then(
        (s) => live && setSummary(s),
        (e) => live && setError(errorMessage(e)),
      );
    return () => {
      live = false;
    };
  }, [revision]);

  if (error) return <div className="error-inline">{error}</div>;
  if (summary === undefined) return <div className="muted">…</div>;
  if (summary === null) return <div className="muted" data-testid="eval-empty">No evaluation yet: train, embed, then Evaluate.</div>;
  return (
    <div data-testid="eval-table">
      <div className="muted small">
        {summary.split.id === null ? 'No split: every compound was seen in training, so these numbers flatter every learned model.' : `${summary.split.heldoutCompounds} held-out compounds`} · evaluated{' '}
        {summary.createdAt.replace('T', ' ').slice(0, 16)}
      </div>
      {(['heldout', 'trained'] as const).map((group) => {
        const rows = summary.rows.filter((r) => r.group === group);
        if (!rows.length || rows.every((r) => r.queries === 0)) return null;
        const best = Object.fromEntries(METRICS.map((m) => [m.key, Math.max(...rows.map((r) => m.get(r) ?? -Infinity))]));
        return (
          <table key={group} className="data-table eval" data-group={group}>
            <caption>{group === 'heldout' ? 'Held-out compounds (never seen in training)' : 'Trained compounds'}</caption>
            <thead>
              <tr>
                <th>Feature set</th>
                <th className="num">queries</th>
                {METRICS.map((m) => (
                  <th key={m.key} className="num" title={m.title}>
                    {m.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.featureSet} data-testid="eval-row" data-feature-set={r.featureSet} data-group={group}>
                  <td className={r.featureSet.startsWith('micon') ? 'strong' : undefined}>{r.featureSet}</td>
                  <td className="num">{r.queries}</td>
                  {METRICS.map((m) => {
                    const v = m.get(r);
                    return (
                      <td key={m.key} className={`num${v !== null && v === best[m.key] ? ' best' : ''}`} data-metric={m.key}>
                        {f2(v)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
    </div>
  );
}
