/**
 * Loads something from the API for a page: the data, the error (an ApiError whose message names the
 * rule or field), whether it is loading, and `reload()`. A newer load wins over an older one.
 * Shared by every area.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Remote<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

export function useRemote<T>(load: () => Promise<T>, deps: readonly unknown[], options: { skip?: boolean; pollMs?: number } = {}): Remote<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(!options.skip);
  const generation = useRef(0);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await loadRef.current();
      if (mine === generation.current) {
        setData(value);
        setError(undefined);
      }
    } catch (e) {
      if (mine === generation.current) setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (options.skip) return;
    void reload();
    if (!options.pollMs) return;
    const timer = setInterval(() => void reload(), options.pollMs);
    return () => clearInterval(timer);
    // The caller names what the load depends on.
  }, [...deps, options.skip, options.pollMs, reload]);

  return { data, error, loading, reload };
}
