import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../src/platform/certs.js';
import { clusterFetch, type ClusterFetch } from '../../src/platform/cluster-fetch.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let ourCa: string;
let otherCa: string;
let server: Server;
let base: string;
let handler: Handler = (_req, res) => res.end();
const sockets = new Set<Socket>();

beforeAll(async () => {
  const ca = await createCertificateAuthority({ commonName: 'Cluster CA' });
  const other = await createCertificateAuthority({ commonName: 'Some other CA' });
  ourCa = ca.certPem;
  otherCa = other.certPem;
  const leaf = await issueCertificate({
    ca,
    commonName: 'localhost',
    dnsNames: ['localhost'],
    ipAddresses: [],
  });
  server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://localhost:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** A cluster fetch trusting `ca`, closed once `use` is done. */
async function withFetch(
  use: (http: ClusterFetch) => Promise<void>,
  {
    ca = ourCa,
    timeoutMs,
    maxAnswerBytes,
  }: { ca?: string; timeoutMs?: number; maxAnswerBytes?: number } = {},
) {
  const http = clusterFetch(ca, timeoutMs, maxAnswerBytes);
  try {
    await use(http);
  } finally {
    await http.close();
  }
}

describe('clusterFetch', () => {
  it('sends the method, headers and body, and reads the status, headers and JSON answer', async () => {
    handler = (req, res, body) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-multi': ['a', 'b'] });
      res.end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization, body }));
    };
    await withFetch(async (http) => {
      const answer = await http.fetch(`${base}/things?x=1`, {
        method: 'POST',
        headers: { authorization: 'Bearer abc', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'token=t%C3%A9',
      });
      expect(answer.status).toBe(201);
      expect(answer.ok).toBe(true);
      expect(answer.headers.get('Content-Type')).toBe('application/json');
      expect(answer.headers.get('x-multi')).toBe('a, b');
      expect(answer.headers.get('x-absent')).toBeNull();
      expect(await answer.json()).toEqual({
        method: 'POST',
        url: '/things?x=1',
        auth: 'Bearer abc',
        body: 'token=t%C3%A9',
      });
    });
  });

  it('keeps connections to a peer open between calls', async () => {
    const ports = new Set<number>();
    handler = (req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      res.end('ok');
    };
    await withFetch(async (http) => {
      for (let i = 0; i < 5; i++) expect(await (await http.fetch(`${base}/`)).text()).toBe('ok');
      expect(ports.size).toBe(1);
    });
  });

  it('answers a non-2xx status as it is, not as an error', async () => {
    handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('down');
    };
    await withFetch(async (http) => {
      const answer = await http.fetch(`${base}/`);
      expect(answer.ok).toBe(false);
      expect(answer.status).toBe(503);
      expect(await answer.text()).toBe('down');
    });
  });

  it('refuses a peer whose certificate another CA signed', async () => {
    handler = (_req, res) => res.end('secret');
    await withFetch(
      async (http) => {
        await expect(http.fetch(`${base}/`)).rejects.toThrow(/certificate/i);
      },
      { ca: otherCa },
    );
  });

  it('fails a call to a peer that stays silent, after the timeout', async () => {
    handler = () => {}; // never answers
    await withFetch(
      async (http) => {
        const started = Date.now();
        await expect(http.fetch(`${base}/`)).rejects.toThrow(/silent for 0.3 s/);
        expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      },
      { timeoutMs: 300 },
    );
  });

  it('waits for an answer that keeps coming, however long it takes in all', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(String(sent));
        if (++sent === 5) {
          clearInterval(timer);
          res.end();
        }
      }, 100);
    };
    await withFetch(
      async (http) => {
        expect(await (await http.fetch(`${base}/`)).text()).toBe('01234');
      },
      { timeoutMs: 300 },
    );
  });

  it('fails a call whose answer stops halfway: after the timeout, or at once if the connection closes', async () => {
    const halfAnswer =
      (thenClose: boolean): Handler =>
      (_req, res) => {
        res.writeHead(200, { 'content-length': 100 });
        res.write('only part');
        if (thenClose) setTimeout(() => res.socket?.destroy(), 20);
      };
    await withFetch(
      async (http) => {
        handler = halfAnswer(false);
        await expect(http.fetch(`${base}/`)).rejects.toThrow(/silent for 0.3 s/);
        handler = halfAnswer(true);
        await expect(http.fetch(`${base}/`)).rejects.toThrow(/closed the connection mid-answer|aborted/);
      },
      { timeoutMs: 300 },
    );
  });

  it('refuses an answer larger than its limit, saying so', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(5000));
    };
    await withFetch(
      async (http) => {
        await expect(http.fetch(`${base}/`)).rejects.toThrow(/answered more than 1000 bytes/);
      },
      { maxAnswerBytes: 1000 },
    );
  });

  it('refuses URLs other than http and https', async () => {
    await withFetch(async (http) => {
      await expect(http.fetch('ftp://localhost/')).rejects.toThrow(/ftp: URLs/);
    });
  });
});
