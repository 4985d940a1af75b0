// Open Badges 3.0 (OpenBadgeCredential on the VC Data Model 2.0), beside the
// 2.0 rules and as pure: no database, no HTTP server, `now` as a parameter.
export {
  OPEN_BADGE_CREDENTIAL_CONTEXT,
  VC_V2_CONTEXT,
  OB_V3_CONTEXT,
  MULTIKEY_CONTEXT,
  localDocumentLoader,
  localContext,
  UnknownDocumentError,
} from './contexts.ts';
export type { JsonLdDocumentLoader, RemoteDocument } from './contexts.ts';
export { openBadgeCredential, hashedEmailIdentifier, achievement, ACHIEVEMENT_CREDENTIAL_SCHEMA } from './credential.ts';
export type {
  OpenBadgeCredential,
  SignedOpenBadgeCredential,
  OpenBadgeCredentialInput,
  AchievementInput,
  EvidenceInput,
  DataIntegrityProof,
} from './credential.ts';
export { profile, profileDocument, multikey, multikeyDocument } from './profile.ts';
export type { Profile, ProfileInput, ProfileDocument, Multikey, MultikeyDocument } from './profile.ts';
export { STATUS_LIST_SIZE, statusListEntry, encodeStatusList, bitstringStatusListCredential, randomStatusIndex } from './status-list.ts';
export type { BitstringStatusListEntry, BitstringStatusListCredential } from './status-list.ts';
export { generateEd25519Key, signCredential } from './proof.ts';
export type { Ed25519Key, SigningMultikey } from './proof.ts';
