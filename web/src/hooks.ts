import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from './api';

/** GETs `path` now and every `everyMs` (0: once); keeps the last good value and the last error. */
export function usePoll<T>(path: string, everyMs: number, deps: unknown[] = []): { data?: T; error?: ApiError; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      get<T>(path).then(
        (d) => live && (setData(d), setError(undefined)),
        (e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError(0, String(e))),
      );
    };
    load();
    const t = everyMs > 0 ? setInterval(load, everyMs) : undefined;
    return () => {
      live = false;
      if (t) clearInterval(t);
    };
  }, [path, everyMs, tick, ...deps]);
  return { data, error, reload: () => setTick((n) => n + 1) };
}

/** The hash route: `#/containers/<id>/logs` → ['containers', '<id>', 'logs']. */
export function useRoute(): string[] {
  const parse = (): string[] => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = (): void => setRoute(parse());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
