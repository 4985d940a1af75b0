import ExifReader from 'exifreader';
import { XMLParser } from 'fast-xml-parser';
import { compactVerify, importSPKI } from 'jose';
import { createHash } from 'node:crypto';
import extractChunks from 'png-chunks-extract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockFrom } from '../support/clock.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * The whole path a badge takes, checked against ../shared/reference/INTEROP.md
 * with readers that are not ours: an integrator awards through the API, and
 * every document and file a verifier or Open Badge Passport would fetch is read
 * back over HTTP and checked rule by rule.
 */
const CONTEXT = 'https://w3id.org/openbadges/v2';
const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const VAL_ACCEPT = 'application/ld+json, application/json, image/png, image/svg+xml';
const LEARNER = { email: 'Lea.Martin@Example.org', name: 'Léa Martin' };

type Json = Record<string, any>;

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let token: string;
let award: Json;

const path = (url: string) => {
  expect(url.startsWith(`${TEST_PUBLIC_URL}/`)).toBe(true);
  return url.slice(TEST_PUBLIC_URL.length);
};

async function fetchJson(url: string, accept?: string) {
  const response = await ctx.app.inject({ method: 'GET', url: path(url), headers: accept ? { accept } : {} });
  return { response, body: response.json() as Json };
}

function sha256Identity(email: string, salt: string) {
  return `sha256$${createHash('sha256')
    .update(email.trim().toLowerCase() + salt)
    .digest('hex')}`;
}

beforeAll(async () => {
  // Awarded on a day of the test's, so the expiry below stays in the future whatever today is.
  ctx = await startTestApp({ now: clockFrom('2026-03-10T09:00:00Z') });
  const seeded = await seedStructure(ctx.services);
  token = seeded.token;
  const badgeClass = seeded.badgeClasses.find((b) => b.catalogueKey === 'communiquer-je-maitrise')!;
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/assertions',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      badgeClass: badgeClass.id,
      allowDuplicate: true,
      recipient: LEARNER,
      evidence: [{ narrative: 'Présentation orale en atelier collectif', url: 'https://example.org/preuve/42' }],
      narrative: 'Observée pendant la session de novembre.',
      expires: '2030-06-30T00:00:00Z',
    },
  });
  expect(response.statusCode).toBe(201);
  award = response.json();
});

afterAll(async () => {
  await ctx?.close();
});

describe('an award through the API', () => {
  it('answers with the hosted URL, the JWS and four absolute image URLs', () => {
    expect(award.url).toBe(`${TEST_PUBLIC_URL}/assertions/${award.id}`);
    expect(award.jws.split('.')).toHaveLength(3);
    for (const key of ['hostedPng', 'hostedSvg', 'signedPng', 'signedSvg']) {
      expect(award.images[key]).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/assertions/${award.id}/`));
    }
  });
});

describe('the hosted assertion', () => {
  it('is JSON-LD for every verifier, at exactly its id, with CORS open', async () => {
    for (const accept of [undefined, '*/*', 'application/json', VAL_ACCEPT]) {
      const { response, body } = await fetchJson(award.url, accept);
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['content-type']).toMatch(accept === 'application/json' ? /^application\/json/ : /^application\/ld\+json/);
      expect(body.id).toBe(award.url);
    }
  });

  it('carries every required field, a salted lower-case sha256 identity, and dates with a zone', async () => {
    const { body } = await fetchJson(award.url);
    expect(body['@context']).toBe(CONTEXT);
    expect(body.type).toBe('Assertion');
    expect(body.verification).toEqual({ type: 'HostedBadge' });
    expect(body.recipient.type).toBe('email');
    expect(body.recipient.hashed).toBe(true);
    expect(body.recipient.identity).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(body.recipient.identity).toBe(sha256Identity(LEARNER.email, body.recipient.salt));
    expect(JSON.stringify(body)).not.toContain('lea.martin');
    expect(body.issuedOn).toMatch(ISO_Z);
    expect(new Date(body.issuedOn).getTime()).toBeLessThanOrEqual(Date.now());
    expect(body.expires).toBe('2030-06-30T00:00:00Z');
    expect(body.image).toMatch(/^https:\/\//);
    expect(body.evidence).toEqual([
      { type: 'Evidence', id: 'https://example.org/preuve/42', narrative: 'Présentation orale en atelier collectif' },
    ]);
    expect(body.narrative).toBe('Observée pendant la session de novembre.');
  });

  it('links a BadgeClass and an Issuer on the same host, each served at its id', async () => {
    const assertion = (await fetchJson(award.url)).body;
    const badgeClass = await fetchJson(assertion.badge, 'application/json');
    expect(badgeClass.response.statusCode).toBe(200);
    expect(badgeClass.response.headers['access-control-allow-origin']).toBe('*');
    const bc = badgeClass.body;
    expect(bc['@context']).toBe(CONTEXT);
    expect(bc).toMatchObject({ id: assertion.badge, type: 'BadgeClass', name: 'Communiquer — je maîtrise' });
    expect(bc.description.length).toBeGreaterThan(20);
    expect(bc.criteria.narrative.length).toBeGreaterThan(50);
    expect(bc.alignment.length).toBeGreaterThan(0);
    for (const alignment of bc.alignment) {
      expect(alignment.targetName).toBeTruthy();
      expect(alignment.targetUrl).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/referentiel#`));
    }
    const image = await ctx.app.inject({ method: 'GET', url: path(bc.image) });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');

    const issuer = (await fetchJson(bc.issuer, 'application/json')).body;
    expect(issuer['@context']).toBe(CONTEXT);
    expect(issuer).toMatchObject({
      id: bc.issuer,
      type: 'Issuer',
      name: 'Mission Locale de Caen',
      url: 'https://mission-locale-caen.example.org',
      email: 'contact@mission-locale-caen.example.org',
    });
    expect(typeof issuer.publicKey).toBe('string');
    expect(new URL(issuer.id).host).toBe(new URL(assertion.id).host);
    expect(new URL(bc.id).host).toBe(new URL(assertion.id).host);
  });
});

