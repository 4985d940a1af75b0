import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { isPublicAddress } from '../../src/services/network-addresses.ts';
import {
  REMOTE_MAX_BYTES,
  REMOTE_MAX_REDIRECTS,
  REMOTE_TIMEOUT_MS,
  RemoteDocumentError,
  RemoteDocuments,
} from '../../src/services/remote-documents.ts';

/**
 * The verifier's door to other issuers' documents: what it refuses (private
 * networks, after DNS and at every redirect; other schemes), and its limits
 * (size, time, content). A local HTTP server plays every part; it is
 * reachable only with the test switch on, or through a test policy that
 * counts 127.0.0.1 (and nothing else) as "public".
 */

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

let server: Server;
let base: string;
let port: number;
const seen: string[] = [];
const hanging: ServerResponse[] = [];

function handle(request: IncomingMessage, response: ServerResponse) {
  const url = request.url ?? '/';
  seen.push(url);
  const json = (status: number, body: unknown, type = 'application/ld+json') => {
    response.writeHead(status, { 'content-type': type });
    response.end(JSON.stringify(body));
  };
  if (url === '/doc') return json(200, { id: `${base}/doc`, accept: request.headers.accept });
  if (url === '/plain-json') return json(200, { ok: true }, 'text/plain; charset=utf-8');
  if (url === '/html') {
    response.writeHead(200, { 'content-type': 'text/html' });
    return response.end('<!doctype html><p>Connexion</p>');
  }
  if (url === '/broken-json') {
    response.writeHead(200, { 'content-type': 'application/json' });
    return response.end('{"id": ');
  }
  if (url === '/gone') return json(410, { id: `${base}/gone`, revoked: true, revocationReason: 'Erreur' });
  if (url === '/missing') {
    response.writeHead(404, { 'content-type': 'text/html' });
    return response.end('<p>Not found</p>');
  }
  if (url === '/large-declared') {
    const body = Buffer.alloc(REMOTE_MAX_BYTES + 10, 0x20);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    return response.end(body);
  }
  if (url === '/large-streamed') {
    // No content-length: the limit must hold while streaming.
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 3 * REMOTE_MAX_BYTES) {
        sent += chunk.length;
        if (!response.write(chunk)) return response.once('drain', pump);
      }
      response.end();
    };
    response.on('error', () => undefined);
    return pump();
  }
  if (url === '/hang') {
    hanging.push(response);
    return;
  }
  if (url === '/image.png') {
    response.writeHead(200, { 'content-type': 'image/png' });
    return response.end(PNG);
  }
  if (url.startsWith('/redirect-to?')) {
    response.writeHead(302, { location: decodeURIComponent(url.slice('/redirect-to?'.length)) });
    return response.end();
  }
  const chain = /^\/chain\/(\d+)$/.exec(url);
  if (chain) {
    const left = Number(chain[1]);
    if (left === 0) return json(200, { reached: true });
    response.writeHead(301, { location: `/chain/${left - 1}` });
    return response.end();
  }
  response.writeHead(404);
  response.end();
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const response of hanging) response.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RemoteDocumentError);
    return (error as RemoteDocumentError).code;
  }
  throw new Error('expected the fetch to be refused');
}

describe('which addresses count as public', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.100.100.200',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fd00::1',
    'fd00:ec2::254',
    'fc00::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '[::1]',
    '64:ff9b::7f00:1',
    'not an address',
    '',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('keeps the documented limits: 10 s, 1 MB, 3 redirects', () => {
    expect(REMOTE_TIMEOUT_MS).toBe(10_000);
    expect(REMOTE_MAX_BYTES).toBe(1_048_576);
    expect(REMOTE_MAX_REDIRECTS).toBe(3);
  });
});

describe('the VERIFIER_ALLOW_PRIVATE_NETWORKS switch', () => {
  it('is off unless set, and refused in production', () => {
    expect(loadConfig({}).VERIFIER_ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', VERIFIER_ALLOW_PRIVATE_NETWORKS: 'true' }).VERIFIER_ALLOW_PRIVATE_NETWORKS).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'production', VERIFIER_ALLOW_PRIVATE_NETWORKS: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', VERIFIER_ALLOW_PRIVATE_NETWORKS: 'true' })).toThrow(
      /VERIFIER_ALLOW_PRIVATE_NETWORKS must stay false in production/,
    );
    expect(loadConfig({ NODE_ENV: 'production' }).VERIFIER_ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(() => loadConfig({ VERIFIER_ALLOW_PRIVATE_NETWORKS: 'yes' })).toThrow(/VERIFIER_ALLOW_PRIVATE_NETWORKS must be true or false/);
  });
});

