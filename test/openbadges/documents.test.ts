import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  badgeClass,
  cryptographicKey,
  hostedAssertion,
  issuerProfile,
  revocationList,
  revokedHostedAssertion,
  signedAssertion,
} from '../../src/openbadges/documents.ts';
import { DocumentError } from '../../src/openbadges/errors.ts';
import { hashEmailIdentity } from '../../src/openbadges/recipient.ts';
import { fixtureJson } from './support.ts';

const ORIGIN = 'https://badges.example.org';
const ISSUER = `${ORIGIN}/issuers/1`;
const BADGE = `${ORIGIN}/badges/7`;
const KEY = `${ORIGIN}/issuers/1/keys/3`;
const recipient = hashEmailIdentity('alice@example.org', 'c0ffee');
const issuedOn = new Date('2024-05-01T08:30:15.250Z');

/** No key may hold undefined, and no array may be empty, anywhere in the document. */
function expectNoEmptyValues(value: unknown, path = '$'): void {
  expect(value, path).not.toBeUndefined();
  if (Array.isArray(value)) {
    expect(value.length, `${path} is an empty array`).toBeGreaterThan(0);
    value.forEach((v, i) => expectNoEmptyValues(v, `${path}[${i}]`));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) expectNoEmptyValues(v, `${path}.${k}`);
  }
}

function expectDocumentError(fn: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DocumentError);
  expect((thrown as DocumentError).code).toBe('invalid_document');
  expect((thrown as Error).message).toMatch(message);
}

describe('issuerProfile', () => {
  it("builds exactly the spec's Issuer example from the same fields", () => {
    const spec = fixtureJson('spec-issuer.json');
    expect(
      issuerProfile({
        id: 'https://example.org/organization.json',
        name: 'An Example Badge Issuer',
        image: 'https://example.org/logo.png',
        url: 'https://example.org',
        email: 'contact@example.org',
        publicKey: 'https://example.org/publicKey.json',
        revocationList: 'https://example.org/revocationList.json',
      }),
    ).toEqual(spec);
  });

  it('puts @context, type and id first, with the context as a plain string', () => {
    const doc = issuerProfile({ id: ISSUER, name: 'CFA Normandie', url: ORIGIN, email: 'contact@example.org' });
    expect(Object.keys(doc).slice(0, 3)).toEqual(['@context', 'type', 'id']);
    expect(doc['@context']).toBe('https://w3id.org/openbadges/v2');
  });

  it('omits optional fields that are undefined or blank', () => {
    const doc = issuerProfile({
      id: ISSUER,
      name: 'CFA',
      url: ORIGIN,
      email: 'contact@example.org',
      description: '',
      telephone: '   ',
      image: undefined,
      publicKey: undefined,
    });
    expect(Object.keys(doc).sort()).toEqual(['@context', 'email', 'id', 'name', 'type', 'url']);
    expect(JSON.stringify(doc)).not.toContain('null');
  });

  it('publishes publicKey as one string, never a list (OBP)', () => {
    const doc = issuerProfile({ id: ISSUER, name: 'CFA', url: ORIGIN, email: 'c@example.org', publicKey: KEY });
    expect(doc.publicKey).toBe(KEY);
  });

  it('requires id, name, url and email (VAL)', () => {
    const base = { id: ISSUER, name: 'CFA', url: ORIGIN, email: 'c@example.org' };
    expectDocumentError(() => issuerProfile({ ...base, email: '' }), /issuer\.email/);
    expectDocumentError(() => issuerProfile({ ...base, email: 'not-an-email' }), /issuer\.email/);
    expectDocumentError(() => issuerProfile({ ...base, name: ' ' }), /issuer\.name/);
    expectDocumentError(() => issuerProfile({ ...base, url: 'example.org' }), /issuer\.url/);
    expectDocumentError(() => issuerProfile({ ...base, id: 'urn:uuid:1' }), /issuer\.id/);
  });
});

