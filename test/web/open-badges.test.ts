import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens, signingKeys } from '../../src/db/schema.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * The public side beyond test/e2e/interop.test.ts: content negotiation on
 * every document, what unknown or malformed addresses answer, key rotation
 * seen from outside, secrets at rest, image headers, the recruiter's
 * recipient check, and hostile strings in pages and documents.
 */
type Json = Record<string, any>;
type Seeded = Awaited<ReturnType<typeof seedStructure>>;

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const VAL_ACCEPT = 'application/ld+json, application/json, image/png, image/svg+xml';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];
const HOSTILE = `${XSS[0]} et ${XSS[1]}`;
const LEARNER = { email: 'Lea.Martin@Example.org', name: 'Léa Martin' };

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let S: Seeded;
let award: Json;

const get = (url: string, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url, headers });
const path = (url: string) => {
  expect(url.startsWith(`${TEST_PUBLIC_URL}/`)).toBe(true);
  return url.slice(TEST_PUBLIC_URL.length);
};
const payloadOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as Json;

async function awardVia(seeded: Seeded, body: Json = {}) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/assertions',
    headers: { authorization: `Bearer ${seeded.token}` },
    payload: { badgeClass: seeded.badgeClasses[0]!.id, allowDuplicate: true, recipient: LEARNER, ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Json;
}

/** Each check from its own address, so that the per-address form limit never decides a test. */
let checks = 0;
const nextAddress = () => `192.0.2.${(checks++ % 250) + 1}`;

function recipientCheck(id: string, form: string, headers: Record<string, string> = {}, query = '') {
  return ctx.app.inject({
    method: 'POST',
    url: `/assertions/${id}/recipient-check${query}`,
    remoteAddress: nextAddress(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: BROWSER, ...headers },
    payload: form,
  });
}

beforeAll(async () => {
  ctx = await startTestApp();
  S = await seedStructure(ctx.services);
  award = await awardVia(S, {
    evidence: [{ narrative: 'Présentation orale en atelier', url: 'https://example.org/preuve/1' }],
    narrative: 'Observée en novembre.',
  });
});

afterAll(async () => {
  await ctx?.close();
});

describe('content negotiation', () => {
  const documents = {
    assertion: () => `/assertions/${award.id}`,
    badge: () => `/badges/${award.badgeClass}`,
    issuer: () => `/issuers/${S.structure.id}`,
  };

  const matrix: [string, string | undefined, 'html' | 'ld+json' | 'json'][] = [
    ['a browser', BROWSER, 'html'],
    ['text/html alone', 'text/html', 'html'],
    ['*/*', '*/*', 'ld+json'],
    ['no Accept', undefined, 'ld+json'],
    ['application/json', 'application/json', 'json'],
    ['application/ld+json', 'application/ld+json', 'ld+json'],
    ["VAL's Accept", VAL_ACCEPT, 'ld+json'],
    ['JSON preferred over HTML', 'application/json, text/html;q=0.5', 'json'],
  ];

  const cases = (Object.keys(documents) as (keyof typeof documents)[]).flatMap((doc) =>
    matrix.map(([who, accept, expected]) => [doc, who, accept, expected] as const),
  );

  it.each(cases)('%s for %s → %s, with Vary: Accept', async (doc, _who, accept, expected) => {
    const url = documents[doc]();
    const response = await get(url, accept ? { accept } : {});
    expect(response.statusCode).toBe(200);
    expect(String(response.headers.vary)).toMatch(/(^|,\s*)Accept(\s*,|$)/i);
    if (expected === 'html') {
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body.startsWith('<!doctype html>')).toBe(true);
      return;
    }
    expect(response.headers['content-type']).toBe(`application/${expected}; charset=utf-8`);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    const body = response.json();
    expect(body['@context']).toBe('https://w3id.org/openbadges/v2');
    expect(body.id).toBe(`${TEST_PUBLIC_URL}${url}`);
  });

  it('answers the key and the revocation list in JSON to every client, a browser included', async () => {
    const issuer = (await get(`/issuers/${S.structure.id}`)).json();
    for (const url of [issuer.publicKey as string, issuer.revocationList as string]) {
      for (const [accept, type] of [
        [undefined, 'application/ld+json'],
        ['application/json', 'application/json'],
        [BROWSER, 'application/ld+json'],
      ] as const) {
        const response = await get(path(url), accept ? { accept } : {});
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toBe(`${type}; charset=utf-8`);
        expect(response.json().id).toBe(url);
      }
    }
  });
});

