import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { bakePng } from '../../src/openbadges/bake/png.ts';
import { bakeSvg } from '../../src/openbadges/bake/svg.ts';
import {
  badgeClass,
  cryptographicKey,
  hostedAssertion,
  issuerProfile,
  revocationList,
  revokedHostedAssertion,
  signedAssertion,
  type HostedAssertionInput,
  type IssuerProfileInput,
} from '../../src/openbadges/documents.ts';
import { generateSigningKeyPair, signAssertion, type SigningKeyPair } from '../../src/openbadges/jws.ts';
import { hashEmailIdentity } from '../../src/openbadges/recipient.ts';
import { detectBadgeInput, verifyBadge, type CheckCode, type VerificationReport } from '../../src/openbadges/verify.ts';
import { fixtureJson, fixtureText, makePng, memoryLoader, type MemoryLoader } from './support.ts';

const O = 'https://badges.example.org';
const ISSUER = `${O}/issuers/1`;
const BADGE = `${O}/badges/7`;
const KEY = `${ISSUER}/keys/1`;
const REVOCATIONS = `${ISSUER}/revocations`;
const EMAIL = 'alice@example.org';
const NOW = new Date('2025-06-01T12:00:00Z');
const ISSUED = new Date('2025-05-01T09:00:00Z');

let keys: SigningKeyPair;
let otherKeys: SigningKeyPair;

beforeAll(async () => {
  [keys, otherKeys] = await Promise.all([generateSigningKeyPair(), generateSigningKeyPair()]);
});

interface World {
  loader: MemoryLoader;
  hosted(overrides?: Partial<HostedAssertionInput>): ReturnType<typeof hostedAssertion>;
  signed(overrides?: { issuedOn?: Date; expires?: Date; uuid?: string; privateKeyPem?: string }): Promise<{ jws: string; id: string }>;
  revoke(id: string, reason?: string): void;
}

/** Our issuer's public documents, served by an in-memory web. */
function world(issuerOverrides: Partial<IssuerProfileInput> = {}): World {
  const loader = memoryLoader();
  loader.serve(
    ISSUER,
    issuerProfile({
      id: ISSUER,
      name: 'CFA de Normandie',
      url: O,
      email: 'contact@example.org',
      publicKey: KEY,
      revocationList: REVOCATIONS,
      ...issuerOverrides,
    }),
  );
  loader.serve(
    BADGE,
    badgeClass({
      id: BADGE,
      name: 'Travail en équipe',
      description: "Coopérer au sein d'une équipe.",
      image: `${BADGE}/image.png`,
      criteria: { narrative: 'Avoir mené un projet collectif.' },
      issuer: ISSUER,
    }),
  );
  loader.serve(KEY, cryptographicKey({ id: KEY, owner: ISSUER, publicKeyPem: keys.publicKeyPem }));
  const revoked: { id: string; revocationReason?: string }[] = [];
  const publishList = () => loader.serve(REVOCATIONS, revocationList({ id: REVOCATIONS, issuer: ISSUER, revokedAssertions: revoked }));
  publishList();
  return {
    loader,
    hosted(overrides = {}) {
      const id = `${O}/assertions/${randomUUID()}`;
      const doc = hostedAssertion({ id, recipient: hashEmailIdentity(EMAIL), badge: BADGE, issuedOn: ISSUED, ...overrides });
      loader.serve(doc.id, doc);
      return doc;
    },
    async signed(overrides = {}) {
      const doc = signedAssertion({
        uuid: overrides.uuid ?? randomUUID(),
        creator: KEY,
        recipient: hashEmailIdentity(EMAIL),
        badge: BADGE,
        issuedOn: overrides.issuedOn ?? ISSUED,
        ...(overrides.expires && { expires: overrides.expires }),
      });
      return { jws: await signAssertion(doc, overrides.privateKeyPem ?? keys.privateKeyPem), id: doc.id };
    },
    revoke(id, reason) {
      revoked.push({ id, ...(reason && { revocationReason: reason }) });
      publishList();
    },
  };
}

