// Reading any issuer's Open Badges 3.0 credential, for « Vérifier un badge »:
// the credential taken out of its JSON, PNG or SVG, then checked one step at a
// time (schema, key published by the issuer, proof, status, dates) into the
// same report as 2.0. Pure: documents come through the caller's loader (which
// owns the network rules), the instant is `now`, contexts are the local copies.
import { createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { verifyCredential } from '@digitalbazaar/vc';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { unbakePngKeyword } from '../bake/png.ts';
import type { Check, DocumentLoader, VerificationReport } from '../verify.ts';
import type { BadgeClass, IdentityObject, IssuerProfile } from '../documents.ts';
import { recipientMatches } from '../recipient.ts';
import { localDocumentLoader, MULTIKEY_CONTEXT } from './contexts.ts';
import { PNG_CREDENTIAL_KEYWORD } from './bake-png.ts';
import achievementCredentialSchema from './schemas/achievementcredential.json' with { type: 'json' };

const ajv = new Ajv2019.default({ strict: false, allErrors: true });
addFormats.default(ajv);
/** Compiled once, at load. */
const validateSchema = ajv.compile(achievementCredentialSchema);

const CREDENTIAL_TYPES = new Set(['VerifiableCredential', 'OpenBadgeCredential', 'AchievementCredential']);
const VC_CONTEXTS = new Set(['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/2018/credentials/v1']);

/** Whether a parsed JSON document is a verifiable credential (3.0) rather than a 2.0 assertion. */
export function isCredentialJson(json: unknown): json is Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const { '@context': context, type } = json as Record<string, unknown>;
  const contexts = Array.isArray(context) ? context : [context];
  const types = Array.isArray(type) ? type : [type];
  return (
    contexts.some((c) => typeof c === 'string' && VC_CONTEXTS.has(c)) || types.some((t) => typeof t === 'string' && CREDENTIAL_TYPES.has(t))
  );
}

/** The credential baked in a PNG (iTXt `openbadgecredential`), null when none; throws on a broken PNG. */
export function credentialFromPng(png: Uint8Array): string | null {
  return unbakePngKeyword(png, PNG_CREDENTIAL_KEYWORD);
}

const SVG_CREDENTIAL = /<openbadges:credential(?:\s[^>]*)?>([\s\S]*?)<\/openbadges:credential\s*>/;

/** The credential baked in an SVG (`<openbadges:credential>`), null when none. */
export function credentialFromSvg(svg: string): string | null {
  const found = SVG_CREDENTIAL.exec(svg);
  if (!found) return null;
  return found[1]!
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part, i) =>
      i % 2 === 1
        ? part.slice(9, -3)
        : part
            .replace(/<!--[\s\S]*?-->/g, '')
            .replace(/&lt;/g, '<')
            .replace(/&gt;/g, '>')
            .replace(/&quot;/g, '"')
            .replace(/&apos;/g, "'")
            .replace(/&amp;/g, '&'),
    )
    .join('')
    .trim();
}

/** A compact JWS whose header or payload says it is a VC-JWT. */
export function isVcJwt(text: string): boolean {
  const [header, payload] = text.split('.');
  try {
    const h = JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof h.typ === 'string' && /^(vc\+jwt|vc\+ld\+jwt|vc\+sd-jwt)$/i.test(h.typ)) return true;
    const p = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    return typeof p.vc === 'object' || isCredentialJson(p);
  } catch {
    return false;
  }
}

interface Dated {
  validFrom?: Date;
  validUntil?: Date;
}

/** What the report carries beside the 2.0 fields. */
export interface CredentialReport extends VerificationReport, Dated {
  credentialId?: string;
  issuerId?: string;
}

function emptyReport(checks: Check[]): CredentialReport {
  return {
    valid: false,
    status: 'invalid',
    verificationType: null,
    checks,
    issuerIdentity: { established: false },
    notes: [],
    openBadgesVersion: '3.0',
  };
}

