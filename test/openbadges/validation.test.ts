import { describe, expect, it } from 'vitest';
import { badgeClass, cryptographicKey, hostedAssertion, issuerProfile, signedAssertion } from '../../src/openbadges/documents.ts';
import { generateSigningKeyPair } from '../../src/openbadges/jws.ts';
import { hashEmailIdentity } from '../../src/openbadges/recipient.ts';
import {
  hostedScopeOf,
  validateAssertion,
  validateBadgeClass,
  validateCryptographicKey,
  validateIssuerProfile,
  validateRevocationList,
  type Validated,
} from '../../src/openbadges/validation.ts';
import { fixtureJson } from './support.ts';

function ok<T>(result: Validated<T>): T {
  if (!result.ok) throw new Error(`expected valid, got ${JSON.stringify(result.problems)}`);
  return result.value;
}

function problems<T>(result: Validated<T>): string[] {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems.map((p) => `${p.reason}: ${p.detail}`);
}

describe("the spec's examples", () => {
  it('Assertion: "hosted" alias and bare evidence IRI are read into the canonical shape', () => {
    const value = ok(validateAssertion(fixtureJson('spec-assertion.json')));
    expect(value.verification).toEqual({ type: 'HostedBadge' });
    expect(value.evidence).toEqual([{ type: 'Evidence', id: 'https://example.org/beths-robot-work.html' }]);
    expect(value.expires).toBe('2017-06-30T23:59:59Z');
    expect(value.badge).toBe('https://example.org/robotics-badge.json');
  });

  it('signed Claims: SignedBadge with its creator', () => {
    const value = ok(validateAssertion(fixtureJson('spec-signed-assertion.json')));
    expect(value.verification).toEqual({ type: 'SignedBadge', creator: 'https://example.org/publicKey.json' });
    expect(value.id).toBe('urn:uuid:a953081a-4bbd-4927-9653-7219bca00e3b');
  });

  it('BadgeClass: criteria IRI becomes a Criteria object; tags and alignment kept', () => {
    const value = ok(validateBadgeClass(fixtureJson('spec-badgeclass.json')));
    expect(value.criteria).toEqual({ id: 'https://example.org/robotics-badge.html' });
    expect(value.tags).toEqual(['robots', 'awesome']);
    expect(value.alignment).toHaveLength(2);
    expect(value.alignment?.[1]?.targetFramework).toBe('Mozilla 21st Century Skills');
  });

  it('Issuer and CryptographicKey', () => {
    expect(ok(validateIssuerProfile(fixtureJson('spec-issuer.json')))).toEqual(fixtureJson('spec-issuer.json'));
    expect(ok(validateCryptographicKey(fixtureJson('spec-cryptographic-key.json'))).owner).toBe('https://example.org/organization.json');
  });

  it('RevocationList: string ids, objects with reasons, and legacy uids', () => {
    expect(ok(validateRevocationList(fixtureJson('spec-revocation-list.json'))).revokedAssertions).toEqual([
      { id: 'urn:uuid:3c574c87-b96f-4f06-8eb5-68a29335b60e' },
      { id: 'urn:uuid:e79a6c18-787e-4868-8e65-e6a4530fb418', revocationReason: 'Honor code violation' },
      { uid: 'abc123', revocationReason: 'Issued in error.' },
    ]);
  });

  it('embedded BadgeClass and Profile inherit the context', () => {
    const doc = fixtureJson<{ badge: { issuer: unknown } }>('spec-embedded-assertion.json');
    expect(ok(validateAssertion(doc)).badge).toBe('https://example.org/robotics-badge.json');
    expect(ok(validateBadgeClass(doc.badge, { embedded: true })).issuer).toBe('https://example.org/organization.json');
    expect(ok(validateIssuerProfile(doc.badge.issuer, { embedded: true })).type).toBe('Profile');
    // Fetched at its own URL, a document must declare its context.
    expect(problems(validateBadgeClass(doc.badge)).join()).toMatch(/not_open_badges_v2/);
  });

  it('several Evidence documents', () => {
    const doc = { ...fixtureJson('spec-assertion.json'), evidence: fixtureJson<{ evidence: unknown }>('spec-evidence-list.json').evidence };
    expect(ok(validateAssertion(doc)).evidence).toEqual([
      {
        type: 'Evidence',
        id: 'https://example.org/beths-robot-photos.html',
        name: 'Robot Photoshoot',
        description: "A gallery of photos of the student's robot",
      },
      {
        type: 'Evidence',
        id: 'https://example.org/beths-robot-work.html',
        name: 'Robotics Reflection #1',
        description: 'Reflective writing about the first week of a robotics learning journey.',
      },
    ]);
  });

  it("the issuer's hosted verification scope from the baking example", () => {
    expect(hostedScopeOf({ verification: { allowedOrigins: 'example.org' } })).toEqual({ allowedOrigins: ['example.org'], startsWith: [] });
    expect(hostedScopeOf(fixtureJson('spec-issuer.json'))).toEqual({ allowedOrigins: [], startsWith: [] });
  });
});

