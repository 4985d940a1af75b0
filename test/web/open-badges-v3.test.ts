import { gunzipSync } from 'node:zlib';
import { JSDOM } from 'jsdom';
import extractChunks from 'png-chunks-extract';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertions, ob3Credentials, ob3Keys } from '../../src/db/schema.ts';
import { schemaErrors, statusBit, verifyIndependently } from '../openbadges/v3/independent.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * Open Badges 3.0 seen from outside: every document fetched over HTTP from
 * the app, as a wallet would, and checked with libraries that are not ours
 * (ajv with the 1EdTech schema, the DCC verifier for the proofs).
 */
type Json = Record<string, any>;
type Seeded = Awaited<ReturnType<typeof seedStructure>>;

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let S: Seeded;

const get = (url: string, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url, headers });
const path = (url: string) => {
  expect(url.startsWith(`${TEST_PUBLIC_URL}/`), url).toBe(true);
  return url.slice(TEST_PUBLIC_URL.length);
};
/** What a verifier fetching our URLs gets (JSON bodies only; contexts never come here). */
const overHttp = async (url: string): Promise<unknown> => {
  if (!url.startsWith(`${TEST_PUBLIC_URL}/`)) return undefined;
  const response = await get(path(url), { accept: 'application/ld+json, application/json' });
  return response.statusCode === 200 ? (response.json() as unknown) : undefined;
};

async function awardVia(seeded: Seeded, body: Json = {}) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/assertions',
    headers: { authorization: `Bearer ${seeded.token}` },
    // The same badge to the same person, again and again: each test its own award.
    payload: {
      badgeClass: seeded.badgeClasses[0]!.id,
      recipient: { email: 'Lea.Martin@Example.org', name: 'Léa Martin' },
      allowDuplicate: true,
      ...body,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Json;
}

