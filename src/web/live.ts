// Live updates: one EventSource on /api/events. Each `sample` or `status` event bumps a counter the views read,
// so the current view re-reads its endpoint; `status.connected === false` shows the banner until it recovers.
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getJson, type Session } from './api';

export interface Live {
  tick: number;
  connected: boolean;
  error: string | null;
  serverReachable: boolean;
}

export const LiveContext = createContext<Live>({ tick: 0, connected: true, error: null, serverReachable: true });
export const SessionContext = createContext<Session | null>(null);

export function useLiveSource(): Live {
  const [live, setLive] = useState<Live>({ tick: 0, connected: true, error: null, serverReachable: true });
  useEffect(() => {
    const es = new EventSource('/api/events', { withCredentials: true });
    const parse = (e: MessageEvent): { connected?: boolean; error?: string } => {
      try {
        return JSON.parse(String(e.data)) as { connected?: boolean; error?: string };
      } catch {
        return {};
      }
    };
    const onEvent = (e: MessageEvent): void => {
      const d = parse(e);
      const connected = d.connected !== false;
      setLive((l) => ({ tick: l.tick + 1, connected, error: connected ? null : (d.error ?? 'the cluster cannot be reached'), serverReachable: true }));
    };
    es.addEventListener('sample', onEvent);
    es.addEventListener('status', onEvent);
    es.addEventListener('open', () => setLive((l) => (l.serverReachable ? l : { ...l, tick: l.tick + 1, serverReachable: true })));
    es.addEventListener('error', () => setLive((l) => (es.readyState === EventSource.OPEN ? l : { ...l, serverReachable: false })));
    return () => es.close();
  }, []);
  return live;
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  reload: () => void;
}

/**
 * GET `path` now, again on every live tick, and on reload(); the last good answer stays shown while refreshing.
 * While the dashboard is taking its first sample (503 LOADING) the view keeps showing "Loading…" and asks again
 * after the answer's Retry-After (or at the first `sample` event, whichever comes first).
 */
export function useApi<T>(path: string | null, live = true): Loaded<T> {
  const { tick } = useContext(LiveContext);
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | Error | undefined>(undefined);
  const [nonce, setNonce] = useState(0);
  const current = useRef(path);
  current.current = path;
  useEffect(() => {
    setData(undefined);
    setError(undefined);
  }, [path]);
  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    getJson<T>(path).then((d) => {
      if (!cancelled && current.current === path) {
        setData(d);
        setError(undefined);
      }
    }, (e: unknown) => {
      if (cancelled || current.current !== path) return;
      if (e instanceof ApiError && e.loading) {
        retry = setTimeout(() => setNonce((n) => n + 1), (e.retryAfterSeconds ?? 1) * 1000);
        return;
      }
      setError(e instanceof Error ? e : new Error(String(e)));
    });
    return () => {
      cancelled = true;
      if (retry !== undefined) clearTimeout(retry);
    };
  }, [path, live ? tick : 0, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, reload };
}
