import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  clientAddress,
  clientProtocol,
  compileTrust,
  peerAddress,
  type Trust,
} from '../../src/gateway/pipeline/caller-address.js';

/** The parts of a request the functions read. */
const request = (remoteAddress: string, headers: Record<string, string> = {}) =>
  ({ socket: { remoteAddress }, connection: { remoteAddress }, headers }) as unknown as IncomingMessage;

const trust = compileTrust(['10.0.0.0/8', '192.0.2.1']) as Trust;

describe('caller address', () => {
  it('compiles no trust from an empty list', () => {
    expect(compileTrust([])).toBeUndefined();
  });

  it('reads the peer without its IPv6 mapping', () => {
    expect(peerAddress(request('::ffff:127.0.0.1'))).toBe('127.0.0.1');
    expect(peerAddress(request('2001:db8::1'))).toBe('2001:db8::1');
  });

  it('takes the client a trusted load balancer forwarded for, past every trusted hop', () => {
    expect(clientAddress(request('10.1.2.3', { 'x-forwarded-for': '203.0.113.9' }), trust)).toBe(
      '203.0.113.9',
    );
    expect(
      clientAddress(request('::ffff:10.1.2.3', { 'x-forwarded-for': '203.0.113.9, 192.0.2.1' }), trust),
    ).toBe('203.0.113.9');
    // Whatever the client wrote in front of the first untrusted address is not believed.
    expect(clientAddress(request('10.1.2.3', { 'x-forwarded-for': '1.2.3.4, 203.0.113.9' }), trust)).toBe(
      '203.0.113.9',
    );
  });

  it('believes nothing an untrusted peer says, and takes a trusted peer that forwards for nobody', () => {
    expect(clientAddress(request('198.51.100.4', { 'x-forwarded-for': '203.0.113.9' }), trust)).toBe(
      '198.51.100.4',
    );
    expect(clientAddress(request('10.1.2.3'), trust)).toBe('10.1.2.3');
  });

  it("takes a trusted load balancer's X-Forwarded-Proto, http or https only", () => {
    expect(clientProtocol(request('10.1.2.3', { 'x-forwarded-proto': 'https' }), trust, 'http')).toBe(
      'https',
    );
    expect(clientProtocol(request('10.1.2.3', { 'x-forwarded-proto': 'HTTPS, http' }), trust, 'http')).toBe(
      'https',
    );
    expect(clientProtocol(request('10.1.2.3', { 'x-forwarded-proto': 'ws' }), trust, 'https')).toBe('https');
    expect(clientProtocol(request('10.1.2.3'), trust, 'https')).toBe('https');
    expect(clientProtocol(request('198.51.100.4', { 'x-forwarded-proto': 'https' }), trust, 'http')).toBe(
      'http',
    );
  });
});