describe('the signed assertion', () => {
  it('is an RS256 compact JWS over the assertion, verifiable with the key the issuer publishes', async () => {
    const [headerPart] = award.jws.split('.');
    expect(JSON.parse(Buffer.from(headerPart, 'base64url').toString())).toEqual({ alg: 'RS256' });
    const payload = JSON.parse(Buffer.from(award.jws.split('.')[1], 'base64url').toString());
    expect(payload['@context']).toBe(CONTEXT);
    expect(payload.id).toMatch(URN_UUID);
    expect(payload.id).toBe(`urn:uuid:${award.id}`);
    expect(payload).not.toHaveProperty('iat');
    expect(payload).not.toHaveProperty('exp');
    expect(payload.verification.type).toBe('SignedBadge');

    const creator = payload.verification.creator as string;
    const key = (await fetchJson(creator, 'application/json')).body;
    expect(key['@context']).toBe(CONTEXT);
    expect(key).toMatchObject({ type: 'CryptographicKey', id: creator });
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const badgeClass = (await fetchJson(payload.badge, 'application/json')).body;
    expect(key.owner).toBe(badgeClass.issuer);
    const issuer = (await fetchJson(badgeClass.issuer, 'application/json')).body;
    expect(issuer.publicKey).toBe(creator);

    const verified = await compactVerify(award.jws, await importSPKI(key.publicKeyPem, 'RS256'));
    expect(JSON.parse(new TextDecoder().decode(verified.payload)).id).toBe(payload.id);

    const hosted = (await fetchJson(award.url)).body;
    expect(payload.recipient).toEqual(hosted.recipient);
  });

  it('is served as a file too', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: path(award.jwsUrl) });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(award.jws);
  });
});

