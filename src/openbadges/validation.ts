// One file because every received document is read through the same collector and folding of the spec's alternative forms into our one canonical shape.
import { OPEN_BADGES_V2_CONTEXT, parseDateTime } from './context.ts';
import type {
  Alignment,
  Assertion,
  BadgeClass,
  Criteria,
  CryptographicKey,
  Evidence,
  IdentityObject,
  IssuerProfile,
  VerificationObject,
} from './documents.ts';
import { isDataUri, isHttpUrl } from './urls.ts';

// Data validation of documents received from anyone (the spec's "Data
// Validation"). What the spec allows in several forms (a single value or a
// list, an IRI or an embedded object, `verify` for `verification`, `hosted`
// for `HostedBadge`) is folded into the one canonical shape our builders
// emit, so callers read one shape whatever the issuer wrote.

export type StructureReason =
  'not_an_object' | 'not_open_badges_v2' | 'missing_property' | 'invalid_property' | 'invalid_identity_hash' | 'data_uri_image';

/** Which of the badge's documents a problem is in, for the verdict to name it. */
export type DocumentKind = 'assertion' | 'badgeClass' | 'issuer' | 'key' | 'revocationList';

export interface StructureProblem {
  reason: StructureReason;
  detail: string;
  document: DocumentKind;
  /** The property at fault, as written in the document (`email`, `recipient.identity`…). */
  field?: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: StructureProblem[] };

type Json = Record<string, unknown>;

export function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** An `@id`-typed property: the IRI itself, or an embedded document carrying it as `id`. */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (isJsonObject(value) && typeof value.id === 'string' && value.id.trim() !== '') return value.id;
  return undefined;
}

const V2_CONTEXTS = new Set([OPEN_BADGES_V2_CONTEXT, 'https://openbadgespec.org/v2/context.json']);

const LABEL: Record<DocumentKind, string> = {
  assertion: 'assertion',
  badgeClass: 'BadgeClass',
  issuer: 'issuer',
  key: 'key',
  revocationList: 'revocationList',
};

class Collector {
  readonly problems: StructureProblem[] = [];
  private readonly what: string;

  constructor(private readonly document: DocumentKind) {
    this.what = LABEL[document];
  }

  missing(property: string): undefined {
    this.problems.push({ reason: 'missing_property', detail: `${this.what} has no ${property}`, document: this.document, field: property });
    return undefined;
  }

  invalid(property: string, why: string, reason: StructureReason = 'invalid_property'): undefined {
    this.problems.push({ reason, detail: `${this.what}.${property} ${why}`, document: this.document, field: property });
    return undefined;
  }

  context(doc: Json, embedded: boolean): void {
    const context = doc['@context'];
    // Embedded documents inherit the context of the one that holds them.
    if (context === undefined && embedded) return;
    if (!asList(context).some((c) => typeof c === 'string' && V2_CONTEXTS.has(c))) {
      this.problems.push({
        reason: 'not_open_badges_v2',
        detail: `${this.what} @context is not ${OPEN_BADGES_V2_CONTEXT}`,
        document: this.document,
        field: '@context',
      });
    }
  }

  type(doc: Json, accepted: readonly string[]): void {
    const types = asList(doc.type);
    if (types.length === 0) {
      this.missing('type');
    } else if (!types.some((t) => typeof t === 'string' && accepted.includes(t))) {
      this.invalid('type', `must include ${accepted.join(' or ')}`);
    }
  }

  text(doc: Json, property: string): string | undefined {
    const value = doc[property];
    if (value === undefined || value === null || value === '') return this.missing(property);
    if (typeof value !== 'string') return this.invalid(property, 'must be text');
    return value;
  }

  optionalText(doc: Json, property: string): string | undefined {
    const value = doc[property];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') return this.invalid(property, 'must be text');
    return value;
  }

  iri(doc: Json, property: string): string | undefined {
    if (doc[property] === undefined || doc[property] === null) return this.missing(property);
    return idOf(doc[property]) ?? this.invalid(property, 'must be an IRI or a document with an id');
  }

  url(doc: Json, property: string): string | undefined {
    const value = this.iri(doc, property);
    if (value !== undefined && !isHttpUrl(value)) return this.invalid(property, 'must be an http(s) URL');
    return value;
  }

  date(doc: Json, property: string, required: boolean): string | undefined {
    const value = doc[property];
    if (value === undefined || value === null) return required ? this.missing(property) : undefined;
    if (parseDateTime(value) === null) {
      return this.invalid(property, 'must be an ISO 8601 date-time with a time zone');
    }
    return value as string;
  }

  result<T>(value: () => T): Validated<T> {
    return this.problems.length > 0 ? { ok: false, problems: this.problems } : { ok: true, value: value() };
  }
}

