import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  bakeCredentialPng,
  bakeCredentialSvg,
  bitstringStatusListCredential,
  generateEd25519Key,
  multikeyDocument,
  openBadgeCredential,
  profile,
  profileDocument,
  signCredential,
  statusListEntry,
} from '../../../src/openbadges/v3/index.ts';
import {
  credentialFromPng,
  credentialFromSvg,
  isCredentialJson,
  isVcJwt,
  verifyCredentialDocument,
  verifyCredentialJwt,
} from '../../../src/openbadges/v3/read.ts';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { DocumentLoader } from '../../../src/openbadges/index.ts';
import { makePng } from '../support.ts';

// The spec's own files, read from the reference pack (copied under test/fixtures as well).
const REFERENCE = '/work/shared/reference/openbadges-v3';
const fixture = <T = Record<string, unknown>>(name: string): T => {
  const url = new URL(`../../fixtures/openbadges-v3/${name}`, import.meta.url);
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as T;
  } catch {
    return JSON.parse(readFileSync(`${REFERENCE}/${name.replace(/^obv3p0\//, 'test-vectors/obv3p0/')}`, 'utf8')) as T;
  }
};

function loaderOf(documents: Record<string, unknown>, fetched: string[] = []): DocumentLoader {
  return {
    fetchJson: async (url) => {
      fetched.push(url);
      return url in documents ? { status: 200, body: structuredClone(documents[url]) } : { status: 404, body: null };
    },
  };
}

const states = (report: { checks: { code: string; ok: boolean | null; reason?: string }[] }) =>
  Object.fromEntries(report.checks.map((c) => [c.code, c.ok === false ? c.reason : c.ok]));

describe('the spec test vector (obv3p0, eddsa-rdfc-2022), read by « Vérifier un badge »', () => {
  const keypair = fixture<Record<string, string>>('obv3p0/keypair.json');
  const key = { id: keypair.id, type: 'Multikey', controller: keypair.controller, publicKeyMultibase: keypair.publicKeyMultibase };
  // The issuer publishes its Profile at its id, the key in it as a fragment.
  const documents = {
    [keypair.controller!]: {
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
      id: keypair.controller,
      type: 'Profile',
      name: 'Example University',
      verificationMethod: [key],
      assertionMethod: [keypair.id],
    },
  };
  const NOW = new Date('2024-06-01T00:00:00Z');

  it('the signed vector verifies: schema, key published by the issuer, proof, dates', async () => {
    const signed = fixture('obv3p0/signed-credential.json');
    expect(isCredentialJson(signed)).toBe(true);
    const fetched: string[] = [];
    const report = await verifyCredentialDocument(signed, { loader: loaderOf(documents, fetched), now: NOW });
    expect(report.status).toBe('valid');
    expect(report.valid).toBe(true);
    expect(states(report)).toEqual({
      schema: true,
      issuer: true,
      keyDiscovery: true,
      proof: true,
      revocation: null,
      validFrom: true,
      expiry: null,
      recipient: null,
    });
    expect(report.issuerIdentity).toEqual({ established: true, publishedBy: 'example.edu', keyPublishedBy: 'example.edu' });
    // Only the issuer's Profile was fetched: the contexts are local.
    expect(fetched).toEqual([keypair.controller]);
  });

  it('a tampered copy fails the proof', async () => {
    const tampered = fixture<{ credentialSubject: { achievement: { name: string } } }>('obv3p0/signed-credential.json');
    tampered.credentialSubject.achievement.name = 'Another achievement';
    const report = await verifyCredentialDocument(tampered, { loader: loaderOf(documents), now: NOW });
    expect(report.status).toBe('invalid');
    expect(report.reason).toBe('proof_invalid');
    expect(report.issuerIdentity.established).toBe(false);
  });

  it('a key the Profile does not list under assertionMethod, or controlled by another, is refused', async () => {
    const signed = fixture('obv3p0/signed-credential.json');
    const unlisted = { [keypair.controller!]: { ...documents[keypair.controller!], assertionMethod: [] } };
    expect((await verifyCredentialDocument(signed, { loader: loaderOf(unlisted), now: NOW })).reason).toBe('key_not_assertion_method');
    const stolen = {
      [keypair.controller!]: { ...documents[keypair.controller!], verificationMethod: [{ ...key, controller: 'https://evil.example/me' }] },
    };
    expect((await verifyCredentialDocument(signed, { loader: loaderOf(stolen), now: NOW })).reason).toBe('key_controller_mismatch');
    const report = await verifyCredentialDocument(signed, { loader: loaderOf({}), now: NOW });
    expect(report.reason).toBe('key_unavailable');
  });

  it('validFrom in the future is not yet valid', async () => {
    const signed = fixture('obv3p0/signed-credential.json');
    const report = await verifyCredentialDocument(signed, { loader: loaderOf(documents), now: new Date('2009-01-01T00:00:00Z') });
    expect(report.status).toBe('invalid');
    expect(report.reason).toBe('not_yet_valid');
    expect(states(report).proof).toBe(true);
  });

  it('the unsigned vector and the examples (no proof) pass the schema but carry no proof', async () => {
    for (const name of ['obv3p0/unsigned-credential.json', 'basicOpenBadgeCredential.json', 'fullOpenBadge.json']) {
      const report = await verifyCredentialDocument(fixture(name), { loader: loaderOf({}), now: NOW });
      expect(states(report).schema, name).toBe(true);
      expect(report.reason, name).toBe('proof_missing');
    }
  });

  it('a document that is not a 3.0 credential fails the schema, naming the field', async () => {
    const signed = fixture<Record<string, unknown>>('obv3p0/signed-credential.json');
    delete signed.credentialSubject;
    const report = await verifyCredentialDocument(signed, { loader: loaderOf(documents), now: NOW });
    expect(report.reason).toBe('schema_invalid');
    expect(report.checks[0]!.params?.message).toMatch(/credentialSubject/);
  });
});

