// One file because one verification is one object: the hosted and the signed paths share its fetch cache, its list of checks and its loaders of the badge class, issuer and key.
import { isPng, unbakePng } from './bake/png.ts';
import { unbakeSvg } from './bake/svg.ts';
import { OPEN_BADGES_V2_CONTEXT, parseDateTime } from './context.ts';
import type { Assertion, BadgeClass, CryptographicKey, IssuerProfile } from './documents.ts';
import { OpenBadgesError } from './errors.ts';
import { hasExpired } from './expiry.ts';
import type { BadgeInput } from './input.ts';
import { decodeAssertionJws, looksLikeCompactJws, verifyAssertionJws } from './jws.ts';
import { recipientMatches } from './recipient.ts';
import { isDataUri, isHttpUrl, parseHttpUrl, sameHostAndPort, sameUrl } from './urls.ts';
import {
  type DocumentKind,
  type HostedScope,
  hostedScopeOf,
  idOf,
  isJsonObject,
  type StructureProblem,
  type Validated,
  validateAssertion,
  validateBadgeClass,
  validateCryptographicKey,
  validateIssuerProfile,
  validateRevocationList,
  verificationTypeOf,
} from './validation.ts';

export { detectBadgeInput } from './input.ts';
export type { BadgeInput } from './input.ts';

/**
 * Supplied by the caller, which owns network policy (SSRF guards, timeouts,
 * redirects, Accept headers). Any status is returned, not thrown; throwing
 * means the document could not be fetched at all.
 */
export interface DocumentLoader {
  fetchJson(url: string, options?: { acceptImage?: boolean }): Promise<LoadedDocument>;
  /**
   * A BadgeClass image, to check it is one (VAL does). null: a source the
   * caller trusts (its own images), not checked; without the method, linked
   * images are not checked.
   */
  fetchImage?(url: string): Promise<{ status: number; mime: string; bytes: Uint8Array } | null>;
}

export interface LoadedDocument {
  status: number;
  body: unknown;
  /** The content type, when it was not JSON(-LD) and the body was parsed as JSON anyway. */
  contentType?: string;
  /** Where the answer finally came from, when redirects led elsewhere. */
  finalUrl?: string;
  /** A baked badge image answered instead of JSON (only when acceptImage was asked). */
  image?: { mime: 'image/png' | 'image/svg+xml'; bytes: Uint8Array };
}

/** What was accepted although it departs from the spec's letter, as the reference validator accepts it: said, not failed. */
export interface VerificationNote {
  code: 'fetched_at_id' | 'redirected' | 'content_type' | 'baked_image_url' | 'upgraded';
  url: string;
  detail: string;
  /** For content_type: the type the document was served as. */
  contentType?: string;
}

export interface VerifyOptions {
  loader: DocumentLoader;
  /** The instant the badge is judged at (expiry): the caller's clock, since this module reads none. */
  now: Date;
  recipientEmail?: string;
}

export type CheckCode =
  | 'structure'
  | 'issuer'
  | 'hostedId'
  | 'signature'
  | 'keyOwnership'
  | 'revocation'
  | 'expiry'
  | 'issuedOn'
  | 'recipient'
  // Open Badges 3.0 (src/openbadges/v3/read.ts)
  | 'schema'
  | 'keyDiscovery'
  | 'proof'
  | 'validFrom';

/** Machine-readable causes, for the web layer to translate. */
export type CheckReason =
  // structure
  | 'unrecognised_input'
  | 'unreadable_image'
  | 'not_baked'
  | 'not_json'
  | 'malformed_jws'
  | 'assertion_unavailable'
  | 'badge_class_unavailable'
  | 'issuer_unavailable'
  | 'document_id_mismatch'
  | 'verification_type_mismatch'
  | StructureProblem['reason']
  | 'unexpected_error'
  | 'older_version'
  | 'badge_class_image_unavailable'
  | 'badge_class_image_not_image'
  // issuer
  | 'issuer_not_established'
  // hostedId
  | 'id_mismatch'
  | 'assertion_host_mismatch'
  | 'badge_class_host_mismatch'
  // signature
  | 'signature_missing'
  | 'key_unavailable'
  | 'invalid_key'
  | 'unsupported_algorithm'
  | 'bad_signature'
  | 'weak_key'
  // keyOwnership
  | 'key_id_mismatch'
  | 'key_owner_mismatch'
  | 'key_not_listed'
  | 'key_replaced'
  // revocation
  | 'revoked'
  | 'revocation_list_unavailable'
  | 'no_revocation_list'
  // expiry, issuedOn, recipient
  | 'expired'
  | 'issued_in_future'
  | 'recipient_mismatch'
  // Open Badges 3.0 (src/openbadges/v3/read.ts)
  | 'schema_invalid'
  | 'vc_jwt_unsupported'
  | 'not_baked_v3'
  | 'credential_not_json'
  | 'proof_missing'
  | 'unsupported_cryptosuite'
  | 'proof_invalid'
  | 'key_not_http'
  | 'key_controller_mismatch'
  | 'key_not_assertion_method'
  | 'no_status'
  | 'status_unsupported'
  | 'status_list_invalid'
  | 'not_yet_valid'
  | 'no_expiry';