describe('badgeClass', () => {
  const base = {
    id: BADGE,
    name: 'Travail en équipe',
    description: 'Reconnaît la capacité à coopérer.',
    image: `${BADGE}/image.png`,
    criteria: { narrative: 'Avoir mené un projet collectif.' },
    issuer: ISSUER,
  };

  it('builds the INTEROP shape, criteria as an object', () => {
    expect(badgeClass(base)).toEqual({
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'BadgeClass',
      id: BADGE,
      name: 'Travail en équipe',
      description: 'Reconnaît la capacité à coopérer.',
      image: `${BADGE}/image.png`,
      criteria: { narrative: 'Avoir mené un projet collectif.' },
      issuer: ISSUER,
    });
  });

  it("keeps the spec example's alignment and tags", () => {
    const spec = fixtureJson<{ alignment: { targetName: string; targetUrl: string }[]; tags: string[] }>('spec-badgeclass.json');
    const doc = badgeClass({ ...base, tags: spec.tags, alignment: spec.alignment });
    expect(doc.alignment).toEqual(spec.alignment);
    expect(doc.tags).toEqual(['robots', 'awesome']);
  });

  it('omits empty tags and alignment, and blank entries', () => {
    const doc = badgeClass({ ...base, tags: ['', ' '], alignment: [] });
    expect(doc).not.toHaveProperty('tags');
    expect(doc).not.toHaveProperty('alignment');
    expectNoEmptyValues(doc);
  });

  it('needs criteria with an id or a narrative', () => {
    expectDocumentError(() => badgeClass({ ...base, criteria: {} }), /criteria/);
    expectDocumentError(() => badgeClass({ ...base, criteria: { narrative: ' ' } }), /criteria/);
    expect(badgeClass({ ...base, criteria: { id: `${ORIGIN}/criteria/7` } }).criteria).toEqual({ id: `${ORIGIN}/criteria/7` });
  });

  it('needs targetName and targetUrl on each alignment', () => {
    const aligned = (a: object) => badgeClass({ ...base, alignment: [a as never] });
    expectDocumentError(() => aligned({ targetUrl: 'https://example.org/c/1' }), /targetName/);
    expectDocumentError(() => aligned({ targetName: 'C1' }), /targetUrl/);
    expect(aligned({ targetName: 'C1', targetUrl: 'https://example.org/c/1', targetCode: '' }).alignment).toEqual([
      { targetName: 'C1', targetUrl: 'https://example.org/c/1' },
    ]);
  });

  it('accepts a PNG or SVG data URI image but nothing else inline', () => {
    expect(badgeClass({ ...base, image: 'data:image/png;base64,iVBORw0KGgo=' }).image).toMatch(/^data:image\/png/);
    expectDocumentError(() => badgeClass({ ...base, image: 'data:image/jpeg;base64,/9j/' }), /PNG or SVG/);
  });

  it("must live on the issuer's host and port", () => {
    expectDocumentError(() => badgeClass({ ...base, issuer: 'https://other.example.org/issuers/1' }), /same host/);
    expectDocumentError(() => badgeClass({ ...base, issuer: 'https://badges.example.org:8443/issuers/1' }), /same host/);
  });
});