function notAnObject(what: string, document: DocumentKind): Validated<never> {
  return { ok: false, problems: [{ reason: 'not_an_object', detail: `${what} is not a JSON object`, document }] };
}

// The reference validator's form of a hashed identity: the algorithm, a dollar, the digest in hex.
const HASHED_IDENTITY = /^(?:sha256\$[0-9a-f]{64}|md5\$[0-9a-f]{32})$/i;

function readRecipient(c: Collector, doc: Json): IdentityObject | undefined {
  const recipient = doc.recipient;
  if (recipient === undefined || recipient === null) return c.missing('recipient');
  if (!isJsonObject(recipient)) return c.invalid('recipient', 'must be an IdentityObject');
  const { type, identity, hashed, salt } = recipient;
  if (typeof type !== 'string' || type === '') return c.invalid('recipient.type', 'must be text');
  if (typeof identity !== 'string' || identity === '') return c.invalid('recipient.identity', 'must be text');
  if (hashed !== undefined && typeof hashed !== 'boolean') return c.invalid('recipient.hashed', 'must be a boolean');
  if (salt !== undefined && salt !== null && typeof salt !== 'string') return c.invalid('recipient.salt', 'must be text');
  if (hashed === true && !HASHED_IDENTITY.test(identity)) {
    return c.invalid(
      'recipient.identity',
      'of a hashed recipient must be sha256$ or md5$ followed by the hex digest',
      'invalid_identity_hash',
    );
  }
  return {
    type,
    hashed: hashed === true,
    ...(typeof salt === 'string' && { salt }),
    identity,
  };
}

const HOSTED_TYPES = ['HostedBadge', 'hosted'];
const SIGNED_TYPES = ['SignedBadge', 'signed'];

/** The assertion's verification type, read the way the spec allows it to be written. */
export function verificationTypeOf(doc: Json): 'HostedBadge' | 'SignedBadge' | null {
  const verification = doc.verification ?? doc.verify;
  if (!isJsonObject(verification)) return null;
  const types = asList(verification.type);
  if (types.some((t) => typeof t === 'string' && HOSTED_TYPES.includes(t))) return 'HostedBadge';
  if (types.some((t) => typeof t === 'string' && SIGNED_TYPES.includes(t))) return 'SignedBadge';
  return null;
}

function readVerification(c: Collector, doc: Json): VerificationObject | undefined {
  const verification = doc.verification ?? doc.verify;
  if (verification === undefined || verification === null) return c.missing('verification');
  if (!isJsonObject(verification)) return c.invalid('verification', 'must be a VerificationObject');
  const type = verificationTypeOf(doc);
  if (type === 'HostedBadge') return { type };
  if (type === 'SignedBadge') {
    // The spec makes creator optional; VAL requires it and so do we.
    const creator = idOf(verification.creator);
    if (creator === undefined) return c.missing('verification.creator');
    if (!isHttpUrl(creator)) return c.invalid('verification.creator', 'must be an http(s) URL');
    return { type, creator };
  }
  return c.invalid('verification.type', 'must be HostedBadge or SignedBadge');
}

function readEvidence(c: Collector, doc: Json): Evidence[] {
  const evidence: Evidence[] = [];
  for (const entry of asList(doc.evidence)) {
    if (typeof entry === 'string') {
      evidence.push({ type: 'Evidence', id: entry });
    } else if (isJsonObject(entry)) {
      const pick = (key: string) => (typeof entry[key] === 'string' && entry[key] !== '' ? (entry[key] as string) : undefined);
      const [id, narrative, name, description] = [pick('id'), pick('narrative'), pick('name'), pick('description')];
      evidence.push({
        type: 'Evidence',
        ...(id !== undefined && { id }),
        ...(narrative !== undefined && { narrative }),
        ...(name !== undefined && { name }),
        ...(description !== undefined && { description }),
      });
    } else {
      c.invalid('evidence', 'must be IRIs or Evidence documents');
    }
  }
  return evidence;
}

function optionalImage(c: Collector, doc: Json): string | undefined {
  if (doc.image === undefined || doc.image === null || doc.image === '') return undefined;
  return c.iri(doc, 'image');
}

export interface ValidateOptions {
  /** Embedded in another document, so `@context` may be inherited. */
  embedded?: boolean;
  /** Upgraded from Open Badges 1.1, where an issuer's email was optional. */
  legacy?: boolean;
}

