// Data for a view: useRequest (one API request, reloaded when the project changes) and useAsync (any
// promise, reloaded when its deps change); useAction for mutations (busy + error message).
import { useCallback, useEffect, useReducer, useRef, useState, type DependencyList } from 'react';
import type { Req, RequestName, Res } from '@contract';
import { getApi } from '../api';
import { errorMessage } from '../errors';
import { useNav } from '../nav';
import { initialRequestState, requestReducer, type RequestState } from './request-state';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
}

function sameDeps(a: DependencyList, b: DependencyList): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/**
 * Runs `run` whenever `deps` change (null: nothing to load, state kept). Only the newest call's
 * answer is kept; `loading` is already true on the render where the deps change, so a view never
 * shows the previous answer as if it were the new one's.
 */
export function useAsync<T>(run: (() => Promise<T>) | null, deps: DependencyList): Loaded<T> {
  const [state, dispatch] = useReducer(requestReducer<T>, run !== null, (l: boolean): RequestState<T> => initialRequestState<T>(l));
  const next = useRef(0);
  const startedFor = useRef<DependencyList | null>(null);
  useEffect(() => {
    const id = ++next.current;
    startedFor.current = deps;
    if (!run) {
      dispatch({ type: 'skip', id });
      return;
    }
    dispatch({ type: 'start', id });
    run().then(
      (data) => dispatch({ type: 'done', id, data }),
      (e: unknown) => dispatch({ type: 'fail', id, error: errorMessage(e) }),
    );
    // `run` is a new closure every render; `deps` say when it asks for something else.
  }, deps);
  // Read during render on purpose: whether the deps moved since the last effect started a request.
  const moved = startedFor.current === null || !sameDeps(startedFor.current, deps);
  return { data: state.data, error: state.error, loading: run !== null && (state.loading || moved) };
}

/**
 * One API request; `req` null: nothing to ask yet. Asked again when `deps` or the project's revision
 * change (a job finished, another project was opened).
 */
export function useRequest<N extends RequestName>(name: N, req: Req<N> | null, deps: DependencyList): Loaded<Res<N>> {
  const { revision } = useNav();
  return useAsync(req === null ? null : () => getApi().invoke(name, req), [name, revision, req === null, ...deps]);
}

export interface Action {
  busy: boolean;
  /** The last failure's message; cleared when an action succeeds. */
  error: string | null;
  setError(e: string | null): void;
  /** Runs `fn`; on success clears the error and calls `then`. Resolves to whether it succeeded. */
  run<T>(fn: () => Promise<T>, then?: (value: T) => void): Promise<boolean>;
}

/** A mutation started by the user (start a job, open a project): its error message and busy flag. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T>(fn: () => Promise<T>, then?: (value: T) => void): Promise<boolean> => {
    setBusy(true);
    try {
      const value = await fn();
      setError(null);
      then?.(value);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