describe('with private networks refused (production)', () => {
  const remote = new RemoteDocuments({ allowPrivateNetworks: false });
  afterAll(() => remote.close());

  it.each([
    ['loopback', () => `${base}/doc`],
    ['localhost, refused after DNS resolution', () => `http://localhost:${port}/doc`],
    ['IPv6 loopback', () => `http://[::1]:${port}/doc`],
    ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${port}/doc`],
    ['the unspecified address', () => `http://0.0.0.0:${port}/doc`],
    ['a decimal spelling of 127.0.0.1', () => `http://2130706433:${port}/doc`],
    ['10/8', () => 'http://10.1.2.3/doc'],
    ['172.16/12', () => 'http://172.16.5.4/doc'],
    ['192.168/16', () => 'https://192.168.0.10/doc'],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['CGNAT', () => 'http://100.64.1.1/doc'],
    ['unique-local IPv6', () => 'http://[fd00::1]/doc'],
    ['link-local IPv6', () => 'http://[fe80::1]/doc'],
  ])('refuses %s as a private address, without connecting', async (_label, url) => {
    const before = seen.length;
    expect(await failure(remote.fetchJson(url()))).toBe('private_address');
    expect(seen.length).toBe(before);
  });

  it.each(['file:///etc/passwd', 'ftp://example.org/badge.json', 'gopher://example.org/', 'data:application/json,{}'])(
    'refuses %s: only http and https are fetched',
    async (url) => {
      expect(await failure(remote.fetchJson(url))).toBe('scheme_not_allowed');
    },
  );

  it('refuses malformed URLs and URLs with credentials', async () => {
    expect(await failure(remote.fetchJson('http://'))).toBe('invalid_url');
    expect(await failure(remote.fetchJson('not a url'))).toBe('invalid_url');
    expect(await failure(remote.fetchJson('https://user:secret@example.org/'))).toBe('invalid_url');
  });

  it('says when a name does not resolve', async () => {
    expect(await failure(remote.fetchJson('http://no-such-issuer.invalid/badge'))).toBe('name_not_found');
  });
});

describe('redirects, re-checked at every hop', () => {
  // 127.0.0.1 stands in for a public host; every other address keeps the production rule.
  const remote = new RemoteDocuments({
    allowPrivateNetworks: false,
    addressAllowed: (address) => address === '127.0.0.1' || isPublicAddress(address),
  });
  afterAll(() => remote.close());

  it('follows a redirect to an allowed host', async () => {
    const response = await remote.fetchJson(`${base}/redirect-to?${encodeURIComponent(`${base}/doc`)}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: `${base}/doc` });
  });

  it.each([
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['10/8', 'http://10.0.0.5/'],
    ['IPv6 loopback', () => `http://[::1]:${port}/doc`],
    ['IPv4-mapped loopback', () => `http://[::ffff:127.0.0.1]:${port}/doc`],
  ])('refuses a redirect from an allowed host to %s', async (_label, target) => {
    const to = typeof target === 'function' ? target() : target;
    const first = `/redirect-to?${encodeURIComponent(to)}`;
    const before = seen.length;
    expect(await failure(remote.fetchJson(`${base}${first}`))).toBe('private_address');
    // The first hop was fetched (it is allowed); the second never reached anything.
    expect(seen.slice(before)).toEqual([first]);
  });

  it('refuses a redirect to another scheme', async () => {
    expect(await failure(remote.fetchJson(`${base}/redirect-to?${encodeURIComponent('file:///etc/passwd')}`))).toBe('scheme_not_allowed');
  });

  it('follows at most 3 redirects', async () => {
    expect((await remote.fetchJson(`${base}/chain/3`)).body).toEqual({ reached: true });
    expect(await failure(remote.fetchJson(`${base}/chain/4`))).toBe('too_many_redirects');
  });
});

describe('with the test switch on', () => {
  const remote = new RemoteDocuments({ allowPrivateNetworks: true });
  afterAll(() => remote.close());

  it('fetches JSON from the local server, asking for JSON-LD', async () => {
    const response = await remote.fetchJson(`${base}/doc`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: `${base}/doc` });
    expect((response.body as { accept: string }).accept).toContain('application/ld+json');
  });

  it('accepts JSON served as text/plain, refuses a web page and broken JSON', async () => {
    expect((await remote.fetchJson(`${base}/plain-json`)).body).toEqual({ ok: true });
    expect(await failure(remote.fetchJson(`${base}/html`))).toBe('not_json');
    expect(await failure(remote.fetchJson(`${base}/broken-json`))).toBe('not_json');
  });

  it('returns other statuses instead of throwing, with a JSON body when there is one', async () => {
    expect(await remote.fetchJson(`${base}/gone`)).toEqual({
      status: 410,
      body: { id: `${base}/gone`, revoked: true, revocationReason: 'Erreur' },
    });
    expect(await remote.fetchJson(`${base}/missing`)).toEqual({ status: 404, body: null });
  });

  it('refuses bodies over 1 MB, announced or streamed', async () => {
    expect(await failure(remote.fetchJson(`${base}/large-declared`))).toBe('too_large');
    expect(await failure(remote.fetchJson(`${base}/large-streamed`))).toBe('too_large');
  });

  it('gives up on a server that never answers', async () => {
    const impatient = new RemoteDocuments({ allowPrivateNetworks: true, timeoutMs: 300 });
    try {
      expect(await failure(impatient.fetchJson(`${base}/hang`))).toBe('timeout');
    } finally {
      await impatient.close();
    }
  });

  it('fetches PNG images and refuses anything else as an image', async () => {
    const image = await remote.fetchImage(`${base}/image.png`);
    expect(image.mime).toBe('image/png');
    expect(Buffer.from(image.bytes).equals(PNG)).toBe(true);
    expect(await failure(remote.fetchImage(`${base}/html`))).toBe('not_image');
  });
});
