/**
 * Who is calling: the socket's peer, or, when that peer is a load balancer listed in `http.trust_proxy`, the
 * client it forwarded for. X-Forwarded-For is read from the right, past every trusted hop (as the management
 * ports read it, through Fastify's proxy-addr), so a client cannot pass itself off as another by sending the
 * header itself. The caller's address is what IP deny policies, the Unauthenticated tier, IP throttling
 * conditions and the request events see.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from '@fastify/proxy-addr';

/** Whether the hop at this address (0: the socket's peer) is a trusted load balancer. */
export type Trust = (address: string, hop: number) => boolean;

/** The `http.trust_proxy` list compiled; undefined when it is empty (every peer is the client itself). */
export function compileTrust(addresses: string[]): Trust | undefined {
  return addresses.length > 0 ? proxyaddr.compile(addresses) : undefined;
}

const unmapped = (address: string) => (address.startsWith('::ffff:') ? address.slice(7) : address);

/** The address of the socket's other end (an IPv4 address without its IPv6 mapping). */
export function peerAddress(req: IncomingMessage): string {
  return unmapped(req.socket.remoteAddress ?? '');
}

/** The client a trusted load balancer forwarded for; the peer itself when the peer is not trusted. */
export function clientAddress(req: IncomingMessage, trust: Trust): string {
  return unmapped(proxyaddr(req, trust));
}

/** The protocol the client used: a trusted load balancer's X-Forwarded-Proto, else the listener's own. */
export function clientProtocol(
  req: IncomingMessage,
  trust: Trust,
  listener: 'http' | 'https',
): 'http' | 'https' {
  const header = req.headers['x-forwarded-proto'];
  if (typeof header !== 'string' || !trust(req.socket.remoteAddress ?? '', 0)) return listener;
  // A chain of load balancers may list several; the first is the client's.
  const first = header.split(',', 1)[0]?.trim().toLowerCase();
  return first === 'https' || first === 'http' ? first : listener;
}