describe('unknown and malformed addresses', () => {
  it.each([
    ['assertion', () => `/assertions/${randomUUID()}`, 'assertion_not_found'],
    ['badge class', () => `/badges/${randomUUID()}`, 'badge_class_not_found'],
    ['issuer', () => `/issuers/${randomUUID()}`, 'structure_not_found'],
    ['revocation list', () => `/issuers/${randomUUID()}/revocations`, 'structure_not_found'],
    ['key of a known issuer', () => `/issuers/${S.structure.id}/keys/${randomUUID()}`, 'not_found'],
    ['key of an unknown issuer', () => `/issuers/${randomUUID()}/keys/${randomUUID()}`, 'not_found'],
    ['badge image', () => `/badges/${randomUUID()}/image.png`, 'badge_class_not_found'],
    ['baked badge', () => `/assertions/${randomUUID()}/signed.png`, 'assertion_not_found'],
    ['JWS', () => `/assertions/${randomUUID()}/signed.jws`, 'assertion_not_found'],
  ])('answers 404 JSON for an unknown %s, to verifiers', async (_what, url, code) => {
    for (const accept of [undefined, 'application/json', VAL_ACCEPT]) {
      const response = await get(url(), accept ? { accept } : {});
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json().error.code).toBe(code);
    }
  });

  it('answers 404 as a page to a browser', async () => {
    const response = await get(`/assertions/${randomUUID()}`, { accept: BROWSER });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('Ce badge est introuvable.');
  });

  it("does not serve one structure's key under another's address", async () => {
    const other = await seedStructure(ctx.services, { name: 'Autre', url: 'https://autre.example.org', email: 'a@autre.example.org' });
    const otherKeyId = await ctx.services.keys.activeId(other.structure.id);
    expect((await get(`/issuers/${other.structure.id}/keys/${otherKeyId}`)).statusCode).toBe(200);
    const crossed = await get(`/issuers/${S.structure.id}/keys/${otherKeyId}`);
    expect(crossed.statusCode).toBe(404);
  });

  it.each([
    '/assertions/not-a-uuid',
    '/assertions/%00',
    '/assertions/%E0%A4%A',
    `/assertions/${'a'.repeat(300)}`,
    '/assertions/..%2F..%2Fetc%2Fpasswd',
    "/assertions/1'%20or%20'1'='1",
    '/badges/%00',
    '/badges/not-a-uuid/image.png',
    '/issuers/%00',
    '/issuers/not-a-uuid/keys/not-a-uuid',
    '/assertions/not-a-uuid/signed.jws',
  ])('answers %s with 400 or 404, never 500, to a verifier', async (url) => {
    const response = await get(url);
    expect([400, 404, 414]).toContain(response.statusCode);
    expect(response.body).not.toMatch(/stack|at \//);
  });

  // A path parameter that cannot name anything is an address that does not exist (src/web/schemas.ts).
  // Validation happens before the preHandler hook that sets the view context: the error page must not need it.
  it.each(['/assertions/not-a-uuid', '/assertions/%00', '/badges/not-a-uuid', '/issuers/not-a-uuid'])(
    'answers %s to a browser with a 404 error page in French',
    async (url) => {
      const response = await get(url, { accept: BROWSER });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).toContain('Cette page n’existe pas.');
      expect(response.body).not.toContain('is not a function');
    },
  );

  it('does not serve a document at its id plus a trailing slash', async () => {
    for (const url of [`/assertions/${award.id}/`, `/badges/${award.badgeClass}/`, `/issuers/${S.structure.id}/`]) {
      for (const accept of [undefined, BROWSER]) {
        const response = await get(url, accept ? { accept } : {});
        expect(response.statusCode).toBe(404);
        if (accept) {
          expect(response.body).toContain('Cette page n’existe pas.');
          expect(response.body).not.toMatch(/class="(assertion|badge-class|issuer)/);
        } else {
          expect(response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
        }
      }
    }
  });
});

describe('key rotation, seen from outside', () => {
  let R: Seeded;
  let before: Json;
  let oldJws: string;
  let oldKeyUrl: string;
  let newKeyId: string;

  beforeAll(async () => {
    R = await seedStructure(ctx.services, { name: 'Rotation', url: 'https://rotation.example.org', email: 'r@rotation.example.org' });
    before = await awardVia(R);
    oldJws = (await get(`/assertions/${before.id}/signed.jws`)).body;
    oldKeyUrl = payloadOf(oldJws).verification.creator;
    expect((await get(`/issuers/${R.structure.id}`)).json().publicKey).toBe(oldKeyUrl);
    newKeyId = (await ctx.services.keys.rotate(R.structure.id, { kind: 'cli' })).id;
  });

  it("makes the new key the issuer's publicKey, a single string", async () => {
    const issuer = (await get(`/issuers/${R.structure.id}`, { accept: 'application/json' })).json();
    expect(issuer.publicKey).toBe(`${TEST_PUBLIC_URL}/issuers/${R.structure.id}/keys/${newKeyId}`);
    expect(issuer.publicKey).not.toBe(oldKeyUrl);
  });

  it('keeps the old key published, and publishes the new one', async () => {
    for (const url of [oldKeyUrl, `${TEST_PUBLIC_URL}/issuers/${R.structure.id}/keys/${newKeyId}`]) {
      const response = await get(path(url), { accept: 'application/json' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        type: 'CryptographicKey',
        id: url,
        owner: `${TEST_PUBLIC_URL}/issuers/${R.structure.id}`,
        publicKeyPem: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----/),
      });
    }
    const oldPem = (await get(path(oldKeyUrl))).json().publicKeyPem;
    const newPem = (await get(`/issuers/${R.structure.id}/keys/${newKeyId}`)).json().publicKeyPem;
    expect(newPem).not.toBe(oldPem);
  });

  it('hands out a JWS signed by the new key, which verifies as valid', async () => {
    const jws = (await get(`/assertions/${before.id}/signed.jws`)).body;
    expect(jws).not.toBe(oldJws);
    const payload = payloadOf(jws);
    expect(payload.verification.creator).toBe(`${TEST_PUBLIC_URL}/issuers/${R.structure.id}/keys/${newKeyId}`);
    // The same award: same id, salt, identity and date.
    const oldPayload = payloadOf(oldJws);
    expect({ ...payload, verification: null }).toEqual({ ...oldPayload, verification: null });

    const report = await ctx.services.publication.verify({ kind: 'jws', jws }, LEARNER.email);
    expect(report.status).toBe('valid');
    expect(report.valid).toBe(true);
    expect(report.checks.every((c) => c.ok !== false)).toBe(true);

    // The API and the baked files agree with the download.
    const viaApi = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/assertions/${before.id}`,
      headers: { authorization: `Bearer ${R.token}` },
    });
    expect(viaApi.json().jws).toBe(jws);
    const svg = (await get(`/assertions/${before.id}/signed.svg`)).body;
    expect(svg).toContain(`verify="${jws}"`);
  });

  it('still checks the signature of a JWS from before the rotation against the old key', async () => {
    const report = await ctx.services.publication.verify({ kind: 'jws', jws: oldJws });
    expect(report.checks.find((c) => c.code === 'signature')).toMatchObject({ ok: true });
    // Observed, by design (INTEROP.md): publicKey names only the active key, so the
    // old file's creator is not listed; our host still publishes it under the issuer:
    // a replaced key ("ask for a fresh file"), never a forged badge.
    expect(report.checks.find((c) => c.code === 'keyOwnership')).toMatchObject({ ok: false, reason: 'key_replaced' });
    expect(report.status).toBe('invalid');
    expect(report.reason).toBe('key_replaced');
  });

  it('shows the recruiter a valid badge after the rotation', async () => {
    const page = await get(`/assertions/${before.id}`, { accept: BROWSER });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Badge authentique et valide');
  });
});

describe('secrets at rest', () => {
  it('stores signing keys encrypted: no PEM, no line of the key in the column', async () => {
    const rows = await ctx.platform.database.db.select().from(signingKeys);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const active = await ctx.services.keys.active(S.structure.id);
    const pemLines = active.privateKeyPem.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));
    expect(pemLines.length).toBeGreaterThan(10);
    const derBase64 = pemLines.join('');
    for (const row of rows) {
      expect(row.privateKeyEncrypted).not.toContain('PRIVATE KEY');
      expect(row.privateKeyEncrypted).not.toMatch(/^-----|^MII/);
      expect(row.privateKeyEncrypted).toMatch(/^v1\./);
      for (const line of pemLines) expect(row.privateKeyEncrypted).not.toContain(line);
      expect(row.privateKeyEncrypted).not.toContain(derBase64.slice(0, 64));
    }
    const [mine] = rows.filter((r) => r.id === active.id);
    expect(mine!.publicKeyPem).toBe(active.publicKeyPem);
  });

  it('stores API tokens as their SHA-256 only', async () => {
    const rows = await ctx.platform.database.db.select().from(apiTokens).where(eq(apiTokens.structureId, S.structure.id));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.tokenHash).not.toBe(S.token);
    expect(row.tokenHash).toBe(createHash('sha256').update(S.token).digest('hex'));
    expect(row.prefix.length).toBeLessThanOrEqual(11);
    expect(S.token.startsWith(row.prefix)).toBe(true);
    const all = JSON.stringify(await ctx.platform.database.db.select().from(apiTokens));
    expect(all).not.toContain(S.token);
    expect(all).not.toContain(S.token.slice(12));
  });
});

describe('images', () => {
  const SVG_CSP = "default-src 'none'";

  it('serves the badge class PNG with cache headers', async () => {
    const response = await get(`/badges/${award.badgeClass}/image.png`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['cache-control']).toBe('public, max-age=3600');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.rawPayload.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('serves the badge class SVG under a restrictive Content-Security-Policy', async () => {
    const response = await get(`/badges/${award.badgeClass}/image.svg`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/svg+xml');
    const csp = String(response.headers['content-security-policy']);
    expect(csp.startsWith(SVG_CSP)).toBe(true);
    expect(csp).not.toMatch(/script-src|'self'/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body.startsWith('<svg')).toBe(true);
  });

  it.each([
    ['hosted.png', 'image/png'],
    ['signed.png', 'image/png'],
    ['hosted.svg', 'image/svg+xml'],
    ['signed.svg', 'image/svg+xml'],
  ])('serves the baked %s inline, not cached, as %s', async (file, type) => {
    const response = await get(`/assertions/${award.id}/${file}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-disposition']).toBeUndefined();
    if (type === 'image/svg+xml') {
      const csp = String(response.headers['content-security-policy']);
      expect(csp.startsWith(SVG_CSP)).toBe(true);
      expect(csp).not.toMatch(/script-src/);
    } else {
      expect(response.rawPayload.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    }
  });

  it.each([
    ['hosted.png', 'badge-heberge'],
    ['signed.png', 'badge-signe'],
    ['hosted.svg', 'badge-heberge'],
    ['signed.svg', 'badge-signe'],
  ])('offers %s as an attachment with ?download=1', async (file, stem) => {
    const response = await get(`/assertions/${award.id}/${file}?download=1`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${stem}-${award.id.slice(0, 8)}.${file.split('.')[1]}"`);
  });

  it('refuses another value of download', async () => {
    expect((await get(`/assertions/${award.id}/signed.png?download=yes`)).statusCode).toBe(400);
  });

  // README: "hosted.png, hosted.svg, signed.png, signed.svg, signed.jws … (add ?download=1 to download)".
  // The signed.jws route ignores the parameter.
  it('offers the JWS as an attachment with ?download=1, as the README says', async () => {
    const response = await get(`/assertions/${award.id}/signed.jws?download=1`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/jose; charset=utf-8');
    expect(String(response.headers['content-disposition'])).toMatch(/^attachment; filename="[^"]+\.jws"$/);
  });
});

describe("the recruiter's recipient check", () => {
  const YES = 'Oui : ce badge a été délivré à cette adresse e-mail.';
  const NO = 'Non : ce badge n’a pas été délivré à l’adresse';
  const INVALID = 'Saisissez une adresse e-mail complète, par exemple prenom.nom@exemple.fr.';

  const form = (email: string) => `email=${encodeURIComponent(email)}`;

  it('says yes for the right address, whatever its case and surrounding spaces, without echoing it', async () => {
    for (const email of ['lea.martin@example.org', '  LEA.Martin@EXAMPLE.ORG  ', '\tLea.Martin@Example.org\n']) {
      const response = await recipientCheck(award.id, form(email));
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).toContain(YES);
      expect(response.body).not.toContain(NO);
      expect(response.body.toLowerCase()).not.toContain('lea.martin@');
    }
  });

  it('says no for another address, repeating the address checked (escaped, never cached) so that a typo shows', async () => {
    const response = await recipientCheck(award.id, form(' lea.martn@example.org '));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Non : ce badge n’a pas été délivré à l’adresse lea.martn@example.org.');
    expect(response.body).not.toContain(YES);
    expect(response.headers['cache-control']).toBe('no-store');
    // Kept in the field, to be corrected.
    expect(response.body).toMatch(/id="recipient-email"[^>]*value="lea.martn@example.org"/);
    const hostile = await recipientCheck(award.id, form('<img/src=x/onerror=alert(1)>@example.org'));
    expect(hostile.body).toContain('l’adresse &lt;img/src=x/onerror=alert(1)&gt;@example.org.');
    expect(hostile.body).not.toContain('<img/src=x');
  });

  it('asks for a complete address when given something else', async () => {
    for (const email of ['pas-un-email', '', 'a@', '@b.org']) {
      const response = await recipientCheck(award.id, form(email));
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain(INVALID);
      expect(response.body).not.toContain(YES);
      expect(response.body).not.toContain(NO);
      if (email) expect(response.body).not.toContain(email);
    }
  });

  it('answers in English when the page is in English', async () => {
    const response = await recipientCheck(award.id, form('lea.martin@example.org'), {}, '?lang=en');
    expect(response.body).toContain('Yes: this badge was awarded to this email address.');
  });

  it('answers 404 for an unknown assertion', async () => {
    const response = await recipientCheck(randomUUID(), form('lea.martin@example.org'));
    expect(response.statusCode).toBe(404);
  });

  it('refuses an address of 10,000 characters with a 4xx, never 500, without echoing it', async () => {
    const email = `${'x'.repeat(9_990)}@example.org`;
    const json = await recipientCheck(award.id, form(email), { accept: 'application/json' });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.details).toEqual([{ field: 'body.email', message: 'au plus 320 caractères' }]);
    expect(json.body).not.toContain('xxxxxxxxxx');
  });

  // The same validation error in a browser hits the view-context defect above.
  it('refuses an address of 10,000 characters in a browser with a 400 error page', async () => {
    const email = `${'x'.repeat(9_990)}@example.org`;
    const response = await recipientCheck(award.id, form(email));
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('au plus 320 caractères');
    expect(response.body).not.toContain('xxxxxxxxxx');
  });
});

describe('hostile strings', () => {
  let H: Seeded;
  let hostile: Json;
  let revoked: Json;

  beforeAll(async () => {
    H = await seedStructure(ctx.services, {
      name: `Structure ${HOSTILE}`,
      url: 'https://hostile.example.org',
      email: 'h@hostile.example.org',
    });
    hostile = await awardVia(H, {
      recipient: { email: 'h@example.org', name: HOSTILE },
      evidence: [
        { narrative: HOSTILE, url: `https://example.org/preuve?q=${encodeURIComponent(`${XSS[1]}${XSS[0]}`)}` },
        { narrative: `- **${XSS[0]}**\n- ${XSS[1]}` },
      ],
      narrative: `${HOSTILE}\n\n**${XSS[1]}**`,
    });
    revoked = await awardVia(H, { recipient: { email: 'h2@example.org', name: 'Victime' } });
    await ctx.services.awarding.revoke(H.structure.id, revoked.id, HOSTILE, { kind: 'cli' });
  });

  /** The attribute names of every start tag; quoted values are consumed whole, so escaped text in them is not seen. */
  const attributeNames = (html: string) =>
    [...html.matchAll(/<[a-zA-Z][\w:-]*((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g)].flatMap((tag) =>
      [...tag[1]!.matchAll(/\s([^\s=>/]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?/g)].map((a) => a[1]!.toLowerCase()),
    );

  const expectInert = (html: string) => {
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img src=x');
    const names = attributeNames(html);
    expect(names).toContain('href');
    expect(names.filter((name) => name.startsWith('on'))).toEqual([]);
    // The text is there, escaped, not dropped.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  };

  it('refuses an evidence URL carrying raw quotes or angle brackets (they must be percent-encoded)', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/assertions',
      headers: { authorization: `Bearer ${H.token}` },
      payload: {
        badgeClass: H.badgeClasses[0]!.id,
        recipient: { email: 'h3@example.org', name: 'H' },
        evidence: [{ url: `https://example.org/preuve?q=${XSS[1]}` }],
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([
      { field: 'body.evidence.0.url', message: 'doit être une adresse web (http:// ou https://)' },
    ]);
  });

  it('escapes them in the verification page', async () => {
    const response = await get(`/assertions/${hostile.id}`, { accept: BROWSER });
    expect(response.statusCode).toBe(200);
    expectInert(response.body);
    expect(response.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('escapes them in the revoked page, reason included', async () => {
    const response = await get(`/assertions/${revoked.id}`, { accept: BROWSER });
    expect(response.statusCode).toBe(410);
    expectInert(response.body);
  });

  it('escapes them in the recipient-check answer', async () => {
    const response = await recipientCheck(hostile.id, 'email=h%40example.org');
    expect(response.statusCode).toBe(200);
    expectInert(response.body);
  });

  it('escapes them in the badge and issuer pages', async () => {
    for (const url of [`/badges/${hostile.badgeClass}`, `/issuers/${H.structure.id}`]) {
      const response = await get(url, { accept: BROWSER });
      expect(response.statusCode).toBe(200);
      expectInert(response.body);
    }
  });

  it('keeps them as plain strings in the JSON documents and the API', async () => {
    const assertion = (await get(`/assertions/${hostile.id}`)).json();
    expect(assertion.narrative).toBe(`${HOSTILE}\n\n**${XSS[1]}**`);
    expect(assertion.evidence[0].narrative).toBe(HOSTILE);
    expect(assertion.evidence[1].narrative).toBe(`- **${XSS[0]}**\n- ${XSS[1]}`);
    const issuer = (await get(`/issuers/${H.structure.id}`)).json();
    expect(issuer.name).toBe(`Structure ${HOSTILE}`);
    const gone = (await get(`/assertions/${revoked.id}`)).json();
    expect(gone.revocationReason).toBe(HOSTILE);
    const viaApi = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/assertions/${hostile.id}`,
      headers: { authorization: `Bearer ${H.token}` },
    });
    expect(viaApi.json().recipient.name).toBe(HOSTILE);
    expect(viaApi.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('health', () => {
  it('is alive', async () => {
    const response = await get('/healthz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('is ready with the database up', async () => {
    const response = await get('/readyz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });
});