function checks(report: VerificationReport): Record<CheckCode, boolean | null> {
  return Object.fromEntries(report.checks.map((c) => [c.code, c.ok])) as Record<CheckCode, boolean | null>;
}

function check(report: VerificationReport, code: CheckCode) {
  const found = report.checks.find((c) => c.code === code);
  expect(found).toBeDefined();
  return found!;
}

const at = { now: NOW };

describe('hosted badges', () => {
  it('verifies a badge we issued, from its URL', async () => {
    const w = world();
    const assertion = w.hosted();
    const report = await verifyBadge({ kind: 'url', url: assertion.id }, { loader: w.loader, ...at });
    expect(report).toMatchObject({ valid: true, status: 'valid', verificationType: 'HostedBadge' });
    expect(report.reason).toBeUndefined();
    expect(checks(report)).toEqual({
      structure: true,
      issuer: true,
      hostedId: true,
      signature: null,
      keyOwnership: null,
      revocation: true,
      expiry: null,
      issuedOn: true,
      recipient: null,
    });
    expect(report.assertion).toEqual(assertion);
    expect(report.badgeClass?.name).toBe('Travail en équipe');
    expect(report.issuer?.id).toBe(ISSUER);
  });

  it('verifies it from a baked PNG, a baked SVG and pasted JSON', async () => {
    const w = world();
    const assertion = w.hosted();
    const json = JSON.stringify(assertion);
    const png = bakePng(makePng(), json);
    const svg = bakeSvg('<svg xmlns="http://www.w3.org/2000/svg"/>', { assertionUrl: assertion.id, assertionJson: json });
    for (const input of [
      detectBadgeInput(png),
      detectBadgeInput(svg),
      detectBadgeInput(json),
      { kind: 'json' as const, json: assertion },
    ]) {
      const report = await verifyBadge(input, { loader: w.loader, ...at });
      expect(report.status, input.kind).toBe('valid');
      expect(report.valid).toBe(true);
    }
  });

  it('trusts the hosted copy, not the baked one', async () => {
    const w = world();
    const assertion = w.hosted();
    const forged = JSON.stringify({ ...assertion, expires: '2099-01-01T00:00:00Z', narrative: 'forged' });
    const report = await verifyBadge(detectBadgeInput(bakePng(makePng(), forged)), { loader: w.loader, ...at });
    expect(report.status).toBe('valid');
    expect(report.assertion).not.toHaveProperty('narrative');
    expect(w.loader.requests[0]).toBe(assertion.id);
  });

  it('reports a revoked badge (410 with the minimal body) with its reason', async () => {
    const w = world();
    const assertion = w.hosted();
    w.loader.serve(assertion.id, revokedHostedAssertion(assertion.id, 'Délivré par erreur'), 410);
    const report = await verifyBadge({ kind: 'url', url: assertion.id }, { loader: w.loader, ...at });
    expect(report).toMatchObject({ valid: false, status: 'revoked', reason: 'revoked', revocationReason: 'Délivré par erreur' });
    expect(check(report, 'revocation')).toMatchObject({ ok: false, reason: 'revoked' });
    expect(checks(report).structure).toBeNull();
    expect(checks(report).hostedId).toBe(true);
  });

  it('reports revoked when a 200 answer says revoked: true', async () => {
    const w = world();
    const assertion = w.hosted();
    w.loader.serve(assertion.id, { ...assertion, revoked: true, revocationReason: 'Fraude' });
    const report = await verifyBadge({ kind: 'url', url: assertion.id }, { loader: w.loader, ...at });
    expect(report).toMatchObject({ status: 'revoked', revocationReason: 'Fraude', valid: false });
    expect(report.badgeClass?.id).toBe(BADGE);
  });

  it('verifies the assertion at its id when the URL given serves a copy, and notes it (the id is the source of truth)', async () => {
    const w = world();
    const assertion = w.hosted();
    const elsewhere = `${O}/copies/1`;
    w.loader.serve(elsewhere, { ...assertion, narrative: 'changed in the copy' });
    const report = await verifyBadge({ kind: 'url', url: elsewhere }, { loader: w.loader, ...at });
    expect(report.status).toBe('valid');
    expect(report.assertion).toEqual(assertion);
    expect(report.notes).toEqual([expect.objectContaining({ code: 'fetched_at_id', url: elsewhere })]);
  });

  it('fails hostedId when the document at the id is not served at its id either', async () => {
    const w = world();
    const assertion = w.hosted();
    const elsewhere = `${O}/copies/1`;
    w.loader.serve(elsewhere, assertion);
    w.loader.serve(assertion.id, { ...assertion, id: `${O}/assertions/other` });
    const report = await verifyBadge({ kind: 'url', url: elsewhere }, { loader: w.loader, ...at });
    expect(report.status).toBe('invalid');
    expect(check(report, 'hostedId')).toMatchObject({ ok: false, reason: 'id_mismatch' });
  });

  it("fails hostedId when the assertion is not on the issuer's host and port", async () => {
    for (const origin of ['https://evil.example.net', 'https://badges.example.org:8443']) {
      const w = world();
      const id = `${origin}/assertions/1`;
      // Built by hand: our builder refuses to make this.
      const assertion = { ...w.hosted(), id };
      w.loader.serve(id, assertion);
      const report = await verifyBadge({ kind: 'url', url: id }, { loader: w.loader, ...at });
      expect(report.status, origin).toBe('invalid');
      expect(check(report, 'hostedId')).toMatchObject({ ok: false, reason: 'assertion_host_mismatch' });
    }
  });

  it("honours an issuer's declared allowedOrigins", async () => {
    const w = world();
    const issuer = {
      ...(w.loader.docs.get(ISSUER)!.body as object),
      verification: { type: 'VerificationObject', allowedOrigins: ['mirror.example.net'] },
    };
    w.loader.serve(ISSUER, issuer);
    const report = await verifyBadge({ kind: 'url', url: w.hosted().id }, { loader: w.loader, ...at });
    // The BadgeClass and assertion on badges.example.org are now out of scope.
    expect(check(report, 'hostedId')).toMatchObject({ ok: false, reason: 'assertion_host_mismatch' });
  });

  it('reports an expired badge', async () => {
    const w = world();
    const assertion = w.hosted({ expires: new Date('2025-05-31T00:00:00Z') });
    const report = await verifyBadge({ kind: 'url', url: assertion.id }, { loader: w.loader, ...at });
    expect(report).toMatchObject({ valid: false, status: 'expired', reason: 'expired' });
    expect(check(report, 'expiry').ok).toBe(false);
    const later = await verifyBadge({ kind: 'url', url: assertion.id }, { loader: w.loader, now: new Date('2025-05-30T00:00:00Z') });
    expect(later.status).toBe('valid');
    expect(check(later, 'expiry').ok).toBe(true);
  });

  it('rejects an issuedOn in the future, beyond five minutes of clock skew', async () => {
    const w = world();
    const soon = w.hosted({ issuedOn: new Date(NOW.getTime() + 4 * 60_000) });
    expect((await verifyBadge({ kind: 'url', url: soon.id }, { loader: w.loader, ...at })).status).toBe('valid');
    const future = w.hosted({ issuedOn: new Date(NOW.getTime() + 6 * 60_000) });
    const report = await verifyBadge({ kind: 'url', url: future.id }, { loader: w.loader, ...at });
    expect(report.status).toBe('invalid');
    expect(check(report, 'issuedOn')).toMatchObject({ ok: false, reason: 'issued_in_future' });
  });

  it('reports unreachable documents as invalid structure', async () => {
    const w = world();
    const assertion = w.hosted();
    w.loader.docs.delete(BADGE);
    const report = await verifyBadge({ kind: 'url', url: assertion.id }, { loader: w.loader, ...at });
    expect(report.status).toBe('invalid');
    expect(check(report, 'structure')).toMatchObject({ ok: false, reason: 'badge_class_unavailable' });

    const gone = await verifyBadge({ kind: 'url', url: `${O}/assertions/unknown` }, { loader: w.loader, ...at });
    expect(check(gone, 'structure')).toMatchObject({ ok: false, reason: 'assertion_unavailable' });
  });

  it('survives a loader that throws', async () => {
    const loader = { fetchJson: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const report = await verifyBadge({ kind: 'url', url: `${O}/assertions/1` }, { loader, ...at });
    expect(report).toMatchObject({ valid: false, status: 'invalid', reason: 'assertion_unavailable' });
    expect(check(report, 'structure').detail).toMatch(/ECONNREFUSED/);
  });
});

describe('signed badges', () => {
  it('verifies a badge we signed, as a JWS, a baked PNG and a baked SVG', async () => {
    const w = world();
    const { jws, id } = await w.signed();
    const inputs = [
      { kind: 'jws' as const, jws },
      detectBadgeInput(bakePng(makePng(), jws)),
      detectBadgeInput(bakeSvg('<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>', { jws })),
    ];
    for (const input of inputs) {
      const report = await verifyBadge(input, { loader: w.loader, ...at });
      expect(report, input.kind).toMatchObject({ valid: true, status: 'valid', verificationType: 'SignedBadge' });
      expect(checks(report)).toEqual({
        structure: true,
        issuer: true,
        hostedId: null,
        signature: true,
        keyOwnership: true,
        revocation: true,
        expiry: null,
        issuedOn: true,
        recipient: null,
      });
      expect(report.assertion?.id).toBe(id);
    }
  });

  it('fails the signature of a tampered payload', async () => {
    const w = world();
    const { jws } = await w.signed();
    const [header, payload, signature] = jws.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, expires: '2099-12-31T23:59:59Z' })).toString('base64url');
    const report = await verifyBadge({ kind: 'jws', jws: `${header}.${tampered}.${signature}` }, { loader: w.loader, ...at });
    expect(report).toMatchObject({ valid: false, status: 'invalid', reason: 'bad_signature' });
    expect(check(report, 'signature')).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it("fails the signature when signed with a key other than the creator's", async () => {
    const w = world();
    const { jws } = await w.signed({ privateKeyPem: otherKeys.privateKeyPem });
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, ...at });
    expect(report.status).toBe('invalid');
    expect(check(report, 'signature')).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('fails when the creator key cannot be fetched', async () => {
    const w = world();
    const { jws } = await w.signed();
    w.loader.docs.delete(KEY);
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, ...at });
    expect(check(report, 'signature')).toMatchObject({ ok: false, reason: 'key_unavailable' });
    expect(report.status).toBe('invalid');
  });

  it('fails keyOwnership when the key names another owner', async () => {
    const w = world();
    w.loader.serve(KEY, { ...cryptographicKey({ id: KEY, owner: `${O}/issuers/2`, publicKeyPem: keys.publicKeyPem }) });
    const { jws } = await w.signed();
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, ...at });
    expect(check(report, 'signature').ok).toBe(true);
    expect(check(report, 'keyOwnership')).toMatchObject({ ok: false, reason: 'key_owner_mismatch' });
    expect(report.status).toBe('invalid');
  });

  it('says the key was replaced when the issuer no longer lists a key its own host still publishes', async () => {
    const w = world({ publicKey: `${ISSUER}/keys/2` });
    const { jws } = await w.signed();
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, ...at });
    expect(check(report, 'keyOwnership')).toMatchObject({ ok: false, reason: 'key_replaced', document: 'issuer', field: 'publicKey' });
    expect(report.valid).toBe(false);
  });

  it('accepts a creator listed among several issuer keys (key rotation, as VAL does)', async () => {
    const w = world();
    w.loader.serve(ISSUER, { ...(w.loader.docs.get(ISSUER)!.body as object), publicKey: [`${ISSUER}/keys/2`, KEY] });
    const { jws } = await w.signed();
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, ...at });
    expect(report.status).toBe('valid');
    expect(report.issuer?.publicKey).toEqual([`${ISSUER}/keys/2`, KEY]);
  });

  it('reports a badge in the revocation list as revoked, with the reason', async () => {
    const w = world();
    const { jws, id } = await w.signed();
    const { jws: untouched } = await w.signed();
    w.revoke(id, 'Compétence non acquise');
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, ...at });
    expect(report).toMatchObject({ valid: false, status: 'revoked', reason: 'revoked', revocationReason: 'Compétence non acquise' });
    expect(check(report, 'revocation')).toMatchObject({ ok: false, reason: 'revoked' });
    expect((await verifyBadge({ kind: 'jws', jws: untouched }, { loader: w.loader, ...at })).status).toBe('valid');
  });

  it('is invalid, not valid, when the declared revocation list cannot be read', async () => {
    const w = world();
    const { jws } = await w.signed();
    w.loader.docs.delete(REVOCATIONS);
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, ...at });
    expect(report.status).toBe('invalid');
    expect(check(report, 'revocation')).toMatchObject({ ok: false, reason: 'revocation_list_unavailable' });
  });

  it('does not consult a revocation list the issuer does not declare', async () => {
    const w = world({ revocationList: undefined });
    const { jws } = await w.signed();
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, ...at });
    expect(report.status).toBe('valid');
    expect(check(report, 'revocation')).toMatchObject({ ok: null, reason: 'no_revocation_list' });
    expect(w.loader.requests).not.toContain(REVOCATIONS);
  });

  it('reports an expired signed badge', async () => {
    const w = world();
    const { jws } = await w.signed({ expires: new Date('2025-05-15T00:00:00Z') });
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, ...at });
    expect(report).toMatchObject({ valid: false, status: 'expired' });
  });

  it('cannot vouch for signed-badge JSON handed over without its JWS', async () => {
    const w = world();
    const { jws } = await w.signed();
    const claims = JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as unknown;
    const report = await verifyBadge({ kind: 'json', json: claims }, { loader: w.loader, ...at });
    expect(report.status).toBe('invalid');
    expect(check(report, 'signature')).toMatchObject({ ok: false, reason: 'signature_missing' });
  });

  it("cannot verify the spec's example JWS, whose documents do not exist", async () => {
    const report = await verifyBadge({ kind: 'jws', jws: fixtureText('spec-signed-badge.jws') }, { loader: memoryLoader(), ...at });
    expect(report.status).toBe('invalid');
    expect(report.verificationType).toBe('SignedBadge');
    expect(check(report, 'structure')).toMatchObject({ ok: false, reason: 'badge_class_unavailable' });
  });
});

