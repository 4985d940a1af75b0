import { generateKeyPairSync, type KeyObject, randomBytes, sign as cryptoSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bitstringStatusListCredential,
  generateEd25519Key,
  multikeyDocument,
  openBadgeCredential,
  profile,
  profileDocument,
  signCredential,
  statusListEntry,
} from '../../src/openbadges/v3/index.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';

/**
 * « Vérifier un badge » and POST /api/v1/verifications reading Open Badges
 * 3.0: our own credentials as the learner downloads them (.json, .png, .svg),
 * genuine, then revoked, tampered, expired; and a foreign issuer played by a
 * loopback HTTP server, reachable only with the test switch on.
 */
type Json = Record<string, any>;
type App = Awaited<ReturnType<typeof startTestApp>>;

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const VALID = 'Badge authentique et valide';
const EXPIRED = 'Badge authentique, mais expiré';
const REVOKED = 'Badge révoqué';
const INVALID = 'Badge non authentique';
const UNVERIFIABLE = 'Badge impossible à vérifier';

let ctx: App;
let ctxOn: App;
let S: Awaited<ReturnType<typeof seedStructure>>;
/** Moved forward by the expiry test: the app's clock is this offset from the real one. */
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);

let addresses = 0;
const nextAddress = () => `198.51.100.${(addresses++ % 250) + 1}`;

interface FilePart {
  filename: string;
  type: string;
  bytes: Buffer;
}

