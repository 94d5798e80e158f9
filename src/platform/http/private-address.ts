/**
 * Outbound connections a commune's administrator chooses the target of (a webhook URL, an IMAP
 * server) must not reach inside the host's network: loopback, private, link-local, carrier-grade
 * NAT, multicast, reserved or unspecified addresses are "private" here. `resolvePublic` checks a
 * host name on every address it resolves to, and gives the addresses to connect to (so that the
 * connection uses what was checked, not a second answer of the DNS: rebinding).
 */
import dns from 'node:dns';
import net from 'node:net';

const PRIVATE_RANGES = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE_RANGES.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 127],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE_RANGES.addSubnet(prefix, bits, 'ipv6');
}

/** Private, loopback, link-local, carrier-grade NAT, documentation, multicast, reserved or unspecified address. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]!);
  // Other spellings of an IPv4-mapped address (::ffff:7f00:1) are matched by BlockList against the IPv4 ranges.
  const family = net.isIP(address);
  if (family === 4) return PRIVATE_RANGES.check(address, 'ipv4');
  if (family === 6) return PRIVATE_RANGES.check(address, 'ipv6');
  return false;
}

/** `localhost` and its sub-names (RFC 6761: always the machine itself). */
export function isLocalName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

export type HostCheck =
  | { ok: true; addresses: string[] }
  | { ok: false; reason: 'private'; address: string }
  | { ok: false; reason: 'unknown' };

/**
 * Resolves `host` (a name, an IPv4 or an IPv6 literal, brackets allowed) and checks every address
 * it gives: refused if one is private (or the name is `localhost`), `unknown` if it does not
 * resolve.
 */
export async function resolvePublic(
  host: string,
  lookup: (name: string) => Promise<string[]> = defaultLookup,
): Promise<HostCheck> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (net.isIP(bare))
    return isPrivateAddress(bare) ? { ok: false, reason: 'private', address: bare } : { ok: true, addresses: [bare] };
  let addresses: string[];
  try {
    addresses = await lookup(bare);
  } catch {
    addresses = [];
  }
  const bad = addresses.find(isPrivateAddress);
  if (bad) return { ok: false, reason: 'private', address: bad };
  // `localhost` is the machine itself whatever a resolver says.
  if (isLocalName(bare)) return { ok: false, reason: 'private', address: bare };
  return addresses.length === 0 ? { ok: false, reason: 'unknown' } : { ok: true, addresses };
}

export async function defaultLookup(name: string): Promise<string[]> {
  return (await dns.promises.lookup(name, { all: true, verbatim: true })).map((a) => a.address);
}