describe('the issuer is established only by a Profile fetched at its own address', () => {
  const FORGER = 'https://forger.example.net';

  /** The forgery of issue 9: the signer's own key, owned by the urn:uuid of an issuer it embeds itself. */
  async function forgery(loader: MemoryLoader, issuerId: string) {
    const keyUrl = `${FORGER}/key`;
    // Written by hand: our builder refuses a non-http owner, a forger does not use our builder.
    loader.serve(keyUrl, {
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'CryptographicKey',
      id: keyUrl,
      owner: issuerId,
      publicKeyPem: otherKeys.publicKeyPem,
    });
    const payload = {
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'Assertion',
      id: `urn:uuid:${randomUUID()}`,
      recipient: hashEmailIdentity(EMAIL),
      badge: {
        type: 'BadgeClass',
        id: `urn:uuid:${randomUUID()}`,
        name: 'Master',
        description: 'Diplôme.',
        image: 'data:image/png;base64,iVBORw0KGgo=',
        criteria: { narrative: 'Quatre semestres.' },
        issuer: {
          type: 'Issuer',
          id: issuerId,
          name: 'Université de Caen Normandie',
          url: 'https://www.unicaen.fr',
          email: 'contact@unicaen.fr',
          publicKey: keyUrl,
        },
      },
      verification: { type: 'SignedBadge', creator: keyUrl },
      issuedOn: ISSUED.toISOString(),
    };
    return signAssertion(payload, otherKeys.privateKeyPem);
  }

  it('refuses a signer that vouches for itself with an embedded urn:uuid issuer', async () => {
    const loader = memoryLoader();
    const jws = await forgery(loader, `urn:uuid:${randomUUID()}`);
    const report = await verifyBadge({ kind: 'jws', jws }, { loader, ...at });
    expect(report.status).toBe('invalid');
    expect(report.valid).toBe(false);
    expect(report.reason).toBe('issuer_not_established');
    expect(check(report, 'issuer')).toMatchObject({ ok: false, reason: 'issuer_not_established' });
    expect(check(report, 'keyOwnership').ok).not.toBe(true);
    expect(report.issuerIdentity).toEqual({ established: false, keyPublishedBy: 'forger.example.net' });
    // Shown for what it claims, never as proven.
    expect(report.issuer?.name).toBe('Université de Caen Normandie');
  });

  it('refuses a key that names a real issuer as owner when that issuer does not list it', async () => {
    const w = world();
    const jws = await forgery(w.loader, ISSUER);
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, ...at });
    expect(report.status).toBe('invalid');
    expect(check(report, 'keyOwnership')).toMatchObject({ ok: false, reason: 'key_not_listed' });
    expect(report.issuerIdentity.established).toBe(false);
    // The Profile shown is the one fetched from the issuer, not the forger's copy.
    expect(report.issuer?.name).toBe('CFA de Normandie');
  });

  it('establishes a genuine signed issuer and names the hosts of its Profile and key', async () => {
    const w = world();
    const { jws } = await w.signed();
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, ...at });
    expect(report.status).toBe('valid');
    expect(report.issuerIdentity).toEqual({ established: true, publishedBy: 'badges.example.org', keyPublishedBy: 'badges.example.org' });
  });
});