describe('a credential issued as ours, with a status list', () => {
  const ISSUER = 'https://issuer.example/ob3/issuers/1';
  const KEY_URL = `${ISSUER}/keys/1`;
  const LIST_URL = `${ISSUER}/status/0`;
  const NOW = new Date('2026-03-02T10:00:00Z');
  const issuer = profile({
    id: ISSUER,
    name: 'Mission Locale',
    url: 'https://ml.example',
    email: 'c@ml.example',
    issuerV2: 'https://issuer.example/issuers/1',
  });

  async function issued(revoked: number[] = []) {
    const pair = await generateEd25519Key();
    const signingKey = { id: KEY_URL, controller: ISSUER, ...pair };
    const signed = await signCredential(
      openBadgeCredential({
        id: 'urn:uuid:0b5c3f2e-8a1d-4c6e-9f7a-2d4b6c8e0f11',
        issuer,
        achievement: {
          id: 'https://issuer.example/badges/1',
          name: 'Communiquer',
          description: 'Échanger.',
          criteria: { narrative: 'A présenté son projet.' },
          image: { id: 'https://issuer.example/badges/1/image.png' },
          achievementType: 'Competency',
          relatedBadgeClass: 'https://issuer.example/badges/1',
        },
        recipient: { email: 'camille@example.org', salt: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', name: 'Camille' },
        assertionV2: 'https://issuer.example/assertions/1',
        awardedDate: new Date('2026-03-01T09:30:00Z'),
        validFrom: new Date('2026-03-01T09:30:00Z'),
        validUntil: new Date('2029-03-01T09:30:00Z'),
        credentialStatus: statusListEntry(LIST_URL, 94_567),
        now: NOW,
      }),
      signingKey,
      NOW,
    );
    const keyDoc = { id: KEY_URL, type: 'Multikey' as const, controller: ISSUER, publicKeyMultibase: pair.publicKeyMultibase };
    const documents = {
      [ISSUER]: profileDocument(issuer, [keyDoc]),
      [KEY_URL]: multikeyDocument(keyDoc),
      [LIST_URL]: await signCredential(
        bitstringStatusListCredential({ id: LIST_URL, issuer, revokedIndexes: revoked, validFrom: NOW }),
        signingKey,
        NOW,
      ),
    };
    return { signed, documents };
  }

  it('genuine, revoked when its bit is set, expired after validUntil, and read from its PNG and SVG', async () => {
    const { signed, documents } = await issued();
    const report = await verifyCredentialDocument(signed, { loader: loaderOf(documents), now: NOW });
    expect(states(report)).toEqual({
      schema: true,
      issuer: true,
      keyDiscovery: true,
      proof: true,
      revocation: true,
      validFrom: true,
      expiry: true,
      recipient: null,
    });
    expect(report.status).toBe('valid');
    expect(report.issuer?.name).toBe('Mission Locale');
    expect(report.badgeClass?.name).toBe('Communiquer');

    const holder = await verifyCredentialDocument(signed, {
      loader: loaderOf(documents),
      now: NOW,
      recipientEmail: ' Camille@Example.org ',
    });
    expect([holder.status, holder.valid, holder.recipientMatches, states(holder).recipient]).toEqual(['valid', true, true, true]);
    const other = await verifyCredentialDocument(signed, { loader: loaderOf(documents), now: NOW, recipientEmail: 'sam@example.org' });
    expect([other.status, other.valid, other.recipientMatches, other.reason]).toEqual(['valid', false, false, 'recipient_mismatch']);

    const later = await verifyCredentialDocument(signed, { loader: loaderOf(documents), now: new Date('2030-01-01T00:00:00Z') });
    expect(later.status).toBe('expired');

    const { documents: revokedDocs } = await issued([94_567]);
    // Another key signed that list: its proof fails, so the status is unknown, not « revoked ».
    const mixed = await verifyCredentialDocument(signed, {
      loader: loaderOf({ ...documents, [LIST_URL]: revokedDocs[LIST_URL] }),
      now: NOW,
    });
    expect(mixed.reason).toBe('status_list_invalid');

    const png = makePng();
    expect(JSON.parse(credentialFromPng(bakeCredentialPng(png, signed))!)).toEqual(signed);
    const svg = bakeCredentialSvg('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', signed);
    expect(JSON.parse(credentialFromSvg(svg)!)).toEqual(signed);
  });

  it('a revoked bit in a list signed by the issuer says revoked', async () => {
    const pair = await generateEd25519Key();
    const signingKey = { id: KEY_URL, controller: ISSUER, ...pair };
    const { signed: unsigned } = await issued();
    const { proof: _proof, ...body } = unsigned;
    const signed = await signCredential(body, signingKey, NOW);
    const keyDoc = { id: KEY_URL, type: 'Multikey' as const, controller: ISSUER, publicKeyMultibase: pair.publicKeyMultibase };
    const documents = {
      [ISSUER]: profileDocument(issuer, [keyDoc]),
      [KEY_URL]: multikeyDocument(keyDoc),
      [LIST_URL]: await signCredential(
        bitstringStatusListCredential({ id: LIST_URL, issuer, revokedIndexes: [94_567], validFrom: NOW }),
        signingKey,
        NOW,
      ),
    };
    const report = await verifyCredentialDocument(signed, { loader: loaderOf(documents), now: NOW });
    expect(report.status).toBe('revoked');
    expect(report.reason).toBe('revoked');
  });

  it('tells a VC-JWT from a 2.0 JWS', () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(isVcJwt(`${b64({ alg: 'EdDSA', typ: 'vc+jwt' })}.${b64({ iss: 'x' })}.sig`)).toBe(true);
    expect(isVcJwt(`${b64({ alg: 'ES256' })}.${b64({ vc: { type: ['VerifiableCredential'] } })}.sig`)).toBe(true);
    expect(isVcJwt(`${b64({ alg: 'RS256' })}.${b64({ '@context': 'https://w3id.org/openbadges/v2', type: 'Assertion' })}.sig`)).toBe(false);
  });
});

