// Open Badges 3.0 (OpenBadgeCredential on the VC Data Model 2.0), beside the
// 2.0 rules and as pure: no database, no HTTP server, `now` as a parameter.
export { VC_V2_CONTEXT, OB_V3_CONTEXT } from './contexts.ts';
export { openBadgeCredential, achievement } from './credential.ts';
export type { OpenBadgeCredential, SignedOpenBadgeCredential, OpenBadgeCredentialInput, AchievementInput } from './credential.ts';
export { profile, profileDocument, multikeyDocument } from './profile.ts';
export type { Profile, ProfileDocument, MultikeyDocument } from './profile.ts';
export { STATUS_LIST_SIZE, statusListEntry, bitstringStatusListCredential, randomStatusIndex } from './status-list.ts';
export { generateEd25519Key, signCredential } from './proof.ts';
export type { SigningMultikey } from './proof.ts';
export { bakeCredentialPng } from './bake-png.ts';
export { bakeCredentialSvg } from './bake-svg.ts';
export { verifyOpenBadgeCredential } from './verify.ts';
export type { CredentialVerdict } from './verify.ts';
export { localDocumentLoader } from './contexts.ts';