export interface Check {
  code: CheckCode;
  /** null: not applicable, or not reached because an earlier step failed. */
  ok: boolean | null;
  reason?: CheckReason;
  /** English, for logs; the UI translates `code` and `reason`. */
  detail?: string;
  /** The document and the property a failure is about, for the verdict to name them. */
  document?: DocumentKind;
  field?: string;
  /** Values the translated message quotes (an algorithm, a key size). */
  params?: Record<string, string>;
}

type Where = Pick<Check, 'document' | 'field' | 'params'>;

export type VerificationStatus = 'valid' | 'expired' | 'revoked' | 'invalid';

/**
 * Who issued the badge, as far as it can be proven: established only when the
 * issuer Profile was fetched at its own http(s) address and that Profile
 * vouches for the badge (its key for a signed badge, its host for a hosted
 * one). A Profile embedded in the badge is shown, never trusted: anyone can
 * write one.
 */
export interface IssuerIdentity {
  established: boolean;
  /** The host (and port, when not the default) that published the issuer Profile. */
  publishedBy?: string;
  /** The host that published the signing key, for a signed badge. */
  keyPublishedBy?: string;
}

export interface VerificationReport {
  /** True only when status is 'valid' and no check failed (a wrong recipient fails it). */
  valid: boolean;
  status: VerificationStatus;
  /** The reason of the check that decided the outcome. */
  reason?: CheckReason;
  verificationType: 'HostedBadge' | 'SignedBadge' | null;
  checks: Check[];
  /** Normalised copies of the documents as fetched or as signed. */
  assertion?: Assertion;
  badgeClass?: BadgeClass;
  issuer?: IssuerProfile;
  issuerIdentity: IssuerIdentity;
  revocationReason?: string;
  recipientMatches?: boolean;
  /** The version of the standard the badge follows, when it could be told: '2.0', or an older one (not checked). */
  openBadgesVersion?: '3.0' | '2.0' | '1.1' | '1.0' | '0.5';
  notes: VerificationNote[];
  /** The BadgeClass image as fetched and checked, for display without fetching it again. */
  badgeClassImage?: { mime: 'image/png' | 'image/svg+xml'; bytes: Uint8Array };
}

const CHECK_ORDER: readonly CheckCode[] = [
  'structure',
  'issuer',
  'hostedId',
  'signature',
  'keyOwnership',
  'revocation',
  'expiry',
  'issuedOn',
  'recipient',
];

// VAL rejects an issuedOn in the future; a few minutes absorb honest clock skew.
const ISSUED_ON_SKEW_MS = 5 * 60_000;

type Source =
  { kind: 'hosted'; url: string } | { kind: 'signed'; jws: string } | { kind: 'signedWithoutJws'; json: Record<string, unknown> };

type Fetched = { ok: true; body: unknown } | { ok: false; detail: string };

const V1_CONTEXT = /^https?:\/\/w3id\.org\/openbadges\/v1\/?$/;

/**
 * Open Badges 0.5, 1.0 and 1.1 assertions, told apart as the reference
 * validator tells them: a v1 @context (1.1); no @context but a `verify`
 * object or a `uid` (1.0); a recipient given as a bare string with the badge
 * embedded (0.5). They are not checked here, and said so: never « forged ».
 */
function hasV1Context(json: Record<string, unknown>): boolean {
  const context = json['@context'];
  return (Array.isArray(context) ? context : [context]).some((c) => typeof c === 'string' && V1_CONTEXT.test(c));
}

