/**
 * The backend behind every row of `npm run bench -- gateway`, in its own process: node:http answering every
 * request with the same small JSON body (with a content-length, keep-alive), after reading the request.
 *
 * Usage: node --import tsx bench/gateway/backend.ts <port>. Ready once it prints `listening <port>`.
 */
import http from 'node:http';

/** What a client of any row gets back, byte for byte (the benchmark compares each row's body with it). */
const BACKEND_BODY = JSON.stringify({
  id: 42,
  name: 'Margherita',
  price: 8.5,
  toppings: ['tomato', 'mozzarella', 'basil'],
});

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: backend.ts <port>');

const body = Buffer.from(BACKEND_BODY);
const server = http.createServer((req, res) => {
  req.resume();
  req.once('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
// Keep-alive connections from the proxies stay open for the whole run.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));

process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
