import { useEffect, useState } from 'react';
import type { SearchHit, SearchQueryRequest, SearchQueryResult } from '@contract';
import { getApi } from '../../api';
import { useAsync } from '../../hooks/use-request';
import { Structure } from '../../components/Structure';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { useNav } from '../../nav';
import { formatConcentration } from '../../plate-format';

const fmtP = (p: number) => (p < 0.001 ? '<0.001' : p.toFixed(3));

export function ResultsTable({ result, onQuery }: { result: SearchQueryResult | null; onQuery(q: SearchQueryRequest['query']): void }) {
  const { go } = useNav();
  const [sel, setSel] = useState<number | null>(null);
  const hits = result?.results ?? [];
  useEffect(() => setSel(null), [result]);
  // Thumbnails are a nicety: a failure leaves the dashes.
  const ids = hits.slice(0, 500).map((h) => h.wellId);
  const thumbs =
    useAsync(ids.length ? () => getApi().invoke('wells.thumbnails', { wellIds: ids }).then((r) => new Map(ids.map((id, i) => [id, r.thumbnails[i]]))) : null, [result]).data ??
    new Map<number, string | null>();

  const columns: Column<SearchHit>[] = [
    { key: 'rank', header: '#', width: '30px', align: 'right', cell: (h) => h.rank },
    {
      key: 'thumb',
      header: 'Cells',
      width: '62px',
      cell: (h) => {
        const t = thumbs.get(h.wellId);
        return t ? <img className="hit-thumb" src={t} alt={`${h.plate} ${h.well}`} data-testid="hit-thumb" /> : <span className="muted">–</span>;
      },
    },
    { key: 'structure', header: 'Structure', width: '84px', cell: (h) => <Structure smiles={h.smiles} width={76} height={56} /> },
    {
      key: 'compound',
      header: 'Compound',
      width: 'minmax(120px, 1.3fr)',
      cell: (h) => (
        <div className="hit-compound">
          <b title={h.compound ?? undefined}>{h.compoundName ?? h.compound ?? (h.pertType === 'negcon' ? 'DMSO' : '–')}</b>
          {h.isReplicate && (
            <span className="tag tag-rep" title="same compound as the query" data-testid="replicate-mark">
              replicate
            </span>
          )}
          <div className="muted small">{[h.moa, h.concentration !== null ? formatConcentration(h.concentration) : null].filter(Boolean).join(' · ')}</div>
        </div>
      ),
    },
    {
      key: 'where',
      header: 'Plate · well / source · batch',
      width: 'minmax(150px, 1fr)',
      cell: (h) => (
        <div className="hit-where" title={`${h.plate} ${h.well} · ${h.source} / ${h.batch}${h.replicate !== null ? ` / replicate ${h.replicate}` : ''}`}>
          <div>
            {h.plate} · <b>{h.well}</b>
          </div>
          <div className="muted small">
            {h.source} · {h.batch}
          </div>
        </div>
      ),
    },
    {
      key: 'sim',
      header: 'Similarity',
      width: '100px',
      align: 'right',
      cell: (h) => (
        <span className="sim-cell">
          <span className="sim-bar" style={{ width: `${Math.max(0, h.similarity) * 40}px` }} />
          {h.similarity.toFixed(3)}
        </span>
      ),
    },
    { key: 'p', header: <span title={result?.query.null.description ? `empirical p against ${result.query.null.description}` : undefined}>p</span>, width: '62px', align: 'right', cell: (h) => <span className={h.p < 0.05 ? 'strong' : 'muted'}>{fmtP(h.p)}</span> },
  ];

  const open = (i: number) => {
    const h = hits[i];
    if (h) go({ view: 'plates', plateName: h.plate, well: h.well });
  };
  const selected = sel !== null ? hits[sel] : null;

  return (
    <div className="results" data-testid="results">
      <VirtualTable
        rows={hits}
        columns={columns}
        rowHeight={64}
        rowKey={(h) => `${h.wellId}`}
        selectedIndex={sel}
        onSelect={setSel}
        onActivate={open}
        testId="results-table"
        rowTestId="hit-row"
        rowProps={(h) => ({ 'data-replicate': h.isReplicate ? 'true' : undefined, 'data-well': `${h.plate}:${h.well}`, 'data-compound': h.compound ?? undefined })}
        label="Similar wells"
        empty={<div className="muted results-empty">{result ? 'No wells matched the filters.' : 'Run a query to see the most similar wells.'}</div>}
      />
      {selected && (
        <div className="hit-actions" data-testid="hit-actions">
          <span>
            <b>{selected.plate}</b> {selected.well}
          </span>
          <button type="button" className="btn" onClick={() => open(sel!)} data-testid="open-hit">
            Open well
          </button>
          <button type="button" className="btn" onClick={() => onQuery({ kind: 'well', well: `${selected.plate}:${selected.well}` })}>
            Wells like this one
          </button>
          {selected.compound && (
            <button type="button" className="btn" onClick={() => go({ view: 'compounds', search: selected.compound! })}>
              Compound
            </button>
          )}
        </div>
      )}
    </div>
  );
}
