import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

// Who is calling: the socket's address, or an address a trusted proxy forwarded. One reading of
// X-Forwarded-For for Express (`trust proxy`) and for WebSocket upgrades, so a rate limit keys on
// the same address on both. The walk is proxy-addr's (what Express uses): from the socket towards
// the client, every hop that is trusted passes on to the address it forwarded.

/** Which hops may forward a client's address: none, the nearest `hops` hops, or these addresses. */
export type TrustedProxies = { hops: number } | { subnets: string[] };

/** Express's `trust proxy` function form: may the hop-th address (0 = the socket's) name the next one? */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** Names Express accepts for well-known ranges. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};
const MAX_HOPS = 32;

/**
 * Reads a TRUST_PROXY value: `none` (or 0, false), a hop count, or a comma-separated list of
 * addresses, CIDR subnets, address/netmask pairs and the names loopback, linklocal, uniquelocal.
 * Returns the problems instead when any part is not one of those.
 */
export function parseTrustedProxies(text: string): { trusted: TrustedProxies } | { problems: string[] } {
  const value = text.trim().toLowerCase();
  if (value === 'none' || value === 'false') return { trusted: { hops: 0 } };
  if (value === 'true') {
    return { problems: ['"true" would trust every hop, so any client could name its own address: give the hop count or the proxies\' addresses'] };
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= MAX_HOPS ? { trusted: { hops } } : { problems: [`${hops} hops is more than ${MAX_HOPS}: give the number of proxies in front of the service`] };
  }
  const subnets: string[] = [];
  const problems: string[] = [];
  for (const part of value.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0)) {
    const named = NAMED_RANGES[part];
    if (named) {
      subnets.push(...named);
      continue;
    }
    const subnet = toCidr(part);
    if (subnet) subnets.push(subnet);
    else problems.push(`"${part}" is not an IP address, a subnet (10.0.0.0/8), a hop count, or one of none, loopback, linklocal, uniquelocal`);
  }
  if (problems.length > 0) return { problems };
  return subnets.length > 0 ? { trusted: { subnets } } : { problems: ['is empty: give none, a hop count or the proxies\' addresses'] };
}

/** The trust function for a setting (hand it to Express as `trust proxy`, and to clientAddress). */
export function proxyTrust(trusted: TrustedProxies): ProxyTrust {
  if ('hops' in trusted) return (_address, hop) => hop < trusted.hops;
  const list = new BlockList();
  for (const subnet of trusted.subnets) {
    const [network = '', prefix = ''] = subnet.split('/');
    list.addSubnet(network, Number(prefix), isIP(network) === 6 ? 'ipv6' : 'ipv4');
  }
  return (address) => {
    const family = isIP(address);
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d, which BlockList matches to IPv4 subnets.
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** The client's address: the socket's, or the one the last trusted proxy forwarded (as Express's req.ip). */
export function clientAddress(req: IncomingMessage, trust: ProxyTrust): string {
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  // Nearest first: the socket, then X-Forwarded-For from its right-most (last-appended) entry.
  const hops = [req.socket.remoteAddress ?? 'unknown', ...forwarded.reverse()];
  for (let hop = 0; hop < hops.length - 1; hop++) {
    const address = hops[hop];
    if (address !== undefined && !trust(address, hop)) return address;
  }
  return hops[hops.length - 1] ?? 'unknown';
}

/** `a.b.c.d`, `a.b.c.d/n`, `a.b.c.d/m.m.m.m` or an IPv6 address or subnet, as a CIDR subnet; undefined when it is none of those. */
function toCidr(text: string): string | undefined {
  const [address = '', mask, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (mask === undefined) return `${address}/${bits}`;
  if (/^\d{1,3}$/.test(mask)) return Number(mask) <= bits ? `${address}/${Number(mask)}` : undefined;
  const prefix = family === 4 && isIP(mask) === 4 ? netmaskPrefix(mask) : undefined;
  return prefix === undefined ? undefined : `${address}/${prefix}`;
}

/** 255.255.240.0 → 20; undefined for a mask whose ones are not contiguous. */
function netmaskPrefix(mask: string): number | undefined {
  const binary = mask
    .split('.')
    .map((octet) => Number(octet).toString(2).padStart(8, '0'))
    .join('');
  if (!/^1*0*$/.test(binary)) return undefined;
  return binary.replace(/0+$/, '').length;
}
