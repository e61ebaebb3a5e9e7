// Where the user is in the app, and how one view sends them to another ("find similar" on a compound,
// "open well" on a search hit). One state object, so the back button of a future history is easy.
import { createContext, useContext } from 'react';
import type { SearchQueryRequest } from '@contract';

export type Route =
  | { view: 'project' }
  | { view: 'plates'; plateId?: number; /** When only the name is known (search hits). */ plateName?: string; well?: string }
  | { view: 'compounds'; search?: string }
  | { view: 'similarity'; query?: SearchQueryRequest['query'] }
  | { view: 'training' };

export type ViewName = Route['view'];

export const VIEWS: { view: ViewName; label: string; key: string }[] = [
  { view: 'project', label: 'Project & import', key: '1' },
  { view: 'plates', label: 'Plates', key: '2' },
  { view: 'compounds', label: 'Compounds', key: '3' },
  { view: 'similarity', label: 'Similarity', key: '4' },
  { view: 'training', label: 'Training', key: '5' },
];

export interface Nav {
  route: Route;
  go(route: Route): void;
  /** Bumped when the project's contents change (a job finished, another project opened): views reload. */
  revision: number;
}

export const NavContext = createContext<Nav>({ route: { view: 'plates' }, go: () => undefined, revision: 0 });

export function useNav(): Nav {
  return useContext(NavContext);
}