describe('our own documents', () => {
  it('validate to exactly themselves', async () => {
    const O = 'https://badges.example.org';
    const { publicKeyPem } = await generateSigningKeyPair();
    const issuer = issuerProfile({
      id: `${O}/issuers/1`,
      name: 'CFA',
      url: O,
      email: 'c@example.org',
      publicKey: `${O}/k/1`,
      description: 'Un CFA',
    });
    const badge = badgeClass({
      id: `${O}/badges/1`,
      name: 'B',
      description: 'D',
      image: `${O}/badges/1/image.png`,
      criteria: { id: `${O}/criteria/1`, narrative: 'N' },
      issuer: issuer.id,
      tags: ['t'],
      alignment: [{ targetName: 'C1', targetUrl: 'https://example.org/c1', targetCode: 'C1' }],
    });
    const common = {
      recipient: hashEmailIdentity('a@example.org'),
      badge: badge.id,
      issuedOn: new Date(),
      evidence: [{ id: 'https://example.net/e', narrative: 'n', name: 'e', description: 'd' }],
      narrative: 'well done',
      expires: new Date(Date.now() + 1e9),
    };
    const hosted = hostedAssertion({ id: `${O}/assertions/1`, image: `${O}/assertions/1/hosted.png`, ...common });
    const signed = signedAssertion({ uuid: '0b4a6c1e-6a0b-4b8e-9d6e-7d1f2c3b4a59', creator: `${O}/k/1`, ...common });
    const key = cryptographicKey({ id: `${O}/k/1`, owner: issuer.id, publicKeyPem });
    expect(ok(validateIssuerProfile(issuer))).toEqual(issuer);
    expect(ok(validateBadgeClass(badge))).toEqual(badge);
    expect(ok(validateAssertion(hosted))).toEqual(hosted);
    expect(ok(validateAssertion(signed))).toEqual(signed);
    expect(ok(validateCryptographicKey(key))).toEqual(key);
  });
});

describe('invalid documents', () => {
  const assertion = fixtureJson('spec-assertion.json');

  it('reports every missing required property', () => {
    const { recipient: _r, badge: _b, issuedOn: _i, ...rest } = assertion;
    const found = problems(validateAssertion(rest));
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toMatch(/missing_property: assertion has no recipient/);
    expect(found.join('\n')).toMatch(/has no badge/);
    expect(found.join('\n')).toMatch(/has no issuedOn/);
  });

  it('wants the 2.0 context (an array holding it is spec-valid)', () => {
    expect(problems(validateAssertion({ ...assertion, '@context': 'https://w3id.org/openbadges/v1' })).join()).toMatch(
      /not_open_badges_v2/,
    );
    const { '@context': _c, ...noContext } = assertion;
    expect(problems(validateAssertion(noContext)).join()).toMatch(/not_open_badges_v2/);
    expect(validateAssertion({ ...assertion, '@context': ['https://w3id.org/openbadges/v2', { foo: 'http://e.org/foo' }] }).ok).toBe(true);
  });

  it('wants dates with a time and a zone', () => {
    expect(problems(validateAssertion({ ...assertion, issuedOn: '2016-12-31' })).join()).toMatch(/issuedOn must be an ISO 8601/);
    expect(problems(validateAssertion({ ...assertion, expires: 1483228799 })).join()).toMatch(/expires/);
  });

  it('wants a creator on signed assertions (VAL) and an http id on hosted ones', () => {
    const signed = fixtureJson('spec-signed-assertion.json');
    expect(problems(validateAssertion({ ...signed, verification: { type: 'SignedBadge' } })).join()).toMatch(/creator/);
    expect(problems(validateAssertion({ ...assertion, id: 'urn:uuid:a953081a-4bbd-4927-9653-7219bca00e3b' })).join()).toMatch(
      /hosted assertion/,
    );
    expect(problems(validateAssertion({ ...assertion, verification: { type: 'blockchain' } })).join()).toMatch(/verification\.type/);
  });

  it('wants the right type', () => {
    expect(problems(validateAssertion({ ...assertion, type: 'BadgeClass' })).join()).toMatch(/type must include Assertion/);
    expect(validateAssertion({ ...assertion, type: ['Assertion', 'extensions:Foo'] }).ok).toBe(true);
  });

  it('BadgeClass: criteria, alignment targets', () => {
    const badge = fixtureJson('spec-badgeclass.json');
    expect(problems(validateBadgeClass({ ...badge, criteria: {} })).join()).toMatch(/criteria needs an id or a narrative/);
    expect(problems(validateBadgeClass({ ...badge, alignment: [{ targetName: 'x' }] })).join()).toMatch(/targetUrl/);
  });

  it('issuer: name, url and email are required of an issuer', () => {
    const { email: _e, ...noEmail } = fixtureJson('spec-issuer.json');
    expect(problems(validateIssuerProfile(noEmail)).join()).toMatch(/has no email/);
  });

  it('non-objects', () => {
    for (const value of [null, 'text', 42, [fixtureJson('spec-assertion.json')]]) {
      expect(problems(validateAssertion(value))[0]).toMatch(/^not_an_object/);
    }
  });
});