function multipart(fields: Record<string, string>, files: FilePart[] = []) {
  const boundary = `----insigne${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function page(app: App, input: { text?: string; file?: FilePart; email?: string }) {
  const body = multipart(
    { ...(input.text !== undefined && { text: input.text }), ...(input.email !== undefined && { email: input.email }) },
    input.file ? [input.file] : [],
  );
  const response = await app.app.inject({
    method: 'POST',
    url: '/verifier',
    remoteAddress: nextAddress(),
    headers: { 'content-type': body.contentType, accept: BROWSER },
    payload: body.payload,
  });
  expect(response.statusCode, response.body.slice(0, 2000)).toBe(200);
  return response.body;
}

async function api(app: App, payload: Json | { body: Buffer; contentType: string }, headers: Json = {}) {
  const isForm = 'contentType' in payload && Buffer.isBuffer(payload.body);
  const response = await app.app.inject({
    method: 'POST',
    url: '/api/v1/verifications',
    remoteAddress: nextAddress(),
    headers: { ...(isForm ? { 'content-type': payload.contentType as string } : {}), ...headers },
    payload: isForm ? (payload.body as Buffer) : (payload as Json),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Json;
}

function text(html: string): string {
  return html
    .replace(/<\/?bdi>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, '’')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

const verdictOf = (html: string) => /<h2 id="verdict-title">([^<]*)<\/h2>/.exec(html)?.[1]?.trim() ?? '';

function checkLine(html: string, code: string): string {
  const match = new RegExp(`<li class="check check-(\\w+)" data-check="${code}">([\\s\\S]*?)</li>`).exec(html);
  return match ? `${match[1]}: ${text(match[2]!.replace(/<span aria-hidden="true">[^<]*<\/span>/, '')).trim()}` : '';
}

async function award(body: Json = {}) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/assertions',
    headers: { authorization: `Bearer ${S.token}` },
    payload: {
      badgeClass: S.badgeClasses[0]!.id,
      allowDuplicate: true,
      recipient: { email: 'lea.martin@example.org', name: 'Léa Martin' },
      ...body,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Json;
}

async function download(path: string): Promise<Buffer> {
  const response = await ctx.app.inject({ method: 'GET', url: path });
  expect(response.statusCode, path).toBe(200);
  return response.rawPayload;
}

const files = async (id: string) => ({
  json: (await download(`/assertions/${id}/credential.json`)).toString('utf8'),
  png: await download(`/assertions/${id}/credential.png`),
  svg: await download(`/assertions/${id}/credential.svg`),
});

// ---------------------------------------------------- a foreign 3.0 issuer

let foreign: Server;
let base: string;
const served = new Map<string, unknown>();
let foreignCredential: Json;
let jwtPrivateKey: KeyObject;
let jwtKid: string;

async function startForeignIssuer() {
  foreign = createServer((request, response) => {
    const doc = served.get(request.url ?? '');
    if (doc === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/ld+json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
  const issuerId = `${base}/issuer`;
  const keyId = `${base}/issuer/key-1`;
  const listId = `${base}/status/1`;
  const pair = await generateEd25519Key();
  const key = { id: keyId, type: 'Multikey' as const, controller: issuerId, publicKeyMultibase: pair.publicKeyMultibase };
  const issuer = profile({
    id: issuerId,
    name: 'Pôle Compétences de Rouen',
    url: 'https://pole.example',
    email: 'contact@pole.example',
    issuerV2: `${base}/v2/issuer`,
  });
  const signingKey = { id: keyId, controller: issuerId, ...pair };
  const issuedAt = now();
  const jwtKey = generateKeyPairSync('ed25519');
  jwtPrivateKey = jwtKey.privateKey;
  jwtKid = `${base}/issuer/jwt-key`;
  const published = profileDocument(issuer, [key]) as unknown as Json;
  served.set('/issuer', { ...published, assertionMethod: [...(published.assertionMethod as unknown[]), jwtKid] });
  served.set('/issuer/jwt-key', {
    '@context': 'https://w3id.org/security/jwk/v1',
    id: jwtKid,
    type: 'JsonWebKey',
    controller: issuerId,
    publicKeyJwk: jwtKey.publicKey.export({ format: 'jwk' }),
  });
  served.set('/issuer/key-1', multikeyDocument(key));
  served.set(
    '/status/1',
    await signCredential(
      bitstringStatusListCredential({ id: listId, issuer, revokedIndexes: [7], validFrom: issuedAt }),
      signingKey,
      issuedAt,
    ),
  );
  const credential = (index: number) =>
    openBadgeCredential({
      id: `urn:uuid:7d1f7a52-0000-4000-8000-00000000000${index}`,
      issuer,
      achievement: {
        id: `${base}/achievements/1`,
        name: 'Travailler en équipe',
        description: 'Coopérer sur un chantier.',
        criteria: { narrative: 'Observé sur le chantier.' },
        image: { id: `${base}/achievements/1/image.png` },
        achievementType: 'Competency',
        relatedBadgeClass: `${base}/v2/badges/1`,
      },
      recipient: { email: 'sam.durand@example.net', salt: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', name: 'Sam Durand' },
      assertionV2: `${base}/v2/assertions/${index}`,
      awardedDate: issuedAt,
      validFrom: issuedAt,
      credentialStatus: statusListEntry(listId, index),
      now: issuedAt,
    });
  foreignCredential = await signCredential(credential(3), signingKey, issuedAt);
  served.set('/revoked.json', await signCredential(credential(7), signingKey, issuedAt));
}

beforeAll(async () => {
  await startForeignIssuer();
  ctx = await startTestApp({ now });
  ctxOn = await startTestApp({ now, env: { VERIFIER_ALLOW_PRIVATE_NETWORKS: 'true' } });
  S = await seedStructure(ctx.services);
});

afterAll(async () => {
  await ctx?.close();
  await ctxOn?.close();
  await new Promise((resolve) => foreign?.close(resolve));
});

describe('our own 3.0 credential, as the learner downloads it', () => {
  it('is genuine from its .json (pasted and uploaded), .png and .svg, on the page and through the API', async () => {
    const { id } = await award();
    const { json, png, svg } = await files(id);

    const pasted = await page(ctx, { text: json });
    expect(verdictOf(pasted)).toBe(VALID);
    expect(checkLine(pasted, 'schema')).toMatch(/^ok: .*schéma Open Badges 3\.0/);
    expect(checkLine(pasted, 'keyDiscovery')).toMatch(/^ok: .*assertionMethod/);
    expect(checkLine(pasted, 'proof')).toMatch(/^ok: .*n’a pas été modifiée/);
    expect(checkLine(pasted, 'revocation')).toMatch(/^ok: .*pas révoqué/);
    expect(text(pasted)).toContain('Mission Locale de Caen');
    expect(pasted).toContain(`/assertions/${id}`);

    for (const file of [
      { filename: 'badge.json', type: 'application/json', bytes: Buffer.from(json) },
      { filename: 'badge.png', type: 'image/png', bytes: png },
      { filename: 'badge.svg', type: 'image/svg+xml', bytes: svg },
    ]) {
      expect(verdictOf(await page(ctx, { file })), file.filename).toBe(VALID);
      const form = multipart({}, [file]);
      const body = await api(ctx, { body: form.payload, contentType: form.contentType });
      expect(body.verdict, file.filename).toBe('valid');
    }

    const body = await api(ctx, { json: JSON.parse(json) as Json }, { 'accept-language': 'en' });
    expect(body).toMatchObject({
      verdict: 'valid',
      openBadgesVersion: '3.0',
      reason: null,
      issuer: { name: 'Mission Locale de Caen', verified: true },
    });
    expect(body.checks.map((c: Json) => [c.name, c.ok])).toEqual([
      ['schema', true],
      ['issuer', true],
      ['keyDiscovery', true],
      ['proof', true],
      ['revocation', true],
      ['validFrom', true],
      ['expiry', null],
      ['recipient', null],
    ]);
    expect(body.checks.find((c: Json) => c.name === 'proof').message).toMatch(/^The signature matches the content/);
  });

  it('checked against the learner’s email, or another one', async () => {
    const { id } = await award();
    const { json } = await files(id);
    const html = await page(ctx, { text: json, email: 'Lea.Martin@Example.org' });
    expect(verdictOf(html)).toBe(VALID);
    expect(checkLine(html, 'recipient')).toMatch(/^ok: .*Le badge a été délivré à l’adresse e-mail indiquée/);
    const other = await page(ctx, { text: json, email: 'quelquun@example.org' });
    expect(verdictOf(other)).toBe('Badge authentique, mais pas délivré à cette adresse e-mail');
    const body = await api(ctx, { json: JSON.parse(json) as Json, email: 'quelquun@example.org' });
    expect(body).toMatchObject({ verdict: 'valid', recipient: { checked: true, matches: false } });
    expect(html).not.toContain('Lea.Martin@Example.org');
  });

  it('a tampered copy is not genuine', async () => {
    const { id } = await award();
    const credential = JSON.parse((await files(id)).json) as Json;
    credential.credentialSubject.achievement.name = 'Diplôme d’ingénieur';
    const html = await page(ctx, { text: JSON.stringify(credential) });
    expect(verdictOf(html)).toBe(INVALID);
    expect(checkLine(html, 'proof')).toMatch(/^failed: .*La signature ne correspond pas au contenu/);
    // It names our issuer and one of our awards, but nothing was established: no word or link of ours vouches for it.
    expect(html).not.toContain('Ce badge a été délivré sur cette plateforme');
    expect(html).not.toContain(`/assertions/${id}"`);
    // The genuine one does say so, with the link to its page.
    const genuine = await page(ctx, { text: (await files(id)).json });
    expect(genuine).toContain('Ce badge a été délivré sur cette plateforme');
    const body = await api(ctx, { json: credential });
    expect(body).toMatchObject({ verdict: 'invalid', reason: { code: 'proof_invalid' } });
    // Fields shaped like a verification report are the sender's words, never taken for one.
    const posing = { ...credential, status: 'valid', valid: true, checks: [], issuerIdentity: { established: true } };
    expect((await api(ctx, { json: posing })).verdict).toBe('invalid');
  });

  it('after revocation, each of its files says revoked', async () => {
    const { id } = await award();
    const { json, png, svg } = await files(id);
    await ctx.services.awarding.revoke(S.structure.id, id, 'Erreur de saisie', { kind: 'cli' });
    const html = await page(ctx, { text: json });
    expect(verdictOf(html)).toBe(REVOKED);
    expect(checkLine(html, 'revocation')).toMatch(/^failed: .*L’émetteur a révoqué ce badge\./);
    expect(verdictOf(await page(ctx, { file: { filename: 'b.png', type: 'image/png', bytes: png } }))).toBe(REVOKED);
    const form = multipart({}, [{ filename: 'b.svg', type: 'image/svg+xml', bytes: svg }]);
    expect(await api(ctx, { body: form.payload, contentType: form.contentType })).toMatchObject({
      verdict: 'revoked',
      reason: { code: 'revoked' },
    });
  });

  it('past its validUntil it is expired, still genuine', async () => {
    const { id } = await award({ expires: '2031-01-15' });
    const { json } = await files(id);
    expect(verdictOf(await page(ctx, { text: json }))).toBe(VALID);
    offsetMs = Date.parse('2032-01-01T00:00:00Z') - Date.now();
    try {
      const html = await page(ctx, { text: json });
      expect(verdictOf(html)).toBe(EXPIRED);
      expect(checkLine(html, 'proof')).toMatch(/^ok:/);
      expect(checkLine(html, 'expiry')).toMatch(/^failed: .*a expiré le 15 janvier 2031/);
      expect(await api(ctx, { json: JSON.parse(json) as Json })).toMatchObject({ verdict: 'expired' });
    } finally {
      offsetMs = 0;
    }
  });
});