/** 1.1 dates may be Unix timestamps (seconds) or bare days; 2.0 wants a date-time with a zone. */
function upgradeDate(value: unknown): unknown {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d{9,11}$/.test(value) ? Number(value) : undefined;
  if (seconds !== undefined && Number.isFinite(seconds)) return formatUnixSeconds(seconds);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00Z`;
  return value;
}

function formatUnixSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace(/\.000Z$/, 'Z');
}

/** A 1.1 document in 2.0's shape: the v2 context, and dates in 2.0's form; the rest is read as 2.0 reads it. */
function upgradeLegacyDocument(doc: Record<string, unknown>): Record<string, unknown> {
  const upgraded: Record<string, unknown> = { ...doc, '@context': OPEN_BADGES_V2_CONTEXT };
  for (const key of ['issuedOn', 'expires']) if (upgraded[key] !== undefined) upgraded[key] = upgradeDate(upgraded[key]);
  return upgraded;
}

function olderVersionOf(json: Record<string, unknown>): '1.1' | '1.0' | '0.5' | undefined {
  const context = json['@context'];
  const contexts = Array.isArray(context) ? context : [context];
  if (contexts.some((c) => typeof c === 'string' && V1_CONTEXT.test(c))) return '1.1';
  if (context !== undefined) return undefined;
  if (typeof json.recipient === 'string' && isJsonObject(json.badge)) return '0.5';
  if (isJsonObject(json.verify) || typeof json.uid === 'string') return '1.0';
  return undefined;
}

class Verification {
  private readonly checks = new Map<CheckCode, Check>(CHECK_ORDER.map((code) => [code, { code, ok: null }]));
  private readonly fetches = new Map<string, Promise<Fetched>>();
  private readonly now: Date;
  verificationType: VerificationReport['verificationType'] = null;
  assertion?: Assertion;
  badgeClass?: BadgeClass;
  issuer?: IssuerProfile;
  /** The issuer Profile as fetched at its own http(s) id; undefined when only an embedded copy was seen. */
  private hostedIssuer?: IssuerProfile;
  private keyHost?: string;
  revocationReason?: string;
  recipientMatches?: boolean;
  openBadgesVersion?: VerificationReport['openBadgesVersion'];
  private readonly notes: VerificationNote[] = [];
  private pendingImage: Promise<void> = Promise.resolve();
  private badgeClassImage?: VerificationReport['badgeClassImage'];

  constructor(private readonly options: VerifyOptions) {
    this.now = options.now;
  }

  pass(code: CheckCode, detail?: string): void {
    const check = this.checks.get(code)!;
    if (check.ok === false) return;
    this.checks.set(code, { code, ok: true, ...(detail !== undefined && { detail }) });
  }

  /** The first failure of a check is kept: it is the cause, later ones are consequences. */
  fail(code: CheckCode, reason: CheckReason, detail: string, where: Where = {}): false {
    if (this.checks.get(code)!.ok !== false) this.checks.set(code, { code, ok: false, reason, detail, ...where });
    return false;
  }

  skip(code: CheckCode, detail: string, reason?: CheckReason): void {
    if (this.checks.get(code)!.ok === null) {
      this.checks.set(code, { code, ok: null, ...(reason !== undefined && { reason }), detail });
    }
  }

  failed(code: CheckCode): boolean {
    return this.checks.get(code)!.ok === false;
  }

  checkPassed(code: CheckCode): boolean {
    return this.checks.get(code)!.ok === true;
  }

  private fetch(url: string): Promise<Fetched> {
    let pending = this.fetches.get(url);
    if (!pending) {
      pending = (async (): Promise<Fetched> => {
        try {
          const response = await this.options.loader.fetchJson(url);
          if (!isJsonObject(response) || typeof response.status !== 'number') {
            return { ok: false, detail: `no usable response for ${url}` };
          }
          this.noteServing(url, response);
          return response.status === 200
            ? { ok: true, body: response.body }
            : { ok: false, detail: `${url} answered HTTP ${response.status}` };
        } catch (error) {
          return { ok: false, detail: `${url} could not be fetched: ${errorText(error)}` };
        }
      })();
      this.fetches.set(url, pending);
    }
    return pending;
  }

  note(code: VerificationNote['code'], url: string, detail: string, contentType?: string): void {
    if (!this.notes.some((n) => n.code === code && n.url === url)) {
      this.notes.push({ code, url, detail, ...(contentType !== undefined && { contentType }) });
    }
  }

  private noteServing(url: string, response: LoadedDocument): void {
    if (typeof response.contentType === 'string') {
      const type = response.contentType;
      this.note('content_type', url, `${url} is served as ${type}, not application/ld+json: it was read as JSON`, type);
    }
  }

  /**
   * An assertion of an older version of the standard. A hosted 1.1 one is
   * read as 2.0 for the checks, as the reference validator does (same trust:
   * fetched at its URL, on its issuer's host); the others (signed 1.x, whose
   * keys are bare PEM files, 1.0 and 0.5) are said not to be checked.
   */
  private olderVersion(json: unknown, url?: string): 'upgrade' | 'stop' | 'none' {
    const version = isJsonObject(json) ? olderVersionOf(json) : undefined;
    if (version === undefined) return 'none';
    this.openBadgesVersion = version;
    if (version === '1.1' && url !== undefined && isJsonObject(json) && verificationTypeOf(json) === 'HostedBadge') {
      this.note('upgraded', url, 'an Open Badges 1.1 hosted assertion: read as 2.0 for the checks, as the reference validator does');
      return 'upgrade';
    }
    this.fail('structure', 'older_version', `an Open Badges ${version} assertion: older versions of the standard are not checked`);
    return 'stop';
  }

  // ------------------------------------------------------------- input

  async run(input: BadgeInput): Promise<void> {
    const source = this.resolve(input);
    if (!source) return;
    if (source.kind === 'hosted') await this.hosted(source.url);
    else await this.signed(source.kind === 'signed' ? source.jws : null, source.kind === 'signedWithoutJws' ? source.json : null);
    await this.pendingImage;
  }

  private resolve(input: BadgeInput): Source | null {
    if (!isJsonObject(input)) {
      this.fail('structure', 'unrecognised_input', 'the input is not a BadgeInput');
      return null;
    }
    switch (input.kind) {
      case 'url':
        if (!isHttpUrl(input.url)) {
          this.fail('structure', 'unrecognised_input', 'the URL is not an http(s) URL');
          return null;
        }
        return { kind: 'hosted', url: input.url };
      case 'jws':
        return typeof input.jws === 'string'
          ? { kind: 'signed', jws: input.jws.trim() }
          : (this.fail('structure', 'unrecognised_input', 'the JWS is not text'), null);
      case 'png': {
        let text: string | null;
        try {
          text = unbakePng(input.bytes);
        } catch (error) {
          this.fail('structure', 'unreadable_image', `the PNG cannot be read: ${errorText(error)}`);
          return null;
        }
        if (text === null) {
          this.fail('structure', 'not_baked', 'the PNG carries no openbadges data');
          return null;
        }
        return this.resolveText(text);
      }
      case 'svg': {
        let baked;
        try {
          baked = unbakeSvg(input.text);
        } catch (error) {
          this.fail('structure', 'unreadable_image', `the SVG cannot be read: ${errorText(error)}`);
          return null;
        }
        if (baked === null) {
          this.fail('structure', 'not_baked', 'the SVG carries no openbadges:assertion');
          return null;
        }
        return baked.json !== undefined ? this.resolveText(baked.json) : this.resolveText(baked.verify);
      }
      case 'json':
        return typeof input.json === 'string' ? this.resolveText(input.json) : this.resolveJson(input.json);
      default:
        this.fail('structure', 'unrecognised_input', 'unknown input kind');
        return null;
    }
  }

  private resolveText(raw: string): Source | null {
    const text = raw.trim();
    if (looksLikeCompactJws(text)) return { kind: 'signed', jws: text };
    if (text.startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        this.fail('structure', 'not_json', 'the baked or given assertion is not valid JSON');
        return null;
      }
      return this.resolveJson(json);
    }
    // Legacy 1.0 PNGs baked the hosted assertion's URL.
    if (isHttpUrl(text)) return { kind: 'hosted', url: text };
    this.fail('structure', 'unrecognised_input', 'neither a URL, a JWS, nor assertion JSON');
    return null;
  }

  /**
   * An assertion in hand: a hosted one only tells us where the real one lives
   * (the spec: trust nothing else in it); a signed one without its JWS cannot
   * prove anything.
   */
  private resolveJson(json: unknown): Source | null {
    if (!isJsonObject(json)) {
      this.fail('structure', 'not_an_object', 'the assertion is not a JSON object');
      return null;
    }
    const legacyUrl = idOf(json.id) ?? (isJsonObject(json.verify) ? idOf(json.verify.url) : undefined);
    // A hosted 1.1 assertion in hand, like a 2.0 one, only says where the real one lives.
    if (olderVersionOf(json) === '1.1' && verificationTypeOf(json) === 'HostedBadge' && isHttpUrl(legacyUrl)) {
      return { kind: 'hosted', url: legacyUrl };
    }
    if (this.olderVersion(json) !== 'none') return null;
    const type = verificationTypeOf(json);
    if (type === 'HostedBadge') {
      if (isHttpUrl(json.id)) return { kind: 'hosted', url: json.id };
      this.fail('structure', 'invalid_property', 'a hosted assertion needs its http(s) URL as id', { document: 'assertion', field: 'id' });
      return null;
    }
    if (type === 'SignedBadge') return { kind: 'signedWithoutJws', json };
    this.fail('structure', 'invalid_property', 'the assertion declares neither HostedBadge nor SignedBadge verification', {
      document: 'assertion',
      field: 'verification.type',
    });
    return null;
  }

  // ------------------------------------------------------------ hosted

  private async hosted(url: string, pasted = true): Promise<void> {
    this.verificationType = 'HostedBadge';
    let response: LoadedDocument;
    try {
      const raw = await this.options.loader.fetchJson(url, pasted ? { acceptImage: true } : undefined);
      if (!isJsonObject(raw) || typeof raw.status !== 'number') throw new Error('no usable response');
      response = raw;
    } catch (error) {
      this.fail('structure', 'assertion_unavailable', `${url} could not be fetched: ${errorText(error)}`);
      return;
    }
    this.noteServing(url, response);
    if (pasted && response.status === 200 && response.image) {
      // The URL of a baked badge image: the badge is what is baked into it.
      this.note('baked_image_url', url, `${url} is a baked badge image (${response.image.mime}): the badge baked into it was verified`);
      const image = response.image;
      const source = this.resolve(
        image.mime === 'image/png'
          ? { kind: 'png', bytes: image.bytes }
          : { kind: 'svg', text: new TextDecoder('utf-8').decode(image.bytes) },
      );
      if (!source) return;
      if (source.kind === 'hosted') return this.hosted(source.url, false);
      return this.signed(source.kind === 'signed' ? source.jws : null, source.kind === 'signedWithoutJws' ? source.json : null);
    }
    let body = response.body;
    // The id is the source of truth (spec, "HostedBadge Verification"): a URL that
    // differs from it (an old path redirected, a query string added) is
    // fetched again at the id, as the reference validator does, and noted.
    const id = isJsonObject(body) && typeof body.id === 'string' ? body.id : undefined;
    if (pasted && id !== undefined && isHttpUrl(id) && !sameUrl(id, url)) {
      if (response.finalUrl !== undefined && sameUrl(response.finalUrl, id)) {
        this.note('redirected', url, `${url} redirects to the assertion's id ${id}`);
      } else {
        this.note('fetched_at_id', url, `${url} serves the assertion whose id is ${id}: it was fetched again at its id`);
        return this.hosted(id, false);
      }
      url = id;
    }
    const older = this.olderVersion(body, url);
    if (older === 'stop') return;
    if (older === 'upgrade') body = upgradeLegacyDocument(body as Record<string, unknown>);
    const revoked = response.status === 410 || (isJsonObject(body) && body.revoked === true);
    if (revoked) {
      const reason = isJsonObject(body) && typeof body.revocationReason === 'string' ? body.revocationReason : undefined;
      if (reason !== undefined) this.revocationReason = reason;
      this.fail('revocation', 'revoked', `${url} says the assertion is revoked${reason ? `: ${reason}` : ''}`);
      if (isJsonObject(body) && typeof body.id === 'string') this.checkServedAt(body.id, url);
    } else if (response.status !== 200) {
      this.fail('structure', 'assertion_unavailable', `${url} answered HTTP ${response.status}`);
      return;
    }

    const validated = validateAssertion(body);
    if (!validated.ok) {
      // A revoked assertion may be stripped down to id and revoked: nothing more to check.
      if (revoked) {
        this.skip('structure', 'the revoked assertion is published without its content');
        return;
      }
      this.failStructure(validated);
      return;
    }
    const assertion = validated.value;
    this.assertion = assertion;
    this.openBadgesVersion ??= '2.0';
    if (assertion.verification.type !== 'HostedBadge') {
      this.fail('structure', 'verification_type_mismatch', `${url} serves an assertion that is not HostedBadge`);
      return;
    }
    this.checkServedAt(assertion.id, url);

    const badgeClass = await this.loadBadgeClass(isJsonObject(body) ? body.badge : undefined);
    const issuerRaw = badgeClass ? await this.loadIssuer(badgeClass.raw) : undefined;
    if (issuerRaw && badgeClass && this.hostedIssuer) {
      this.checkHostedScope(assertion.id, badgeClass.value.id, issuerRaw.value, hostedScopeOf(issuerRaw.raw));
      // The issuer's own host serves the assertion (or its Profile allows where it lives): it vouches for it.
      if (!this.failed('hostedId')) this.pass('issuer', `the issuer Profile is published at ${this.hostedIssuer.id}`);
    }
    if (!revoked) this.pass('revocation', `${url} serves the assertion and does not mark it revoked`);
    this.common(assertion);
  }

  private checkServedAt(id: string, url: string): void {
    if (sameUrl(id, url)) this.pass('hostedId', 'the assertion is served at its id');
    else this.fail('hostedId', 'id_mismatch', `the assertion fetched from ${url} has id ${id}`);
  }

  /** The spec's default scope is the issuer's host and port; a Profile may widen or narrow it. */
  private checkHostedScope(assertionId: string, badgeClassId: string, issuer: IssuerProfile, scope: HostedScope): void {
    // A declared scope (startsWith, allowedOrigins) applies to the assertion's id, its
    // verificationProperty; only the default scope also holds the BadgeClass (spec, HostedBadge).
    const declared = scope.startsWith.length > 0 || scope.allowedOrigins.length > 0;
    const inScope = (id: string): boolean => {
      if (scope.startsWith.length > 0) return scope.startsWith.some((prefix) => id.startsWith(prefix));
      if (scope.allowedOrigins.length > 0) {
        const host = parseHttpUrl(id)?.hostname.toLowerCase();
        return host !== undefined && scope.allowedOrigins.some((origin) => origin.toLowerCase() === host);
      }
      return sameHostAndPort(id, issuer.id);
    };
    if (!inScope(assertionId)) {
      this.fail('hostedId', 'assertion_host_mismatch', `the assertion ${assertionId} is not on the issuer's host (${issuer.id})`);
    } else if (!declared && isHttpUrl(badgeClassId) && !inScope(badgeClassId)) {
      this.fail('hostedId', 'badge_class_host_mismatch', `the BadgeClass ${badgeClassId} is not on the issuer's host (${issuer.id})`);
    } else {
      this.pass('hostedId');
    }
  }

  // ------------------------------------------------------------ signed

  private async signed(jws: string | null, unsignedJson: Record<string, unknown> | null): Promise<void> {
    this.verificationType = 'SignedBadge';
    let payload: unknown = unsignedJson;
    if (jws !== null) {
      try {
        payload = decodeAssertionJws(jws).payload;
      } catch (error) {
        this.fail('structure', 'malformed_jws', errorText(error));
        return;
      }
    }
    if (this.olderVersion(payload) !== 'none') return;
    const validated = validateAssertion(payload);
    if (!validated.ok) {
      this.failStructure(validated);
      return;
    }
    const assertion = validated.value;
    this.assertion = assertion;
    this.openBadgesVersion ??= '2.0';
    if (assertion.verification.type !== 'SignedBadge') {
      this.fail('structure', 'verification_type_mismatch', 'a JWS must carry a SignedBadge assertion');
      return;
    }
    const creator = assertion.verification.creator;

    const [issuer, key] = await Promise.all([
      this.loadBadgeClass(isJsonObject(payload) ? payload.badge : undefined).then((badgeClass) =>
        badgeClass ? this.loadIssuer(badgeClass.raw) : undefined,
      ),
      this.loadKey(creator),
    ]);

    if (jws === null) {
      this.fail('signature', 'signature_missing', 'a SignedBadge assertion was given without its JWS');
    } else if (key) {
      await this.checkSignature(jws, key);
    }
    // Only a Profile fetched at its own address can own a key: an embedded one is the signer's own word.
    const hostedIssuer = this.hostedIssuer;
    if (key && hostedIssuer) this.checkKeyOwnership(creator, key, hostedIssuer);
    if (hostedIssuer && this.checkPassed('signature') && this.checkPassed('keyOwnership')) {
      this.pass('issuer', `the key ${creator} is listed by the issuer Profile published at ${hostedIssuer.id}`);
    }
    if (issuer && hostedIssuer) await this.checkRevocationList(assertion, hostedIssuer, isJsonObject(payload) ? payload : {});
    if (assertion.revoked === true) {
      this.fail('revocation', 'revoked', 'the signed assertion itself says it is revoked');
    }
    this.common(assertion);
  }

  private async loadKey(creator: string): Promise<CryptographicKey | undefined> {
    const fetched = await this.fetch(creator);
    if (!fetched.ok) {
      this.fail('signature', 'key_unavailable', fetched.detail);
      return undefined;
    }
    const validated = validateCryptographicKey(fetched.body);
    if (!validated.ok) {
      const first = validated.problems[0];
      this.fail('signature', 'invalid_key', problemsText(validated.problems), {
        document: 'key',
        ...(first?.field !== undefined && { field: first.field }),
      });
      return undefined;
    }
    this.keyHost = hostOf(creator);
    return validated.value;
  }

  private async checkSignature(jws: string, key: CryptographicKey): Promise<void> {
    try {
      await verifyAssertionJws(jws, key.publicKeyPem);
      this.pass('signature', `RS256 signature verified with ${key.id}`);
    } catch (error) {
      if (!(error instanceof OpenBadgesError)) throw error;
      const reason: CheckReason =
        error.code === 'jws_bad_signature'
          ? 'bad_signature'
          : error.code === 'jws_unsupported_algorithm'
            ? 'unsupported_algorithm'
            : error.code === 'jws_weak_key'
              ? 'weak_key'
              : error.code === 'jws_bad_key'
                ? 'invalid_key'
                : 'malformed_jws';
      const header = (() => {
        try {
          return decodeAssertionJws(jws).header;
        } catch {
          return {};
        }
      })();
      this.fail('signature', reason, error.message, {
        ...(reason === 'unsupported_algorithm' && { params: { alg: String(header.alg ?? '?') } }),
        ...((reason === 'weak_key' || reason === 'invalid_key') && { document: 'key' as const, field: 'publicKeyPem' }),
      });
    }
  }

  /**
   * The key must point at the issuer (owner) and the issuer at the key
   * (publicKey): either link alone could be claimed by anyone.
   */
  private checkKeyOwnership(creator: string, key: CryptographicKey, issuer: IssuerProfile): void {
    if (!sameUrl(key.id, creator)) {
      this.fail('keyOwnership', 'key_id_mismatch', `the key fetched from ${creator} has id ${key.id}`, { document: 'key', field: 'id' });
      return;
    }
    // Stricter than the reference validator, which does not check owner: without it, nothing ties the key to the issuer.
    if (!sameUrl(key.owner, issuer.id)) {
      this.fail('keyOwnership', 'key_owner_mismatch', `the key's owner ${key.owner} is not the issuer ${issuer.id}`, {
        document: 'key',
        field: 'owner',
      });
      return;
    }
    const listed = [issuer.publicKey ?? []].flat();
    if (!listed.some((k) => sameUrl(k, creator))) {
      // A key the issuer's own host still publishes, naming the issuer, but no longer listed: a rotation, not a forgery.
      const replaced = sameHostAndPort(creator, issuer.id);
      this.fail(
        'keyOwnership',
        replaced ? 'key_replaced' : 'key_not_listed',
        replaced
          ? `the issuer no longer lists ${creator}, which its host still publishes: the key was replaced`
          : `the issuer's publicKey does not list ${creator}`,
        { document: 'issuer', field: 'publicKey' },
      );
      return;
    }
    this.pass('keyOwnership');
  }

  private async checkRevocationList(assertion: Assertion, issuer: IssuerProfile, payload: Record<string, unknown>): Promise<void> {
    if (!issuer.revocationList) {
      this.skip('revocation', 'the issuer publishes no revocation list', 'no_revocation_list');
      return;
    }
    const fetched = await this.fetch(issuer.revocationList);
    if (!fetched.ok) {
      this.fail('revocation', 'revocation_list_unavailable', fetched.detail);
      return;
    }
    const list = validateRevocationList(fetched.body);
    if (!list.ok) {
      this.fail('revocation', 'revocation_list_unavailable', problemsText(list.problems), { document: 'revocationList' });
      return;
    }
    const uid = typeof payload.uid === 'string' ? payload.uid : undefined;
    const entry = list.value.revokedAssertions.find((r) => r.id === assertion.id || (uid !== undefined && r.uid === uid));
    if (entry) {
      if (entry.revocationReason !== undefined) this.revocationReason = entry.revocationReason;
      this.fail('revocation', 'revoked', `${assertion.id} is in the issuer's revocation list`);
    } else {
      this.pass('revocation', `${assertion.id} is not in the issuer's revocation list`);
    }
  }

  // ------------------------------------------------------------ shared

  private failStructure(validated: Validated<unknown>): void {
    if (validated.ok) return;
    const first = validated.problems[0];
    this.fail('structure', first?.reason ?? 'invalid_property', problemsText(validated.problems), {
      ...(first?.document !== undefined && { document: first.document }),
      ...(first?.field !== undefined && { field: first.field }),
    });
  }

  /**
   * A linked document: fetched at its URL when it has one (the hosted copy is
   * the issuer's word), used as embedded otherwise. Either way it must be
   * served at exactly its id.
   */
  private async loadLinked<T extends { id: string }>(
    ref: unknown,
    what: 'badge_class' | 'issuer',
    validate: (json: unknown, options: { embedded: boolean; legacy?: boolean }) => Validated<T>,
  ): Promise<{ value: T; raw: unknown } | undefined> {
    const unavailable = what === 'badge_class' ? 'badge_class_unavailable' : 'issuer_unavailable';
    const label = what === 'badge_class' ? 'BadgeClass' : 'issuer Profile';
    const id = idOf(ref);
    if (id === undefined) {
      this.fail('structure', 'missing_property', `no ${label} is linked`, {
        document: what === 'badge_class' ? 'assertion' : 'badgeClass',
        field: what === 'badge_class' ? 'badge' : 'issuer',
      });
      return undefined;
    }
    let raw: unknown = ref;
    let embedded = true;
    if (isHttpUrl(id)) {
      const fetched = await this.fetch(id);
      if (!fetched.ok) {
        this.fail('structure', unavailable, `${label}: ${fetched.detail}`);
        return undefined;
      }
      raw = fetched.body;
      embedded = false;
    } else if (!isJsonObject(ref)) {
      this.fail('structure', unavailable, `the ${label} ${id} is neither fetchable nor embedded`);
      return undefined;
    }
    // A 1.1 BadgeClass or Profile is read as 2.0, as the reference validator reads it.
    const legacy = isJsonObject(raw) && hasV1Context(raw);
    const validated = validate(legacy && isJsonObject(raw) ? upgradeLegacyDocument(raw) : raw, {
      embedded,
      ...(legacy && { legacy: true }),
    });
    if (!validated.ok) {
      this.failStructure(validated);
      return undefined;
    }
    if (!sameUrl(validated.value.id, id)) {
      this.fail('structure', 'document_id_mismatch', `the ${label} fetched from ${id} has id ${validated.value.id}`);
      return undefined;
    }
    return { value: validated.value, raw };
  }

  private async loadBadgeClass(ref: unknown): Promise<{ value: BadgeClass; raw: Record<string, unknown> } | undefined> {
    const loaded = await this.loadLinked(ref, 'badge_class', validateBadgeClass);
    if (!loaded || !isJsonObject(loaded.raw)) return undefined;
    this.badgeClass = loaded.value;
    // Checked while the issuer and key are fetched.
    this.pendingImage = this.checkBadgeClassImage(loaded.value.image);
    return { value: loaded.value, raw: loaded.raw };
  }

  /** The BadgeClass image must be a PNG or SVG image, fetchable when linked (VAL refuses a badge otherwise). */
  private async checkBadgeClassImage(image: string): Promise<void> {
    const where: Where = { document: 'badgeClass', field: 'image' };
    if (isDataUri(image)) {
      if (!/^data:image\/(?:png|svg\+xml)[;,]/i.test(image.trim())) {
        this.fail('structure', 'badge_class_image_not_image', 'the BadgeClass image is a data URI of neither PNG nor SVG', where);
      }
      return;
    }
    if (!isHttpUrl(image)) {
      this.fail(
        'structure',
        'badge_class_image_not_image',
        `the BadgeClass image ${image} is neither an http(s) URL nor a data URI`,
        where,
      );
      return;
    }
    const loader = this.options.loader;
    if (typeof loader.fetchImage !== 'function') return;
    try {
      const fetched = await loader.fetchImage(image);
      if (fetched === null) return;
      if (!isJsonObject(fetched) || fetched.status !== 200) {
        this.fail('structure', 'badge_class_image_unavailable', `the BadgeClass image ${image} answered HTTP ${fetched?.status}`, where);
        return;
      }
      const mime = imageType(fetched.bytes);
      if (!mime) {
        this.fail('structure', 'badge_class_image_not_image', `the BadgeClass image ${image} is not a PNG or SVG image`, where);
        return;
      }
      this.badgeClassImage = { mime, bytes: fetched.bytes };
    } catch (error) {
      this.fail(
        'structure',
        'badge_class_image_unavailable',
        `the BadgeClass image ${image} could not be fetched: ${errorText(error)}`,
        where,
      );
    }
  }

  /**
   * The issuer Profile is proof only when fetched at its own http(s) id. One
   * embedded under another id (a `urn:uuid:`, say) is read for display and
   * the issuer stays unestablished: a signer cannot vouch for itself.
   */
  private async loadIssuer(badgeClassRaw: Record<string, unknown>): Promise<{ value: IssuerProfile; raw: unknown } | undefined> {
    const ref = badgeClassRaw.issuer;
    const id = idOf(ref);
    if (id !== undefined && !isHttpUrl(id) && isJsonObject(ref)) {
      const embedded = validateIssuerProfile(ref, { embedded: true });
      if (embedded.ok) this.issuer = embedded.value;
      this.fail(
        'issuer',
        'issuer_not_established',
        `the issuer Profile ${id} is only embedded in the badge, not published at an http(s) address: nothing proves who issued it`,
      );
      return undefined;
    }
    const loaded = await this.loadLinked(ref, 'issuer', validateIssuerProfile);
    if (loaded) {
      this.issuer = loaded.value;
      if (isHttpUrl(id)) this.hostedIssuer = loaded.value;
    }
    return loaded;
  }

  private common(assertion: Assertion): void {
    if (!this.failed('structure')) this.pass('structure');
    const now = this.now.getTime();

    const expires = assertion.expires === undefined ? null : parseDateTime(assertion.expires);
    if (expires === null) this.skip('expiry', 'the assertion has no expiry date');
    else if (hasExpired(expires, this.now)) this.fail('expiry', 'expired', `the assertion expired on ${assertion.expires}`);
    else this.pass('expiry', `the assertion expires on ${assertion.expires}`);

    const issuedOn = parseDateTime(assertion.issuedOn);
    if (issuedOn && issuedOn.getTime() > now + ISSUED_ON_SKEW_MS) {
      this.fail('issuedOn', 'issued_in_future', `issuedOn ${assertion.issuedOn} is in the future`);
    } else {
      this.pass('issuedOn');
    }

    const email = this.options.recipientEmail;
    if (typeof email === 'string' && email.trim() !== '') {
      this.recipientMatches = recipientMatches(assertion.recipient, email);
      if (this.recipientMatches) this.pass('recipient');
      else this.fail('recipient', 'recipient_mismatch', 'the badge was not awarded to this email address');
    }
  }

  report(): VerificationReport {
    // Never a verdict about a badge whose issuer nothing established, even if every other check passed.
    if (this.assertion && this.checks.get('issuer')!.ok === null && !CHECK_ORDER.some((code) => this.failed(code))) {
      this.fail('issuer', 'issuer_not_established', 'no issuer Profile fetched at its own address vouches for this badge');
    }
    const checks = CHECK_ORDER.map((code) => this.checks.get(code)!);
    const failures = checks.filter((c) => c.ok === false);
    const revoked = failures.find((c) => c.code === 'revocation' && c.reason === 'revoked');
    const expired = failures.find((c) => c.code === 'expiry');
    const recipient = failures.find((c) => c.code === 'recipient');
    // A wrong recipient says nothing about the badge itself, only about who holds it.
    const integrity = failures.filter((c) => c !== revoked && c !== expired && c !== recipient);
    // Revoked first, whatever else fails: the issuer's own word that the badge no longer counts.
    const status: VerificationStatus = revoked ? 'revoked' : integrity.length > 0 ? 'invalid' : expired ? 'expired' : 'valid';
    const decisive = revoked ?? integrity[0] ?? expired ?? recipient;
    return {
      valid: status === 'valid' && failures.length === 0,
      status,
      ...(decisive?.reason !== undefined && { reason: decisive.reason }),
      verificationType: this.verificationType,
      checks,
      ...(this.assertion !== undefined && { assertion: this.assertion }),
      ...(this.badgeClass !== undefined && { badgeClass: this.badgeClass }),
      ...(this.issuer !== undefined && { issuer: this.issuer }),
      issuerIdentity: {
        established: this.checkPassed('issuer'),
        ...(this.hostedIssuer !== undefined && { publishedBy: hostOf(this.hostedIssuer.id) }),
        ...(this.keyHost !== undefined && { keyPublishedBy: this.keyHost }),
      },
      ...(this.revocationReason !== undefined && { revocationReason: this.revocationReason }),
      ...(this.recipientMatches !== undefined && { recipientMatches: this.recipientMatches }),
      ...(this.openBadgesVersion !== undefined && { openBadgesVersion: this.openBadgesVersion }),
      notes: [...this.notes],
      ...(this.badgeClassImage !== undefined && { badgeClassImage: this.badgeClassImage }),
    };
  }
}