/** A form this verifier recognises as 3.0 but does not read (a VC-JWT): said as such, never « forged ». */
export function unreadCredentialReport(reason: 'vc_jwt_unsupported' | 'not_baked_v3' | 'credential_not_json'): CredentialReport {
  const report = emptyReport([{ code: 'schema', ok: false, reason }]);
  report.reason = reason;
  return report;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const idOf = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string'
      ? (v as { id: string }).id
      : undefined;
const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
};
const dateOf = (v: unknown): Date | undefined => {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : new Date(ms);
};

class Step extends Error {
  constructor(readonly check: Check) {
    super(check.reason);
  }
}

/** Fetches a JSON document; a refusal, a non-200 or a non-object is `reason`. */
async function fetchDocument(loader: DocumentLoader, url: string, code: Check['code'], reason: NonNullable<Check['reason']>) {
  let body: unknown;
  try {
    const answer = await loader.fetchJson(url);
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`);
    body = answer.body;
  } catch (error) {
    throw new Step({ code, ok: false, reason, detail: `${url}: ${(error as Error).message}` });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Step({ code, ok: false, reason, detail: `${url}: not a JSON object` });
  return body as Record<string, unknown>;
}

interface DiscoveredKey {
  keyId: string;
  key: Record<string, unknown>;
  profile: Record<string, unknown>;
}

/**
 * The signing key, trusted only as the issuer publishes it: the document at
 * the verificationMethod's address (or the one it is a fragment of) gives the
 * key, its controller must be the issuer's id, and the Profile fetched at that
 * id must list it under assertionMethod.
 */
async function discoverKey(
  proof: Record<string, unknown>,
  issuerId: string,
  loader: DocumentLoader,
  cache: Map<string, Record<string, unknown>>,
) {
  const keyId = proof.verificationMethod;
  if (typeof keyId !== 'string' || !/^https?:\/\//.test(keyId)) {
    throw new Step({ code: 'keyDiscovery', ok: false, reason: 'key_not_http', params: { url: String(keyId ?? '') } });
  }
  const fetchOnce = async (url: string, reason: NonNullable<Check['reason']>) => {
    const cached = cache.get(url);
    if (cached) return cached;
    const fetched = await fetchDocument(loader, url, 'keyDiscovery', reason);
    cache.set(url, fetched);
    return fetched;
  };
  const base = keyId.split('#')[0]!;
  const document = await fetchOnce(base, 'key_unavailable');
  const key =
    document.id === keyId
      ? document
      : ([...asArray(document.verificationMethod), ...asArray(document.assertionMethod)].find(
          (k) => typeof k === 'object' && k !== null && (k as { id?: unknown }).id === keyId,
        ) as Record<string, unknown> | undefined);
  if (!key || (typeof key.publicKeyMultibase !== 'string' && typeof key.publicKeyJwk !== 'object'))
    throw new Step({ code: 'keyDiscovery', ok: false, reason: 'key_unavailable', detail: `no key ${keyId}` });
  if (key.controller !== issuerId) throw new Step({ code: 'keyDiscovery', ok: false, reason: 'key_controller_mismatch' });
  const profile = base === issuerId ? document : await fetchOnce(issuerId, 'issuer_unavailable');
  if (profile.id !== issuerId)
    throw new Step({ code: 'keyDiscovery', ok: false, reason: 'issuer_unavailable', detail: 'the Profile has another id' });
  if (!asArray(profile.assertionMethod).some((k) => idOf(k) === keyId)) {
    throw new Step({ code: 'keyDiscovery', ok: false, reason: 'key_not_assertion_method' });
  }
  return { keyId, key, profile } satisfies DiscoveredKey;
}

/** The one Data Integrity proof we read; another kind is said, not failed as forged. */
function proofOf(credential: Record<string, unknown>): Record<string, unknown> {
  const proofs = asArray(credential.proof).filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null);
  if (proofs.length === 0) throw new Step({ code: 'proof', ok: false, reason: 'proof_missing' });
  const proof = proofs.find((p) => p.type === 'DataIntegrityProof' && p.cryptosuite === 'eddsa-rdfc-2022');
  if (!proof) {
    const first = proofs[0]!;
    throw new Step({
      code: 'proof',
      ok: false,
      reason: 'unsupported_cryptosuite',
      params: { alg: String(first.cryptosuite ?? first.type ?? '') },
    });
  }
  return proof;
}

/** The proof checked with the key already discovered: nothing is fetched here. */
async function proofHolds(document: Record<string, unknown>, discovered: DiscoveredKey, at: Date): Promise<boolean> {
  const key = { '@context': MULTIKEY_CONTEXT, type: 'Multikey', ...discovered.key };
  const controller = {
    '@context': ['https://www.w3.org/ns/did/v1', MULTIKEY_CONTEXT],
    id: discovered.profile.id,
    assertionMethod: [{ ...discovered.key, '@context': undefined, type: 'Multikey' }],
  };
  const documentLoader = localDocumentLoader(
    new Map<string, unknown>([
      [discovered.keyId, key],
      [String(discovered.profile.id), controller],
    ]),
  );
  try {
    const result = await verifyCredential({
      credential: structuredClone(document),
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader,
      now: at,
      checkStatus: async () => ({ verified: true }),
    });
    return result.verified === true;
  } catch {
    return false;
  }
}

/** Reads the entry's bit in its signed list; throws a Step saying why it could not be read. */
async function statusBit(
  entry: Record<string, unknown>,
  issuerId: string,
  loader: DocumentLoader,
  cache: Map<string, Record<string, unknown>>,
  now: Date,
) {
  const fail = (reason: NonNullable<Check['reason']>, detail: string) => new Step({ code: 'revocation', ok: false, reason, detail });
  if (entry.type !== 'BitstringStatusListEntry') throw fail('status_unsupported', `status type ${String(entry.type)}`);
  if (entry.statusPurpose !== 'revocation' && entry.statusPurpose !== 'suspension') throw fail('status_unsupported', 'status purpose');
  const index = Number(entry.statusListIndex);
  if (
    typeof entry.statusListCredential !== 'string' ||
    !/^https?:\/\//.test(entry.statusListCredential) ||
    !Number.isInteger(index) ||
    index < 0
  ) {
    throw fail('status_list_invalid', 'malformed entry');
  }
  const list = await fetchDocument(loader, entry.statusListCredential, 'revocation', 'revocation_list_unavailable');
  if (idOf(list.issuer) !== issuerId) throw fail('status_list_invalid', 'the list has another issuer');
  let discovered: DiscoveredKey;
  try {
    discovered = await discoverKey(proofOf(list), issuerId, loader, cache);
  } catch (error) {
    if (error instanceof Step && error.check.reason === 'key_unavailable') throw fail('revocation_list_unavailable', 'the list key');
    throw fail('status_list_invalid', error instanceof Step ? String(error.check.reason) : 'list proof');
  }
  const listUntil = dateOf(list.validUntil);
  const listFrom = dateOf(list.validFrom);
  if (!(await proofHolds(list, discovered, listFrom && listUntil && listUntil <= now ? listFrom : now)))
    throw fail('status_list_invalid', 'list proof');
  const subject = list.credentialSubject as { encodedList?: unknown; statusPurpose?: unknown } | undefined;
  const encoded = subject?.encodedList;
  if (typeof encoded !== 'string' || !encoded.startsWith('u')) throw fail('status_list_invalid', 'encodedList');
  let bits: Buffer;
  try {
    bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'), { maxOutputLength: 16 * 1024 * 1024 });
  } catch {
    throw fail('status_list_invalid', 'encodedList does not inflate');
  }
  if (index >= bits.length * 8) throw fail('status_list_invalid', 'index beyond the list');
  return { set: (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0, purpose: entry.statusPurpose };
}

/** Names the issuer and badge for the page, in the 2.0 report's shapes (shown, not trusted, until the issuer is established). */
function describe(credential: Record<string, unknown>, issuerId: string, profile?: Record<string, unknown>) {
  const embedded =
    typeof credential.issuer === 'object' && credential.issuer !== null ? (credential.issuer as Record<string, unknown>) : {};
  const source = profile ?? embedded;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const issuer = {
    type: 'Profile',
    id: issuerId,
    name: str(source.name) ?? str(embedded.name) ?? '',
    url: str(source.url) ?? '',
    email: str(source.email) ?? '',
  } as unknown as IssuerProfile;
  const subject = asArray(credential.credentialSubject)[0] as Record<string, unknown> | undefined;
  const achievement = (subject?.achievement ?? {}) as Record<string, unknown>;
  const criteria = (achievement.criteria ?? {}) as Record<string, unknown>;
  const badgeClass = {
    type: 'BadgeClass',
    id: str(achievement.id) ?? '',
    name: str(achievement.name) ?? str(credential.name) ?? '',
    description: str(achievement.description) ?? '',
    image: idOf(achievement.image) ?? idOf(credential.image) ?? '',
    criteria: {
      ...(str(criteria.narrative) !== undefined && { narrative: str(criteria.narrative) }),
      ...(str(criteria.id) && { id: str(criteria.id) }),
    },
    issuer: issuerId,
  } as unknown as BadgeClass;
  return { issuer, badgeClass };
}

export interface VerifyCredentialOptions {
  loader: DocumentLoader;
  now: Date;
  /** When given, the holder check says whether the credential was issued to this address. */
  recipientEmail?: string;
}

/** How the credential is signed: its embedded Data Integrity proof, or the JWS around it (VC-JWT). */
interface Signing {
  /** What names the key: `verificationMethod`. */
  proof: (document: Record<string, unknown>) => Record<string, unknown>;
  holds: (document: Record<string, unknown>, discovered: DiscoveredKey, at: Date) => Promise<boolean>;
}

const DATA_INTEGRITY: Signing = { proof: proofOf, holds: proofHolds };

/** Every check of a 3.0 credential, in the 2.0 report's form. */
export async function verifyCredentialDocument(
  credential: unknown,
  options: VerifyCredentialOptions,
  signing: Signing = DATA_INTEGRITY,
): Promise<CredentialReport> {
  const { loader, now } = options;
  const checks: Check[] = [];
  const report = emptyReport(checks);
  const finish = (status: CredentialReport['status']) => {
    const failed = checks.find((c) => c.ok === false);
    report.status = failed && status === 'valid' ? 'invalid' : status;
    if (failed) report.reason = failed.reason;
    report.valid = report.status === 'valid';
    return report;
  };
  const pending = (codes: Check['code'][]) => codes.forEach((code) => checks.push({ code, ok: null }));

  // 1. The 1EdTech JSON Schema. It wants `proof` as an array; VC 2.0 (and the spec's own test vector) also
  // writes one proof as an object, which means the same: it is read as a one-element array.
  const proof = typeof credential === 'object' && credential !== null ? (credential as { proof?: unknown }).proof : undefined;
  const forSchema = proof !== undefined && !Array.isArray(proof) ? { ...(credential as object), proof: [proof] } : credential;
  if (typeof credential !== 'object' || credential === null || Array.isArray(credential) || !validateSchema(forSchema)) {
    const error = validateSchema.errors?.[0];
    checks.push({
      code: 'schema',
      ok: false,
      reason: 'schema_invalid',
      params: { field: error?.instancePath || '/', message: error?.message ?? '' },
      detail: JSON.stringify(validateSchema.errors?.slice(0, 5)),
    });
    pending(['issuer', 'keyDiscovery', 'proof', 'revocation', 'validFrom', 'expiry']);
    return finish('invalid');
  }
  checks.push({ code: 'schema', ok: true });
  const document = credential as Record<string, unknown>;
  const issuerId = idOf(document.issuer)!;
  report.issuerId = issuerId;
  if (typeof document.id === 'string') report.credentialId = document.id;
  const validFrom = dateOf(document.validFrom);
  const validUntil = dateOf(document.validUntil);
  if (validFrom) report.validFrom = validFrom;
  if (validUntil) report.validUntil = validUntil;
  Object.assign(report, describe(document, issuerId));

  // 2. The key, as the issuer publishes it, then 3. the proof made with it.
  const cache = new Map<string, Record<string, unknown>>();
  let discovered: DiscoveredKey;
  try {
    discovered = await discoverKey(signing.proof(document), issuerId, loader, cache);
  } catch (error) {
    if (!(error instanceof Step)) throw error;
    const proofStep = error.check.code === 'proof';
    checks.push({ code: 'issuer', ok: null });
    if (proofStep) checks.push({ code: 'keyDiscovery', ok: null }, error.check);
    else checks.push(error.check, { code: 'proof', ok: null });
    pending(['revocation', 'validFrom', 'expiry']);
    return finish('invalid');
  }
  report.issuerIdentity = {
    established: true,
    ...(hostOf(issuerId) && { publishedBy: hostOf(issuerId) }),
    ...(hostOf(discovered.keyId) && { keyPublishedBy: hostOf(discovered.keyId) }),
  };
  Object.assign(report, describe(document, issuerId, discovered.profile));
  checks.push({ code: 'issuer', ok: true }, { code: 'keyDiscovery', ok: true });
  // Outside its dates, the proof is checked as of validFrom: « expired » is told from « forged ».
  const outside = (validUntil && validUntil <= now) || (validFrom && validFrom > now);
  if (!(await signing.holds(document, discovered, outside && validFrom ? validFrom : now))) {
    report.issuerIdentity = { established: false };
    checks[checks.length - 2] = { code: 'issuer', ok: null };
    checks.push({ code: 'proof', ok: false, reason: 'proof_invalid' });
    pending(['revocation', 'validFrom', 'expiry']);
    return finish('invalid');
  }
  checks.push({ code: 'proof', ok: true });

  // 4. The status list.
  let revoked = false;
  const entries = asArray(document.credentialStatus).filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
  if (entries.length === 0) {
    checks.push({ code: 'revocation', ok: null, reason: 'no_status' });
  } else {
    try {
      for (const entry of entries) {
        const bit = await statusBit(entry, issuerId, loader, cache, now);
        if (bit.set) revoked = true;
      }
      checks.push(revoked ? { code: 'revocation', ok: false, reason: 'revoked' } : { code: 'revocation', ok: true });
    } catch (error) {
      if (!(error instanceof Step)) throw error;
      checks.push(error.check);
    }
  }

  // 5. The dates, against the caller's clock.
  checks.push(validFrom && validFrom > now ? { code: 'validFrom', ok: false, reason: 'not_yet_valid' } : { code: 'validFrom', ok: true });
  const expired = validUntil !== undefined && validUntil <= now;
  checks.push(
    validUntil === undefined
      ? { code: 'expiry', ok: null, reason: 'no_expiry' }
      : expired
        ? { code: 'expiry', ok: false, reason: 'expired' }
        : { code: 'expiry', ok: true },
  );

  // 6. The holder, when an email address was given: against the subject's hashed identifiers.
  if (options.recipientEmail === undefined) {
    checks.push({ code: 'recipient', ok: null });
  } else {
    const subject = asArray(document.credentialSubject)[0] as { identifier?: unknown } | undefined;
    const matches = asArray(subject?.identifier).some((entry) => {
      if (typeof entry !== 'object' || entry === null) return false;
      const { identityType, identityHash, hashed, salt } = entry as Record<string, unknown>;
      if (identityType !== 'emailAddress' || typeof identityHash !== 'string') return false;
      const identity = { type: 'email', identity: identityHash, hashed: hashed === true, ...(typeof salt === 'string' && { salt }) };
      return recipientMatches(identity as IdentityObject, options.recipientEmail!);
    });
    report.recipientMatches = matches;
    checks.push(matches ? { code: 'recipient', ok: true } : { code: 'recipient', ok: false, reason: 'recipient_mismatch' });
  }

  if (revoked) return finish('revoked');
  // As for 2.0, another holder leaves the badge genuine (`valid` false, the page says whose it is not).
  const others = checks.filter((c) => c.ok === false && c.reason !== 'expired' && c.reason !== 'recipient_mismatch');
  if (others.length > 0) {
    report.status = 'invalid';
    report.reason = others[0]!.reason;
    return report;
  }
  report.status = expired ? 'expired' : 'valid';
  const failed = checks.find((c) => c.ok === false);
  if (failed) report.reason = failed.reason;
  report.valid = report.status === 'valid' && failed === undefined;
  return report;
}

// ------------------------------------------------------------- VC-JWT

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58Decode(text: string): Uint8Array | undefined {
  let value = 0n;
  for (const char of text) {
    const digit = BASE58.indexOf(char);
    if (digit < 0) return undefined;
    value = value * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (value > 0n) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  for (const char of text) {
    if (char !== '1') break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

/** The published key as node:crypto reads it: a JWK, or an Ed25519 Multikey (z6Mk…). */
function publicKeyOf(key: Record<string, unknown>): KeyObject | undefined {
  try {
    if (typeof key.publicKeyJwk === 'object' && key.publicKeyJwk !== null) {
      const { d: _secret, ...jwk } = key.publicKeyJwk as Record<string, unknown>;
      return createPublicKey({ key: jwk, format: 'jwk' });
    }
    const multibase = key.publicKeyMultibase;
    if (typeof multibase !== 'string' || !multibase.startsWith('z')) return undefined;
    const bytes = base58Decode(multibase.slice(1));
    if (!bytes || bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) return undefined;
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(bytes.subarray(2)).toString('base64url') }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/**
 * A VC-JWT (the spec's JSON Web Token proof format): a compact JWS, EdDSA
 * (Ed25519) or ES256, whose payload is the credential (VC-JOSE-COSE) or
 * carries it in `vc` (VC-JWT 1.1). The key is the header's `kid`, found as
 * for a Data Integrity proof; the signature is checked with node:crypto.
 * Any other form (another algorithm, an embedded `jwk` only, SD-JWT) is
 * said not read.
 */
/**
 * A VC-JWT may say its dates only in its JWT claims (`nbf`, `exp`, seconds
 * since 1970), as VC-JWT 1.1 does: they bind as much as the credential's own
 * `validFrom` / `validUntil`, so the stricter of each pair is the one checked.
 */
function withJwtDates(credential: unknown, payload: Record<string, unknown>): unknown {
  if (typeof credential !== 'object' || credential === null) return credential;
  const document = { ...(credential as Record<string, unknown>) };
  const claim = (name: 'nbf' | 'exp') => {
    const value = payload[name];
    return typeof value === 'number' && Number.isFinite(value) ? new Date(value * 1000) : undefined;
  };
  const own = (name: 'validFrom' | 'validUntil') => {
    const value = document[name];
    const date = typeof value === 'string' ? new Date(value) : undefined;
    return date && !Number.isNaN(date.getTime()) ? date : undefined;
  };
  const nbf = claim('nbf');
  const exp = claim('exp');
  const validFrom = own('validFrom');
  const validUntil = own('validUntil');
  if (nbf && (!validFrom ? document.validFrom === undefined : nbf > validFrom)) document.validFrom = nbf.toISOString();
  if (exp && (!validUntil ? document.validUntil === undefined : exp < validUntil)) document.validUntil = exp.toISOString();
  return document;
}

export async function verifyCredentialJwt(jwt: string, options: VerifyCredentialOptions): Promise<CredentialReport> {
  const parts = jwt.trim().split('.');
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    if (parts.length !== 3) throw new Error('not a compact JWS');
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return unreadCredentialReport('vc_jwt_unsupported');
  }
  const alg = header.alg;
  if ((alg !== 'EdDSA' && alg !== 'ES256') || header.crit !== undefined || (typeof header.typ === 'string' && /sd-jwt/i.test(header.typ))) {
    return unreadCredentialReport('vc_jwt_unsupported');
  }
  const credential = withJwtDates(typeof payload.vc === 'object' && payload.vc !== null ? payload.vc : payload, payload);
  const signingInput = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2]!, 'base64url');
  return verifyCredentialDocument(credential, options, {
    proof: () => ({ verificationMethod: header.kid }),
    holds: async (_document, discovered) => {
      const key = publicKeyOf(discovered.key);
      if (!key) return false;
      const type = key.asymmetricKeyType;
      if (
        (alg === 'EdDSA' && type !== 'ed25519') ||
        (alg === 'ES256' && (type !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1'))
      )
        return false;
      try {
        return alg === 'EdDSA'
          ? verifySignature(null, signingInput, key, signature)
          : verifySignature('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
      } catch {
        return false;
      }
    },
  });
}
