import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, sign, verify } from 'node:crypto';
import { promisify } from 'node:util';
import { JwsError } from './errors.ts';

// Open Badges 2.0 signed badges: a compact JWS, header exactly {"alg":"RS256"}
// (VAL supports nothing else), payload the Assertion's JSON bytes. Not a JWT:
// no iat/exp claims are added.

/**
 * Importing a PEM costs far more than an RS256 signature and signing is on the
 * awarding hot path, so imported keys are kept per PEM (least recently used
 * evicted first). Promises are cached so concurrent first uses import once.
 */
export class KeyCache<K = KeyObject> {
  private readonly entries = new Map<string, Promise<K>>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(pem: string, load: () => Promise<K>): Promise<K> {
    const hit = this.entries.get(pem);
    if (hit) {
      this.entries.delete(pem);
      this.entries.set(pem, hit);
      return hit;
    }
    const loading = load();
    this.entries.set(pem, loading);
    // A failed import is forgotten so that the next call retries it.
    loading.catch(() => {
      if (this.entries.get(pem) === loading) this.entries.delete(pem);
    });
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return loading;
  }
}

// Issuers are few (one active key each, plus retired keys still verified).
const privateKeys = new KeyCache<KeyObject>(64);
const publicKeys = new KeyCache<KeyObject>(64);

// node:crypto reads PKCS#1 as well as PKCS#8/SPKI PEMs, which other issuers'
// key documents do use. Signing and verifying go through it too rather than
// through jose (WebCrypto): an order of magnitude less overhead per signature,
// which bounds bulk awards and every verification page. jose stays in the
// test suite as the independent verifier of what we sign.
function assertRsa2048(keyObject: KeyObject): void {
  if (keyObject.asymmetricKeyType !== 'rsa') throw new JwsError('jws_bad_key', 'RS256 needs an RSA key');
  if ((keyObject.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new JwsError(
      'jws_weak_key',
      `RS256 needs an RSA key of 2048 bits or more, not ${keyObject.asymmetricKeyDetails?.modulusLength ?? 0}`,
    );
  }
}

function importPrivateKey(pem: string): Promise<KeyObject> {
  return privateKeys.get(pem, async () => {
    let keyObject: KeyObject;
    try {
      keyObject = createPrivateKey(pem);
    } catch (cause) {
      throw new JwsError('jws_bad_key', 'unreadable private key PEM', { cause });
    }
    assertRsa2048(keyObject);
    return keyObject;
  });
}

function importPublicKey(pem: string): Promise<KeyObject> {
  return publicKeys.get(pem, async () => {
    let keyObject: KeyObject;
    try {
      keyObject = createPublicKey(pem);
    } catch (cause) {
      throw new JwsError('jws_bad_key', 'unreadable public key PEM', { cause });
    }
    assertRsa2048(keyObject);
    return keyObject;
  });
}

export async function signAssertion(assertion: object, privateKeyPem: string): Promise<string> {
  if (typeof assertion !== 'object' || assertion === null || Array.isArray(assertion)) {
    throw new TypeError('signAssertion: the assertion must be a JSON object');
  }
  const key = await importPrivateKey(privateKeyPem);
  // RS256 is RSASSA-PKCS1-v1_5 with SHA-256, node:crypto's default for an RSA
  // key; signing here rather than through WebCrypto is a third faster, and
  // awarding thousands of badges at once is bound by it.
  const signingInput = `${RS256_HEADER}.${Buffer.from(JSON.stringify(assertion), 'utf8').toString('base64url')}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput, 'latin1'), key).toString('base64url')}`;
}

/** base64url of exactly {"alg":"RS256"}: the only header the reference validator accepts. */
const RS256_HEADER = Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url');

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const BASE64URL_SEGMENT = /^[A-Za-z0-9_-]+$/;

/** True when the text has the shape of a compact JWS (three base64url segments). */
export function looksLikeCompactJws(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 3 && parts.every((part) => BASE64URL_SEGMENT.test(part));
}

function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new JwsError('jws_malformed', `JWS ${what} is not base64url-encoded JSON`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwsError('jws_malformed', `JWS ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Reads a JWS without checking its signature: for routing and display only. */
export function decodeAssertionJws(jws: string): DecodedJws {
  if (typeof jws !== 'string' || !looksLikeCompactJws(jws.trim())) {
    throw new JwsError('jws_malformed', 'not a compact JWS (header.payload.signature)');
  }
  const [header = '', payload = ''] = jws.trim().split('.');
  return { header: decodeJsonObject(header, 'header'), payload: decodeJsonObject(payload, 'payload') };
}

/** Returns the payload when the RS256 signature verifies with this key; throws JwsError otherwise. */
export async function verifyAssertionJws(jws: string, publicKeyPem: string): Promise<Record<string, unknown>> {
  const decoded = decodeAssertionJws(jws);
  if (decoded.header.alg !== 'RS256') {
    throw new JwsError('jws_unsupported_algorithm', `unsupported JWS algorithm ${JSON.stringify(decoded.header.alg)}`);
  }
  const key = await importPublicKey(publicKeyPem);
  // RS256 (RSASSA-PKCS1-v1_5, SHA-256) checked with node:crypto directly: a
  // verification page checks a signature on every view, and WebCrypto's
  // asynchronous round trip costs ten times the check itself.
  const [header = '', payload = '', signature = ''] = jws.trim().split('.');
  const valid = verify('sha256', Buffer.from(`${header}.${payload}`, 'latin1'), key, Buffer.from(signature, 'base64url'));
  if (!valid) throw new JwsError('jws_bad_signature', 'the JWS signature does not match this key');
  return decoded.payload;
}

export interface SigningKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

const generateRsaKeyPair = promisify(generateKeyPair);

export async function generateSigningKeyPair(): Promise<SigningKeyPair> {
  const { publicKey, privateKey } = await generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}
