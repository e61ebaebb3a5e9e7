// "Which wells look like this?" — from a well, a compound or a SMILES the screen has never seen.
// Results list the hits with structure, thumbnail, similarity, significance and where they were
// imaged; the map shows every well profile with the query and its hits picked out.
import { useState } from 'react';
import type { SearchQueryRequest, SearchQueryResult } from '@contract';
import { getApi } from '../../api';
import { useAction, useRequest } from '../../hooks/use-request';
import { useNav } from '../../nav';
import { ProfileMapPanel } from './ProfileMapPanel';
import { QueryForm, type QueryOptions } from './QueryForm';
import { ResultsTable } from './ResultsTable';
import './similarity.css';

export function SimilarityView() {
  const api = getApi();
  const { route } = useNav();
  const initial = route.view === 'similarity' ? route.query : undefined;
  const [result, setResult] = useState<SearchQueryResult | null>(null);
  const [mapFeatures, setMapFeatures] = useState<string | undefined>(undefined);
  const loaded = useRequest('featureSets.list', {}, [api]);
  const sets = loaded.data ?? null;
  const search = useAction();
  const { busy } = search;
  const error = search.error ?? loaded.error;

  const run = (query: SearchQueryRequest['query'], o: QueryOptions) => {
    const req: SearchQueryRequest = { query, k: o.k, features: o.features, exclude: o.exclude, includeControls: o.includeControls };
    void search
      .run(
        () => api.invoke('search.query', req),
        (r) => {
          setResult(r);
          setMapFeatures(r.query.featureSet);
        },
      )
      .then((ok) => ok || setResult(null));
  };

  if (sets && sets.length === 0) {
    return (
      <div className="placeholder" data-testid="similarity-empty">
        No well profiles yet. Train a model and embed (Training view), or embed the hand-crafted features, before searching.
      </div>
    );
  }

  return (
    <div className="similarity-view" data-testid="similarity-view">
      <div className="sim-left">
        <QueryForm sets={sets ?? []} initial={initial} busy={busy} onRun={run} />
        {error && (
          <div className="error-inline" role="alert" data-testid="query-error">
            {error}
          </div>
        )}
        {result && <QuerySummary result={result} />}
        <ResultsTable result={result} onQuery={(q) => run(q, { k: result?.query.k ?? 10, features: result?.query.featureSet, exclude: result?.query.exclude ?? null, includeControls: false })} />
      </div>
      <div className="sim-right">
        <ProfileMapPanel sets={sets ?? []} features={mapFeatures} result={result} />
      </div>
    </div>
  );
}

function QuerySummary({ result }: { result: SearchQueryResult }) {
  const q = result.query;
  const reps = result.results.filter((h) => h.isReplicate).length;
  return (
    <div className="query-summary" data-testid="query-summary" data-kind={q.kind}>
      <b>{q.description}</b>
      <span className="muted">
        {' '}
        · {q.featureSet} · top {q.k}
        {q.exclude ? ` · excluding ${q.exclude}` : ''} · {result.results.length} hits
        {q.kind !== 'smiles' && ` · ${reps} replicate${reps === 1 ? '' : 's'} of the query`} · {result.index.wells.toLocaleString()} wells searched in {result.index.searchMs.toFixed(0)} ms
      </span>
      {q.prediction && (
        <div className="muted small" data-testid="prediction-note">
          Unseen structure: its profile was predicted by {q.prediction.model}&apos;s counterfactual generator (step {q.prediction.step}) from {q.prediction.controlSites.toLocaleString()} DMSO
          sites on {q.prediction.plates} plates{q.smiles?.screened ? ' — this compound is also in the screen' : ''}.
        </div>
      )}
    </div>
  );
}
