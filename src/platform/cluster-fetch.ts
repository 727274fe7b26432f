/**
 * HTTPS between nodes: certificates verified against the cluster CA, and a peer that stalls fails the call
 * after ten seconds of silence rather than holding it forever.
 *
 * Built on node:https, not undici: the gateway forwards every API call with undici, and V8 optimizes
 * undici's functions for the objects they have seen. Calls to other nodes through undici too (TLS sockets,
 * an Agent and its pools) gave undici's dispatch and its clients more object shapes than V8 keeps fast
 * (`this[kDispatch]` in DispatcherBase.dispatch and `client[kNeedDrain]` in Pool went megamorphic on an
 * all-in-one node), which the forwarding path then paid on every call.
 */
import http from 'node:http';
import https from 'node:https';

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface FetchResponse {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
}

export type Fetch = (url: string, init?: FetchInit) => Promise<FetchResponse>;

export interface ClusterFetch {
  fetch: Fetch;
  close(): Promise<void>;
}

/** Silence (connecting, waiting for the answer, between parts of its body) that fails a call. */
export const CLUSTER_TIMEOUT_MS = 10_000;
const CONNECTIONS_PER_PEER = 16;
/** A larger answer is refused: nothing between nodes is near it (a gateway's snapshot is the largest). */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** A node's answer, read whole. */
class Answer implements FetchResponse {
  constructor(
    readonly status: number,
    private readonly fields: http.IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  readonly headers = {
    get: (name: string): string | null => {
      const value = this.fields[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };

  text(): Promise<string> {
    return Promise.resolve(this.body.toString('utf8'));
  }

  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text) as unknown);
  }
}

export function clusterFetch(
  ca: string,
  timeoutMs = CLUSTER_TIMEOUT_MS,
  maxAnswerBytes = MAX_ANSWER_BYTES,
): ClusterFetch {
  const agents = {
    'https:': new https.Agent({ ca, keepAlive: true, maxSockets: CONNECTIONS_PER_PEER }),
    'http:': new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS_PER_PEER }),
  };

  const fetch: Fetch = (url, init = {}) =>
    new Promise<FetchResponse>((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') {
        reject(new Error(`cannot call ${target.protocol} URLs between nodes`));
        return;
      }
      const secure = target.protocol === 'https:';
      const body = init.body === undefined ? undefined : Buffer.from(init.body);
      const headers: Record<string, string | number> = { ...init.headers };
      if (body) headers['content-length'] = body.length;
      const request = (secure ? https : http).request(target, {
        method: init.method ?? 'GET',
        headers,
        agent: secure ? agents['https:'] : agents['http:'],
      });
      // Silence: no connection, no answer, or a pause in its body; restarted by every sign of life.
      const silence = setTimeout(
        () => request.destroy(new Error(`${target.origin} was silent for ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const fail = (err: Error) => {
        clearTimeout(silence);
        reject(err);
      };
      request.once('error', fail);
      request.once('response', (response) => {
        silence.refresh();
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          silence.refresh();
          size += chunk.length;
          if (size > maxAnswerBytes) {
            // Said before the connection is cut, whose own error would only say it closed.
            fail(new Error(`${target.origin} answered more than ${maxAnswerBytes} bytes`));
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.once('error', fail);
        response.once('close', () => {
          if (!response.complete) fail(new Error(`${target.origin} closed the connection mid-answer`));
        });
        response.once('end', () => {
          clearTimeout(silence);
          resolve(new Answer(response.statusCode ?? 0, response.headers, Buffer.concat(chunks)));
        });
      });
      request.end(body);
    });

  return {
    fetch,
    close: () => {
      agents['https:'].destroy();
      agents['http:'].destroy();
      return Promise.resolve();
    },
  };
}
