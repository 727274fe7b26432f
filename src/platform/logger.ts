/** JSON logs (pino). Secrets never reach a log line: credentials are redacted wherever they appear. */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Paths redacted in every log line: request credentials and anything named like a secret. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.client_secret',
  '*.clientSecret',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.code_verifier',
];

interface LoggedRequest {
  method?: string;
  url?: string;
  ip?: string;
  id?: string;
}

/** Method and path only: query strings may carry codes or state that do not belong in logs. */
function serializeRequest(req: LoggedRequest) {
  return { id: req.id, method: req.method, path: req.url?.split('?')[0], ip: req.ip };
}

function serializeResponse(res: { statusCode?: number }) {
  return { statusCode: res.statusCode };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { req: serializeRequest, res: serializeResponse },
    },
    destination,
  );
}

/** Where a logger writes: a worker thread's logger sends its lines there too (see `threadLogger`). */
export function destinationOf(logger: Logger): DestinationStream {
  return (logger as unknown as Record<symbol, DestinationStream>)[
    pino.symbols.streamSym
  ] as DestinationStream;
}

/**
 * A worker thread's logger: as redacted as the node's, at its level and with its bindings, each line handed
 * to `write` (which sends it to the node's destination).
 */
export function threadLogger(level: string, bindings: pino.Bindings, write: (line: string) => void): Logger {
  return createLogger(level, { write }).child(bindings);
}
