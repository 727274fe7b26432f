/**
 * HTTPS between nodes: certificates verified against the cluster CA, and a peer that stalls fails the call
 * after ten seconds rather than holding it forever.
 */
import { Agent, fetch as undiciFetch } from 'undici';

export type Fetch = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array },
) => Promise<{
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
}>;

export interface ClusterFetch {
  fetch: Fetch;
  close(): Promise<void>;
}

export function clusterFetch(ca: string): ClusterFetch {
  const dispatcher = new Agent({
    connect: { ca, timeout: 10_000 },
    connections: 16,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  return {
    fetch: (url, init) => undiciFetch(url, { ...init, dispatcher }),
    close: () => dispatcher.close(),
  };
}
