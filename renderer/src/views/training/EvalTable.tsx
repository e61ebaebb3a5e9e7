import type { EvalRow } from '@contract';
import { useRequest } from '../../hooks/use-request';

const f2 = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(2));

type Ci = [number, number] | null | undefined;
type Metric = (r: EvalRow) => number | null | undefined;
const METRICS: { key: string; label: string; get: Metric; ci?: (r: EvalRow) => Ci; title: string }[] = [
  { key: 'nsb1', label: 'NSB@1', get: (r) => r.nsb.top1, ci: (r) => r.nsb.top1Ci95, title: 'same compound first, other batches only' },
  { key: 'nss1', label: 'NSS@1', get: (r) => r.nss.top1, ci: (r) => r.nss.top1Ci95, title: 'same compound first, other sources (sites) only' },
  { key: 'nss5', label: 'NSS@5', get: (r) => r.nss.top5, ci: (r) => r.nss.top5Ci95, title: 'same compound in the top 5, other sources only' },
  { key: 'map', label: 'mAP', get: (r) => r.map, ci: (r) => r.mapCi95, title: 'replicate mean average precision; negatives: other compounds and DMSO' },
  { key: 'act', label: 'mAP vs DMSO', get: (r) => r.mapActivity, ci: (r) => r.mapActivityCi95, title: 'copairs phenotypic activity: replicates ranked against DMSO wells only' },
  { key: 'retr', label: 'retrieved', get: (r) => r.fractionRetrieved, title: 'fraction of compounds whose activity mAP is significant (BH-corrected p < 0.05)' },
  { key: 'mech', label: 'MoA mAP', get: (r) => r.mechanismMap, title: 'mAP of other compounds sharing the mechanism: biology, not memorised identity' },
  { key: 'plate', label: 'same-plate NN', get: (r) => r.samePlateNeighbourRate, title: "fraction of wells whose nearest neighbour is on their own plate (lower is better; chance shown in the row's tooltip)" },
];
/** Lower is better: never marked best. */
const NOT_RANKED = new Set(['plate']);

/** MICON against the baselines, held-out compounds first: the numbers that say whether it learned biology. */
export function EvalTable() {
  const { data: summary, error } = useRequest('eval.latest', {}, []);

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
        const normalizations = [...new Set(rows.map((r) => r.normalization).filter((n): n is string => !!n))];
        return (
          <table key={group} className="data-table eval" data-group={group}>
            <caption>
              {group === 'heldout' ? 'Held-out compounds (never seen in training)' : 'Trained compounds (memory, not generalisation)'} · [95 % compound-bootstrap interval]
              {normalizations.length ? ` · ${normalizations.join(' | ')}` : ''}
            </caption>
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
                <tr key={r.featureSet} data-testid="eval-row" data-feature-set={r.featureSet} data-group={group} data-baseline={r.baseline ? 'yes' : 'no'}>
                  <td className={r.baseline ? 'muted' : r.featureSet.startsWith('micon') ? 'strong' : undefined} title={r.baseline ? 'fair baseline' : undefined}>
                    {r.featureSet}
                    {r.baseline ? ' *' : ''}
                  </td>
                  <td className="num" title={r.nss.skipped ? `${r.nss.skipped} NSS queries had no replicate in another source (counted as misses)` : undefined}>
                    {r.queries}
                  </td>
                  {METRICS.map((m) => {
                    const v = m.get(r);
                    const ci = m.ci?.(r);
                    const isBest = v !== null && v !== undefined && v === best[m.key] && !NOT_RANKED.has(m.key);
                    return (
                      <td
                        key={m.key}
                        className={`num${isBest ? ' best' : ''}`}
                        data-metric={m.key}
                        title={m.key === 'plate' && r.samePlateChance != null ? `chance ${f2(r.samePlateChance)}` : undefined}
                      >
                        {f2(v)}
                        {ci ? (
                          <span className="ci" data-testid="eval-ci">
                            [{f2(ci[0])}, {f2(ci[1])}]
                          </span>
                        ) : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
      <div className="muted small">
        * fair baseline: <code>&lt;set&gt;_z</code> is the input a feature head gets (robust z vs DMSO, clipped, L2) with no head; <code>&lt;model&gt;_untrained</code> the same
        architecture at its initial weights; <code>cellcount</code> nuclei per well. Overlapping intervals mean the data cannot tell the sets apart.
      </div>
    </div>
  );
}
