// One file because the builders are the one place that enforces INTEROP.md's rules for every document we write, through the same field checks (requireText, requireUrl, requireDate…).
import { createPublicKey } from 'node:crypto';
import { OPEN_BADGES_V2_CONTEXT, formatDateTime, type OpenBadgesV2Context } from './context.ts';
import { DocumentError } from './errors.ts';
import { isDataUri, isHttpUrl, sameHostAndPort } from './urls.ts';

// The builders are the only way this platform writes Open Badges JSON, so the
// rules of INTEROP.md are enforced here, once, by throwing DocumentError:
// a document that VAL or OBP would reject must never reach a learner.

export interface IdentityObject {
  type: string;
  hashed: boolean;
  salt?: string;
  identity: string;
}

export interface HostedVerification {
  type: 'HostedBadge';
}

export interface SignedVerification {
  type: 'SignedBadge';
  creator: string;
}

export type VerificationObject = HostedVerification | SignedVerification;

export interface Criteria {
  id?: string;
  narrative?: string;
}

export interface Alignment {
  targetName: string;
  targetUrl: string;
  targetDescription?: string;
  targetFramework?: string;
  targetCode?: string;
}

export interface Evidence {
  type: 'Evidence';
  id?: string;
  narrative?: string;
  name?: string;
  description?: string;
}

export type EvidenceInput = Omit<Evidence, 'type'> & { type?: 'Evidence' };

export interface IssuerProfile {
  '@context': OpenBadgesV2Context;
  type: 'Issuer' | 'Profile';
  id: string;
  name: string;
  url: string;
  email: string;
  description?: string;
  telephone?: string;
  image?: string;
  /** We publish one key URL as a string (OBP needs it); others may publish a list. */
  publicKey?: string | string[];
  revocationList?: string;
}

export interface BadgeClass {
  '@context': OpenBadgesV2Context;
  type: 'BadgeClass';
  id: string;
  name: string;
  description: string;
  image: string;
  criteria: Criteria;
  issuer: string;
  tags?: string[];
  alignment?: Alignment[];
}

export interface Assertion {
  '@context': OpenBadgesV2Context;
  type: 'Assertion';
  id: string;
  recipient: IdentityObject;
  badge: string;
  verification: VerificationObject;
  issuedOn: string;
  image?: string;
  evidence?: Evidence[];
  narrative?: string;
  expires?: string;
  revoked?: boolean;
  revocationReason?: string;
}

export interface HostedAssertion extends Assertion {
  verification: HostedVerification;
}

export interface SignedAssertion extends Assertion {
  verification: SignedVerification;
}

/** The whole body of a revoked hosted assertion's 410 answer. */
export interface RevokedHostedAssertion {
  '@context': OpenBadgesV2Context;
  id: string;
  revoked: true;
  revocationReason: string;
}

export interface CryptographicKey {
  '@context': OpenBadgesV2Context;
  type: 'CryptographicKey';
  id: string;
  owner: string;
  publicKeyPem: string;
}

export interface RevokedAssertionEntry {
  id: string;
  revocationReason?: string;
}

export interface RevocationList {
  '@context': OpenBadgesV2Context;
  id: string;
  type: 'RevocationList';
  issuer: string;
  revokedAssertions: RevokedAssertionEntry[];
}

// ---------------------------------------------------------------- validation

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DocumentError(`${field} is required and must be a non-empty string`);
  }
  return value;
}

/** Optional text: undefined and blank both mean "absent", so the key is omitted. */
function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new DocumentError(`${field} must be a string`);
  return value.trim() === '' ? undefined : value;
}

