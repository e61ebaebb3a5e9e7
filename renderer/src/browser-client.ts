// Browser mode's half of the transport: requests over fetch, events over one WebSocket.
import { events, type EventName, type EventPayload, type MiconApi, type Req, type RequestName, type Res } from '@contract';

const TOKEN_KEY = 'micon.token';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface TokenEnv {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  history: Pick<History, 'replaceState'>;
}

/**
 * The launch token arrives in the URL fragment (never sent to the server or logged). Keep it for
 * this tab's reloads and take it out of the address bar so it is not bookmarked or shared.
 */
export function takeToken(env: TokenEnv = { location: window.location, storage: window.sessionStorage, history: window.history }): string | null {
  const m = /(?:^#|[#&])token=([^&]+)/.exec(env.location.hash);
  if (m) {
    const token = decodeURIComponent(m[1]);
    env.storage.setItem(TOKEN_KEY, token);
    env.history.replaceState(null, '', env.location.pathname + env.location.search);
    return token;
  }
  return env.storage.getItem(TOKEN_KEY);
}

type Listener = (payload: unknown) => void;

export function createBrowserClient(token: string | null, origin: string = window.location.origin): MiconApi {
  const listeners = new Map<EventName, Set<Listener>>();
  let socket: WebSocket | null = null;
  let retryMs = 500;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const wanted = () => [...listeners.values()].some((s) => s.size > 0);

  const connect = () => {
    if (!token || socket || !wanted()) return;
    const url = new URL('/ws', origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', token);
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
    };
    ws.onmessage = (m) => {
      let msg: { event?: string; payload?: unknown };
      try {
        msg = JSON.parse(String(m.data));
      } catch {
        return;
      }
      const name = msg.event as EventName;
      if (!name || !Object.prototype.hasOwnProperty.call(events, name)) return;
      const parsed = events[name].safeParse(msg.payload);
      if (!parsed.success) return;
      for (const l of listeners.get(name) ?? []) l(parsed.data);
    };
    // Reconnect with backoff: the server may be restarting, or the laptop just woke up.
    ws.onclose = () => {
      socket = null;
      if (!wanted()) return;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        connect();
      }, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  return {
    // OpenSeadragon fetches tiles itself (loadTilesWithAjax), so it needs the token as a header too.
    tiles: { base: new URL('/tiles', origin).href, headers: token ? { Authorization: `Bearer ${token}` } : {} },
    async invoke<K extends RequestName>(name: K, request: Req<K>): Promise<Res<K>> {
      if (!token) throw new ApiError('This page has no access token. Open the address that `micon serve` printed (it ends in #token=…).', 401);
      const res = await fetch(new URL(`/api/${encodeURIComponent(name)}`, origin), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(request ?? {}),
      });
      let body: { ok?: boolean; result?: unknown; error?: string };
      try {
        body = await res.json();
      } catch {
        throw new ApiError(`${name}: the server answered ${res.status} without a JSON body`, res.status);
      }
      if (res.status === 401) throw new ApiError('The access token was refused. Open the address that `micon serve` printed again.', 401);
      if (!body.ok) throw new ApiError(body.error ?? `${name} failed (${res.status})`, res.status);
      return body.result as Res<K>;
    },
    on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
      const set = listeners.get(name) ?? new Set<Listener>();
      listeners.set(name, set);
      set.add(listener as Listener);
      connect();
      return () => {
        set.delete(listener as Listener);
        // Close a little later: React's StrictMode (and quick re-renders) unsubscribe and resubscribe
        // at once, and closing a socket that is still connecting only produces a console warning.
        setTimeout(() => {
          if (wanted()) return;
          if (retryTimer) clearTimeout(retryTimer);
          retryTimer = null;
          socket?.close();
          socket = null;
        }, 1000);
      };
    },
  };
}
