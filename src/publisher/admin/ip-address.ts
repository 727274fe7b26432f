/** IP addresses as numbers, to check that a range's start does not come after its end. */
import net from 'node:net';
import { BadRequest } from '../../platform/errors.js';

/** Two IPv4 octets as one 16-bit hex group, for IPv6 addresses that end in dotted IPv4 (`::ffff:10.0.0.1`). */
function ipv4Groups(ipv4: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = ipv4.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

/** An address as a number, to compare the ends of a range. Zone ids (`%eth0`) do not count. */
export function ipToBigInt(ip: string): bigint {
  const address = ip.split('%')[0] ?? '';
  if (net.isIPv4(address)) return address.split('.').reduce((n, part) => (n << 8n) + BigInt(part), 0n);
  const groups = (part: string | undefined) =>
    part ? part.split(':').flatMap((g) => (net.isIPv4(g) ? ipv4Groups(g) : [g])) : [];
  const [head, tail] = address.split('::');
  const before = groups(head);
  const after = groups(tail);
  const all =
    tail === undefined
      ? before
      : [...before, ...Array<string>(8 - before.length - after.length).fill('0'), ...after];
  return all.reduce((n, g) => (n << 16n) + BigInt(`0x${g}`), 0n);
}

/** A 400 naming the field unless the value is an IPv4 or IPv6 address. */
export function checkIp(field: string, value: string): void {
  if (net.isIP(value) === 0)
    throw new BadRequest(`${field} must be an IPv4 or IPv6 address, not "${value}".`);
}

/** A 400 unless start and end are addresses of one family with start not after end. */
export function checkIpRange(startField: string, start: string, endField: string, end: string): void {
  checkIp(startField, start);
  checkIp(endField, end);
  if (net.isIP(start) !== net.isIP(end)) {
    throw new BadRequest(`${startField} and ${endField} must both be IPv4 or both IPv6.`);
  }
  if (ipToBigInt(start) > ipToBigInt(end)) {
    throw new BadRequest(`${startField} (${start}) comes after ${endField} (${end}).`);
  }
}
