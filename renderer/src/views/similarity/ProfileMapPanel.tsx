import { useMemo, useState } from 'react';
import type { FeatureSetChoice, SearchQueryResult } from '@contract';
import { useRequest } from '../../hooks/use-request';
import { ScatterMap, type ColorBy } from './ScatterMap';

/** Every well profile in 2-D, coloured by what the user wants to see, with the query and hits marked. */
export function ProfileMapPanel({ sets, features, result }: { sets: FeatureSetChoice[]; features?: string; result: SearchQueryResult | null }) {
  const [method, setMethod] = useState<'pca' | 'umap'>('pca');
  const [colorBy, setColorBy] = useState<ColorBy>('moa');
  const [chosen, setChosen] = useState<string>('');
  const fs = chosen || features || undefined;
  const loaded = useRequest('profiles.map', sets.length ? { features: fs, method } : null, [sets, fs, method]);
  const map = loaded.data ?? null;
  const { error, loading } = loaded;

  const marks = useMemo(() => {
    const query = new Set((result?.query.wells ?? []).map((w) => w.wellId));
    const hits = new Set((result?.results ?? []).map((h) => h.wellId));
    return { query, hits };
  }, [result]);

  return (
    <section className="card map-card" data-testid="profile-map">
      <div className="card-head">
        <h2>Profile map</h2>
        <span className="spacer" />
        <select value={chosen} onChange={(e) => setChosen(e.target.value)} aria-label="map feature set" data-testid="map-features">
          <option value="">{features ? `${features} (as queried)` : 'default feature set'}</option>
          {sets.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </select>
        <select value={method} onChange={(e) => setMethod(e.target.value as 'pca' | 'umap')} aria-label="projection" data-testid="map-method">
          <option value="pca">PCA</option>
          <option value="umap">UMAP</option>
        </select>
        <select value={colorBy} onChange={(e) => setColorBy(e.target.value as ColorBy)} aria-label="colour by" data-testid="map-color">
          <option value="moa">colour: mechanism</option>
          <option value="compound">colour: compound</option>
          <option value="source">colour: source</option>
          <option value="batch">colour: batch</option>
          <option value="plate">colour: plate</option>
        </select>
      </div>
      {error && <div className="error-inline">{error}</div>}
      <div className="muted small map-note">
        {map
          ? `${map.featureSet} · ${map.method.toUpperCase()} of ${map.points.length.toLocaleString()}${map.wells > map.points.length ? ` (sample of ${map.wells.toLocaleString()})` : ''} wells, cosine geometry${
              map.explained ? ` · axes explain ${(map.explained[0] * 100).toFixed(0)}% and ${(map.explained[1] * 100).toFixed(0)}% of variance` : ''
            }`
          : loading
            ? 'Computing the map…'
            : ''}
        {loading && map ? ' · updating…' : ''}
      </div>
      {map && <ScatterMap map={map} colorBy={colorBy} query={marks.query} hits={marks.hits} />}
    </section>
  );
}