describe('hostedAssertion', () => {
  const id = `${ORIGIN}/assertions/0b4a6c1e-6a0b-4b8e-9d6e-7d1f2c3b4a59`;

  it('builds the INTEROP shape with HostedBadge verification and Z dates', () => {
    expect(hostedAssertion({ id, recipient, badge: BADGE, issuedOn })).toEqual({
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'Assertion',
      id,
      recipient: {
        type: 'email',
        hashed: true,
        salt: 'c0ffee',
        identity: 'sha256$5b7206eee76001e69a403df65d47b4395234da2d76f3163620d634bc20068e8e',
      },
      badge: BADGE,
      verification: { type: 'HostedBadge' },
      issuedOn: '2024-05-01T08:30:15Z',
    });
  });

  it('writes evidence as Evidence objects, narrative and expiry', () => {
    const doc = hostedAssertion({
      id,
      recipient,
      badge: BADGE,
      issuedOn,
      image: `${id}/hosted.png`,
      evidence: [{ id: 'https://portfolio.example.net/alice', narrative: 'Projet mené', name: undefined }, { narrative: 'Oral' }],
      narrative: 'Très bon travail',
      expires: new Date('2027-05-01T00:00:00Z'),
    });
    expect(doc.evidence).toEqual([
      { type: 'Evidence', id: 'https://portfolio.example.net/alice', narrative: 'Projet mené' },
      { type: 'Evidence', narrative: 'Oral' },
    ]);
    expect(doc.expires).toBe('2027-05-01T00:00:00Z');
    expect(doc.narrative).toBe('Très bon travail');
    expect(doc.image).toBe(`${id}/hosted.png`);
    expectNoEmptyValues(doc);
  });

  it('omits empty evidence, blank narrative and undefined fields', () => {
    const doc = hostedAssertion({
      id,
      recipient,
      badge: BADGE,
      issuedOn,
      evidence: [],
      narrative: '',
      image: undefined,
      expires: undefined,
    });
    expect(Object.keys(doc)).toEqual(['@context', 'type', 'id', 'recipient', 'badge', 'verification', 'issuedOn']);
  });

  it('never publishes a data: URI as the assertion image', () => {
    expectDocumentError(
      () => hostedAssertion({ id, recipient, badge: BADGE, issuedOn, image: 'data:image/png;base64,iVBORw0KGgo=' }),
      /data: URI/,
    );
  });

  it('refuses evidence with neither URL nor narrative', () => {
    expectDocumentError(() => hostedAssertion({ id, recipient, badge: BADGE, issuedOn, evidence: [{ name: 'x' }] }), /evidence\[0\]/);
  });

  it('refuses an expiry that is not after issuedOn, and invalid dates', () => {
    expectDocumentError(() => hostedAssertion({ id, recipient, badge: BADGE, issuedOn, expires: issuedOn }), /expires/);
    expectDocumentError(() => hostedAssertion({ id, recipient, badge: BADGE, issuedOn: new Date('x') }), /issuedOn/);
  });

  it('only publishes salted lower-case sha256 email hashes', () => {
    const bad = (r: object) => () => hostedAssertion({ id, recipient: r as never, badge: BADGE, issuedOn });
    expectDocumentError(bad({ type: 'email', hashed: false, identity: 'alice@example.org' }), /hashed/);
    expectDocumentError(bad({ ...recipient, salt: '' }), /salt/);
    expectDocumentError(bad({ ...recipient, identity: recipient.identity.toUpperCase() }), /lower-case/);
  });

  it('must be on the same host and port as its BadgeClass (OBP)', () => {
    expectDocumentError(
      () => hostedAssertion({ id: 'https://elsewhere.example.org/assertions/1', recipient, badge: BADGE, issuedOn }),
      /same host/,
    );
  });
});

