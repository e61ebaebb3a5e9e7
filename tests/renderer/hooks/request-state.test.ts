import { describe, expect, it } from 'vitest';
import { initialRequestState, requestReducer, type RequestEvent, type RequestState } from '../../../renderer/src/hooks/request-state';

const run = (events: RequestEvent<string>[], start = initialRequestState<string>(true)): RequestState<string> => events.reduce(requestReducer<string>, start);

describe('requestReducer (what useRequest / useAsync keep)', () => {
  it('keeps the newest answer and drops a slow answer to an older request', () => {
    const s = run([
      { type: 'start', id: 1 },
      { type: 'start', id: 2 },
      { type: 'done', id: 2, data: 'new' },
      { type: 'done', id: 1, data: 'old' },
    ]);
    expect(s.data).toBe('new');
    expect(s.loading).toBe(false);
  });

  it('an older request failing after a newer one answered changes nothing', () => {
    const s = run([
      { type: 'start', id: 1 },
      { type: 'start', id: 2 },
      { type: 'done', id: 2, data: 'plate 2' },
      { type: 'fail', id: 1, error: 'plate 1: no such plate' },
    ]);
    expect(s).toMatchObject({ data: 'plate 2', error: null, loading: false });
  });

  it('stays loading while only an older request has answered', () => {
    const s = run([
      { type: 'start', id: 1 },
      { type: 'start', id: 2 },
      { type: 'done', id: 1, data: 'old' },
    ]);
    expect(s.loading).toBe(true);
    expect(s.data).toBeUndefined();
  });

  it('keeps the last good data through a reload and a failure; the next success clears the error', () => {
    let s = run([
      { type: 'start', id: 1 },
      { type: 'done', id: 1, data: 'list v1' },
      { type: 'start', id: 2 },
    ]);
    expect(s).toMatchObject({ data: 'list v1', loading: true });
    s = run([{ type: 'fail', id: 2, error: 'Invalid SMARTS: c1ccc' }], s);
    expect(s).toMatchObject({ data: 'list v1', error: 'Invalid SMARTS: c1ccc', loading: false });
    s = run(
      [
        { type: 'start', id: 3 },
        { type: 'done', id: 3, data: 'list v3' },
      ],
      s,
    );
    expect(s).toMatchObject({ data: 'list v3', error: null, loading: false });
  });

  it('a skip (nothing to ask) stops loading and drops the answer still in flight', () => {
    const s = run([
      { type: 'start', id: 1 },
      { type: 'skip', id: 2 },
      { type: 'done', id: 1, data: 'late' },
    ]);
    expect(s).toMatchObject({ data: undefined, loading: false });
  });

  it('starts loading only when there is something to load', () => {
    expect(initialRequestState(true).loading).toBe(true);
    expect(initialRequestState(false).loading).toBe(false);
  });
});

describe('requestReducer skips', () => {
  it('a skip with nothing in flight returns the same state (no render)', () => {
    const s = run([
      { type: 'start', id: 1 },
      { type: 'done', id: 1, data: 'x' },
    ]);
    expect(requestReducer(s, { type: 'skip', id: 2 })).toBe(s);
  });
});
