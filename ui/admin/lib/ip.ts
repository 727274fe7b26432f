/** IP addresses checked in the browser before a form is sent (the server checks them again). */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/** The URL parser knows IPv6 literals; a zone id (`%eth0`) is not part of what it checks. */
function isIpv6(value: string): boolean {
  const address = value.split('%')[0] ?? '';
  if (!address.includes(':')) return false;
  try {
    new URL(`http://[${address}]/`);
    return true;
  } catch {
    return false;
  }
}

export function ipError(value: string): string | null {
  if (!value.trim()) return 'Enter an IP address';
  return isIpv4(value.trim()) || isIpv6(value.trim()) ? null : 'Enter an IPv4 or IPv6 address';
}

/** Start ≤ end, for IPv4 (IPv6 ranges are left to the server, which compares them exactly). */
export function rangeError(start: string, end: string): string | null {
  const s = start.trim();
  const e = end.trim();
  if (isIpv4(s) !== isIpv4(e)) return 'Both ends must be IPv4, or both IPv6';
  if (!isIpv4(s)) return null;
  const toNumber = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  return toNumber(s) > toNumber(e) ? 'The range ends before it starts' : null;
}
