import { describe, expect, it } from 'vitest';
import { ipToBigInt } from '../../src/publisher/admin/ip-address.js';

describe('ipToBigInt', () => {
  it('orders IPv4, IPv6, compressed, IPv4-mapped and zoned addresses', () => {
    expect(ipToBigInt('10.0.0.1') < ipToBigInt('10.0.0.9')).toBe(true);
    expect(ipToBigInt('10.0.1.0') > ipToBigInt('10.0.0.255')).toBe(true);
    expect(ipToBigInt('::1')).toBe(1n);
    expect(ipToBigInt('2001:db8::1') < ipToBigInt('2001:db8::2')).toBe(true);
    expect(ipToBigInt('::ffff:10.0.0.1')).toBe(ipToBigInt('::ffff:a00:1'));
    expect(ipToBigInt('::ffff:10.0.0.1') < ipToBigInt('::ffff:10.0.0.9')).toBe(true);
    expect(ipToBigInt('fe80::1%eth0')).toBe(ipToBigInt('fe80::1'));
    expect(ipToBigInt('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n);
  });
});