describe('a foreign issuer’s 3.0 credential, its documents fetched over HTTP', () => {
  it('is genuine when its key and status list are fetched (test switch on); its revoked one says revoked', async () => {
    const body = await api(ctxOn, { json: foreignCredential });
    expect(body).toMatchObject({
      verdict: 'valid',
      openBadgesVersion: '3.0',
      issuer: { name: 'Pôle Compétences de Rouen', publishedBy: new URL(base).host, verified: true, keyPublishedBy: new URL(base).host },
    });
    const html = await page(ctxOn, { text: JSON.stringify(served.get('/revoked.json')) });
    expect(verdictOf(html)).toBe(REVOKED);
  });

  it('with private addresses refused, as in production, it cannot be verified, and says which fetch failed', async () => {
    const body = await api(ctx, { json: foreignCredential });
    expect(body).toMatchObject({ verdict: 'unverifiable', reason: { code: 'key_unavailable' } });
    expect(body.failures[0]).toMatchObject({ url: `${base}/issuer/key-1` });
    expect(verdictOf(await page(ctx, { text: JSON.stringify(foreignCredential) }))).toBe(UNVERIFIABLE);
  });

  it('a key its Profile does not list is refused, whatever the key document says', async () => {
    const saved = served.get('/issuer') as Json;
    served.set('/issuer', { ...saved, assertionMethod: [] });
    try {
      const body = await api(ctxOn, { json: foreignCredential });
      expect(body).toMatchObject({ verdict: 'invalid', reason: { code: 'key_not_assertion_method' }, issuer: { verified: false } });
    } finally {
      served.set('/issuer', saved);
    }
  });

  it('a VC-JWT signed EdDSA with a key the issuer publishes is genuine; another algorithm is said not read', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const { proof: _proof, ...unsigned } = foreignCredential;
    const input = `${b64({ alg: 'EdDSA', kid: jwtKid, typ: 'vc+jwt' })}.${b64(unsigned)}`;
    const jwt = `${input}.${cryptoSign(null, Buffer.from(input), jwtPrivateKey).toString('base64url')}`;
    const body = await api(ctxOn, { jws: jwt });
    expect(body).toMatchObject({ verdict: 'valid', openBadgesVersion: '3.0', issuer: { verified: true } });
    const tampered = `${b64({ alg: 'EdDSA', kid: jwtKid, typ: 'vc+jwt' })}.${b64({ ...unsigned, name: 'Autre' })}.${jwt.split('.')[2]}`;
    expect(verdictOf(await page(ctxOn, { text: tampered }))).toBe(INVALID);
    const rs256 = `${b64({ alg: 'RS256', kid: jwtKid, typ: 'vc+jwt' })}.${b64(unsigned)}.${Buffer.from('sig').toString('base64url')}`;
    expect(await api(ctxOn, { jws: rs256 })).toMatchObject({ verdict: 'unverifiable', reason: { code: 'vc_jwt_unsupported' } });
  });
});
