import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { JwsError } from '../../src/openbadges/errors.ts';
import {
  decodeAssertionJws,
  generateSigningKeyPair,
  KeyCache,
  looksLikeCompactJws,
  signAssertion,
  verifyAssertionJws,
  type SigningKeyPair,
} from '../../src/openbadges/jws.ts';
import { fixtureJson, fixtureText } from './support.ts';

const assertion = fixtureJson('spec-signed-assertion.json');

async function jwsError(promise: Promise<unknown>): Promise<JwsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JwsError);
  return error as JwsError;
}

function syncJwsError(fn: () => unknown): JwsError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(JwsError);
  return error as JwsError;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let keys: SigningKeyPair;
let other: SigningKeyPair;

beforeAll(async () => {
  [keys, other] = await Promise.all([generateSigningKeyPair(), generateSigningKeyPair()]);
});

describe('generateSigningKeyPair', () => {
  it('makes an RSA 2048 pair as SPKI and PKCS#8 PEM', () => {
    expect(keys.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(keys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const pub = createPublicKey(keys.publicKeyPem);
    expect(pub.asymmetricKeyType).toBe('rsa');
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(createPrivateKey(keys.privateKeyPem).asymmetricKeyType).toBe('rsa');
    expect(other.publicKeyPem).not.toBe(keys.publicKeyPem);
  });
});

describe('signAssertion', () => {
  it('produces a compact JWS whose header is exactly {"alg":"RS256"}, as in the spec example', async () => {
    const jws = await signAssertion(assertion, keys.privateKeyPem);
    const [header, payload, signature] = jws.split('.');
    expect(header).toBe('eyJhbGciOiJSUzI1NiJ9');
    expect(fixtureText('spec-signed-badge.jws').split('.')[0]).toBe(header);
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'RS256' });
    expect(signature!.length).toBeGreaterThan(300);
    expect(payload).toBe(Buffer.from(JSON.stringify(assertion), 'utf8').toString('base64url'));
  });

  it('signs the assertion bytes, not a JWT: no claims are added', async () => {
    const jws = await signAssertion(assertion, keys.privateKeyPem);
    const { payload } = decodeAssertionJws(jws);
    expect(payload).toEqual(assertion);
    expect(payload).not.toHaveProperty('iat');
    expect(payload).not.toHaveProperty('exp');
  });

  it('keeps non-ASCII text intact (UTF-8 payload)', async () => {
    const withAccents = { ...assertion, narrative: 'Élodie a réussi ✓' };
    const jws = await signAssertion(withAccents, keys.privateKeyPem);
    expect(await verifyAssertionJws(jws, keys.publicKeyPem)).toEqual(withAccents);
  });

  it('accepts a PKCS#1 private key too', async () => {
    const pkcs1 = createPrivateKey(keys.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    const jws = await signAssertion(assertion, pkcs1);
    expect(await verifyAssertionJws(jws, keys.publicKeyPem)).toEqual(assertion);
  });

  it('refuses unusable keys with a typed error', async () => {
    expect((await jwsError(signAssertion(assertion, 'not a key'))).code).toBe('jws_bad_key');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect((await jwsError(signAssertion(assertion, small))).code).toBe('jws_weak_key');
  });
});

describe('verifyAssertionJws', () => {
  it('returns the payload when the signature matches', async () => {
    const jws = await signAssertion(assertion, keys.privateKeyPem);
    expect(await verifyAssertionJws(jws, keys.publicKeyPem)).toEqual(assertion);
  });

  it('rejects a signature made with another key', async () => {
    const jws = await signAssertion(assertion, other.privateKeyPem);
    expect((await jwsError(verifyAssertionJws(jws, keys.publicKeyPem))).code).toBe('jws_bad_signature');
  });

  it('rejects a tampered payload', async () => {
    const jws = await signAssertion(assertion, keys.privateKeyPem);
    const [header, , signature] = jws.split('.');
    const forged = `${header}.${b64({ ...assertion, badge: 'https://evil.example/badge' })}.${signature}`;
    expect((await jwsError(verifyAssertionJws(forged, keys.publicKeyPem))).code).toBe('jws_bad_signature');
  });

  it('rejects algorithms other than RS256, including "none"', async () => {
    const jws = await signAssertion(assertion, keys.privateKeyPem);
    const [, payload, signature] = jws.split('.');
    const none = `${b64({ alg: 'none' })}.${payload}.${signature}`;
    expect((await jwsError(verifyAssertionJws(none, keys.publicKeyPem))).code).toBe('jws_unsupported_algorithm');
    const hs = `${b64({ alg: 'HS256' })}.${payload}.${signature}`;
    expect((await jwsError(verifyAssertionJws(hs, keys.publicKeyPem))).code).toBe('jws_unsupported_algorithm');
  });

  it("cannot verify the spec's example, whose key does not exist", async () => {
    const jws = fixtureText('spec-signed-badge.jws');
    expect((await jwsError(verifyAssertionJws(jws, keys.publicKeyPem))).code).toBe('jws_bad_signature');
  });
});

describe('decodeAssertionJws', () => {
  it("reads the spec's example JWS without verifying it", () => {
    const { header, payload } = decodeAssertionJws(fixtureText('spec-signed-badge.jws'));
    expect(header).toEqual({ alg: 'RS256' });
    expect(payload).toMatchObject({
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'Assertion',
      issuedOn: '2016-12-31T23:59:59Z',
      verify: { type: 'SignedBadge', creator: 'https://example.org/publicKey' },
    });
  });

  it.each([
    ['two segments', 'abc.def'],
    ['not base64url JSON', 'abc.def.ghi'],
    ['a JSON array payload', `${b64({ alg: 'RS256' })}.${b64([1, 2])}.c2ln`],
    ['spaces', 'eyJhbGciOiJSUzI1NiJ9 . e30 . c2ln'],
  ])('throws jws_malformed for %s', (_label, jws) => {
    expect(syncJwsError(() => decodeAssertionJws(jws)).code).toBe('jws_malformed');
  });
});

describe('looksLikeCompactJws', () => {
  it('recognises the compact shape only', () => {
    expect(looksLikeCompactJws(fixtureText('spec-signed-badge.jws'))).toBe(true);
    expect(looksLikeCompactJws('https://example.org/a.b.c')).toBe(false);
    expect(looksLikeCompactJws('{"a":1}')).toBe(false);
  });
});

describe('KeyCache', () => {
  it('imports each PEM once, even when asked concurrently', async () => {
    const cache = new KeyCache<string>(4);
    let loads = 0;
    const load = async () => {
      loads++;
      return 'key';
    };
    await Promise.all([cache.get('pem', load), cache.get('pem', load), cache.get('pem', load)]);
    await cache.get('pem', load);
    expect(loads).toBe(1);
  });

  it('stays bounded, evicting the least recently used PEM', async () => {
    const cache = new KeyCache<string>(2);
    const loaded: string[] = [];
    const get = (pem: string) => cache.get(pem, async () => (loaded.push(pem), pem));
    await get('a');
    await get('b');
    await get('a'); // a is now the most recent
    await get('c'); // evicts b
    expect(cache.size).toBe(2);
    await get('a');
    await get('b');
    expect(loaded).toEqual(['a', 'b', 'c', 'b']);
  });

  it('forgets failed imports so they are retried', async () => {
    const cache = new KeyCache<string>(2);
    let attempts = 0;
    const flaky = async () => {
      attempts++;
      if (attempts === 1) throw new Error('boom');
      return 'ok';
    };
    await expect(cache.get('pem', flaky)).rejects.toThrow('boom');
    await expect(cache.get('pem', flaky)).resolves.toBe('ok');
    expect(attempts).toBe(2);
  });
});