describe('verdicts that help (issue 9, points 3 to 5)', () => {
  it('says revoked first, whatever else fails', async () => {
    const w = world();
    const assertion = w.hosted();
    w.loader.serve(assertion.id, { ...assertion, badge: `${O}/badges/missing`, revoked: true, revocationReason: 'Fraude' }, 410);
    const report = await verifyBadge({ kind: 'url', url: assertion.id }, { loader: w.loader, ...at });
    expect(check(report, 'structure').ok).toBe(false);
    expect(report).toMatchObject({ status: 'revoked', reason: 'revoked', revocationReason: 'Fraude' });
  });

  it('names the document and the field of a structural problem', async () => {
    const w = world();
    const profile = w.loader.docs.get(ISSUER)!.body as Record<string, unknown>;
    delete profile.email;
    const report = await verifyBadge({ kind: 'url', url: w.hosted().id }, { loader: w.loader, ...at });
    expect(check(report, 'structure')).toMatchObject({ ok: false, reason: 'missing_property', document: 'issuer', field: 'email' });
  });

  it('reads an older version of the standard as such, not as a forgery', async () => {
    const report = await verifyBadge(
      { kind: 'json', json: { uid: 'abc', recipient: 'sha256$00', badge: `${O}/b`, verify: { type: 'hosted', url: `${O}/a` } } },
      { loader: memoryLoader(), ...at },
    );
    expect(report).toMatchObject({ status: 'invalid', reason: 'older_version', openBadgesVersion: '1.0' });
  });

  it('reads a hosted 1.1 badge as 2.0 for the checks, as the reference validator does', async () => {
    const loader = memoryLoader();
    const V1 = 'https://w3id.org/openbadges/v1';
    loader.serve(ISSUER, { '@context': V1, type: 'Issuer', id: ISSUER, name: 'CFA', url: O });
    loader.serve(BADGE, {
      '@context': V1,
      type: 'BadgeClass',
      id: BADGE,
      name: 'B',
      description: 'D',
      image: `${O}/i.png`,
      criteria: `${O}/c`,
      issuer: ISSUER,
    });
    const id = `${O}/assertions/1`;
    loader.serve(id, {
      '@context': V1,
      type: 'Assertion',
      id,
      uid: '1',
      recipient: hashEmailIdentity(EMAIL),
      badge: BADGE,
      verify: { type: 'hosted', url: id },
      issuedOn: 1714550400,
    });
    const report = await verifyBadge({ kind: 'url', url: id }, { loader, recipientEmail: EMAIL, ...at });
    expect(report).toMatchObject({ status: 'valid', valid: true, openBadgesVersion: '1.1', recipientMatches: true });
    expect(report.assertion?.issuedOn).toBe('2024-05-01T08:00:00Z');
    expect(report.notes).toEqual([expect.objectContaining({ code: 'upgraded', url: id })]);
  });

  it("applies a Profile's startsWith to the assertion's id only", async () => {
    const w = world();
    w.loader.serve(ISSUER, { ...(w.loader.docs.get(ISSUER)!.body as object), verification: { startsWith: `${O}/assertions/` } });
    w.loader.serve(BADGE, { ...(w.loader.docs.get(BADGE)!.body as object) });
    const report = await verifyBadge({ kind: 'url', url: w.hosted().id }, { loader: w.loader, ...at });
    expect(report.status).toBe('valid');
    const outside = w.hosted({ id: `${O}/elsewhere/${randomUUID()}` } as never);
    const refused = await verifyBadge({ kind: 'url', url: outside.id }, { loader: w.loader, ...at });
    expect(check(refused, 'hostedId')).toMatchObject({ ok: false, reason: 'assertion_host_mismatch' });
  });
});