/** A PNG by its signature, an SVG by its root element near the start: what the bytes are, whatever they were served as. */
function imageType(bytes: unknown): 'image/png' | 'image/svg+xml' | undefined {
  if (!(bytes instanceof Uint8Array)) return undefined;
  if (isPng(bytes)) return 'image/png';
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '');
  return /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(head) ? 'image/svg+xml' : undefined;
}

/** What a person reads as "the site": the host, with its port when not the scheme's default. */
function hostOf(url: string): string | undefined {
  const parsed = parseHttpUrl(url);
  return parsed ? parsed.host.toLowerCase() : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function problemsText(problems: StructureProblem[]): string {
  return problems.map((p) => p.detail).join('; ');
}

/**
 * Verifies an Open Badge the way VAL and OBP would, with the caller's loader.
 * Never throws: unusable input yields status 'invalid' with a failing
 * `structure` check.
 */
export async function verifyBadge(input: BadgeInput, options: VerifyOptions): Promise<VerificationReport> {
  const verification = new Verification(options ?? ({} as VerifyOptions));
  try {
    if (!isJsonObject(options) || !isJsonObject(options.loader) || typeof options.loader.fetchJson !== 'function') {
      verification.fail('structure', 'unexpected_error', 'verifyBadge needs a DocumentLoader');
    } else {
      await verification.run(input);
    }
  } catch (error) {
    verification.fail('structure', 'unexpected_error', `verification stopped: ${errorText(error)}`);
  }
  return verification.report();
}
