// The OpenBadgeCredential (Open Badges 3.0, on the VC Data Model 2.0), in the
// canonical plain-JSON shape the 1EdTech schema wants: every unordered set an
// array (type, identifier, alignment, evidence), Image and IdentityObject
// types single strings (ISSUING-3.0.md §12).
import { createHash } from 'node:crypto';
import { formatDateTime } from '../context.ts';
import { DocumentError } from '../errors.ts';
import { normaliseEmail } from '../recipient.ts';
import { isDataUri, isHttpUrl } from '../urls.ts';
import { OPEN_BADGE_CREDENTIAL_CONTEXT } from './contexts.ts';
import type { BitstringStatusListEntry } from './status-list.ts';
import type { Profile } from './profile.ts';

/** The JSON Schema every OpenBadgeCredential names in `credentialSchema`. */
export const ACHIEVEMENT_CREDENTIAL_SCHEMA =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';
/** The type of an `evidence` entry that links to the 2.0 Assertion of the same award (impl/migrating.md). */
export const OPEN_BADGES_V2_ASSERTION_TYPE = 'https://w3id.org/openbadges#Assertion';

export interface Image {
  id: string;
  type: 'Image';
  caption?: string;
}

export interface IdentityObject {
  type: 'IdentityObject';
  identityType: 'emailAddress';
  hashed: true;
  salt: string;
  identityHash: string;
}

export interface Alignment {
  type: ['Alignment'];
  targetName: string;
  targetUrl: string;
  targetDescription?: string;
  targetFramework?: string;
  targetCode?: string;
}

export interface Criteria {
  id?: string;
  narrative?: string;
}

export interface Related {
  id: string;
  type: ['Related'];
}

export interface Achievement {
  id: string;
  type: ['Achievement'];
  name: string;
  description: string;
  criteria: Criteria;
  image: Image;
  achievementType?: string;
  alignment?: Alignment[];
  tag?: string[];
  related?: Related[];
  creator?: Profile;
}

export interface AchievementSubject {
  type: ['AchievementSubject'] | ['AchievementSubject', 'Profile'];
  identifier: [IdentityObject];
  achievement: Achievement;
  name?: string;
  narrative?: string;
}

export interface Evidence {
  type: string[];
  id?: string;
  name?: string;
  description?: string;
  narrative?: string;
}

export interface CredentialSchema {
  id: string;
  type: '1EdTechJsonSchemaValidator2019';
}

export interface DataIntegrityProof {
  type: 'DataIntegrityProof';
  cryptosuite: 'eddsa-rdfc-2022';
  created: string;
  verificationMethod: string;
  proofPurpose: 'assertionMethod';
  proofValue: string;
}

export interface OpenBadgeCredential {
  '@context': string[];
  id: string;
  type: ['VerifiableCredential', 'OpenBadgeCredential'];
  name: string;
  description?: string;
  image?: Image;
  issuer: Profile;
  validFrom: string;
  validUntil?: string;
  awardedDate: string;
  credentialSubject: AchievementSubject;
  evidence?: Evidence[];
  credentialSchema: [CredentialSchema];
  credentialStatus?: BitstringStatusListEntry;
}

export interface SignedOpenBadgeCredential extends OpenBadgeCredential {
  proof: DataIntegrityProof[];
}

export interface AlignmentInput {
  targetName: string;
  targetUrl: string;
  targetDescription?: string;
  targetFramework?: string;
  targetCode?: string;
}

export interface AchievementInput {
  /** A stable https URL for the Achievement. */
  id: string;
  name: string;
  description: string;
  criteria: Criteria;
  image: { id: string; caption?: string };
  achievementType?: string;
  alignment?: AlignmentInput[];
  tag?: string[];
  /** The 2.0 BadgeClass of the same badge, named in `related`. */
  relatedBadgeClass?: string;
}

export interface EvidenceInput {
  id?: string;
  name?: string;
  description?: string;
  narrative?: string;
}

export interface OpenBadgeCredentialInput {
  /** `urn:uuid:<lower-case uuid>` or an http(s) URL. */
  id: string;
  issuer: Profile;
  achievement: AchievementInput;
  recipient: {
    email: string;
    /** A fresh salt for this credential. */
    salt: string;
    /** Left out when the learner hid their name. */
    name?: string;
  };
  narrative?: string;
  evidence?: EvidenceInput[];
  /** The 2.0 hosted Assertion of the same award, linked as evidence. */
  assertionV2?: string;
  /** When the badge was awarded (kept when re-issued). */
  awardedDate: Date;
  /** When this credential becomes valid; never after `now`. */
  validFrom: Date;
  validUntil?: Date;
  credentialStatus?: BitstringStatusListEntry;
  /** The caller's clock: `validFrom` may not be in the future. */
  now: Date;
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new DocumentError(`${field} is required and must be a non-empty string`);
  return value;
}

function optionalText(value: string | undefined | null): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function requireUrl(value: unknown, field: string): string {
  if (!isHttpUrl(value)) throw new DocumentError(`${field} must be an http(s) URL`);
  return value;
}

const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function requireDate(value: Date, field: string): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new DocumentError(`${field} must be a valid date`);
  return formatDateTime(value);
}

