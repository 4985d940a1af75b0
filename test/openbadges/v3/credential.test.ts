import { describe, expect, it } from 'vitest';
import {
  bitstringStatusListCredential,
  generateEd25519Key,
  localDocumentLoader,
  verifyOpenBadgeCredential,
  multikeyDocument,
  openBadgeCredential,
  profile,
  profileDocument,
  signCredential,
  statusListEntry,
  type OpenBadgeCredentialInput,
} from '../../../src/openbadges/v3/index.ts';
import { OpenBadgesError } from '../../../src/openbadges/index.ts';
import { schemaErrors, v3Fixture, verifyIndependently } from './independent.ts';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

const ORIGIN = 'https://insigne.example';
const ISSUER = `${ORIGIN}/ob3/issuers/3f0c6a52-1c1f-4b9b-9c51-0c6f1e1f9a10`;
const KEY_URL = `${ISSUER}/keys/6b1c1d3e-2a55-4f63-8d7e-31c8a0b1f0aa`;
const LIST_URL = `${ISSUER}/status/0`;
const NOW = new Date('2026-03-02T10:00:00Z');

const issuer = profile({
  id: ISSUER,
  name: 'Mission Locale de Caen',
  url: 'https://mlcaen.example.org',
  email: 'contact@mlcaen.example.org',
  issuerV2: `${ORIGIN}/issuers/3f0c6a52-1c1f-4b9b-9c51-0c6f1e1f9a10`,
});

