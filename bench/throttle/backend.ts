/**
 * The backend behind both gateways in `npm run bench -- throttle`, in its own process: node:http answering
 * every request with the same small JSON body as bench/gateway/backend.ts, plus `x-received-at`, the epoch
 * milliseconds (sub-millisecond, from the monotonic clock anchored on the edge of a Date.now() millisecond)
 * at which the request arrived. An admitted request reaches the backend right after its gateway counted it,
 * so this time says in which window the gateway counted it, even when requests queue on their way to the
 * gateway.
 *
 * Usage: node --import tsx bench/throttle/backend.ts <port>. Ready once it prints `listening <port>`.
 */
import http from 'node:http';

const BACKEND_BODY = JSON.stringify({
  id: 42,
  name: 'Margherita',
  price: 8.5,
  toppings: ['tomato', 'mozzarella', 'basil'],
});

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: backend.ts <port>');

// Anchored on the edge of a Date.now() millisecond, as the load generator's clock (bench/throttle/paced.ts);
// twice, as the first performance.now() of a process can take a millisecond or more.
const anchor = () => {
  const first = Date.now();
  let edge = first;
  while (edge === first) edge = Date.now();
  return edge - performance.now();
};
anchor();
const offset = anchor();
const body = Buffer.from(BACKEND_BODY);
const server = http.createServer((req, res) => {
  const receivedAt = (offset + performance.now()).toFixed(3);
  req.resume();
  req.once('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length,
      'x-received-at': receivedAt,
    });
    res.end(body);
  });
});
// Keep-alive connections from the gateways stay open for the whole run.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));

process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
