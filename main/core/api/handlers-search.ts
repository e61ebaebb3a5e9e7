import { runQuery } from '../search/query.js';
import type { HandlersOf } from './contract.js';
import type { searchRequests } from './contract-search.js';
import type { ProjectSession } from './session.js';

export function searchHandlers(session: ProjectSession): HandlersOf<typeof searchRequests> {
  return {
    'search.query': ({ query, ...options }) => runQuery(session.db, query, options),
  };
}
