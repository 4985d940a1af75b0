import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PublicUrls } from '../urls.ts';

/** Bytes of HMAC kept in a link: 128 bits cannot be guessed, and the link stays short. */
const MAC_BYTES = 16;

/**
 * The "stop receiving emails" link of every email to a learner. The token is
 * the address and an HMAC of it under a key derived from the master key: no
 * table to keep, nothing to guess, and it works as long as the platform does.
 */
export class UnsubscribeLinks {
  constructor(
    private readonly key: Buffer,
    private readonly urls: PublicUrls,
  ) {}

  private mac(email: string): Buffer {
    return createHmac('sha256', this.key).update(`unsubscribe:${email}`).digest().subarray(0, MAC_BYTES);
  }

  tokenFor(email: string): string {
    const address = email.trim().toLowerCase();
    return `${Buffer.from(address, 'utf8').toString('base64url')}.${this.mac(address).toString('base64url')}`;
  }

  /** The address a token stands for, or null if it was not made by us (checked in constant time). */
  emailOf(token: unknown): string | null {
    if (typeof token !== 'string' || token.length > 1000) return null;
    const match = /^([A-Za-z0-9_-]{1,800})\.([A-Za-z0-9_-]{22})$/.exec(token);
    if (!match) return null;
    const address = Buffer.from(match[1]!, 'base64url').toString('utf8');
    const given = Buffer.from(match[2]!, 'base64url');
    if (given.length !== MAC_BYTES || address !== address.trim().toLowerCase() || !address.includes('@')) return null;
    return timingSafeEqual(given, this.mac(address)) ? address : null;
  }

  /** The page's address (also the RFC 8058 one-click target). */
  url(email: string): string {
    return this.urls.unsubscribe(this.tokenFor(email));
  }
}