function input(overrides: Partial<OpenBadgeCredentialInput> = {}): OpenBadgeCredentialInput {
  return {
    id: 'urn:uuid:0b5c3f2e-8a1d-4c6e-9f7a-2d4b6c8e0f11',
    issuer,
    achievement: {
      id: `${ORIGIN}/badges/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d`,
      name: 'Communiquer',
      description: 'Échanger à l’oral et à l’écrit dans un cadre professionnel.',
      criteria: { narrative: 'A présenté son projet devant un jury.' },
      image: { id: `${ORIGIN}/badges/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/image.png` },
      achievementType: 'Competency',
      alignment: [{ targetName: 'Communiquer', targetUrl: `${ORIGIN}/referentiel#communiquer`, targetFramework: 'Référentiel régional' }],
      relatedBadgeClass: `${ORIGIN}/badges/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d`,
    },
    recipient: { email: '  Camille.Martin@Example.org ', salt: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', name: 'Camille Martin' },
    narrative: 'Présentation orale du 28 février.',
    evidence: [{ id: 'https://portfolio.example.org/camille/projet', narrative: 'Le support de la présentation' }],
    assertionV2: `${ORIGIN}/assertions/0b5c3f2e-8a1d-4c6e-9f7a-2d4b6c8e0f11`,
    awardedDate: new Date('2026-03-01T09:30:00Z'),
    validFrom: new Date('2026-03-01T09:30:00Z'),
    validUntil: new Date('2029-03-01T09:30:00Z'),
    credentialStatus: statusListEntry(LIST_URL, 94_567),
    now: NOW,
    ...overrides,
  };
}

async function issuedWith(key = undefined as Awaited<ReturnType<typeof generateEd25519Key>> | undefined) {
  const pair = key ?? (await generateEd25519Key());
  const signingKey = { id: KEY_URL, controller: ISSUER, ...pair };
  const signed = await signCredential(openBadgeCredential(input()), signingKey, NOW);
  const documents = {
    [ISSUER]: profileDocument(issuer, [{ id: KEY_URL, type: 'Multikey', controller: ISSUER, publicKeyMultibase: pair.publicKeyMultibase }]),
    [KEY_URL]: multikeyDocument({ id: KEY_URL, type: 'Multikey', controller: ISSUER, publicKeyMultibase: pair.publicKeyMultibase }),
    [LIST_URL]: await signCredential(
      bitstringStatusListCredential({ id: LIST_URL, issuer, revokedIndexes: [], validFrom: NOW }),
      signingKey,
      NOW,
    ),
  };
  return { signed, documents, pair };
}

describe('OpenBadgeCredential', () => {
  it('has the exact @context and type arrays, and validates against the 1EdTech schema', async () => {
    const { signed } = await issuedWith();
    expect(signed['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
    ]);
    expect(signed.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(signed.issuer.type).toEqual(['Profile']);
    expect(signed.credentialSubject.achievement.type).toEqual(['Achievement']);
    expect(signed.credentialSubject.achievement.image.type).toBe('Image');
    expect(signed.credentialSubject.achievement.alignment?.[0]?.type).toEqual(['Alignment']);
    expect(signed.credentialSchema).toEqual([
      {
        id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
        type: '1EdTechJsonSchemaValidator2019',
      },
    ]);
    expect(signed.validFrom).toBe('2026-03-01T09:30:00Z');
    expect(signed.validUntil).toBe('2029-03-01T09:30:00Z');
    expect(signed.awardedDate).toBe('2026-03-01T09:30:00Z');
    expect(Array.isArray(signed.proof)).toBe(true);
    expect(signed.proof).toHaveLength(1);
    expect(signed.proof[0]).toMatchObject({
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      created: '2026-03-02T10:00:00Z',
      verificationMethod: KEY_URL,
      proofPurpose: 'assertionMethod',
    });
    expect(signed.credentialStatus).toEqual({
      id: `${LIST_URL}#94567`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: LIST_URL,
    });
    expect(signed.evidence).toContainEqual({
      type: ['Evidence', 'https://w3id.org/openbadges#Assertion'],
      id: `${ORIGIN}/assertions/0b5c3f2e-8a1d-4c6e-9f7a-2d4b6c8e0f11`,
    });
    expect(schemaErrors(signed)).toEqual([]);
  });

  it('names the learner by a salted hash of the normalised email, as 2.0 does, and by name only when shown', async () => {
    const credential = openBadgeCredential(input());
    const salt = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const hash = createHash('sha256').update(`camille.martin@example.org${salt}`).digest('hex');
    expect(credential.credentialSubject.identifier).toEqual([
      { type: 'IdentityObject', identityType: 'emailAddress', hashed: true, salt, identityHash: `sha256$${hash}` },
    ]);
    expect(credential.credentialSubject).not.toHaveProperty('id');
    expect(credential.credentialSubject.type).toEqual(['AchievementSubject', 'Profile']);
    expect(credential.credentialSubject.name).toBe('Camille Martin');

    const hidden = openBadgeCredential(input({ recipient: { email: 'camille.martin@example.org', salt } }));
    expect(hidden.credentialSubject.type).toEqual(['AchievementSubject']);
    expect(hidden.credentialSubject).not.toHaveProperty('name');
    expect(JSON.stringify(hidden)).not.toContain('Camille');
    expect(schemaErrors(hidden)).toEqual([]);
  });

  it('refuses what verifiers would refuse: a future validFrom, a criteria with nothing, an uppercase urn', () => {
    expect(() => openBadgeCredential(input({ validFrom: new Date('2026-03-03T00:00:00Z') }))).toThrow(OpenBadgesError);
    expect(() => openBadgeCredential(input({ achievement: { ...input().achievement, criteria: { narrative: '  ' } } }))).toThrow(
      /criteria/,
    );
    expect(() => openBadgeCredential(input({ id: 'urn:uuid:0B5C3F2E-8A1D-4C6E-9F7A-2D4B6C8E0F11' }))).toThrow(/urn:uuid/);
  });
});

describe('the eddsa-rdfc-2022 proof, checked by the DCC verifier', () => {
  it('verifies, with the key found through its controller Profile', async () => {
    const { signed, documents } = await issuedWith();
    const result = await verifyIndependently(signed, documents, NOW);
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
  });

  it('is refused once its bit is set in the status list', async () => {
    const { signed, documents, pair } = await issuedWith();
    const key = { id: KEY_URL, controller: ISSUER, ...pair };
    const clear = await signCredential(
      bitstringStatusListCredential({ id: LIST_URL, issuer, revokedIndexes: [1, 2], validFrom: NOW }),
      key,
      NOW,
    );
    expect((await verifyIndependently(signed, { ...documents, [LIST_URL]: clear }, NOW)).verified).toBe(true);
    const revoked = await signCredential(
      bitstringStatusListCredential({ id: LIST_URL, issuer, revokedIndexes: [94_567], validFrom: NOW }),
      key,
      NOW,
    );
    expect((await verifyIndependently(signed, { ...documents, [LIST_URL]: revoked }, NOW)).verified).toBe(false);
  });

  it('is refused after validUntil and before validFrom', async () => {
    const { signed, documents, pair } = await issuedWith();
    const key = { id: KEY_URL, controller: ISSUER, ...pair };
    const list = await signCredential(
      bitstringStatusListCredential({ id: LIST_URL, issuer, revokedIndexes: [], validFrom: NOW }),
      key,
      NOW,
    );
    const all = { ...documents, [LIST_URL]: list };
    expect((await verifyIndependently(signed, all, NOW)).verified).toBe(true);
    expect((await verifyIndependently(signed, all, new Date('2029-03-02T00:00:00Z'))).verified).toBe(false);
    expect((await verifyIndependently(signed, all, new Date('2026-02-01T00:00:00Z'))).verified).toBe(false);
  });

  it('refuses a tampered credential', async () => {
    const { signed, documents } = await issuedWith();
    const tampered = structuredClone(signed);
    tampered.credentialSubject.achievement.name = 'Piloter une équipe';
    expect((await verifyIndependently(tampered, documents, NOW)).verified).toBe(false);
  });

  it('refuses a proof made with another key than the one the Profile lists', async () => {
    const { documents } = await issuedWith();
    const other = await generateEd25519Key();
    const forged = await signCredential(openBadgeCredential(input()), { id: KEY_URL, controller: ISSUER, ...other }, NOW);
    expect((await verifyIndependently(forged, documents, NOW)).verified).toBe(false);
  });

  it('refuses a key whose controller Profile does not list it under assertionMethod', async () => {
    const { signed, documents } = await issuedWith();
    const unlisted = { ...documents, [ISSUER]: profileDocument(issuer, []) };
    expect((await verifyIndependently(signed, unlisted, NOW)).verified).toBe(false);
  });
});

describe('our own check (verifyOpenBadgeCredential), which the recruiter’s page uses', () => {
  const loaderOf = (documents: Record<string, unknown>) => localDocumentLoader(new Map(Object.entries(documents)));

  it('says verified, tampered is invalid, a set bit is revoked, another key is invalid', async () => {
    const { signed, documents, pair } = await issuedWith();
    expect(await verifyOpenBadgeCredential(signed, { documentLoader: loaderOf(documents), now: NOW })).toBe('verified');
    const tampered = structuredClone(signed);
    tampered.credentialSubject.achievement.name = 'Autre';
    expect(await verifyOpenBadgeCredential(tampered, { documentLoader: loaderOf(documents), now: NOW })).toBe('invalid');
    const key = { id: KEY_URL, controller: ISSUER, ...pair };
    const revokedList = await signCredential(
      bitstringStatusListCredential({ id: LIST_URL, issuer, revokedIndexes: [94_567], validFrom: NOW }),
      key,
      NOW,
    );
    expect(await verifyOpenBadgeCredential(signed, { documentLoader: loaderOf({ ...documents, [LIST_URL]: revokedList }), now: NOW })).toBe(
      'revoked',
    );
    const forged = await signCredential(openBadgeCredential(input()), { ...key, ...(await generateEd25519Key()) }, NOW);
    expect(await verifyOpenBadgeCredential(forged, { documentLoader: loaderOf(documents), now: NOW })).toBe('invalid');
    const later = new Date('2030-01-01T00:00:00Z');
    expect(await verifyOpenBadgeCredential(signed, { documentLoader: loaderOf(documents), now: later })).toBe('expired');
    expect(await verifyOpenBadgeCredential(tampered, { documentLoader: loaderOf(documents), now: later })).toBe('invalid');
  });
});

describe('the BitstringStatusListCredential', () => {
  it('has 131,072 entries, most significant bit first, and verifies once signed', async () => {
    const pair = await generateEd25519Key();
    const list = bitstringStatusListCredential({ id: LIST_URL, issuer, revokedIndexes: [0, 9, 131_071], validFrom: NOW });
    const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
    expect(list.credentialSubject.encodedList.startsWith('u')).toBe(true);
    expect(bits.length * 8).toBe(131_072);
    expect(bits[0]).toBe(0x80);
    expect(bits[1]).toBe(0x40);
    expect(bits[16_383]).toBe(0x01);
    expect(bits.subarray(2, 16_383).every((b) => b === 0)).toBe(true);
    const signed = await signCredential(list, { id: KEY_URL, controller: ISSUER, ...pair }, NOW);
    const documents = {
      [ISSUER]: profileDocument(issuer, [
        { id: KEY_URL, type: 'Multikey', controller: ISSUER, publicKeyMultibase: pair.publicKeyMultibase },
      ]),
      [KEY_URL]: multikeyDocument({ id: KEY_URL, type: 'Multikey', controller: ISSUER, publicKeyMultibase: pair.publicKeyMultibase }),
    };
    expect((await verifyIndependently(signed, documents, NOW)).verified).toBe(true);
  });
});

describe('the spec test vectors (obv3p0, eddsa-rdfc-2022)', () => {
  const keypair = v3Fixture<Record<string, string>>('obv3p0/keypair.json');
  const published = v3Fixture<Record<string, string>>('obv3p0/proof.json');

  it('reproduce: signing the unsigned credential with the published key gives the published proofValue', async () => {
    const unsigned = v3Fixture('obv3p0/unsigned-credential.json');
    const signed = await signCredential(
      unsigned,
      {
        id: keypair.id!,
        controller: keypair.controller!,
        publicKeyMultibase: keypair.publicKeyMultibase!,
        secretKeyMultibase: keypair.secretKeyMultibase!,
      },
      new Date(published.created!),
    );
    expect(signed.proof).toEqual([published]);
  });

  it('the signed vector verifies with the DCC verifier, and its canonical form hashes as the page says', async () => {
    const signed = v3Fixture('obv3p0/signed-credential.json');
    const key = { id: keypair.id, type: 'Multikey', controller: keypair.controller, publicKeyMultibase: keypair.publicKeyMultibase };
    const documents = {
      [keypair.id!]: { '@context': 'https://w3id.org/security/multikey/v1', ...key },
      [keypair.controller!]: {
        '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
        id: keypair.controller,
        assertionMethod: [key],
      },
    };
    expect((await verifyIndependently(signed, documents, new Date('2020-01-01T00:00:00Z'))).verified).toBe(true);
    const { readFileSync } = await import('node:fs');
    const canon = readFileSync(new URL('../../fixtures/openbadges-v3/obv3p0/document-canon.txt', import.meta.url), 'utf8');
    expect(createHash('sha256').update(canon).digest('hex').startsWith('87f65a76')).toBe(true);
  });

  it('the spec examples validate against the schema', () => {
    expect(schemaErrors(v3Fixture('basicOpenBadgeCredential.json'))).toEqual([]);
    expect(schemaErrors(v3Fixture('fullOpenBadge.json'))).toEqual([]);
  });
});