describe('the baked images, read back with independent readers', () => {
  async function download(url: string) {
    const response = await ctx.app.inject({ method: 'GET', url: path(url) });
    expect(response.statusCode).toBe(200);
    return response.rawPayload;
  }

  function openbadgesChunks(png: Buffer) {
    const chunks = extractChunks(new Uint8Array(png)) as { name: string; data: Uint8Array }[];
    const names = chunks.map((c) => c.name);
    const ours = chunks
      .map((c, index) => ({ ...c, index }))
      .filter((c) => ['iTXt', 'tEXt', 'zTXt'].includes(c.name))
      .filter((c) => Buffer.from(c.data).subarray(0, 11).toString('latin1') === 'openbadges\0');
    return { ours, firstIdat: names.indexOf('IDAT') };
  }

  it.each([
    ['hostedPng', 'hosted'],
    ['signedPng', 'signed'],
  ] as const)('%s holds exactly one uncompressed iTXt openbadges chunk before the image data', async (key, flavour) => {
    const png = await download(award.images[key]);
    const { ours, firstIdat } = openbadgesChunks(png);
    expect(ours).toHaveLength(1);
    const chunk = ours[0]!;
    expect(chunk.name).toBe('iTXt');
    expect(chunk.index).toBeLessThan(firstIdat);
    const data = Buffer.from(chunk.data);
    // keyword\0, compression flag 0, method 0, empty language\0, empty translated keyword\0
    expect([...data.subarray(10, 15)]).toEqual([0, 0, 0, 0, 0]);
    const text = ExifReader.load(png).openbadges?.description;
    if (flavour === 'signed') {
      expect(text).toBe(award.jws);
    } else {
      const json = JSON.parse(text!);
      expect(json.id).toBe(award.url);
      expect(json.verification.type).toBe('HostedBadge');
    }
  });

  it.each([
    ['hostedSvg', 'hosted'],
    ['signedSvg', 'signed'],
  ] as const)('%s carries openbadges:assertion right after the <svg> start tag', async (key, flavour) => {
    const svg = (await download(award.images[key])).toString('utf8');
    expect(svg.indexOf('<svg')).toBeGreaterThanOrEqual(0);
    expect(svg.indexOf('<svg')).toBeLessThan(256);
    expect(svg).not.toMatch(/<!--[\s\S]*<svg/);
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', cdataPropName: '#cdata', preserveOrder: true });
    const tree = parser.parse(svg) as Json[];
    const root = tree.find((node) => 'svg' in node)!;
    expect(root[':@']['@_xmlns:openbadges']).toBe('http://openbadges.org');
    const first = root.svg[0];
    expect(Object.keys(first)).toContain('openbadges:assertion');
    const verify = first[':@']['@_verify'];
    if (flavour === 'signed') {
      expect(verify).toBe(award.jws);
      expect(first['openbadges:assertion']).toEqual([]);
    } else {
      expect(verify).toBe(award.url);
      const cdata = first['openbadges:assertion'][0]['#cdata'][0]['#text'];
      expect(JSON.parse(cdata).id).toBe(award.url);
    }
  });

  it('the signed PNG verifies as genuine, and belongs to the learner, with our own verifier', async () => {
    const png = await download(award.images.signedPng);
    const report = await ctx.services.publication.verify({ kind: 'png', bytes: new Uint8Array(png) }, LEARNER.email);
    expect(report.status).toBe('valid');
    expect(report.valid).toBe(true);
    expect(report.recipientMatches).toBe(true);
    const other = await ctx.services.publication.verify({ kind: 'png', bytes: new Uint8Array(png) }, 'someone@else.org');
    expect(other.valid).toBe(false);
  });
});

describe('revocation', () => {
  it('turns the URL into a 410 with the minimal body and puts the signed id on the revocation list', async () => {
    const signedPngBefore = (await ctx.app.inject({ method: 'GET', url: path(award.images.signedPng) })).rawPayload;
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/assertions/${award.id}/revoke`,
      headers: { authorization: `Bearer ${token}` },
      payload: { reason: 'Attribué par erreur' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('revoked');

    for (const accept of [undefined, 'application/json', VAL_ACCEPT]) {
      const { response: gone, body } = await fetchJson(award.url, accept);
      expect(gone.statusCode).toBe(410);
      expect(body).toEqual({
        '@context': CONTEXT,
        id: award.url,
        revoked: true,
        revocationReason: 'Attribué par erreur',
      });
    }

    const badgeClassUrl = (JSON.parse(Buffer.from(award.jws.split('.')[1], 'base64url').toString()) as Json).badge;
    const issuerUrl = (await fetchJson(badgeClassUrl, 'application/json')).body.issuer;
    const issuer = (await fetchJson(issuerUrl, 'application/json')).body;
    const list = await fetchJson(issuer.revocationList, 'application/json');
    expect(list.response.headers['access-control-allow-origin']).toBe('*');
    expect(list.body).toEqual({
      '@context': CONTEXT,
      id: issuer.revocationList,
      type: 'RevocationList',
      issuer: issuerUrl,
      revokedAssertions: [{ id: `urn:uuid:${award.id}`, revocationReason: 'Attribué par erreur' }],
    });

    for (const key of ['hostedPng', 'hostedSvg', 'signedPng', 'signedSvg']) {
      expect((await ctx.app.inject({ method: 'GET', url: path(award.images[key]) })).statusCode).toBe(410);
    }
    // A file downloaded before the revocation now verifies as revoked.
    const report = await ctx.services.publication.verify({ kind: 'png', bytes: new Uint8Array(signedPngBefore) });
    expect(report.status).toBe('revoked');
    expect(report.revocationReason).toBe('Attribué par erreur');
    expect(report.valid).toBe(false);
  });
});