async function credentialOf(id: string): Promise<Json> {
  const response = await get(`/assertions/${id}/credential.json`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Json;
}

beforeAll(async () => {
  ctx = await startTestApp();
  S = await seedStructure(ctx.services);
});

afterAll(async () => {
  await ctx?.close();
});

describe('the credential of an award', () => {
  it('is served as application/vc+ld+json, valid against the 1EdTech schema, and verifies with keys fetched over HTTP', async () => {
    const award = await awardVia(S, {
      evidence: [{ narrative: 'Présentation orale en atelier', url: 'https://example.org/preuve/1' }],
      narrative: 'Observée en novembre.',
    });
    const response = await get(`/assertions/${award.id}/credential.json`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/vc\+ld\+json/);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    const credential = response.json() as Json;
    expect(schemaErrors(credential)).toEqual([]);
    expect(credential.id).toBe(`urn:uuid:${award.id}`);
    expect(credential.issuer.id).toBe(`${TEST_PUBLIC_URL}/ob3/issuers/${S.structure.id}`);
    expect(credential.credentialSubject.name).toBe('Léa Martin');
    expect(credential.credentialSubject.narrative).toBe('Observée en novembre.');
    expect(credential.evidence).toContainEqual({
      type: ['Evidence', 'https://w3id.org/openbadges#Assertion'],
      id: award.id.startsWith('http') ? award.id : `${TEST_PUBLIC_URL}/assertions/${award.id}`,
    });
    const result = await verifyIndependently(credential, overHttp);
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
  });

  it('is built once, then served as kept; the learner hiding their name re-signs it without the name', async () => {
    const award = await awardVia(S);
    const first = await credentialOf(award.id);
    expect(await credentialOf(award.id)).toEqual(first);
    const [row] = await ctx.platform.database.db.select().from(ob3Credentials).where(eq(ob3Credentials.assertionId, award.id));
    expect(row!.statusIndex).toBe(Number(first.credentialStatus.statusListIndex));
    expect(row!.salt).toBe(first.credentialSubject.identifier[0].salt);
    // A salt of its own: the 3.0 hash does not repeat the 2.0 one.
    expect(row!.salt).not.toBe(
      (await ctx.platform.database.db.select().from(assertions).where(eq(assertions.id, award.id)))[0]!.recipientSalt,
    );

    await ctx.services.learners.setNameHidden(
      { id: 'test', email: 'lea.martin@example.org', csrfSecret: '', expiresAt: new Date(0) },
      true,
    );
    const hidden = await credentialOf(award.id);
    expect(hidden.credentialSubject).not.toHaveProperty('name');
    expect(hidden.credentialSubject.type).toEqual(['AchievementSubject']);
    expect(JSON.stringify(hidden)).not.toContain('Léa');
    expect(hidden.credentialStatus).toEqual(first.credentialStatus);
    expect(hidden.proof[0].proofValue).not.toBe(first.proof[0].proofValue);
    expect(schemaErrors(hidden)).toEqual([]);
    expect((await verifyIndependently(hidden, overHttp)).verified).toBe(true);
    await ctx.services.learners.setNameHidden(
      { id: 'test', email: 'lea.martin@example.org', csrfSecret: '', expiresAt: new Date(0) },
      false,
    );
  });
});

/** The iTXt chunks of a PNG: keyword, compression flag, text (read by png-chunks-extract, not by our code). */
function iTXtChunks(png: Buffer) {
  return extractChunks(png)
    .filter((c) => c.name === 'iTXt' || c.name === 'tEXt' || c.name === 'zTXt')
    .map((c) => {
      const data = Buffer.from(c.data);
      const nul = data.indexOf(0);
      const keyword = data.subarray(0, nul).toString('latin1');
      const compressed = data[nul + 1];
      const languageEnd = data.indexOf(0, nul + 3);
      const translatedEnd = data.indexOf(0, languageEnd + 1);
      return { name: c.name, keyword, compressed, text: data.subarray(translatedEnd + 1).toString('utf8') };
    });
}

describe('the baked files', () => {
  it('the PNG carries one uncompressed iTXt openbadgecredential chunk with the signed credential, and no 2.0 chunk', async () => {
    const award = await awardVia(S);
    const response = await get(`/assertions/${award.id}/credential.png?download=1`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['content-disposition']).toMatch(/attachment; filename="badge-ob3-[0-9a-f]{8}\.png"/);
    const chunks = iTXtChunks(response.rawPayload);
    expect(chunks.map((c) => `${c.name}:${c.keyword}`)).toEqual(['iTXt:openbadgecredential']);
    expect(chunks[0]!.compressed).toBe(0);
    const credential = JSON.parse(chunks[0]!.text) as Json;
    expect(credential).toEqual(await credentialOf(award.id));
    expect(schemaErrors(credential)).toEqual([]);
    expect((await verifyIndependently(credential, overHttp)).verified).toBe(true);
  });

  it('the SVG has one <openbadges:credential> in the 3.0 namespace, first child of <svg>, with the credential in CDATA', async () => {
    const award = await awardVia(S);
    const response = await get(`/assertions/${award.id}/credential.svg`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const svg = response.body;
    expect(svg).toContain('<![CDATA[');
    const document = new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document;
    const root = document.documentElement;
    expect(root.localName).toBe('svg');
    const first = root.firstElementChild!;
    expect(first.namespaceURI).toBe('https://purl.imsglobal.org/ob/v3p0');
    expect(first.localName).toBe('credential');
    expect(first.hasAttribute('verify')).toBe(false);
    expect(document.getElementsByTagNameNS('https://purl.imsglobal.org/ob/v3p0', 'credential')).toHaveLength(1);
    expect(document.getElementsByTagNameNS('http://openbadges.org', 'assertion')).toHaveLength(0);
    const credential = JSON.parse(first.textContent!) as Json;
    expect(schemaErrors(credential)).toEqual([]);
    expect((await verifyIndependently(credential, overHttp)).verified).toBe(true);
  });

  it('a revoked award has no 3.0 file to download', async () => {
    const award = await awardVia(S);
    await ctx.services.awarding.revoke(S.structure.id, award.id, 'Erreur', { kind: 'cli' });
    expect((await get(`/assertions/${award.id}/credential.png`)).statusCode).toBe(410);
    expect((await get(`/assertions/${award.id}/credential.svg`)).statusCode).toBe(410);
  });
});

describe('where the 3.0 files are offered', () => {
  it('GET /api/v1/assertions/{id} gives the 3.0 links, each of which answers', async () => {
    const award = await awardVia(S);
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/assertions/${award.id}`,
      headers: { authorization: `Bearer ${S.token}` },
    });
    expect(response.statusCode).toBe(200);
    const links = (response.json() as Json).openBadges3;
    expect(links).toEqual({
      credential: `${TEST_PUBLIC_URL}/assertions/${award.id}/credential.json`,
      png: `${TEST_PUBLIC_URL}/assertions/${award.id}/credential.png`,
      svg: `${TEST_PUBLIC_URL}/assertions/${award.id}/credential.svg`,
    });
    expect(award.openBadges3).toEqual(links);
    for (const url of Object.values(links) as string[]) expect((await get(path(url))).statusCode).toBe(200);
  });

  it("the recruiter's page says the 3.0 form is verified and links it; once revoked, it says so", async () => {
    const award = await awardVia(S);
    const page = await get(`/assertions/${award.id}`, { accept: 'text/html' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Open Badges 3.0 : vérifié.');
    expect(page.body).toContain(`/assertions/${award.id}/credential.json`);
    await ctx.services.awarding.revoke(S.structure.id, award.id, 'Erreur', { kind: 'cli' });
    const revoked = await get(`/assertions/${award.id}`, { accept: 'text/html' });
    expect(revoked.statusCode).toBe(410);
    expect(revoked.body).toContain('Open Badges 3.0 : révoqué.');
    expect(revoked.body).not.toContain(`/assertions/${award.id}/credential.json`);
  });
});

describe('the issuer Profile and its keys', () => {
  it('the Profile lists a fragment-free Multikey whose document names the Profile as controller', async () => {
    const response = await get(`/ob3/issuers/${S.structure.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    const profile = response.json() as Json;
    expect(profile['@context'][0]).toBe('https://www.w3.org/ns/did/v1');
    expect(profile.type).toEqual(['Profile']);
    expect(profile.otherIdentifier).toEqual([
      { type: 'IdentifierEntry', identifier: `${TEST_PUBLIC_URL}/issuers/${S.structure.id}`, identifierType: 'identifier' },
    ]);
    expect(profile.assertionMethod.length).toBeGreaterThanOrEqual(1);
    const key = profile.assertionMethod[0];
    expect(key.id).not.toContain('#');
    const keyDocument = (await get(path(key.id))).json() as Json;
    expect(keyDocument).toEqual({ '@context': 'https://w3id.org/security/multikey/v1', ...key });
    expect(keyDocument.controller).toBe(profile.id);
    expect(keyDocument.publicKeyMultibase).toMatch(/^z6Mk/);
  });

  it('stores the secret only encrypted', async () => {
    const rows = await ctx.platform.database.db.select().from(ob3Keys).where(eq(ob3Keys.structureId, S.structure.id));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const row of rows) {
      expect(row.secretKeyEncrypted).toMatch(/^v1\./);
      expect(row.secretKeyEncrypted).not.toContain('secretKeyMultibase');
    }
  });

  it('a rotation adds a key: both stay listed, the earlier credential still verifies, the next is signed with the new key', async () => {
    const before = await credentialOf((await awardVia(S)).id);
    const added = await ctx.services.ob3Keys.add(S.structure.id, { kind: 'cli' });
    const profile = (await get(`/ob3/issuers/${S.structure.id}`)).json() as Json;
    const ids = profile.assertionMethod.map((k: Json) => k.id);
    expect(ids).toContain(before.proof[0].verificationMethod);
    expect(ids.at(-1)).toBe(`${TEST_PUBLIC_URL}/ob3/issuers/${S.structure.id}/keys/${added.id}`);
    expect((await verifyIndependently(before, overHttp)).verified).toBe(true);
    const after = await credentialOf((await awardVia(S)).id);
    expect(after.proof[0].verificationMethod).toBe(ids.at(-1));
    expect((await verifyIndependently(after, overHttp)).verified).toBe(true);
  });

  it('an unknown structure or key is a 404', async () => {
    expect((await get('/ob3/issuers/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get(`/ob3/issuers/${S.structure.id}/keys/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);
    expect((await get('/assertions/00000000-0000-4000-8000-000000000000/credential.json')).statusCode).toBe(404);
  });
});

describe('the status list', () => {
  it('is a signed BitstringStatusListCredential of 131,072 entries, served as application/vc+ld+json', async () => {
    const response = await get(`/ob3/issuers/${S.structure.id}/status/0`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/vc\+ld\+json/);
    expect(response.headers['cache-control']).toBe('no-cache');
    const list = response.json() as Json;
    expect(list.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
    expect(list.credentialSubject.statusPurpose).toBe('revocation');
    const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
    expect(bits.length * 8).toBeGreaterThanOrEqual(131_072);
    expect((await verifyIndependently(list, overHttp)).verified).toBe(true);
  });

  it('a revocation sets the bit at once, read back over HTTP; the credential is then refused and no longer served', async () => {
    const award = await awardVia(S);
    const credential = await credentialOf(award.id);
    expect(await statusBit(credential.credentialStatus, overHttp)).toBe(false);
    const revoke = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/assertions/${award.id}/revoke`,
      headers: { authorization: `Bearer ${S.token}` },
      payload: { reason: 'Attribué par erreur' },
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    expect(await statusBit(credential.credentialStatus, overHttp)).toBe(true);
    expect((await verifyIndependently(credential, overHttp)).verified).toBe(false);
    expect((await get(`/assertions/${award.id}/credential.json`)).statusCode).toBe(410);
  });

  it("erasure at the learner's request sets the bit too, and the kept credential (hashed address, name) goes", async () => {
    const award = await awardVia(S, { recipient: { email: 'effacer@example.org', name: 'Camille Effacée' } });
    const credential = await credentialOf(award.id);
    await ctx.services.learners.erase({ id: 'test', email: 'effacer@example.org', csrfSecret: '', expiresAt: new Date(0) });
    expect(await statusBit(credential.credentialStatus, overHttp)).toBe(true);
    const [row] = await ctx.platform.database.db.select().from(ob3Credentials).where(eq(ob3Credentials.assertionId, award.id));
    expect(row!.credential).toBeNull();
    expect((await get(`/assertions/${award.id}/credential.json`)).statusCode).toBe(410);
  });

  it('awards get distinct random slots', async () => {
    const indexes = new Set<string>();
    for (let i = 0; i < 5; i++) indexes.add((await credentialOf((await awardVia(S)).id)).credentialStatus.statusListIndex);
    expect(indexes.size).toBe(5);
  });
});