export function validateAssertion(json: unknown, options: ValidateOptions = {}): Validated<Assertion> {
  if (!isJsonObject(json)) return notAnObject('the assertion', 'assertion');
  const c = new Collector('assertion');
  c.context(json, options.embedded ?? false);
  c.type(json, ['Assertion']);
  const id = c.text(json, 'id');
  const recipient = readRecipient(c, json);
  const badge = c.iri(json, 'badge');
  const verification = readVerification(c, json);
  if (verification?.type === 'HostedBadge' && id !== undefined && !isHttpUrl(id)) {
    c.invalid('id', 'of a hosted assertion must be its http(s) URL');
  }
  const issuedOn = c.date(json, 'issuedOn', true);
  const expires = c.date(json, 'expires', false);
  const image = optionalImage(c, json);
  // A BadgeClass image may be a data URI; an Assertion's may not (spec, and VAL).
  if (image !== undefined && isDataUri(image)) c.invalid('image', 'of an assertion may not be a data URI', 'data_uri_image');
  const evidence = readEvidence(c, json);
  const narrative = c.optionalText(json, 'narrative');
  const revocationReason = c.optionalText(json, 'revocationReason');
  if (json.revoked !== undefined && typeof json.revoked !== 'boolean') c.invalid('revoked', 'must be a boolean');
  return c.result(() => ({
    '@context': OPEN_BADGES_V2_CONTEXT,
    type: 'Assertion' as const,
    id: id!,
    recipient: recipient!,
    badge: badge!,
    verification: verification!,
    issuedOn: issuedOn!,
    ...(image !== undefined && { image }),
    ...(evidence.length > 0 && { evidence }),
    ...(narrative !== undefined && { narrative }),
    ...(expires !== undefined && { expires }),
    ...(json.revoked === true && { revoked: true }),
    ...(revocationReason !== undefined && { revocationReason }),
  }));
}

function readCriteria(c: Collector, doc: Json): Criteria | undefined {
  const criteria = doc.criteria;
  if (criteria === undefined || criteria === null || criteria === '') return c.missing('criteria');
  if (typeof criteria === 'string') return { id: criteria };
  if (!isJsonObject(criteria)) return c.invalid('criteria', 'must be an IRI or a Criteria document');
  const id = typeof criteria.id === 'string' && criteria.id !== '' ? criteria.id : undefined;
  const narrative = typeof criteria.narrative === 'string' && criteria.narrative !== '' ? criteria.narrative : undefined;
  if (id === undefined && narrative === undefined) return c.invalid('criteria', 'needs an id or a narrative');
  return { ...(id !== undefined && { id }), ...(narrative !== undefined && { narrative }) };
}

function readAlignment(c: Collector, doc: Json): Alignment[] {
  const alignment: Alignment[] = [];
  asList(doc.alignment).forEach((entry, i) => {
    if (!isJsonObject(entry)) {
      c.invalid(`alignment[${i}]`, 'must be an AlignmentObject');
      return;
    }
    const text = (key: string) => (typeof entry[key] === 'string' && entry[key] !== '' ? (entry[key] as string) : undefined);
    const targetName = text('targetName');
    const targetUrl = text('targetUrl');
    if (targetName === undefined) c.missing(`alignment[${i}].targetName`);
    if (targetUrl === undefined) c.missing(`alignment[${i}].targetUrl`);
    if (targetName === undefined || targetUrl === undefined) return;
    const [targetDescription, targetFramework, targetCode] = [text('targetDescription'), text('targetFramework'), text('targetCode')];
    alignment.push({
      targetName,
      targetUrl,
      ...(targetDescription !== undefined && { targetDescription }),
      ...(targetFramework !== undefined && { targetFramework }),
      ...(targetCode !== undefined && { targetCode }),
    });
  });
  return alignment;
}

export function validateBadgeClass(json: unknown, options: ValidateOptions = {}): Validated<BadgeClass> {
  if (!isJsonObject(json)) return notAnObject('the BadgeClass', 'badgeClass');
  const c = new Collector('badgeClass');
  c.context(json, options.embedded ?? false);
  c.type(json, ['BadgeClass']);
  const id = c.text(json, 'id');
  const name = c.text(json, 'name');
  const description = c.text(json, 'description');
  const image = c.iri(json, 'image');
  const criteria = readCriteria(c, json);
  const issuer = c.iri(json, 'issuer');
  const tags = asList(json.tags).filter((t): t is string => typeof t === 'string' && t !== '');
  const alignment = readAlignment(c, json);
  return c.result(() => ({
    '@context': OPEN_BADGES_V2_CONTEXT,
    type: 'BadgeClass' as const,
    id: id!,
    name: name!,
    description: description!,
    image: image!,
    criteria: criteria!,
    issuer: issuer!,
    ...(tags.length > 0 && { tags }),
    ...(alignment.length > 0 && { alignment }),
  }));
}

