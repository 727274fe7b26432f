/** Loads data for a page: its loading and error states, and a reload after a change. */
import { useCallback, useEffect, useState } from 'react';
import { messageOf } from './api';

export interface Query<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

export function useQuery<T>(load: () => Promise<T>, deps: readonly unknown[]): Query<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let current = true;
    setLoading(true);
    run()
      .then((value) => {
        if (!current) return;
        setData(value);
        setError(undefined);
      })
      .catch((err: unknown) => current && setError(messageOf(err)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [run, version]);
  return { data, error, loading, reload: () => setVersion((v) => v + 1) };
}