describe('recipient', () => {
  it('matches the email the badge was awarded to, whatever its case', async () => {
    const w = world();
    const { jws } = await w.signed();
    const report = await verifyBadge({ kind: 'jws', jws }, { loader: w.loader, recipientEmail: ' Alice@Example.ORG', ...at });
    expect(report).toMatchObject({ valid: true, status: 'valid', recipientMatches: true });
    expect(check(report, 'recipient').ok).toBe(true);
  });

  it('flags another email: the badge is genuine but not theirs', async () => {
    const w = world();
    const assertion = w.hosted();
    const report = await verifyBadge({ kind: 'url', url: assertion.id }, { loader: w.loader, recipientEmail: 'bob@example.org', ...at });
    expect(report).toMatchObject({ valid: false, status: 'valid', recipientMatches: false, reason: 'recipient_mismatch' });
    expect(check(report, 'recipient')).toMatchObject({ ok: false, reason: 'recipient_mismatch' });
  });
});

describe('bad input', () => {
  const loader = memoryLoader();

  it.each([
    ['random bytes', () => detectBadgeInput(new Uint8Array([1, 2, 3, 4, 5]))],
    ['a broken JSON', () => detectBadgeInput('{"id": ')],
    ['plain words', () => detectBadgeInput('my badge')],
    ['an unbaked PNG', () => detectBadgeInput(makePng())],
    ['a truncated PNG', () => ({ kind: 'png' as const, bytes: makePng().subarray(0, 40) })],
    ['an HTML page', () => detectBadgeInput('<html><body>badge</body></html>')],
    ['an unbaked SVG', () => detectBadgeInput('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['a malformed JWS', () => ({ kind: 'jws' as const, jws: 'a.b.c' })],
    ['a JSON array', () => ({ kind: 'json' as const, json: [1, 2] })],
    ['JSON with no verification', () => ({ kind: 'json' as const, json: { id: 'https://example.org/a' } })],
    ['a non-http URL', () => ({ kind: 'url' as const, url: 'file:///etc/passwd' })],
    ['null', () => null as never],
    ['an unknown kind', () => ({ kind: 'gif', bytes: new Uint8Array(1) }) as never],
  ])('%s yields invalid with a failing structure check, without throwing', async (_label, make) => {
    const report = await verifyBadge(make(), { loader, ...at });
    expect(report.valid).toBe(false);
    expect(report.status).toBe('invalid');
    expect(check(report, 'structure').ok).toBe(false);
    expect(report.reason).toBeDefined();
    expect(report.checks.map((c) => c.code)).toEqual([
      'structure',
      'issuer',
      'hostedId',
      'signature',
      'keyOwnership',
      'revocation',
      'expiry',
      'issuedOn',
      'recipient',
    ]);
  });

  it("reports the spec's own example assertion as unverifiable here (example.org serves nothing)", async () => {
    const report = await verifyBadge({ kind: 'json', json: fixtureJson('spec-assertion.json') }, { loader, ...at });
    expect(report).toMatchObject({ status: 'invalid', verificationType: 'HostedBadge', reason: 'assertion_unavailable' });
  });

  it('does not throw without a usable loader', async () => {
    const report = await verifyBadge({ kind: 'url', url: `${O}/a` }, {} as never);
    expect(report).toMatchObject({ status: 'invalid', reason: 'unexpected_error' });
  });
});
