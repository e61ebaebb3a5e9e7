// What the compound browser asks for: text and substructure (debounced as the user types), controls
// or not, and the answer; an invalid substructure is told apart from other failures.
import { useEffect, useState } from 'react';
import { useDebounced } from '../../hooks/use-debounced';
import { useRequest } from '../../hooks/use-request';

export function useCompoundQuery(routeSearch: string | undefined) {
  const [text, setText] = useState(routeSearch ?? '');
  const [substructure, setSubstructure] = useState('');
  const [includeControls, setIncludeControls] = useState(false);
  // Only a route that carries a search replaces what the user typed (the view stays mounted).
  useEffect(() => {
    if (routeSearch !== undefined) setText(routeSearch);
  }, [routeSearch]);

  const q = { text: useDebounced(text, 200), substructure: useDebounced(substructure, 350) };
  const sub = q.substructure.trim();
  const loaded = useRequest('compounds.list', { text: q.text, includeControls, ...(sub ? { substructure: sub } : {}) }, [q.text, q.substructure, includeControls]);
  // An invalid query keeps the last good list on screen and says what is wrong with it.
  const subError = loaded.error && sub && /SMARTS|SMILES|substructure/.test(loaded.error) ? loaded.error : null;
  return {
    text,
    setText,
    substructure,
    setSubstructure,
    includeControls,
    setIncludeControls,
    result: loaded.data ?? null,
    loading: loaded.loading,
    error: subError ? null : loaded.error,
    subError,
  };
}

export type CompoundQuery = ReturnType<typeof useCompoundQuery>;
