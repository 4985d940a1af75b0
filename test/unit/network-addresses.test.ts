import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/services/network-addresses.ts';

/**
 * The verifier connects only to global unicast addresses. Every IPv6 form
 * that carries an IPv4 address is judged by that address, so none of them is
 * a way round the IPv4 rules; and what is neither is refused by default.
 */

describe('IPv6 forms that carry an IPv4 address are judged by it', () => {
  it.each([
    // IPv4-compatible (deprecated ::a.b.c.d)
    ['IPv4-compatible loopback', '::7f00:1'],
    ['IPv4-compatible loopback, dotted', '::127.0.0.1'],
    ['IPv4-compatible cloud metadata', '::a9fe:a9fe'],
    ['IPv4-compatible private', '::10.0.0.1'],
    // IPv4-mapped
    ['IPv4-mapped loopback', '::ffff:7f00:1'],
    ['IPv4-mapped cloud metadata', '::ffff:169.254.169.254'],
    ['IPv4-mapped private', '::ffff:192.168.1.1'],
    // IPv4-translated (SIIT)
    ['IPv4-translated loopback', '::ffff:0:7f00:1'],
    ['IPv4-translated cloud metadata', '::ffff:0:a9fe:a9fe'],
    ['IPv4-translated private, dotted', '::ffff:0:10.1.2.3'],
    // NAT64, well-known prefix
    ['NAT64 loopback', '64:ff9b::7f00:1'],
    ['NAT64 cloud metadata', '64:ff9b::a9fe:a9fe'],
    ['NAT64 private, dotted', '64:ff9b::172.16.0.1'],
    // 6to4
    ['6to4 of loopback', '2002:7f00:1::1'],
    ['6to4 of cloud metadata', '2002:a9fe:a9fe::'],
    ['6to4 of a private address', '2002:c0a8:101:1::1'],
    ['6to4 of CGNAT', '2002:6440:101::1'],
    // Teredo: 2001:0:<server>:<flags>:<port>:<client inverted>
    ['Teredo with a loopback client', '2001:0:4136:e378:8000:63bf:80ff:fffe'],
    ['Teredo with a cloud-metadata client', '2001:0:4136:e378:8000:63bf:5601:5601'],
    ['Teredo with a documentation client (RFC 4380’s own example)', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['Teredo with a private server', '2001:0:a00:1:8000:63bf:f7f7:f7f7'],
  ])('refuses %s (%s)', (_label, address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    ['IPv4-compatible', '::808:808'],
    ['IPv4-mapped', '::ffff:8.8.8.8'],
    ['IPv4-translated', '::ffff:0:808:808'],
    ['NAT64 (what DNS64 answers for an IPv4-only issuer)', '64:ff9b::808:808'],
    ['6to4', '2002:808:808::1'],
    ['Teredo with public server and client', '2001:0:4136:e378:8000:63bf:f7f7:f7f7'],
  ])('accepts %s of a public address (%s)', (_label, address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('refuses the local-use NAT64 prefix, whose IPv4 address cannot be read reliably', () => {
    expect(isPublicAddress('64:ff9b:1::808:808')).toBe(false);
    expect(isPublicAddress('64:ff9b:1:ffff::7f00:1')).toBe(false);
  });
});

describe('IPv6: only global unicast (2000::/3 minus the special ranges)', () => {
  it.each([
    ['unspecified', '::'],
    ['loopback', '::1'],
    ['no known form (::ffff:ffff:7f00:1)', '::ffff:ffff:7f00:1'],
    ['discard-only', '100::1'],
    ['outside 2000::/3', '1::7f00:1'],
    ['outside 2000::/3, above it', '4000::1'],
    ['SRv6 SIDs', '5f00::1'],
    ['unique-local', 'fd00::1'],
    ['unique-local, cloud metadata', 'fd00:ec2::254'],
    ['site-local (deprecated)', 'fec0::1'],
    ['link-local', 'fe80::1'],
    ['link-local with a zone', 'fe80::1%eth0'],
    ['multicast', 'ff02::1'],
    ['documentation', '2001:db8::1'],
    ['documentation (3fff::/20)', '3fff::1'],
    ['benchmarking', '2001:2::1'],
    ['ORCHIDv2', '2001:20::1'],
    ['PCP anycast', '2001:1::1'],
    ['AS112 direct delegation', '2620:4f:8000::1'],
    ['a zone on a global address', '2001:4860:4860::8888%1'],
  ])('refuses %s (%s)', (_label, address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['2001:4860:4860::8888', '2a00:1450:4007:80e::200e', '2620:0:2d0:200::7', '[2001:4860:4860::8888]', '3ffe::1'])(
    'accepts %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('IPv4: every IANA special-purpose range is refused', () => {
  it.each([
    ['"this network"', '0.1.2.3'],
    ['unspecified', '0.0.0.0'],
    ['private 10/8', '10.255.255.255'],
    ['CGNAT', '100.64.0.1'],
    ['CGNAT, top', '100.127.255.255'],
    ['loopback', '127.0.0.1'],
    ['loopback, elsewhere in 127/8', '127.8.9.10'],
    ['link-local (cloud metadata)', '169.254.169.254'],
    ['private 172.16/12', '172.31.255.254'],
    ['IETF protocol assignments', '192.0.0.9'],
    ['TEST-NET-1', '192.0.2.1'],
    ['AS112-v4', '192.31.196.1'],
    ['AMT', '192.52.193.1'],
    ['6to4 relay anycast', '192.88.99.1'],
    ['private 192.168/16', '192.168.1.1'],
    ['AS112 direct delegation', '192.175.48.1'],
    ['benchmarking', '198.19.255.255'],
    ['TEST-NET-2', '198.51.100.1'],
    ['TEST-NET-3', '203.0.113.1'],
    ['multicast', '224.0.0.1'],
    ['multicast, top', '239.255.255.250'],
    ['reserved', '240.0.0.1'],
    ['limited broadcast', '255.255.255.255'],
  ])('refuses %s (%s)', (_label, address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '198.20.0.1', '192.0.1.1', '11.0.0.1'])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('only canonical literals are judged', () => {
  it.each(['127.1', '0x7f.0.0.1', '2130706433', '017700000001', 'localhost', 'not an address', '', '[8.8.8.8]', '[::1'])(
    'refuses %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(false);
    },
  );
});
