import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which network addresses the verifier may connect to when it fetches
 * another issuer's documents: global unicast only. Default-deny: an IPv6
 * address must lie in 2000::/3 (the only block IANA allocates for global
 * unicast) outside every special-purpose range, and an IPv4 address outside
 * every IANA special-purpose range (and multicast). An IPv6 address that
 * carries an IPv4 one (mapped, compatible, translated, NAT64, 6to4, Teredo)
 * is judged by that IPv4 address, since that is where a translating host or
 * relay would connect: `::7f00:1` is 127.0.0.1, `2002:a9fe:a9fe::` is the
 * cloud metadata service. Pure: no DNS, no socket.
 */

type Range = readonly [string, string];

/**
 * The IANA IPv4 Special-Purpose Address Registry, every entry (also those
 * marked globally reachable — AS112, AMT, the PCP and TURN anycasts — since
 * no badge issuer is hosted there), plus multicast from the address-space
 * registry.
 */
const IPV4_SPECIAL: readonly Range[] = [
  ['0.0.0.0/8', '"this network"'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared address space (CGNAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation (TEST-NET-1)'],
  ['192.31.196.0/24', 'AS112-v4'],
  ['192.52.193.0/24', 'AMT'],
  ['192.88.99.0/24', 'deprecated 6to4 relay anycast'],
  ['192.168.0.0/16', 'private'],
  ['192.175.48.0/24', 'AS112 direct delegation'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation (TEST-NET-2)'],
  ['203.0.113.0/24', 'documentation (TEST-NET-3)'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved (and the limited broadcast 255.255.255.255)'],
];

/**
 * The IANA IPv6 Special-Purpose Address Registry entries inside 2000::/3
 * (everything outside it is refused anyway). 6to4 and Teredo are not here:
 * they are judged by the IPv4 addresses they carry.
 */
const IPV6_SPECIAL: readonly Range[] = [
  ['2001::/23', 'IETF protocol assignments (Teredo 2001::/32 excepted, judged by its IPv4)'],
  ['2001:db8::/32', 'documentation'],
  ['2620:4f:8000::/48', 'AS112 direct delegation'],
  ['3fff::/20', 'documentation'],
];

const parseRanges = <T extends ipaddr.IPv4 | ipaddr.IPv6>(ranges: readonly Range[]) =>
  ranges.map(([cidr]) => ipaddr.parseCIDR(cidr) as [T, number]);
const V4_SPECIAL = parseRanges<ipaddr.IPv4>(IPV4_SPECIAL);
const V6_SPECIAL = parseRanges<ipaddr.IPv6>(IPV6_SPECIAL);
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];
const TEREDO = ipaddr.parseCIDR('2001::/32') as [ipaddr.IPv6, number];
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16') as [ipaddr.IPv6, number];
/** Forms whose last 32 bits are the IPv4 address, judged by it. */
const CARRY_LAST_32: readonly [ipaddr.IPv6, number][] = [
  '::ffff:0:0/96', // IPv4-mapped
  '::ffff:0:0:0/96', // IPv4-translated (RFC 2765, SIIT)
  '::/96', // IPv4-compatible (deprecated, RFC 4291), :: and ::1 included: they carry 0.0.0.0 and 0.0.0.1
  '64:ff9b::/96', // NAT64 well-known prefix (RFC 6052): what DNS64 gives for an IPv4-only host
].map((cidr) => ipaddr.parseCIDR(cidr) as [ipaddr.IPv6, number]);
/**
 * The local-use NAT64 prefix (RFC 8215): where in it the IPv4 address sits
 * depends on each network's own prefix length, so it cannot be read
 * reliably, and it is never globally reachable: refused outright.
 */
const LOCAL_NAT64 = ipaddr.parseCIDR('64:ff9b:1::/48') as [ipaddr.IPv6, number];

const ipv4Of = (bytes: number[]) => new ipaddr.IPv4(bytes);

/**
 * The IPv4 addresses an IPv6 address stands for, if it is one of the forms
 * that carry one: a connection to it reaches (or is relayed through) them.
 * `null` for the local-use NAT64 prefix, whose IPv4 cannot be read.
 */
function carriedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] | null {
  const bytes = address.toByteArray();
  if (address.match(LOCAL_NAT64)) return null;
  if (CARRY_LAST_32.some((range) => address.match(range))) return [ipv4Of(bytes.slice(12))];
  // 6to4: 2002:AABB:CCDD::/48 is the site of AA.BB.CC.DD.
  if (address.match(SIX_TO_FOUR)) return [ipv4Of(bytes.slice(2, 6))];
  // Teredo: 2001:0:<server IPv4>:<flags>:<port>:<client IPv4, inverted>; the relay talks to both.
  if (address.match(TEREDO)) return [ipv4Of(bytes.slice(4, 8)), ipv4Of(bytes.slice(12).map((b) => b ^ 0xff))];
  return [];
}

function isGlobalIPv4(address: ipaddr.IPv4): boolean {
  return !V4_SPECIAL.some((range) => address.match(range));
}

function isGlobalIPv6(address: ipaddr.IPv6): boolean {
  const carried = carriedIPv4(address);
  if (carried === null) return false;
  if (carried.length > 0) return carried.every(isGlobalIPv4);
  return address.match(GLOBAL_UNICAST) && !V6_SPECIAL.some((range) => address.match(range));
}

/**
 * Whether the verifier may connect to this address: a canonical IPv4 or
 * IPv6 literal (an IPv6 one may be in brackets; no zone, no shorthand like `127.1`) that
 * is global unicast by the rules above.
 */
export function isPublicAddress(address: string): boolean {
  const bracketed = address.startsWith('[') && address.endsWith(']');
  const bare = bracketed ? address.slice(1, -1) : address;
  // A zone (fe80::1%eth0) names a local interface: never public.
  if (bare.includes('%')) return false;
  const family = isIP(bare);
  if (family === 0 || (bracketed && family !== 6)) return false;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(bare);
  } catch {
    return false;
  }
  if (family === 4 && parsed.kind() === 'ipv4') return isGlobalIPv4(parsed as ipaddr.IPv4);
  if (family === 6 && parsed.kind() === 'ipv6') return isGlobalIPv6(parsed as ipaddr.IPv6);
  return false;
}