describe('a VC-JWT (EdDSA or ES256), its key found by kid as the issuer publishes it', () => {
  const ISSUER = 'https://jwt.example/issuer';
  const NOW = new Date('2024-06-01T00:00:00Z');
  const unsigned = fixture<Record<string, any>>('obv3p0/unsigned-credential.json');
  const credential = { ...unsigned, issuer: { ...unsigned.issuer, id: ISSUER } };
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

  function setup(alg: 'EdDSA' | 'ES256') {
    const pair = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = `${ISSUER}#key-${alg}`;
    const key = { id: kid, type: 'JsonWebKey', controller: ISSUER, publicKeyJwk: pair.publicKey.export({ format: 'jwk' }) };
    const documents = { [ISSUER]: { id: ISSUER, type: 'Profile', verificationMethod: [key], assertionMethod: [kid] } };
    const sign = (payload: object, header: object = { alg, kid, typ: 'vc+jwt' }) => {
      const input = `${b64(header)}.${b64(payload)}`;
      const signature =
        alg === 'EdDSA'
          ? cryptoSign(null, Buffer.from(input), pair.privateKey)
          : cryptoSign('sha256', Buffer.from(input), { key: pair.privateKey, dsaEncoding: 'ieee-p1363' });
      return `${input}.${signature.toString('base64url')}`;
    };
    return { documents, sign, kid };
  }

  for (const alg of ['EdDSA', 'ES256'] as const) {
    it(`${alg}: genuine; tampered payload fails; a kid the Profile does not list is refused`, async () => {
      const { documents, sign } = setup(alg);
      const jwt = sign(credential);
      expect(isVcJwt(jwt)).toBe(true);
      const report = await verifyCredentialJwt(jwt, { loader: loaderOf(documents), now: NOW });
      expect(states(report)).toEqual({
        schema: true,
        issuer: true,
        keyDiscovery: true,
        proof: true,
        revocation: null,
        validFrom: true,
        expiry: null,
        recipient: null,
      });
      // VC-JWT 1.1: the credential in the `vc` claim.
      expect((await verifyCredentialJwt(sign({ iss: ISSUER, vc: credential }), { loader: loaderOf(documents), now: NOW })).status).toBe(
        'valid',
      );

      const [h, , sig] = jwt.split('.');
      const forged = `${h}.${b64({ ...credential, name: 'Autre' })}.${sig}`;
      expect((await verifyCredentialJwt(forged, { loader: loaderOf(documents), now: NOW })).reason).toBe('proof_invalid');
      const unlisted = { [ISSUER]: { ...documents[ISSUER]!, assertionMethod: [] } };
      expect((await verifyCredentialJwt(jwt, { loader: loaderOf(unlisted), now: NOW })).reason).toBe('key_not_assertion_method');
    });
  }

  it('the JWT’s own exp and nbf claims bind too: expired, not yet valid', async () => {
    const { documents, sign } = setup('EdDSA');
    const seconds = (d: string) => Date.parse(d) / 1000;
    const { validUntil: _none, ...open } = credential as Record<string, unknown>;
    const expired = sign({ iss: ISSUER, exp: seconds('2024-05-01T00:00:00Z'), vc: open });
    expect((await verifyCredentialJwt(expired, { loader: loaderOf(documents), now: NOW })).status).toBe('expired');
    const early = sign({ iss: ISSUER, nbf: seconds('2024-07-01T00:00:00Z'), vc: open });
    expect((await verifyCredentialJwt(early, { loader: loaderOf(documents), now: NOW })).reason).toBe('not_yet_valid');
    const current = sign({ iss: ISSUER, exp: seconds('2030-01-01T00:00:00Z'), vc: open });
    expect((await verifyCredentialJwt(current, { loader: loaderOf(documents), now: NOW })).status).toBe('valid');
  });

  it('other algorithms, or a key only embedded in the header, are said not read / not the issuer’s', async () => {
    const { documents, sign } = setup('EdDSA');
    const rs = `${b64({ alg: 'RS256', kid: `${ISSUER}#k`, typ: 'vc+jwt' })}.${b64(credential)}.c2ln`;
    expect((await verifyCredentialJwt(rs, { loader: loaderOf(documents), now: NOW })).reason).toBe('vc_jwt_unsupported');
    const embedded = sign(credential, { alg: 'EdDSA', typ: 'vc+jwt', jwk: { kty: 'OKP' } });
    expect((await verifyCredentialJwt(embedded, { loader: loaderOf(documents), now: NOW })).reason).toBe('key_not_http');
  });

  it('an Ed25519 Multikey (z6Mk…) also verifies a JWT', async () => {
    const keypair = fixture<Record<string, string>>('obv3p0/keypair.json');
    const { createPrivateKey } = await import('node:crypto');
    const seed = Buffer.from(keypair.privateKeyHex!.slice(0, 64), 'hex');
    const privateKey = createPrivateKey({
      key: {
        kty: 'OKP',
        crv: 'Ed25519',
        d: seed.toString('base64url'),
        x: Buffer.from(keypair.publicKeyHex!, 'hex').toString('base64url'),
      },
      format: 'jwk',
    });
    const payload = { ...unsigned };
    const input = `${b64({ alg: 'EdDSA', kid: keypair.id, typ: 'vc+jwt' })}.${b64(payload)}`;
    const jwt = `${input}.${cryptoSign(null, Buffer.from(input), privateKey).toString('base64url')}`;
    const key = { id: keypair.id, type: 'Multikey', controller: keypair.controller, publicKeyMultibase: keypair.publicKeyMultibase };
    const documents = { [keypair.controller!]: { id: keypair.controller, verificationMethod: [key], assertionMethod: [keypair.id] } };
    expect((await verifyCredentialJwt(jwt, { loader: loaderOf(documents), now: NOW })).status).toBe('valid');
  });
});