describe('signedAssertion', () => {
  it('uses a lower-case urn:uuid id and SignedBadge verification with creator', () => {
    const doc = signedAssertion({
      uuid: 'A953081A-4BBD-4927-9653-7219BCA00E3B',
      creator: KEY,
      recipient,
      badge: BADGE,
      issuedOn,
    });
    expect(doc.id).toBe('urn:uuid:a953081a-4bbd-4927-9653-7219bca00e3b');
    expect(doc.id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(doc.verification).toEqual({ type: 'SignedBadge', creator: KEY });
    expect(Object.keys(doc)).toEqual(['@context', 'type', 'id', 'recipient', 'badge', 'verification', 'issuedOn']);
  });

  it("matches the spec's signed Claims example field for field", () => {
    const spec = fixtureJson<Record<string, unknown>>('spec-signed-assertion.json');
    const doc = signedAssertion({
      uuid: 'a953081a-4bbd-4927-9653-7219bca00e3b',
      creator: 'https://example.org/publicKey.json',
      recipient: { type: 'email', hashed: true, salt: 'deadsea', identity: (spec.recipient as { identity: string }).identity },
      badge: 'https://example.org/robotics-badge.json',
      issuedOn: new Date('2016-12-31T23:59:59Z'),
      evidence: [{ id: 'https://example.org/beths-robot-work.html' }],
    });
    // The spec gives evidence as a bare IRI; we always write the Evidence class.
    expect({ ...doc, evidence: spec.evidence }).toEqual(spec);
  });

  it('refuses ids VAL would reject and a missing creator', () => {
    const base = { creator: KEY, recipient, badge: BADGE, issuedOn };
    expectDocumentError(() => signedAssertion({ ...base, uuid: 'not-a-uuid' }), /uuid/);
    expectDocumentError(() => signedAssertion({ ...base, uuid: 'a953081a-4bbd-0927-9653-7219bca00e3b' }), /uuid/);
    expectDocumentError(() => signedAssertion({ ...base, uuid: 'a953081a-4bbd-4927-9653-7219bca00e3b', creator: '' }), /creator/);
  });
});

describe('revokedHostedAssertion', () => {
  it('is exactly @context, id, revoked and revocationReason, like the spec example', () => {
    const spec = fixtureJson('spec-revoked-hosted-assertion.json');
    const doc = revokedHostedAssertion(
      'https://example.org/beths-robotics-badge.json',
      "Turns out the student's robot was just three stacked children in a trenchcoat with dryer vent hose arms.",
    );
    expect(doc).toEqual(spec);
    expect(Object.keys(doc)).toEqual(['@context', 'id', 'revoked', 'revocationReason']);
    expect(doc).not.toHaveProperty('type');
  });
});

describe('cryptographicKey', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('builds the spec shape with an SPKI PEM', () => {
    expect(cryptographicKey({ id: KEY, owner: ISSUER, publicKeyPem: spki })).toEqual({
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'CryptographicKey',
      id: KEY,
      owner: ISSUER,
      publicKeyPem: spki,
    });
  });

  it('re-exports a PKCS#1 public key as SPKI', () => {
    const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PUBLIC KEY');
    expect(cryptographicKey({ id: KEY, owner: ISSUER, publicKeyPem: pkcs1 }).publicKeyPem).toBe(spki);
  });

  it('refuses private keys, garbage and keys VAL cannot use', () => {
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expectDocumentError(() => cryptographicKey({ id: KEY, owner: ISSUER, publicKeyPem: pkcs8 }), /not a private key/);
    expectDocumentError(() => cryptographicKey({ id: KEY, owner: ISSUER, publicKeyPem: 'hello' }), /PEM/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expectDocumentError(() => cryptographicKey({ id: KEY, owner: ISSUER, publicKeyPem: small }), /2048/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expectDocumentError(() => cryptographicKey({ id: KEY, owner: ISSUER, publicKeyPem: ec }), /RSA/);
  });
});

describe('revocationList', () => {
  it('builds the spec shape and keeps reasons only when given', () => {
    expect(
      revocationList({
        id: `${ISSUER}/revocations`,
        issuer: ISSUER,
        revokedAssertions: [
          { id: 'urn:uuid:e79a6c18-787e-4868-8e65-e6a4530fb418', revocationReason: 'Honor code violation' },
          { id: 'urn:uuid:3c574c87-b96f-4f06-8eb5-68a29335b60e', revocationReason: undefined },
        ],
      }),
    ).toEqual({
      '@context': 'https://w3id.org/openbadges/v2',
      id: `${ISSUER}/revocations`,
      type: 'RevocationList',
      issuer: ISSUER,
      revokedAssertions: [
        { id: 'urn:uuid:e79a6c18-787e-4868-8e65-e6a4530fb418', revocationReason: 'Honor code violation' },
        { id: 'urn:uuid:3c574c87-b96f-4f06-8eb5-68a29335b60e' },
      ],
    });
  });

  it('keeps revokedAssertions, a required property, even when empty', () => {
    expect(revocationList({ id: `${ISSUER}/revocations`, issuer: ISSUER, revokedAssertions: [] }).revokedAssertions).toEqual([]);
  });
});
