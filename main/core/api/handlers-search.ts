import type { DB } from '../db/open.js';
import { smilesFeatureSets } from '../search/counterfactual.js';
import { featureSetChoices, profileMap, type ProfileMap } from '../search/profile-map.js';
import { runQuery } from '../search/query.js';
import type { HandlersOf } from './contract.js';
import { thumbnailUrl } from './handlers-plates.js';
import type { searchRequests } from './contract-search.js';
import type { ProjectSession } from '../project/session.js';

export function searchHandlers(session: ProjectSession): HandlersOf<typeof searchRequests> {
  // A map is recomputed only when asked for other settings or after the profiles change.
  const maps = new Map<string, { at: string; map: ProfileMap }>();
  const stamp = (db: DB) => JSON.stringify(db.prepare('SELECT COUNT(*) n, MAX(created_at) t FROM feature_sets').get());
  return {
    'search.query': ({ query, ...options }) => runQuery(session.db, query, options),
    'featureSets.list': () => featureSetChoices(session.db, new Set(smilesFeatureSets(session.db).map((f) => f.id))),
    'wells.thumbnails': ({ wellIds }) => {
      const get = session.db.prepare('SELECT png FROM well_thumbnails WHERE well_id = ?');
      return {
        thumbnails: wellIds.map((id) => {
          const r = get.get(id) as { png: Buffer } | undefined;
          return r ? thumbnailUrl(r.png) : null;
        }),
      };
    },
    'profiles.map': async (req) => {
      const key = `${session.path}|${req.features ?? ''}|${req.method ?? 'pca'}|${req.includeControls ?? true}`;
      const at = stamp(session.db);
      const hit = maps.get(key);
      if (hit && hit.at === at) return hit.map;
      const map = await profileMap(session.db, req);
      maps.set(key, { at, map });
      return map;
    },
  };
}