// http is accepted because PUBLIC_URL may be http in development; insisting
// on https in production is the deployment configuration's job.
function requireUrl(value: unknown, field: string): string {
  if (!isHttpUrl(value)) {
    throw new DocumentError(`${field} must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalUrl(value: unknown, field: string): string | undefined {
  const text = optionalText(value, field);
  return text === undefined ? undefined : requireUrl(text, field);
}

const IMAGE_DATA_URI = /^data:image\/(png|svg\+xml)[;,]/i;

/** BadgeClass and Profile images may be data URIs; they must still be PNG or SVG. */
function classImage(value: unknown, field: string): string {
  if (typeof value === 'string' && isDataUri(value)) {
    if (!IMAGE_DATA_URI.test(value)) throw new DocumentError(`${field} data URI must be a PNG or SVG image`);
    return value;
  }
  return requireUrl(value, field);
}

function requireDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new DocumentError(`${field} must be a valid Date`);
  }
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

// VAL's own pattern for signed assertion ids.
const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const SHA256_IDENTITY = /^sha256\$[0-9a-f]{64}$/;

/** We only ever publish salted, lower-case sha256 email hashes (INTEROP, Recipient). */
function recipientIdentity(recipient: IdentityObject): IdentityObject {
  if (typeof recipient !== 'object' || recipient === null) throw new DocumentError('recipient is required');
  if (recipient.type !== 'email') throw new DocumentError('recipient.type must be "email"');
  if (recipient.hashed !== true) throw new DocumentError('recipient must be hashed (use hashEmailIdentity)');
  if (typeof recipient.salt !== 'string' || recipient.salt === '') {
    throw new DocumentError('recipient.salt is required: use a fresh salt per assertion');
  }
  if (typeof recipient.identity !== 'string' || !SHA256_IDENTITY.test(recipient.identity)) {
    throw new DocumentError('recipient.identity must be "sha256$" followed by 64 lower-case hex digits');
  }
  return { type: 'email', hashed: true, salt: recipient.salt, identity: recipient.identity };
}

function evidenceEntry(input: EvidenceInput, index: number): Evidence {
  const field = `evidence[${index}]`;
  if (typeof input !== 'object' || input === null) throw new DocumentError(`${field} must be an object`);
  const idText = optionalText(input.id, `${field}.id`);
  const id = idText === undefined ? undefined : requireUrl(idText, `${field}.id`);
  const narrative = optionalText(input.narrative, `${field}.narrative`);
  const name = optionalText(input.name, `${field}.name`);
  const description = optionalText(input.description, `${field}.description`);
  if (id === undefined && narrative === undefined) {
    throw new DocumentError(`${field} needs an id (URL) or a narrative`);
  }
  return {
    type: 'Evidence',
    ...(id !== undefined && { id }),
    ...(narrative !== undefined && { narrative }),
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
  };
}

function alignmentEntry(input: Alignment, index: number): Alignment {
  const field = `alignment[${index}]`;
  if (typeof input !== 'object' || input === null) throw new DocumentError(`${field} must be an object`);
  const targetName = requireText(input.targetName, `${field}.targetName`);
  const targetUrl = requireUrl(input.targetUrl, `${field}.targetUrl`);
  const targetDescription = optionalText(input.targetDescription, `${field}.targetDescription`);
  const targetFramework = optionalText(input.targetFramework, `${field}.targetFramework`);
  const targetCode = optionalText(input.targetCode, `${field}.targetCode`);
  return {
    targetName,
    targetUrl,
    ...(targetDescription !== undefined && { targetDescription }),
    ...(targetFramework !== undefined && { targetFramework }),
    ...(targetCode !== undefined && { targetCode }),
  };
}

// ------------------------------------------------------------------ builders

export interface IssuerProfileInput {
  id: string;
  name: string;
  url: string;
  email: string;
  description?: string;
  telephone?: string;
  image?: string;
  publicKey?: string;
  revocationList?: string;
}

export function issuerProfile(input: IssuerProfileInput): IssuerProfile {
  const id = requireUrl(input.id, 'issuer.id');
  const name = requireText(input.name, 'issuer.name');
  const url = requireUrl(input.url, 'issuer.url');
  const email = requireText(input.email, 'issuer.email');
  if (!EMAIL.test(email)) throw new DocumentError('issuer.email must be an email address');
  const description = optionalText(input.description, 'issuer.description');
  const telephone = optionalText(input.telephone, 'issuer.telephone');
  const imageText = optionalText(input.image, 'issuer.image');
  const image = imageText === undefined ? undefined : classImage(imageText, 'issuer.image');
  // A single string, never a list: OBP accepts a signed badge only when
  // publicKey equals the assertion's creator.
  const publicKey = optionalUrl(input.publicKey, 'issuer.publicKey');
  const revocationList = optionalUrl(input.revocationList, 'issuer.revocationList');
  return {
    '@context': OPEN_BADGES_V2_CONTEXT,
    type: 'Issuer',
    id,
    name,
    url,
    email,
    ...(description !== undefined && { description }),
    ...(telephone !== undefined && { telephone }),
    ...(image !== undefined && { image }),
    ...(publicKey !== undefined && { publicKey }),
    ...(revocationList !== undefined && { revocationList }),
  };
}

export interface BadgeClassInput {
  id: string;
  name: string;
  description: string;
  image: string;
  criteria: { id?: string; narrative?: string };
  issuer: string;
  tags?: string[];
  alignment?: Alignment[];
}

export function badgeClass(input: BadgeClassInput): BadgeClass {
  const id = requireUrl(input.id, 'badgeClass.id');
  const name = requireText(input.name, 'badgeClass.name');
  const description = requireText(input.description, 'badgeClass.description');
  const image = classImage(input.image, 'badgeClass.image');
  const issuer = requireUrl(input.issuer, 'badgeClass.issuer');
  // OBP and the spec's default verification scope both expect the BadgeClass
  // on the issuer's host and port.
  if (!sameHostAndPort(id, issuer)) {
    throw new DocumentError('badgeClass.id must be on the same host and port as its issuer');
  }

  if (typeof input.criteria !== 'object' || input.criteria === null) {
    throw new DocumentError('badgeClass.criteria is required');
  }
  const criteriaIdText = optionalText(input.criteria.id, 'badgeClass.criteria.id');
  const criteriaId = criteriaIdText === undefined ? undefined : requireUrl(criteriaIdText, 'badgeClass.criteria.id');
  const narrative = optionalText(input.criteria.narrative, 'badgeClass.criteria.narrative');
  if (criteriaId === undefined && narrative === undefined) {
    throw new DocumentError('badgeClass.criteria needs an id (URL) or a narrative');
  }
  const criteria: Criteria = {
    ...(criteriaId !== undefined && { id: criteriaId }),
    ...(narrative !== undefined && { narrative }),
  };

  if (input.tags !== undefined && !Array.isArray(input.tags)) throw new DocumentError('badgeClass.tags must be an array');
  const tags = (input.tags ?? [])
    .map((tag, i) => optionalText(tag, `badgeClass.tags[${i}]`))
    .filter((tag): tag is string => tag !== undefined);
  if (input.alignment !== undefined && !Array.isArray(input.alignment)) {
    throw new DocumentError('badgeClass.alignment must be an array');
  }
  const alignment = (input.alignment ?? []).map(alignmentEntry);

  return {
    '@context': OPEN_BADGES_V2_CONTEXT,
    type: 'BadgeClass',
    id,
    name,
    description,
    image,
    criteria,
    issuer,
    ...(tags.length > 0 && { tags }),
    ...(alignment.length > 0 && { alignment }),
  };
}

interface AssertionCommonInput {
  recipient: IdentityObject;
  /** The BadgeClass URL. */
  badge: string;
  issuedOn: Date;
  image?: string;
  evidence?: EvidenceInput[];
  narrative?: string;
  expires?: Date;
}

export interface HostedAssertionInput extends AssertionCommonInput {
  /** The https URL the assertion is served at. */
  id: string;
}

export interface SignedAssertionInput extends AssertionCommonInput {
  uuid: string;
  /** The CryptographicKey URL, equal to the issuer Profile's publicKey. */
  creator: string;
}

interface AssertionParts {
  recipient: IdentityObject;
  badge: string;
  issuedOn: string;
  rest: Pick<Assertion, 'image' | 'evidence' | 'narrative' | 'expires'>;
}

function assertionParts(input: AssertionCommonInput): AssertionParts {
  const recipient = recipientIdentity(input.recipient);
  const badge = requireUrl(input.badge, 'assertion.badge');
  const issuedOn = requireDate(input.issuedOn, 'assertion.issuedOn');

  const imageText = optionalText(input.image, 'assertion.image');
  // Unlike a BadgeClass image, an Assertion image must be fetchable (INTEROP).
  if (imageText !== undefined && isDataUri(imageText)) {
    throw new DocumentError('assertion.image must not be a data: URI');
  }
  const image = imageText === undefined ? undefined : requireUrl(imageText, 'assertion.image');

  if (input.evidence !== undefined && !Array.isArray(input.evidence)) {
    throw new DocumentError('assertion.evidence must be an array');
  }
  const evidence = (input.evidence ?? []).map(evidenceEntry);
  const narrative = optionalText(input.narrative, 'assertion.narrative');

  let expires: string | undefined;
  if (input.expires !== undefined) {
    const expiry = requireDate(input.expires, 'assertion.expires');
    if (expiry.getTime() <= issuedOn.getTime()) throw new DocumentError('assertion.expires must be after issuedOn');
    expires = formatDateTime(expiry);
  }

  return {
    recipient,
    badge,
    issuedOn: formatDateTime(issuedOn),
    rest: {
      ...(image !== undefined && { image }),
      ...(evidence.length > 0 && { evidence }),
      ...(narrative !== undefined && { narrative }),
      ...(expires !== undefined && { expires }),
    },
  };
}

export function hostedAssertion(input: HostedAssertionInput): HostedAssertion {
  const id = requireUrl(input.id, 'assertion.id');
  const body = assertionParts(input);
  // OBP rejects a hosted badge whose BadgeClass is on another host ("verify url mismatch").
  if (!sameHostAndPort(id, body.badge)) {
    throw new DocumentError('a hosted assertion must be on the same host and port as its BadgeClass');
  }
  return {
    '@context': OPEN_BADGES_V2_CONTEXT,
    type: 'Assertion',
    id,
    recipient: body.recipient,
    badge: body.badge,
    verification: { type: 'HostedBadge' },
    issuedOn: body.issuedOn,
    ...body.rest,
  };
}

export function signedAssertion(input: SignedAssertionInput): SignedAssertion {
  const uuid = typeof input.uuid === 'string' ? input.uuid.trim().toLowerCase() : '';
  const id = `urn:uuid:${uuid}`;
  if (!URN_UUID.test(id)) throw new DocumentError(`assertion uuid must be an RFC 4122 UUID, got ${JSON.stringify(input.uuid)}`);
  // VAL requires creator even though the spec makes it optional.
  const creator = requireUrl(input.creator, 'assertion.verification.creator');
  const body = assertionParts(input);
  return {
    '@context': OPEN_BADGES_V2_CONTEXT,
    type: 'Assertion',
    id,
    recipient: body.recipient,
    badge: body.badge,
    verification: { type: 'SignedBadge', creator },
    issuedOn: body.issuedOn,
    ...body.rest,
  };
}

/**
 * Exactly these four keys and no `type`: with this minimal body VAL reports
 * the badge invalid, whereas a full assertion with `revoked: true` would pass.
 */
export function revokedHostedAssertion(id: string, revocationReason: string): RevokedHostedAssertion {
  return {
    '@context': OPEN_BADGES_V2_CONTEXT,
    id: requireUrl(id, 'assertion.id'),
    revoked: true,
    revocationReason: typeof revocationReason === 'string' ? revocationReason : '',
  };
}

export interface CryptographicKeyInput {
  id: string;
  owner: string;
  publicKeyPem: string;
}

export function cryptographicKey(input: CryptographicKeyInput): CryptographicKey {
  const id = requireUrl(input.id, 'key.id');
  const owner = requireUrl(input.owner, 'key.owner');
  const pem = requireText(input.publicKeyPem, 'key.publicKeyPem');
  // createPublicKey happily derives a public key from a private PEM; a caller
  // handing us private material is a bug we refuse to paper over.
  if (/PRIVATE KEY/.test(pem)) throw new DocumentError('key.publicKeyPem must be a public key, not a private key');
  let key;
  try {
    key = createPublicKey(pem);
  } catch (cause) {
    throw new DocumentError('key.publicKeyPem is not a readable PEM public key', { cause });
  }
  if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new DocumentError('key.publicKeyPem must be an RSA key of 2048 bits or more (VAL supports RS256 only)');
  }
  return {
    '@context': OPEN_BADGES_V2_CONTEXT,
    type: 'CryptographicKey',
    id,
    owner,
    // Re-exported as SPKI so every verifier gets "BEGIN PUBLIC KEY", whatever we were given.
    publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface RevocationListInput {
  id: string;
  issuer: string;
  revokedAssertions: { id: string; revocationReason?: string }[];
}

export function revocationList(input: RevocationListInput): RevocationList {
  const id = requireUrl(input.id, 'revocationList.id');
  const issuer = requireUrl(input.issuer, 'revocationList.issuer');
  if (!Array.isArray(input.revokedAssertions)) throw new DocumentError('revocationList.revokedAssertions must be an array');
  return {
    '@context': OPEN_BADGES_V2_CONTEXT,
    id,
    type: 'RevocationList',
    issuer,
    // Required by the spec, so an empty list stays an empty array.
    revokedAssertions: input.revokedAssertions.map((entry, i) => {
      const field = `revocationList.revokedAssertions[${i}]`;
      if (typeof entry !== 'object' || entry === null) throw new DocumentError(`${field} must be an object`);
      const entryId = requireText(entry.id, `${field}.id`);
      const reason = optionalText(entry.revocationReason, `${field}.revocationReason`);
      return { id: entryId, ...(reason !== undefined && { revocationReason: reason }) };
    }),
  };
}
