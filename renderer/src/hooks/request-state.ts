// The state of the newest of a series of requests, as a pure reducer: every request carries an id,
// and an answer to anything but the newest is dropped. This is the "a slow answer to an older query
// must not replace a newer one" rule the views used to write by hand with `let live = true`.

export interface RequestState<T> {
  /** The last successful answer: kept while a newer request loads and after a failed one. */
  data: T | undefined;
  /** The newest request's failure, as a message; cleared by the next success. */
  error: string | null;
  /** The newest request has not answered yet. */
  loading: boolean;
  /** Id of the newest request (or of the newest skip: no request needed). */
  latest: number;
}

export type RequestEvent<T> =
  | { type: 'start'; id: number }
  | { type: 'skip'; id: number }
  | { type: 'done'; id: number; data: T }
  | { type: 'fail'; id: number; error: string };

export function initialRequestState<T>(loading: boolean): RequestState<T> {
  return { data: undefined, error: null, loading, latest: 0 };
}

export function requestReducer<T>(s: RequestState<T>, e: RequestEvent<T>): RequestState<T> {
  switch (e.type) {
    case 'start':
      return { ...s, loading: true, latest: e.id };
    case 'skip':
      // Nothing in flight: the same state, so a skip costs no render.
      return s.loading ? { ...s, loading: false, latest: e.id } : s;
    case 'done':
      return e.id === s.latest ? { data: e.data, error: null, loading: false, latest: s.latest } : s;
    case 'fail':
      return e.id === s.latest ? { ...s, error: e.error, loading: false } : s;
  }
}
