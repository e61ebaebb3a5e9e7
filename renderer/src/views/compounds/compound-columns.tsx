// The compound table's columns: depiction (matches highlighted), name and id, mechanism, where and
// how often it was screened, and its role in the held-out split.
import type { CompoundSummary } from '@contract';
import { Structure } from '../../components/Structure';
import type { Column } from '../../components/VirtualTable';
import { SPLIT_LABEL } from './compound-format';

export function compoundColumns(highlight: string | undefined): Column<CompoundSummary>[] {
  return [
    { key: 'structure', header: 'Structure', width: '140px', cell: (c) => <Structure smiles={c.canonicalSmiles ?? c.smiles} width={120} height={90} highlight={highlight} /> },
    {
      key: 'compound',
      header: 'Compound',
      width: 'minmax(150px, 1.1fr)',
      cell: (c) => (
        <div className="cell-stack" title={`${c.name ?? c.compoundId} (${c.compoundId})`}>
          <span className="cell-line compound-name">
            {c.name ?? c.compoundId}
            {c.isControl && <span className="tag tag-control">control</span>}
          </span>
          <span className="cell-line compound-id">{c.compoundId}</span>
        </div>
      ),
    },
    {
      key: 'moa',
      header: 'Mechanism / target',
      width: 'minmax(150px, 1.3fr)',
      cell: (c) => (
        <div className="cell-stack" title={[c.moa, c.target].filter(Boolean).join(' · ')}>
          <span className="cell-line">{c.moa ?? <span className="muted">unknown</span>}</span>
          {c.target && <span className="cell-line muted">{c.target}</span>}
        </div>
      ),
    },
    { key: 'wells', header: 'Wells', width: '58px', align: 'right', cell: (c) => c.wells },
    { key: 'replicates', header: <span title="Replicate wells: the most wells at any one concentration">Reps</span>, width: '52px', align: 'right', cell: (c) => c.replicates },
    { key: 'plates', header: 'Plates', width: '62px', align: 'right', cell: (c) => c.plates },
    { key: 'sources', header: 'Sources', width: '70px', align: 'right', cell: (c) => c.sources },
    {
      key: 'split',
      header: 'Split',
      width: '78px',
      cell: (c) => (c.splitRole ? <span className={`tag split-${c.splitRole}`}>{SPLIT_LABEL[c.splitRole]}</span> : <span className="muted">—</span>),
    },
  ];
}