export function validateIssuerProfile(json: unknown, options: ValidateOptions = {}): Validated<IssuerProfile> {
  if (!isJsonObject(json)) return notAnObject('the issuer Profile', 'issuer');
  const c = new Collector('issuer');
  c.context(json, options.embedded ?? false);
  c.type(json, ['Issuer', 'Profile']);
  const id = c.text(json, 'id');
  // Required of an issuer by the spec and by VAL, unlike other Profiles.
  const name = c.text(json, 'name');
  const url = c.text(json, 'url');
  if (url !== undefined && !isHttpUrl(url)) c.invalid('url', 'must be an http(s) URL');
  const email = options.legacy && (json.email === undefined || json.email === '') ? '' : c.text(json, 'email');
  const description = c.optionalText(json, 'description');
  const telephone = c.optionalText(json, 'telephone');
  const image = optionalImage(c, json);
  const keys = asList(json.publicKey).map(idOf);
  if (keys.some((k) => k === undefined)) c.invalid('publicKey', 'must be key IRIs or CryptographicKey documents');
  const publicKey = keys.length === 1 ? keys[0] : keys.length > 1 ? (keys as string[]) : undefined;
  const revocationList = json.revocationList === undefined || json.revocationList === null ? undefined : c.url(json, 'revocationList');
  const types = asList(json.type);
  return c.result(() => ({
    '@context': OPEN_BADGES_V2_CONTEXT,
    type: types.includes('Issuer') ? ('Issuer' as const) : ('Profile' as const),
    id: id!,
    name: name!,
    url: url!,
    email: email!,
    ...(description !== undefined && { description }),
    ...(telephone !== undefined && { telephone }),
    ...(image !== undefined && { image }),
    ...(publicKey !== undefined && { publicKey }),
    ...(revocationList !== undefined && { revocationList }),
  }));
}

/** Where an issuer allows its hosted assertions to live (VerificationObject in the Profile). */
export interface HostedScope {
  allowedOrigins: string[];
  startsWith: string[];
}

export function hostedScopeOf(issuerJson: unknown): HostedScope {
  // `verify` is the context's alias of `verification`, in a Profile as in an Assertion.
  const verification = isJsonObject(issuerJson) ? (issuerJson.verification ?? issuerJson.verify) : undefined;
  if (!isJsonObject(verification)) return { allowedOrigins: [], startsWith: [] };
  const strings = (value: unknown) => asList(value).filter((v): v is string => typeof v === 'string' && v !== '');
  return { allowedOrigins: strings(verification.allowedOrigins), startsWith: strings(verification.startsWith) };
}

export function validateCryptographicKey(json: unknown): Validated<CryptographicKey> {
  if (!isJsonObject(json)) return notAnObject('the CryptographicKey', 'key');
  const c = new Collector('key');
  c.context(json, false);
  if (json.type !== undefined) c.type(json, ['CryptographicKey']);
  const id = c.text(json, 'id');
  const owner = c.iri(json, 'owner');
  const publicKeyPem = c.text(json, 'publicKeyPem');
  return c.result(() => ({
    '@context': OPEN_BADGES_V2_CONTEXT,
    type: 'CryptographicKey' as const,
    id: id!,
    owner: owner!,
    publicKeyPem: publicKeyPem!,
  }));
}

export interface RevokedReference {
  id?: string;
  uid?: string;
  revocationReason?: string;
}

export interface ReadRevocationList {
  id?: string;
  issuer?: string;
  revokedAssertions: RevokedReference[];
}

export function validateRevocationList(json: unknown): Validated<ReadRevocationList> {
  if (!isJsonObject(json)) return notAnObject('the RevocationList', 'revocationList');
  const c = new Collector('revocationList');
  c.context(json, false);
  c.type(json, ['RevocationList']);
  const revokedAssertions: RevokedReference[] = [];
  for (const entry of asList(json.revokedAssertions)) {
    if (typeof entry === 'string') {
      revokedAssertions.push({ id: entry });
    } else if (isJsonObject(entry) && (typeof entry.id === 'string' || typeof entry.uid === 'string')) {
      revokedAssertions.push({
        ...(typeof entry.id === 'string' && { id: entry.id }),
        ...(typeof entry.uid === 'string' && { uid: entry.uid }),
        ...(typeof entry.revocationReason === 'string' && { revocationReason: entry.revocationReason }),
      });
    } else {
      c.invalid('revokedAssertions', 'entries must be ids or objects with an id');
    }
  }
  const id = idOf(json.id);
  const issuer = idOf(json.issuer);
  return c.result(() => ({
    ...(id !== undefined && { id }),
    ...(issuer !== undefined && { issuer }),
    revokedAssertions,
  }));
}
