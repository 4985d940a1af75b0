import { createHash, randomBytes } from 'node:crypto';
import type { IdentityObject } from './documents.ts';

/**
 * Trim and lower-case: the form we hash. OBP hashes the addresses its users
 * verified (with a few case variants, never trimmed), so a learner matches
 * only when importing with the address the badge was awarded to.
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A fresh salt per assertion, so one learner's badges cannot be linked by hash. */
export function newSalt(): string {
  return randomBytes(16).toString('hex');
}

function hexDigest(algorithm: 'sha256' | 'md5', input: string): string {
  return createHash(algorithm).update(input, 'utf8').digest('hex');
}

export interface HashedEmailIdentity extends IdentityObject {
  type: 'email';
  hashed: true;
  salt: string;
}

export function hashEmailIdentity(email: string, salt: string = newSalt()): HashedEmailIdentity {
  // Lower-case prefix and hex: OBP compares them case-sensitively.
  return {
    type: 'email',
    hashed: true,
    salt,
    identity: `sha256$${hexDigest('sha256', normaliseEmail(email) + salt)}`,
  };
}

const EMAIL_TYPES = new Set(['email', 'schema:email', 'http://schema.org/email', 'https://schema.org/email']);

/**
 * Does this IdentityObject name this email address? Accepts the forms other
 * issuers publish too: md5 or sha256, hex in either case, salted or not, and
 * plain identities.
 */
export function recipientMatches(recipient: IdentityObject, email: string): boolean {
  if (typeof recipient !== 'object' || recipient === null) return false;
  if (typeof recipient.identity !== 'string' || typeof email !== 'string') return false;
  if (!EMAIL_TYPES.has(recipient.type)) return false;
  const normalised = normaliseEmail(email);
  if (normalised === '') return false;

  if (recipient.hashed !== true) {
    return normaliseEmail(recipient.identity) === normalised;
  }

  const separator = recipient.identity.indexOf('$');
  if (separator < 0) return false;
  const algorithm = recipient.identity.slice(0, separator).toLowerCase();
  const expected = recipient.identity.slice(separator + 1).toLowerCase();
  if (algorithm !== 'sha256' && algorithm !== 'md5') return false;
  const salt = typeof recipient.salt === 'string' ? recipient.salt : '';

  // Other issuers may have hashed the address as typed rather than lower-cased.
  const candidates = new Set([normalised, email.trim()]);
  for (const candidate of candidates) {
    if (hexDigest(algorithm, candidate + salt) === expected) return true;
  }
  return false;
}