/** `sha256$` + hex(sha256(normalised email + salt)), as in 2.0, so one address matches both versions. */
export function hashedEmailIdentifier(email: string, salt: string): IdentityObject {
  const normalised = normaliseEmail(requireText(email, 'recipient email'));
  requireText(salt, 'recipient salt');
  return {
    type: 'IdentityObject',
    identityType: 'emailAddress',
    hashed: true,
    salt,
    identityHash: `sha256$${createHash('sha256')
      .update(normalised + salt, 'utf8')
      .digest('hex')}`,
  };
}

function alignment(input: AlignmentInput, i: number): Alignment {
  return {
    type: ['Alignment'],
    targetName: requireText(input.targetName, `alignment[${i}].targetName`),
    targetUrl: requireUrl(input.targetUrl, `alignment[${i}].targetUrl`),
    ...(optionalText(input.targetDescription) ? { targetDescription: input.targetDescription } : {}),
    ...(optionalText(input.targetFramework) ? { targetFramework: input.targetFramework } : {}),
    ...(optionalText(input.targetCode) ? { targetCode: input.targetCode } : {}),
  };
}

export function achievement(input: AchievementInput): Achievement {
  const criteria: Criteria = {};
  if (input.criteria.id !== undefined) criteria.id = requireUrl(input.criteria.id, 'criteria.id');
  if (optionalText(input.criteria.narrative)) criteria.narrative = input.criteria.narrative;
  // The validator rejects a criteria with neither (ISSUING-3.0.md §3).
  if (!criteria.id && !criteria.narrative) throw new DocumentError('criteria needs a narrative or an id');
  if (!isHttpUrl(input.image.id) && !isDataUri(input.image.id)) throw new DocumentError('image.id must be an http(s) or data URL');
  const result: Achievement = {
    id: requireUrl(input.id, 'achievement id'),
    type: ['Achievement'],
    name: requireText(input.name, 'achievement name'),
    description: requireText(input.description, 'achievement description'),
    criteria,
    image: { id: input.image.id, type: 'Image', ...(optionalText(input.image.caption) ? { caption: input.image.caption } : {}) },
  };
  if (input.achievementType !== undefined) result.achievementType = requireText(input.achievementType, 'achievementType');
  const alignments = (input.alignment ?? []).map(alignment);
  if (alignments.length) result.alignment = alignments;
  const tags = (input.tag ?? []).filter((t) => optionalText(t));
  if (tags.length) result.tag = tags;
  if (input.relatedBadgeClass !== undefined) {
    result.related = [{ id: requireUrl(input.relatedBadgeClass, 'related badge class'), type: ['Related'] }];
  }
  return result;
}

function evidence(input: EvidenceInput, i: number): Evidence {
  const entry: Evidence = { type: ['Evidence'] };
  if (input.id !== undefined) entry.id = requireUrl(input.id, `evidence[${i}].id`);
  if (optionalText(input.name)) entry.name = input.name;
  if (optionalText(input.description)) entry.description = input.description;
  if (optionalText(input.narrative)) entry.narrative = input.narrative;
  if (Object.keys(entry).length === 1) throw new DocumentError(`evidence[${i}] needs an id or a narrative`);
  return entry;
}

/** The unsigned credential. Sign it with `signCredential` (proof.ts). */
export function openBadgeCredential(input: OpenBadgeCredentialInput): OpenBadgeCredential {
  if (!UUID_URN.test(input.id) && !isHttpUrl(input.id))
    throw new DocumentError('credential id must be a urn:uuid (lower-case) or an http(s) URL');
  if (input.validFrom.getTime() > input.now.getTime()) throw new DocumentError('validFrom may not be in the future');
  const built = achievement(input.achievement);
  const name = optionalText(input.recipient.name);
  const subject: AchievementSubject = {
    type: name ? ['AchievementSubject', 'Profile'] : ['AchievementSubject'],
    identifier: [hashedEmailIdentifier(input.recipient.email, input.recipient.salt)],
    achievement: built,
  };
  if (name) subject.name = name;
  if (optionalText(input.narrative)) subject.narrative = input.narrative;

  const evidenceList = (input.evidence ?? []).map(evidence);
  if (input.assertionV2 !== undefined) {
    evidenceList.push({ type: ['Evidence', OPEN_BADGES_V2_ASSERTION_TYPE], id: requireUrl(input.assertionV2, 'assertionV2') });
  }

  const credential: OpenBadgeCredential = {
    '@context': [...OPEN_BADGE_CREDENTIAL_CONTEXT],
    id: input.id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: built.name,
    description: built.description,
    image: built.image,
    issuer: input.issuer,
    validFrom: requireDate(input.validFrom, 'validFrom'),
    awardedDate: requireDate(input.awardedDate, 'awardedDate'),
    credentialSubject: subject,
    credentialSchema: [{ id: ACHIEVEMENT_CREDENTIAL_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
  };
  if (input.validUntil !== undefined) {
    credential.validUntil = requireDate(input.validUntil, 'validUntil');
    if (input.validUntil.getTime() <= input.validFrom.getTime()) throw new DocumentError('validUntil must come after validFrom');
  }
  if (evidenceList.length) credential.evidence = evidenceList;
  if (input.credentialStatus) credential.credentialStatus = input.credentialStatus;
  return credential;
}
