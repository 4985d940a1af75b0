import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RemoteDocumentError, RemoteDocuments } from '../../src/services/remote-documents.ts';

/**
 * The IPv6 spellings of private IPv4 addresses, through the verifier's real
 * fetch path: each is refused as a private address before any socket is
 * opened. A tripwire on `net.Socket.prototype.connect` (which net.connect,
 * and so undici's connector, calls on every Node version we run: a
 * diagnostics channel is published too late on Node 24 to stop anything)
 * records any connection and stops it before it starts: even where the guard
 * failed (before the fix), no packet could leave the machine.
 */

const attempts: string[] = [];
const realConnect = net.Socket.prototype.connect;
const tripwire = function (this: net.Socket, ...args: unknown[]) {
  // net.connect passes its normalised arguments as one array.
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  const options = first as { host?: string; port?: number } | undefined;
  attempts.push(`${options?.host}:${options?.port}`);
  process.nextTick(() => this.destroy(new Error('tripwire: no connection in this test')));
  return this;
} as net.Socket['connect'];

beforeAll(() => {
  net.Socket.prototype.connect = tripwire;
});
afterAll(() => {
  net.Socket.prototype.connect = realConnect;
});
afterEach(() => void attempts.splice(0));

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RemoteDocumentError);
    return (error as RemoteDocumentError).code;
  }
  throw new Error('expected the fetch to be refused');
}

const FORMS = [
  ['IPv4-compatible loopback', '::7f00:1'],
  ['IPv4-compatible cloud metadata', '::a9fe:a9fe'],
  ['no known form, ending in 127.0.0.1', '::ffff:ffff:7f00:1'],
  ['IPv4-mapped loopback', '::ffff:7f00:1'],
  ['IPv4-translated cloud metadata', '::ffff:0:a9fe:a9fe'],
  ['NAT64 loopback', '64:ff9b::7f00:1'],
  ['local-use NAT64', '64:ff9b:1::a9fe:a9fe'],
  ['6to4 of cloud metadata', '2002:a9fe:a9fe::1'],
  ['Teredo with a loopback client', '2001:0:4136:e378:8000:63bf:80ff:fffe'],
] as const;

describe('IPv6 forms of private IPv4 addresses, fetched for « Vérifier un badge »', () => {
  const remote = new RemoteDocuments({ allowPrivateNetworks: false });
  afterAll(() => remote.close());

  it.each(FORMS)('refuses %s ([%s]) as a private address, opening no socket', async (_label, address) => {
    expect(await failure(remote.fetchJson(`http://[${address}]:8080/badge.json`))).toBe('private_address');
    expect(await failure(remote.fetchImage(`http://[${address}]/image.png`))).toBe('private_address');
    expect(attempts).toEqual([]);
  });
});

describe('the tripwire itself', () => {
  // With the guard off, the same fetch reaches net.connect: the tripwire sees it and stops it.
  const unguarded = new RemoteDocuments({ allowPrivateNetworks: true });
  afterAll(() => unguarded.close());

  it('sees and stops a connection the guard lets through', async () => {
    expect(await failure(unguarded.fetchJson('http://[::7f00:1]:8080/badge.json'))).toBe('connection_failed');
    expect(attempts).toEqual(['::7f00:1:8080']);
  });
});
