// Open Badges 2.0, knowing nothing of HTTP servers or databases: documents to
// publish, recipient hashing, JWS signing, baking, and verification.

export { OPEN_BADGES_V2_CONTEXT, formatDateTime, parseDateTime } from './context.ts';
export type { OpenBadgesV2Context } from './context.ts';

export { OpenBadgesError, DocumentError, JwsError, BakeError } from './errors.ts';
export type { OpenBadgesErrorCode } from './errors.ts';

export {
  issuerProfile,
  badgeClass,
  hostedAssertion,
  signedAssertion,
  revokedHostedAssertion,
  cryptographicKey,
  revocationList,
} from './documents.ts';
export type {
  IssuerProfile,
  BadgeClass,
  Assertion,
  HostedAssertion,
  SignedAssertion,
  RevokedHostedAssertion,
  CryptographicKey,
  RevocationList,
  RevokedAssertionEntry,
  Evidence,
  EvidenceInput,
  Alignment,
  Criteria,
  IdentityObject,
  VerificationObject,
  HostedVerification,
  SignedVerification,
  IssuerProfileInput,
  BadgeClassInput,
  HostedAssertionInput,
  SignedAssertionInput,
  CryptographicKeyInput,
  RevocationListInput,
} from './documents.ts';

export { normaliseEmail, newSalt, hashEmailIdentity, recipientMatches } from './recipient.ts';
export type { HashedEmailIdentity } from './recipient.ts';

export { signAssertion, verifyAssertionJws, decodeAssertionJws, generateSigningKeyPair, looksLikeCompactJws } from './jws.ts';
export type { DecodedJws, SigningKeyPair } from './jws.ts';

export { bakePng, unbakePng, isPng } from './bake/png.ts';
export { bakeSvg, unbakeSvg } from './bake/svg.ts';
export type { SvgBakeContent, UnbakedSvg } from './bake/svg.ts';

export {
  validateAssertion,
  validateBadgeClass,
  validateIssuerProfile,
  validateCryptographicKey,
  validateRevocationList,
} from './validation.ts';
export type { Validated, StructureProblem, StructureReason } from './validation.ts';

export { hasExpired } from './expiry.ts';

export { verifyBadge, detectBadgeInput } from './verify.ts';
export type {
  BadgeInput,
  DocumentLoader,
  VerifyOptions,
  VerificationReport,
  VerificationStatus,
  Check,
  CheckCode,
  CheckReason,
  IssuerIdentity,
  LoadedDocument,
  VerificationNote,
} from './verify.ts';

export { sameHostAndPort } from './urls.ts';
