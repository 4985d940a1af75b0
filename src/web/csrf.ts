import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens, synchroniser pattern. Each form carries `nonce.mac` where mac
 * is HMAC-SHA256(secret, nonce): the secret is the session's own (stored
 * server-side), or for the forms people fill in before they have a session
 * (setup, sign-in) a random value in an HttpOnly cookie. A fresh nonce per
 * page keeps the token from repeating in compressed responses (BREACH).
 */
const CONTEXT = 'insigne/csrf/v1';
const MAX_TOKEN_LENGTH = 200;

/** The form field every state-changing form carries. */
export const CSRF_FIELD = '_csrf';

const mac = (secret: string, nonce: string) => createHmac('sha256', secret).update(`${CONTEXT}:${nonce}`).digest('base64url');

export function csrfToken(secret: string): string {
  const nonce = randomBytes(18).toString('base64url');
  return `${nonce}.${mac(secret, nonce)}`;
}

export function verifyCsrfToken(secret: string, token: unknown): boolean {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return false;
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return false;
  const expected = Buffer.from(mac(secret, parts[0]));
  const given = Buffer.from(parts[1]);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A secret for the pre-session cookie. */
export const newCsrfSecret = () => randomBytes(32).toString('base64url');
export const CSRF_SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;
