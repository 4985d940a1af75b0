import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of the nonce and of the HMAC kept in the cookie: 128 bits each, nothing to guess. */
const NONCE_BYTES = 16;
const MAC_BYTES = 16;
const COOKIE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;

/** A browser stays known this long after its last sign-in (each sign-in renews it). */
export const DEVICE_COOKIE_MS = 180 * 24 * 3_600_000;

/**
 * OWASP's "device cookie": the proof that this browser once signed in to
 * this account, so that guesses made elsewhere do not lock it out
 * (staff-sign-in.ts owns the rule that uses it). The cookie is a random
 * nonce and its HMAC under a key of the account's own, itself derived from
 * a key derived from the master key: a cookie made for one account says
 * nothing for another, and none can be made without the master key. The
 * nonce names the device in the sign-in attempts.
 */
export class DeviceCookies {
  constructor(private readonly key: Buffer) {}

  private accountKey(emailHash: string): Buffer {
    return createHmac('sha256', this.key).update(`device-cookie-account:${emailHash}`).digest();
  }

  private mac(emailHash: string, nonce: string): Buffer {
    return createHmac('sha256', this.accountKey(emailHash)).update(nonce).digest().subarray(0, MAC_BYTES);
  }

  /** A new cookie for this account (by the SHA-256 of its address), set after a successful sign-in. */
  issue(emailHash: string): string {
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    return `${nonce}.${this.mac(emailHash, nonce).toString('base64url')}`;
  }

  /** The device a cookie names, if we made it for this account; null for anything else (checked in constant time). */
  deviceOf(cookie: unknown, emailHash: string): string | null {
    if (typeof cookie !== 'string') return null;
    const match = COOKIE.exec(cookie);
    if (!match) return null;
    const given = Buffer.from(match[2]!, 'base64url');
    if (given.length !== MAC_BYTES) return null;
    return timingSafeEqual(given, this.mac(emailHash, match[1]!)) ? match[1]! : null;
  }
}
