import { hasExpired } from '../../openbadges/index.ts';

/**
 * What an award is now, as every page, the API and the learner's space say
 * it. Revocation wins over expiry; expiry is the Open Badges rule itself
 * (`hasExpired`, the verifier's comparison), so the platform never calls
 * "expired" a badge a verifier would accept, nor the other way round.
 */
export type AwardStatus = 'valid' | 'expired' | 'revoked';

export function awardStatus(award: { revokedAt: Date | null; expires: Date | null }, now: Date): AwardStatus {
  if (award.revokedAt) return 'revoked';
  if (award.expires && hasExpired(award.expires, now)) return 'expired';
  return 'valid';
}
