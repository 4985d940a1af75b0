import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign as cryptoSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakePng, unbakePng } from '../../src/openbadges/index.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * « Vérifier un badge » through fastify.inject: our own badges (verified
 * in-process) from every form a learner may hand over, a foreign issuer
 * played by a local HTTP server with its own key (fetched with the test
 * switch on), refusals of private addresses with the switch off, and
 * hostile input. The page must always answer with a message, never a 500.
 */
type Json = Record<string, any>;
type App = Awaited<ReturnType<typeof startTestApp>>;

const CONTEXT = 'https://w3id.org/openbadges/v2';
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const LEARNER = { email: 'Lea.Martin@Example.org', name: 'Léa Martin' };
const FOREIGN_LEARNER = 'sam.durand@example.net';
const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

const VALID = 'Badge authentique et valide';
const INVALID = 'Badge non authentique';
const UNVERIFIABLE = 'Badge impossible à vérifier';
const REVOKED = 'Badge révoqué';

let ctx: App; // VERIFIER_ALLOW_PRIVATE_NETWORKS off, as in production
let ctxOn: App; // the switch on: the foreign issuer below is reachable
let foreign: Server;
let base: string;
let S: Awaited<ReturnType<typeof seedStructure>>;
let award: Json;
let foreignJws: string;
let foreignRevokedJws: string;
let foreignPrivateKey: CryptoKey;

// ---------------------------------------------------------------- helpers

let addresses = 0;
/** Each submission from its own address, so that the per-address limit never decides a test. */
const nextAddress = () => `198.51.100.${(addresses++ % 250) + 1}`;

interface FilePart {
  filename: string;
  type: string;
  bytes: Buffer;
  field?: string;
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
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function submit(
  app: App,
  input: { text?: string; email?: string; file?: FilePart; files?: FilePart[]; fields?: Record<string, string> },
  remoteAddress = nextAddress(),
  url = '/verifier',
) {
  const fields: Record<string, string> = { ...input.fields };
  if (input.text !== undefined) fields.text = input.text;
  if (input.email !== undefined) fields.email = input.email;
  const body = multipart(fields, input.files ?? (input.file ? [input.file] : []));
  const response = await app.app.inject({
    method: 'POST',
    url,
    remoteAddress,
    headers: { 'content-type': body.contentType, accept: BROWSER },
    payload: body.payload,
  });
  expect(response.statusCode, response.body.slice(0, 2000)).toBeLessThan(500);
  return response;
}

const png = (bytes: Buffer, filename = 'badge.png'): FilePart => ({ filename, type: 'image/png', bytes });
const svg = (text: string, filename = 'badge.svg'): FilePart => ({ filename, type: 'image/svg+xml', bytes: Buffer.from(text) });

/** The page as a person reads it: tags dropped, entities and spaces folded. */
function text(html: string): string {
  return html
    .replace(/<\/?bdi>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, '’')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');
}

function verdictOf(html: string): string {
  const match = /<h2 id="verdict-title">([^<]*)<\/h2>/.exec(html);
  return match ? match[1]!.trim() : '';
}

/** The line of one check: its state and its sentence. */
function checkLine(html: string, code: string): string {
  const match = new RegExp(`<li class="check check-(\\w+)" data-check="${code}">([\\s\\S]*?)</li>`).exec(html);
  return match ? `${match[1]}: ${text(match[2]!.replace(/<span aria-hidden="true">[^<]*<\/span>/, '')).trim()}` : '';
}

async function download(app: App, path: string): Promise<Buffer> {
  const response = await app.app.inject({ method: 'GET', url: path });
  expect(response.statusCode, path).toBe(200);
  return response.rawPayload;
}

const local = (url: string) => url.slice(TEST_PUBLIC_URL.length);

async function awardVia(app: App, seeded: typeof S, body: Json = {}) {
  const response = await app.app.inject({
    method: 'POST',
    url: '/api/v1/assertions',
    headers: { authorization: `Bearer ${seeded.token}` },
    payload: { badgeClass: seeded.badgeClasses[0]!.id, allowDuplicate: true, recipient: LEARNER, ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Json;
}

// ------------------------------------------------------- a foreign issuer

function hashed(email: string) {
  const salt = randomBytes(8).toString('hex');
  return {
    type: 'email',
    hashed: true,
    salt,
    identity: `sha256$${createHash('sha256')
      .update(email.trim().toLowerCase() + salt)
      .digest('hex')}`,
  };
}

async function sign(payload: Json, key: CryptoKey = foreignPrivateKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'RS256' }).sign(key);
}

type Served = { status?: number; type?: string; headers?: Record<string, string>; delayMs?: number; body: string | Buffer };
/** What the foreign server answers, by path (query string included): tests add their own documents. */
let documents: Map<string, () => Served>;
const json =
  (doc: Json, status = 200) =>
  (): Served => ({ status, type: 'application/ld+json', body: JSON.stringify(doc) });

async function startForeignIssuer() {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  foreignPrivateKey = privateKey;
  const publicKeyPem = await exportSPKI(publicKey);
  const revokedId = `urn:uuid:${randomUUID()}`;
  documents = new Map();

  foreign = createServer((request, response) => {
    const found = documents.get(request.url ?? '');
    if (!found) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    const doc = found();
    const answer = () => {
      response.writeHead(doc.status ?? 200, { 'content-type': doc.type ?? 'application/json', ...doc.headers });
      response.end(doc.body);
    };
    if (doc.delayMs) setTimeout(answer, doc.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;

  const issuer = `${base}/issuer`;
  documents.set(
    '/issuer',
    json({
      '@context': CONTEXT,
      type: 'Issuer',
      id: issuer,
      name: 'Pôle Compétences de Rouen',
      url: 'https://pole-competences.example.org',
      email: 'contact@pole-competences.example.org',
      publicKey: `${base}/key`,
      revocationList: `${base}/revocations`,
    }),
  );
  documents.set('/key', json({ '@context': CONTEXT, type: 'CryptographicKey', id: `${base}/key`, owner: issuer, publicKeyPem }));
  documents.set(
    '/badge',
    json({
      '@context': CONTEXT,
      type: 'BadgeClass',
      id: `${base}/badge`,
      name: 'Animer une réunion',
      description: 'Anime une réunion d’équipe de bout en bout.',
      image: `${base}/badge.png`,
      criteria: { narrative: 'Avoir animé trois réunions observées par un tuteur.' },
      issuer,
    }),
  );
  documents.set('/badge.png', () => ({ type: 'image/png', body: PNG_1PX }));
  documents.set(
    '/revocations',
    json({
      '@context': CONTEXT,
      id: `${base}/revocations`,
      type: 'RevocationList',
      issuer,
      revokedAssertions: [{ id: revokedId, revocationReason: 'Délivré par erreur' }],
    }),
  );
  documents.set(
    '/assertions/1',
    json({
      '@context': CONTEXT,
      type: 'Assertion',
      id: `${base}/assertions/1`,
      recipient: hashed(FOREIGN_LEARNER),
      badge: `${base}/badge`,
      verification: { type: 'HostedBadge' },
      issuedOn: '2024-03-01T10:00:00Z',
    }),
  );
  documents.set('/not-json', () => ({ type: 'text/html', body: '<!doctype html><p>Bienvenue</p>' }));

  const signed = (id: string) => ({
    '@context': CONTEXT,
    type: 'Assertion',
    id,
    recipient: hashed(FOREIGN_LEARNER),
    badge: `${base}/badge`,
    verification: { type: 'SignedBadge', creator: `${base}/key` },
    issuedOn: '2024-03-01T10:00:00Z',
  });
  foreignJws = await sign(signed(`urn:uuid:${randomUUID()}`));
  foreignRevokedJws = await sign(signed(revokedId));
}

beforeAll(async () => {
  await startForeignIssuer();
  ctx = await startTestApp();
  ctxOn = await startTestApp({ env: { VERIFIER_ALLOW_PRIVATE_NETWORKS: 'true' } });
  S = await seedStructure(ctx.services);
  award = await awardVia(ctx, S);
});

afterAll(async () => {
  await ctx?.close();
  await ctxOn?.close();
  await new Promise<void>((resolve) => (foreign ? foreign.close(() => resolve()) : resolve()));
});

// ------------------------------------------------------------------ tests

describe('the page', () => {
  it('explains itself and offers a file, a text and an optional email', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/verifier' });
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toContain('<h1 id="page-title">Vérifier un badge</h1>');
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toMatch(/<input id="verifier-file" name="file" type="file" accept="[^"]*image\/png/);
    expect(html).toContain('name="text"');
    expect(html).toMatch(/<label for="verifier-email">L’adresse e-mail du candidat \(facultatif\)<\/label>/);
    expect(html).not.toMatch(/name="email"[^>]*required/);
  });

  it('speaks English when asked', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/verifier?lang=en' });
    expect(response.body).toContain('<h1 id="page-title">Verify a badge</h1>');
  });

  it('takes uploads on this page only (multipart is registered in its plugin alone)', async () => {
    const body = multipart({ email: 'someone@example.org' });
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/assertions/${award.id}/recipient-check`,
      remoteAddress: nextAddress(),
      headers: { 'content-type': body.contentType, accept: BROWSER },
      payload: body.payload,
    });
    expect(response.statusCode).toBe(415);
  });

  it('is linked from the home page', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/' });
    expect(response.body).toContain('href="/verifier"');
  });
});

describe('our own badges, verified in-process', () => {
  it('verifies the assertion URL', async () => {
    const response = await submit(ctx, { text: award.url });
    expect(response.statusCode).toBe(200);
    expect(verdictOf(response.body)).toBe(VALID);
    const page = text(response.body);
    expect(page).toContain(
      `Ce badge a bien été délivré par l’émetteur publié sur le site ${new URL(TEST_PUBLIC_URL).host}, qui se présente sous le nom Mission Locale de Caen`,
    );
    expect(page).toContain(S.badgeClasses[0]!.name);
    expect(page).toContain('Badge hébergé par l’émetteur');
    expect(checkLine(response.body, 'hostedId')).toMatch(/^ok: /);
    expect(checkLine(response.body, 'signature')).toContain('Sans objet pour un badge hébergé');
    expect(checkLine(response.body, 'recipient')).toContain('aucune adresse e-mail');
    expect(response.body).toContain(`href="${award.url}"`);
  });

  it('reports in English when the person chose English', async () => {
    const response = await submit(ctx, { text: award.url, email: 'someone@example.org' }, nextAddress(), '/verifier?lang=en');
    expect(verdictOf(response.body)).toBe('Genuine badge, but not awarded to this email address');
    expect(text(response.body)).toContain('Warning: this badge was not awarded to the email address you typed.');
    expect(checkLine(response.body, 'hostedId')).toMatch(/^ok: Published by the issuer: verified\./);
  });

  it('starts the next form empty, but gives refused text back to correct it', async () => {
    const verified = await submit(ctx, { text: award.url });
    expect(verified.body).toMatch(/<textarea id="verifier-text"[^>]*><\/textarea>/);
    const refused = await submit(ctx, { text: 'htp//badge.example.org/1' });
    expect(refused.body).toMatch(/<textarea id="verifier-text"[^>]*>htp\/\/badge\.example\.org\/1<\/textarea>/);
  });

  it('verifies the URL of one of our baked files pasted as a link', async () => {
    for (const url of [award.images.signedPng, award.images.hostedSvg]) {
      const response = await submit(ctx, { text: url });
      expect(verdictOf(response.body), url).toBe(VALID);
      expect(text(response.body)).toContain(`L’adresse ${url} est l’image du badge`);
    }
  });

  it('verifies the JWS', async () => {
    const jws = (await download(ctx, local(award.jwsUrl))).toString('utf8');
    const response = await submit(ctx, { text: jws });
    expect(verdictOf(response.body)).toBe(VALID);
    expect(checkLine(response.body, 'signature')).toMatch(
      /^ok: Signature électronique : vérifié\. La signature électronique correspond au contenu/,
    );
    expect(checkLine(response.body, 'keyOwnership')).toMatch(/^ok: /);
    expect(checkLine(response.body, 'revocation')).toMatch(/^ok: /);
  });

  it('verifies pasted assertion JSON: a hosted one through its URL, a signed one only with its JWS', async () => {
    const hosted = await ctx.app.inject({ method: 'GET', url: local(award.url), headers: { accept: 'application/ld+json' } });
    const fromHostedJson = await submit(ctx, { text: hosted.body });
    expect(verdictOf(fromHostedJson.body)).toBe(VALID);

    const jws = (await download(ctx, local(award.jwsUrl))).toString('utf8');
    const signedJson = Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8');
    const fromSignedJson = await submit(ctx, { text: signedJson });
    expect(verdictOf(fromSignedJson.body)).toBe(INVALID);
    expect(text(fromSignedJson.body)).toContain('Le badge se dit signé, mais sa signature électronique manque.');
  });

  it('verifies the signed baked PNG, and checks the email without ever writing it back', async () => {
    const file = png(await download(ctx, local(award.images.signedPng)));
    const plain = await submit(ctx, { file });
    expect(verdictOf(plain.body)).toBe(VALID);
    expect(text(plain.body)).toContain('Badge signé électroniquement');

    const matching = await submit(ctx, { file, email: '  lea.martin@example.ORG ' });
    expect(verdictOf(matching.body)).toBe(VALID);
    expect(text(matching.body)).toContain('Ce badge a bien été délivré à l’adresse e-mail que vous avez indiquée.');
    expect(checkLine(matching.body, 'recipient')).toMatch(/^ok: /);
    expect(matching.body.toLowerCase()).not.toContain('lea.martin@example.org');

    const other = 'quelquun.dautre@example.org';
    const mismatching = await submit(ctx, { file, email: other });
    expect(text(mismatching.body)).toContain('Attention : ce badge n’a pas été délivré à l’adresse e-mail que vous avez indiquée.');
    expect(text(mismatching.body)).toContain('Non : ce badge n’a pas été délivré à l’adresse e-mail indiquée.');
    expect(checkLine(mismatching.body, 'recipient')).toMatch(/^failed: /);
    expect(mismatching.body).not.toContain(other);
  });

  it('verifies the signed baked SVG and both hosted files', async () => {
    const signedSvg = await submit(ctx, { file: svg((await download(ctx, local(award.images.signedSvg))).toString('utf8')) });
    expect(verdictOf(signedSvg.body)).toBe(VALID);
    const hostedPng = await submit(ctx, { file: png(await download(ctx, local(award.images.hostedPng))), email: LEARNER.email });
    expect(verdictOf(hostedPng.body)).toBe(VALID);
    expect(checkLine(hostedPng.body, 'recipient')).toMatch(/^ok: /);
    const hostedSvg = await submit(ctx, { file: svg((await download(ctx, local(award.images.hostedSvg))).toString('utf8')) });
    expect(verdictOf(hostedSvg.body)).toBe(VALID);
  });

  it('refuses a PNG whose signed payload was changed, saying it was modified', async () => {
    const original = await download(ctx, local(award.images.signedPng));
    const jws = unbakePng(original)!;
    const [header, payload, signature] = jws.split('.');
    const changed = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Json;
    changed.issuedOn = '2020-01-01T00:00:00Z';
    const tampered = bakePng(original, `${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`);

    const response = await submit(ctx, { file: png(Buffer.from(tampered)) });
    expect(response.statusCode).toBe(200);
    expect(verdictOf(response.body)).toBe(INVALID);
    expect(text(response.body)).toContain('La signature électronique ne correspond pas au contenu : le badge a été modifié');
    expect(checkLine(response.body, 'signature')).toMatch(/^failed: /);
    // It names our issuer, but its signature fails: no word of ours vouches for it; the file as issued gets it.
    expect(text(response.body)).not.toContain('Ce badge a été délivré sur cette plateforme');
    expect(text((await submit(ctx, { file: png(Buffer.from(original)) })).body)).toContain('Ce badge a été délivré sur cette plateforme');
  });

  it('refuses a PNG with one byte of its payload flipped, saying the image is damaged', async () => {
    const bytes = Buffer.from(await download(ctx, local(award.images.signedPng)));
    const jws = unbakePng(bytes)!;
    const at = bytes.indexOf(Buffer.from(jws.split('.')[1]!.slice(10, 30)));
    expect(at).toBeGreaterThan(0);
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    const response = await submit(ctx, { file: png(bytes) });
    expect(verdictOf(response.body)).toBe(INVALID);
    expect(text(response.body)).toContain('L’image est abîmée ou illisible');
  });

  it('says a plain image carries no badge', async () => {
    const response = await submit(ctx, { file: png(PNG_1PX, 'photo.png') });
    expect(verdictOf(response.body)).toBe(INVALID);
    expect(text(response.body)).toContain('Cette image ne contient pas de badge');
  });

  it('shows a revoked badge as revoked, with the reason, from its file and from its URL', async () => {
    const revoked = await awardVia(ctx, S);
    const file = png(await download(ctx, local(revoked.images.signedPng)));
    const revoke = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/assertions/${revoked.id}/revoke`,
      headers: { authorization: `Bearer ${S.token}` },
      payload: { reason: 'Erreur sur la personne' },
    });
    expect(revoke.statusCode, revoke.body).toBe(200);

    for (const response of [await submit(ctx, { file }), await submit(ctx, { text: revoked.url })]) {
      expect(response.statusCode).toBe(200);
      expect(verdictOf(response.body)).toBe(REVOKED);
      expect(text(response.body)).toContain('Motif donné par l’émetteur : Erreur sur la personne');
      expect(checkLine(response.body, 'revocation')).toMatch(/^failed: .*L’émetteur a révoqué ce badge\./);
    }
  });
});

describe('a foreign issuer (the test switch on)', () => {
  it('verifies its signed badge as genuine, with its issuer, badge, image and criteria', async () => {
    const response = await submit(ctxOn, { text: foreignJws, email: FOREIGN_LEARNER });
    expect(response.statusCode).toBe(200);
    expect(verdictOf(response.body)).toBe(VALID);
    const page = text(response.body);
    const host = new URL(base).host;
    expect(page).toContain(
      `Ce badge a bien été délivré par l’émetteur publié sur le site ${host}, qui se présente sous le nom Pôle Compétences de Rouen`,
    );
    // The host that published the Profile stands beside the name, which is said to be the issuer's own statement.
    expect(page).toContain(`Profil publié par le site ${host}`);
    expect(page).toContain('Nom (déclaré par l’émetteur) Pôle Compétences de Rouen');
    expect(page).toContain('Ce nom est la déclaration de l’émetteur lui-même');
    expect(page).toContain(`Clé de signature publiée par le site ${host}`);
    expect(page).toContain('Animer une réunion');
    expect(page).toContain('Avoir animé trois réunions observées par un tuteur.');
    expect(response.body).toContain('href="https://pole-competences.example.org"');
    expect(response.body).toContain('src="data:image/png;base64,');
    expect(page).toContain('Ce badge a bien été délivré à l’adresse e-mail que vous avez indiquée.');
    for (const code of ['structure', 'signature', 'keyOwnership', 'revocation', 'issuedOn', 'recipient']) {
      expect(checkLine(response.body, code), code).toMatch(/^ok: /);
    }
    expect(response.body).not.toContain(FOREIGN_LEARNER);
    expect(page).not.toContain('Voir la page de ce badge');
  });

  it('verifies its hosted badge from its URL', async () => {
    const response = await submit(ctxOn, { text: `${base}/assertions/1`, email: 'someone.else@example.net' });
    // Genuine, but never under the green headline when the email does not match.
    expect(verdictOf(response.body)).toBe('Badge authentique, mais pas délivré à cette adresse e-mail');
    expect(response.body).toContain('class="status status-expired verifier-verdict"');
    expect(verdictOf((await submit(ctxOn, { text: `${base}/assertions/1` })).body)).toBe(VALID);
    expect(text(response.body)).toContain('Attention : ce badge n’a pas été délivré à l’adresse e-mail que vous avez indiquée.');
  });

  it('refuses its badge signed by another key', async () => {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    const payload = JSON.parse(Buffer.from(foreignJws.split('.')[1]!, 'base64url').toString()) as Json;
    const response = await submit(ctxOn, { text: await sign(payload, privateKey) });
    expect(verdictOf(response.body)).toBe(INVALID);
    expect(checkLine(response.body, 'signature')).toMatch(/^failed: .*modifié après sa délivrance/);
  });

  it('shows an expired badge as genuine but expired, with the date', async () => {
    const payload = JSON.parse(Buffer.from(foreignJws.split('.')[1]!, 'base64url').toString()) as Json;
    const expired = await sign({ ...payload, id: `urn:uuid:${randomUUID()}`, expires: '2024-06-01T12:00:00Z' });
    const response = await submit(ctxOn, { text: expired });
    expect(verdictOf(response.body)).toBe('Badge authentique, mais expiré');
    expect(text(response.body)).toContain(
      `Ce badge a bien été délivré par l’émetteur publié sur le site ${new URL(base).host}, qui se présente sous le nom Pôle Compétences de Rouen, mais il a expiré le 1 juin 2024.`,
    );
    expect(checkLine(response.body, 'expiry')).toMatch(/^failed: .*Le badge a expiré le 1 juin 2024\./);
  });

  it('reads its revocation list', async () => {
    const response = await submit(ctxOn, { text: foreignRevokedJws });
    expect(verdictOf(response.body)).toBe(REVOKED);
    expect(text(response.body)).toContain('Motif donné par l’émetteur : Délivré par erreur');
  });

  it('says which document failed and why', async () => {
    const notJson = await submit(ctxOn, { text: `${base}/not-json` });
    expect(verdictOf(notJson.body)).toBe(UNVERIFIABLE);
    expect(text(notJson.body)).toContain(`${base}/not-json : réponse non JSON`);
    const missing = await submit(ctxOn, { text: `${base}/assertions/404` });
    expect(verdictOf(missing.body)).toBe(UNVERIFIABLE);
    expect(text(missing.body)).toContain('le site a répondu avec le statut HTTP 404.');
  });
});

/**
 * Exactly as anyone can make one in a minute: a key pair of one's own, its
 * key document on one's own site with `owner` set to a `urn:uuid:`, and a
 * payload that embeds an issuer of that id, named after a real university.
 */
async function forge(issuerId: string, extra: Json = {}) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const keyPath = `/forger/keys/${randomUUID()}`;
  documents.set(
    keyPath,
    json({
      '@context': CONTEXT,
      type: 'CryptographicKey',
      id: `${base}${keyPath}`,
      owner: issuerId,
      publicKeyPem: await exportSPKI(publicKey),
    }),
  );
  const payload = {
    '@context': CONTEXT,
    type: 'Assertion',
    id: `urn:uuid:${randomUUID()}`,
    recipient: hashed(FOREIGN_LEARNER),
    badge: {
      type: 'BadgeClass',
      id: `urn:uuid:${randomUUID()}`,
      name: 'Master Informatique',
      description: 'Diplôme national de master.',
      image: `data:image/png;base64,${PNG_1PX.toString('base64')}`,
      criteria: { narrative: 'Avoir validé les quatre semestres.' },
      issuer: {
        type: 'Issuer',
        id: issuerId,
        name: 'Université de Caen Normandie',
        url: 'https://www.unicaen.fr',
        email: 'contact@unicaen.fr',
        publicKey: `${base}${keyPath}`,
        ...extra,
      },
    },
    verification: { type: 'SignedBadge', creator: `${base}${keyPath}` },
    issuedOn: '2024-03-01T10:00:00Z',
  };
  return sign(payload, privateKey);
}

describe('a forged signed badge (issue 9, point 1)', () => {
  it('is never « authentique »: the issuer could not be established', async () => {
    const response = await submit(ctxOn, { text: await forge(`urn:uuid:${randomUUID()}`), email: FOREIGN_LEARNER });
    expect(response.statusCode).toBe(200);
    expect(verdictOf(response.body)).toBe(UNVERIFIABLE);
    const page = text(response.body);
    expect(page).toContain('L’émetteur n’a pas pu être établi');
    expect(page).not.toContain('Ce badge a bien été délivré par');
    // The recipient's digest in a forgery is whatever the forger wrote: a match proves nothing.
    expect(page).not.toContain('Ce badge a bien été délivré à l’adresse e-mail que vous avez indiquée.');
    expect(page).toContain('cela ne prouve rien');
    expect(checkLine(response.body, 'issuer')).toMatch(/^failed: .*L’émetteur n’a pas pu être établi/);
    expect(checkLine(response.body, 'keyOwnership')).not.toMatch(/^ok: /);
  });
});

/** One issuer of its own per test, under a path prefix, so that tests do not share documents. */
function issuerAt(prefix: string, profile: Json = {}) {
  const issuer = `${base}${prefix}/issuer`;
  documents.set(
    `${prefix}/issuer`,
    json({
      '@context': CONTEXT,
      type: 'Issuer',
      id: issuer,
      name: 'Organisme de formation',
      url: 'https://of.example.org',
      email: 'contact@of.example.org',
      ...profile,
    }),
  );
  return issuer;
}

function badgeClassAt(path: string, issuer: string, extra: Json = {}) {
  documents.set(
    path,
    json({
      '@context': CONTEXT,
      type: 'BadgeClass',
      id: `${base}${path}`,
      name: 'Accueillir du public',
      description: 'Accueille et oriente le public.',
      image: `${base}/badge.png`,
      criteria: { narrative: 'Avoir tenu l’accueil une semaine.' },
      issuer,
      ...extra,
    }),
  );
  return `${base}${path}`;
}

function assertionDoc(id: string, badge: string, extra: Json = {}): Json {
  return {
    '@context': CONTEXT,
    type: 'Assertion',
    id,
    recipient: hashed(FOREIGN_LEARNER),
    badge,
    verification: { type: 'HostedBadge' },
    issuedOn: '2024-03-01T10:00:00Z',
    ...extra,
  };
}

const expectValid = (response: { body: string }) => {
  expect(verdictOf(response.body), text(response.body).slice(0, 3000)).toBe(VALID);
};

describe('genuine badges as other issuers publish them (issue 9, point 3)', () => {
  it('verifies a Badgr-style hosted badge: BadgeClass and criteria by URL, unhashed recipient, type arrays, data-URI image', async () => {
    const issuer = issuerAt('/badgr');
    documents.set(
      '/badgr/badge',
      json({
        '@context': CONTEXT,
        type: ['BadgeClass'],
        id: `${base}/badgr/badge`,
        name: 'Badgr badge',
        description: 'Issued the way Badgr does.',
        image: `data:image/png;base64,${PNG_1PX.toString('base64')}`,
        criteria: `${base}/badgr/criteria`,
        issuer,
      }),
    );
    documents.set(
      '/badgr/assertion',
      json(
        assertionDoc(`${base}/badgr/assertion`, `${base}/badgr/badge`, {
          type: ['Assertion'],
          recipient: { type: 'email', hashed: false, identity: FOREIGN_LEARNER },
          verification: { type: ['HostedBadge'] },
        }),
      ),
    );
    const response = await submit(ctxOn, { text: `${base}/badgr/assertion`, email: FOREIGN_LEARNER });
    expectValid(response);
    expect(checkLine(response.body, 'recipient')).toMatch(/^ok: /);
    expect(response.body).toContain(`href="${base}/badgr/criteria"`);
  });

  it('follows a redirect from an old path to the id, and says so', async () => {
    const issuer = issuerAt('/moved');
    const badge = badgeClassAt('/moved/badge', issuer);
    documents.set('/moved/assertions/1', json(assertionDoc(`${base}/moved/assertions/1`, badge)));
    documents.set('/old/assertion-1', () => ({ status: 301, headers: { location: `${base}/moved/assertions/1` }, body: '' }));
    const response = await submit(ctxOn, { text: `${base}/old/assertion-1` });
    expectValid(response);
    expect(text(response.body)).toContain(`L’adresse ${base}/old/assertion-1 redirige vers l’adresse du badge.`);
  });

  it('verifies an assertion URL typed with a query string, fetching it again at its id', async () => {
    const issuer = issuerAt('/query');
    const badge = badgeClassAt('/query/badge', issuer);
    const doc = assertionDoc(`${base}/query/assertions/1`, badge);
    documents.set('/query/assertions/1', json(doc));
    documents.set('/query/assertions/1?v=2_0&utm_source=mail', json(doc));
    const response = await submit(ctxOn, { text: `${base}/query/assertions/1?v=2_0&utm_source=mail` });
    expectValid(response);
    expect(text(response.body)).toContain(
      'renvoie au badge publié à une autre adresse (son identifiant) : c’est celui-ci qui a été vérifié.',
    );
    expect(checkLine(response.body, 'hostedId')).toMatch(/^ok: /);
  });

  it('reads JSON served as text/html or application/octet-stream, and notes it', async () => {
    const issuer = issuerAt('/types');
    const badge = badgeClassAt('/types/badge', issuer);
    const body = JSON.stringify(assertionDoc(`${base}/types/assertion`, badge));
    documents.set('/types/assertion', () => ({ type: 'text/html; charset=utf-8', body }));
    const badgeDoc = documents.get('/types/badge')!();
    documents.set('/types/badge', () => ({ ...badgeDoc, type: 'application/octet-stream' }));
    const response = await submit(ctxOn, { text: `${base}/types/assertion` });
    expectValid(response);
    const page = text(response.body);
    expect(page).toContain(`Le document ${base}/types/assertion n’est pas servi comme JSON-LD (type déclaré : text/html)`);
    expect(page).toContain(`Le document ${base}/types/badge n’est pas servi comme JSON-LD (type déclaré : application/octet-stream)`);
  });

  it('applies an issuer’s verify.startsWith to the assertion’s id, not to its BadgeClass', async () => {
    const issuer = issuerAt('/sw', { verify: { type: 'VerificationObject', startsWith: `${base}/sw/assertions/` } });
    const badge = badgeClassAt('/sw/badges/1', issuer);
    documents.set('/sw/assertions/1', json(assertionDoc(`${base}/sw/assertions/1`, badge)));
    expectValid(await submit(ctxOn, { text: `${base}/sw/assertions/1` }));
    // And it still refuses an assertion outside the declared prefix.
    documents.set('/sw/elsewhere/1', json(assertionDoc(`${base}/sw/elsewhere/1`, badge)));
    const outside = await submit(ctxOn, { text: `${base}/sw/elsewhere/1` });
    expect(verdictOf(outside.body)).toBe(INVALID);
    expect(checkLine(outside.body, 'hostedId')).toMatch(/^failed: /);
  });

  it('verifies the URL of a baked PNG or SVG pasted as a link', async () => {
    const issuer = issuerAt('/baked');
    const badge = badgeClassAt('/baked/badge', issuer);
    const doc = assertionDoc(`${base}/baked/assertion`, badge);
    documents.set('/baked/assertion', json(doc));
    documents.set('/baked/badge-baked.png', () => ({ type: 'image/png', body: Buffer.from(bakePng(PNG_1PX, JSON.stringify(doc))) }));
    documents.set('/baked/badge-baked.svg', () => ({
      type: 'image/svg+xml',
      body: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="${base}/baked/assertion"/></svg>`,
    }));
    const signedPng = Buffer.from(bakePng(PNG_1PX, foreignJws));
    documents.set('/baked/signed.png', () => ({ type: 'application/octet-stream', body: signedPng }));
    for (const path of ['/baked/badge-baked.png', '/baked/badge-baked.svg', '/baked/signed.png']) {
      const response = await submit(ctxOn, { text: `${base}${path}` });
      expectValid(response);
      expect(text(response.body)).toContain(`L’adresse ${base}${path} est l’image du badge`);
    }
  });

  it('waits for an issuer that answers in 6 s', { timeout: 30_000 }, async () => {
    issuerAt('/slow');
    const profile = documents.get('/slow/issuer')!();
    documents.set('/slow/issuer', () => ({ ...profile, delayMs: 6_000 }));
    const badge = badgeClassAt('/slow/badge', `${base}/slow/issuer`);
    documents.set('/slow/assertion', json(assertionDoc(`${base}/slow/assertion`, badge)));
    expectValid(await submit(ctxOn, { text: `${base}/slow/assertion` }));
  });

  it('verifies an Open Badges 1.1 hosted badge, read as 2.0 for the checks as the reference validator does, and says so', async () => {
    const V1 = 'https://w3id.org/openbadges/v1';
    documents.set(
      '/v11/issuer',
      json({ '@context': V1, type: 'Issuer', id: `${base}/v11/issuer`, name: 'Ancien émetteur', url: 'https://old.example.org' }),
    );
    documents.set(
      '/v11/badge',
      json({
        '@context': V1,
        type: 'BadgeClass',
        id: `${base}/v11/badge`,
        name: 'Badge 1.1',
        description: 'Un badge de 2016.',
        image: `${base}/badge.png`,
        criteria: `${base}/v11/criteria`,
        issuer: `${base}/v11/issuer`,
      }),
    );
    documents.set(
      '/v11/assertion',
      json({
        '@context': V1,
        type: 'Assertion',
        id: `${base}/v11/assertion`,
        uid: 'v11',
        recipient: hashed(FOREIGN_LEARNER),
        badge: `${base}/v11/badge`,
        verify: { type: 'hosted', url: `${base}/v11/assertion` },
        issuedOn: 1459500000,
      }),
    );
    const response = await submit(ctxOn, { text: `${base}/v11/assertion`, email: FOREIGN_LEARNER });
    expectValid(response);
    expect(text(response.body)).toContain(
      'Ce badge suit la version 1.1 de la norme Open Badges : il a été lu comme un badge 2.0 pour les vérifications',
    );
    expect(checkLine(response.body, 'recipient')).toMatch(/^ok: /);
  });

  it.each([
    [
      'an Open Badges 1.1 signed assertion (its key is a bare PEM file)',
      () => {
        const payload = {
          '@context': 'https://w3id.org/openbadges/v1',
          type: 'Assertion',
          id: `urn:uuid:${randomUUID()}`,
          uid: 'abc123',
          recipient: hashed(FOREIGN_LEARNER),
          badge: `${base}/v1/badge`,
          verify: { type: 'signed', url: `${base}/v1/public-key.pem` },
          issuedOn: 1709287200,
        };
        const input = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
        return `${input}.${Buffer.from('not checked').toString('base64url')}`;
      },
      'Open Badges 1.1',
    ],
    [
      'an Open Badges 1.0 assertion pasted as JSON',
      () =>
        JSON.stringify({
          uid: 'abc123',
          recipient: 'sha256$' + '0'.repeat(64),
          badge: `${base}/v1/badge`,
          verify: { type: 'hosted', url: `${base}/v1/old` },
          issuedOn: '2013-06-01',
        }),
      'Open Badges 1.0',
    ],
  ])('says %s is of an older version, not checked, never « non authentique »', async (_label, input, version) => {
    const response = await submit(ctxOn, { text: input() });
    expect(verdictOf(response.body)).toBe(UNVERIFIABLE);
    expect(text(response.body)).toContain(
      `Ce badge suit une version plus ancienne de la norme (${version}), que cette page ne vérifie pas.`,
    );
    expect(response.body).not.toContain(INVALID);
  });
});

describe('checks the reference validator makes, and verdicts that name the document and field (issue 9, points 4 and 5)', () => {
  const refused = async (input: string, verdict: string, message: string) => {
    const response = await submit(ctxOn, { text: input });
    expect(verdictOf(response.body), text(response.body).slice(0, 3000)).toBe(verdict);
    expect(text(response.body)).toContain(message);
    return response;
  };

  it('refuses a BadgeClass image that cannot be fetched, or is not an image, naming the field', async () => {
    const issuer = issuerAt('/img');
    const missing = badgeClassAt('/img/badge-missing', issuer, { image: `${base}/img/nothing.png` });
    documents.set('/img/a1', json(assertionDoc(`${base}/img/a1`, missing)));
    await refused(`${base}/img/a1`, UNVERIFIABLE, 'L’image du badge (champ « image » de la description du badge) n’a pas pu être obtenue.');
    documents.set('/img/page.png', () => ({ type: 'text/html', body: '<!doctype html><p>not an image</p>' }));
    const html = badgeClassAt('/img/badge-html', issuer, { image: `${base}/img/page.png` });
    documents.set('/img/a2', json(assertionDoc(`${base}/img/a2`, html)));
    await refused(
      `${base}/img/a2`,
      INVALID,
      'L’image du badge (champ « image » de la description du badge) n’est pas une image PNG ou SVG.',
    );
  });

  it('accepts a large BadgeClass image: its size alone never fails a badge', async () => {
    const issuer = issuerAt('/bigimg');
    documents.set('/bigimg/image.png', () => ({ type: 'image/png', body: Buffer.concat([PNG_1PX, Buffer.alloc(2 * 1024 * 1024)]) }));
    const badge = badgeClassAt('/bigimg/badge', issuer, { image: `${base}/bigimg/image.png` });
    documents.set('/bigimg/a', json(assertionDoc(`${base}/bigimg/a`, badge)));
    const response = await submit(ctxOn, { text: `${base}/bigimg/a` });
    expect(verdictOf(response.body)).toBe(VALID);
  });

  it('refuses an issuer url that is not a URL', async () => {
    const issuer = issuerAt('/url', { url: 'www.organisme.example' });
    documents.set('/url/a', json(assertionDoc(`${base}/url/a`, badgeClassAt('/url/badge', issuer))));
    await refused(`${base}/url/a`, INVALID, 'Le champ « url » du profil de l’émetteur n’est pas valide.');
  });

  it('refuses a hashed identity not of the algo$hex form', async () => {
    const badge = badgeClassAt('/hash/badge', issuerAt('/hash'));
    const recipient = { type: 'email', hashed: true, salt: 'abc', identity: 'c2hhMjU2IG9mIHRoZSBlbWFpbA==' };
    documents.set('/hash/a', json(assertionDoc(`${base}/hash/a`, badge, { recipient })));
    await refused(
      `${base}/hash/a`,
      INVALID,
      'Le champ « recipient.identity » du badge (l’assertion) n’a pas la forme d’une empreinte d’adresse e-mail',
    );
  });

  it('refuses an Assertion image given as a data URI', async () => {
    const badge = badgeClassAt('/datauri/badge', issuerAt('/datauri'));
    const image = `data:image/png;base64,${PNG_1PX.toString('base64')}`;
    documents.set('/datauri/a', json(assertionDoc(`${base}/datauri/a`, badge, { image })));
    await refused(`${base}/datauri/a`, INVALID, 'Le champ « image » du badge (l’assertion) contient l’image elle-même (une « data URI »)');
  });

  it('names the missing field and its document', async () => {
    const issuer = issuerAt('/noemail', { email: undefined });
    documents.set('/noemail/a', json(assertionDoc(`${base}/noemail/a`, badgeClassAt('/noemail/badge', issuer))));
    const response = await refused(`${base}/noemail/a`, INVALID, 'Il manque le champ obligatoire « email » dans le profil de l’émetteur.');
    expect(checkLine(response.body, 'structure')).toMatch(/^failed: .*« email »/);
  });

  /** A signed badge of its own issuer under a prefix: its key, its Profile (listing the keys given), its JWS. */
  async function signedIssuer(prefix: string, options: { modulusLength?: number; owner?: string; listed?: string[] } = {}) {
    // node:crypto, not jose: jose refuses to make the keys under 2048 bits this test needs.
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048 });
    const key = `${base}${prefix}/key`;
    const issuer = issuerAt(prefix, { publicKey: options.listed ?? key });
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    documents.set(
      `${prefix}/key`,
      json({ '@context': CONTEXT, type: 'CryptographicKey', id: key, owner: options.owner ?? issuer, publicKeyPem }),
    );
    const badge = badgeClassAt(`${prefix}/badge`, issuer);
    const payload = assertionDoc(`urn:uuid:${randomUUID()}`, badge, { verification: { type: 'SignedBadge', creator: key } });
    const input = `${Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const jws = `${input}.${cryptoSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    return { jws, payload, issuer, key };
  }

  it('says exactly when it is stricter than the reference validator: a key whose owner is not the issuer', async () => {
    const { jws } = await signedIssuer('/owner', { owner: `${base}/someone-else` });
    const response = await refused(jws, INVALID, 'La clé de signature (champ « owner ») ne désigne pas le profil de cet émetteur');
    expect(text(response.body)).toContain('plus strictement que l’outil de validation de référence');
  });

  it('says exactly when it is stricter than the reference validator: a key under 2048 bits', async () => {
    const { jws } = await signedIssuer('/weak', { modulusLength: 1024 });
    await refused(jws, INVALID, 'La clé de signature de l’émetteur fait moins de 2048 bits');
  });

  it('names the algorithm when it is not RS256', async () => {
    const { payload } = await signedIssuer('/alg');
    const { privateKey } = await generateKeyPair('ES256');
    const es256 = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(privateKey);
    await refused(es256, INVALID, 'Le badge est signé avec l’algorithme ES256 ; seul RS256 est accepté');
  });

  it('tells an old file signed before a key rotation from a forgery: ask for a fresh file', async () => {
    const { jws } = await signedIssuer('/rotated', { listed: [`${base}/rotated/new-key`] });
    const response = await refused(
      jws,
      UNVERIFIABLE,
      'Ce badge a été signé avec une clé que l’émetteur a depuis remplacée : demandez au candidat un fichier récent',
    );
    expect(response.body).not.toContain(INVALID);
  });

  it('shows revoked first, whatever else fails', async () => {
    // Revoked (410) and its BadgeClass gone: revoked is what the person must read.
    documents.set(
      '/gone/a',
      json({ ...assertionDoc(`${base}/gone/a`, `${base}/gone/no-badge`), revoked: true, revocationReason: 'Fraude' }, 410),
    );
    const response = await submit(ctxOn, { text: `${base}/gone/a` });
    expect(verdictOf(response.body)).toBe(REVOKED);
    expect(text(response.body)).toContain('Motif donné par l’émetteur : Fraude');
  });
});

describe('what the page states about the issuer (issue 9, points 2 and 6)', () => {
  /** A look-alike: a real Profile, on the forger's own host, in a real university's name, listing its own key. */
  async function lookAlike(name: string) {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const n = randomUUID();
    const issuer = `${base}/lookalike/${n}/issuer`;
    const key = `${base}/lookalike/${n}/key`;
    documents.set(
      `/lookalike/${n}/issuer`,
      json({
        '@context': CONTEXT,
        type: 'Issuer',
        id: issuer,
        name,
        url: 'https://www.unicaen.fr',
        email: 'contact@unicaen.fr',
        publicKey: key,
      }),
    );
    documents.set(
      `/lookalike/${n}/key`,
      json({ '@context': CONTEXT, type: 'CryptographicKey', id: key, owner: issuer, publicKeyPem: await exportSPKI(publicKey) }),
    );
    const payload = {
      '@context': CONTEXT,
      type: 'Assertion',
      id: `urn:uuid:${randomUUID()}`,
      recipient: hashed(FOREIGN_LEARNER),
      badge: {
        type: 'BadgeClass',
        id: `urn:uuid:${randomUUID()}`,
        name: `Master ${name}`,
        description: 'Diplôme national de master.',
        image: `data:image/png;base64,${PNG_1PX.toString('base64')}`,
        criteria: { narrative: 'Avoir validé les quatre semestres.' },
        issuer,
      },
      verification: { type: 'SignedBadge', creator: key },
      issuedOn: '2024-03-01T10:00:00Z',
    };
    return sign(payload, privateKey);
  }

  it('shows a look-alike issuer with the host that really published it, beside the name it claims', async () => {
    const response = await submit(ctxOn, { text: await lookAlike('Université de Caen Normandie') });
    expect(verdictOf(response.body)).toBe(VALID);
    const host = new URL(base).host;
    expect(response.body).toMatch(
      new RegExp(`<dt>Profil publié par le site</dt><dd><strong><bdi>${host.replace(/\./g, '\\.')}</bdi></strong></dd>`),
    );
    expect(text(response.body)).toContain(`publié sur le site ${host}, qui se présente sous le nom Université de Caen Normandie`);
    expect(text(response.body)).toContain('Ce nom est la déclaration de l’émetteur lui-même');
  });

  it('isolates a name carrying a right-to-left override wherever it is printed', async () => {
    const name = 'Université \u202Eedoc\u202C de Caen';
    const response = await submit(ctxOn, { text: await lookAlike(name) });
    expect(response.statusCode).toBe(200);
    const escaped = name.replace(/'/g, '&#39;');
    // In the verdict's sentence, the issuer's facts, the badge's name and its image's alt text.
    expect(response.body).toContain(`qui se présente sous le nom <bdi>${escaped}</bdi>`);
    expect(response.body).toContain(`<dd><bdi>${escaped}</bdi></dd>`);
    expect(response.body).toContain(`<h3 class="badge-name"><bdi>Master ${escaped}</bdi></h3>`);
    expect(response.body).toContain(`alt="\u2068Master ${escaped}\u2069"`);
    // Never printed bare.
    const bare = response.body.split(escaped).length - 1;
    const isolated =
      response.body.split(`<bdi>${escaped}</bdi>`).length - 1 + (response.body.split(`<bdi>Master ${escaped}</bdi>`).length - 1) + 1;
    expect(bare).toBe(isolated);
  });

  it('isolates our own learner’s name on the assertion page and in its OpenGraph tags', async () => {
    // Our forms refuse bidi controls in names; a right-to-left name is still isolated from the text around it.
    const name = 'ليلى مارتن';
    const awarded = await awardVia(ctx, S, { recipient: { email: 'layla@example.org', name } });
    const page = await ctx.app.inject({ method: 'GET', url: local(awarded.url), headers: { accept: BROWSER } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<bdi>${name}</bdi>`);
    expect(page.body).toMatch(new RegExp(`<meta property="og:title" content="[^"]*\u2068${name}\u2069">`));
    expect(page.body).toMatch(/<meta property="og:description" content="[^"]*\u2068Mission Locale de Caen\u2069/);
    expect(page.body).toMatch(/<bdi>Mission Locale de Caen<\/bdi>/);
  });
});

describe('POST /api/v1/verifications (issue 9)', () => {
  async function api(app: App, payload: Json | { body: Buffer; contentType: string }, remoteAddress = nextAddress(), headers: Json = {}) {
    const multipartBody = 'contentType' in payload && Buffer.isBuffer(payload.body);
    const response = await app.app.inject({
      method: 'POST',
      url: '/api/v1/verifications',
      remoteAddress,
      headers: { ...(multipartBody ? { 'content-type': payload.contentType as string } : {}), ...headers },
      payload: multipartBody ? (payload.body as Buffer) : (payload as Json),
    });
    expect(response.statusCode, response.body).toBeLessThan(500);
    return response;
  }

  it('verifies a URL, without a token, answering the report as JSON', async () => {
    const response = await api(ctxOn, { url: `${base}/assertions/1` });
    expect(response.statusCode).toBe(200);
    const body = response.json() as Json;
    expect(body).toMatchObject({
      verdict: 'valid',
      openBadgesVersion: '2.0',
      verificationType: 'HostedBadge',
      issuer: { name: 'Pôle Compétences de Rouen', publishedBy: new URL(base).host, verified: true },
      recipient: { checked: false, matches: null },
      reason: null,
    });
    expect(body.checks.map((c: Json) => c.name)).toEqual([
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
    expect(body.checks[0]).toEqual({ name: 'structure', ok: true, message: expect.stringContaining('Open Badges 2.0') });
  });

  it('verifies a JWS against an email, in English when asked', async () => {
    const response = await api(ctxOn, { jws: foreignJws, email: FOREIGN_LEARNER }, nextAddress(), { 'accept-language': 'en' });
    const body = response.json() as Json;
    expect(body).toMatchObject({ verdict: 'valid', verificationType: 'SignedBadge', recipient: { checked: true, matches: true } });
    expect(body.issuer.keyPublishedBy).toBe(new URL(base).host);
    expect(body.checks.find((c: Json) => c.name === 'signature').message).toMatch(/^The electronic signature matches/);
    expect(response.body).not.toContain(FOREIGN_LEARNER);
  });

  it('verifies a baked file, and an assertion JSON', async () => {
    const file = await download(ctx, local(award.images.signedPng));
    const form = multipart({}, [png(file)]);
    const fromFile = await api(ctx, { body: form.payload, contentType: form.contentType });
    expect(fromFile.statusCode, fromFile.body).toBe(200);
    expect((fromFile.json() as Json).verdict).toBe('valid');
    const hosted = await ctx.app.inject({ method: 'GET', url: local(award.url), headers: { accept: 'application/ld+json' } });
    const fromJson = await api(ctx, { json: hosted.json() as Json });
    expect((fromJson.json() as Json).verdict).toBe('valid');
  });

  it('says a forgery is unverifiable: the issuer could not be established, whatever name it gives', async () => {
    const body = (await api(ctxOn, { jws: await forge(`urn:uuid:${randomUUID()}`) })).json() as Json;
    expect(body).toMatchObject({
      verdict: 'unverifiable',
      issuer: { name: 'Université de Caen Normandie', publishedBy: null, verified: false },
      reason: { code: 'issuer_not_established', message: expect.stringContaining('L’émetteur n’a pas pu être établi') },
    });
    expect(body.checks.find((c: Json) => c.name === 'issuer')).toMatchObject({ ok: false });
  });

  it('names the field of a structural problem', async () => {
    documents.set(
      '/api/issuer',
      json({ '@context': CONTEXT, type: 'Issuer', id: `${base}/api/issuer`, name: 'Sans e-mail', url: 'https://x.example.org' }),
    );
    documents.set(
      '/api/badge',
      json({
        '@context': CONTEXT,
        type: 'BadgeClass',
        id: `${base}/api/badge`,
        name: 'B',
        description: 'D',
        image: `${base}/badge.png`,
        criteria: { narrative: 'N' },
        issuer: `${base}/api/issuer`,
      }),
    );
    documents.set(
      '/api/a',
      json({
        '@context': CONTEXT,
        type: 'Assertion',
        id: `${base}/api/a`,
        recipient: hashed(FOREIGN_LEARNER),
        badge: `${base}/api/badge`,
        verification: { type: 'HostedBadge' },
        issuedOn: '2024-03-01T10:00:00Z',
      }),
    );
    const body = (await api(ctxOn, { url: `${base}/api/a` })).json() as Json;
    expect(body.verdict).toBe('invalid');
    expect(body.checks.find((c: Json) => c.name === 'structure')).toEqual({
      name: 'structure',
      ok: false,
      field: 'issuer.email',
      message: 'Il manque le champ obligatoire « email » dans le profil de l’émetteur.',
    });
  });

  it.each([
    ['nothing', {}, 400, 'verification_empty'],
    ['two inputs', { url: 'https://example.org/a', jws: 'a.b.c' }, 400, 'verification_both'],
    ['a file:// URL', { url: 'file:///etc/passwd' }, 400, 'verification_url_scheme'],
    ['a bad email', { url: 'https://example.org/a', email: 'nope' }, 400, 'verification_email_invalid'],
  ])('refuses %s with a 4xx and a message', async (_label, payload, status, code) => {
    const response = await api(ctx, payload);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('is limited per address, with a JSON 429', async () => {
    const address = '203.0.113.91';
    let last;
    for (let i = 0; i < 31; i++) last = await api(ctx, {}, address);
    expect(last!.statusCode).toBe(429);
    expect((last!.json() as Json).error.code).toBe('rate_limited');
  });

  it('is described in the OpenAPI document, without a token', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as Json;
    const operation = doc.paths['/api/v1/verifications']?.post;
    expect(operation).toBeDefined();
    expect(operation.security).toEqual([]);
    expect(Object.keys(operation.requestBody.content)).toEqual(expect.arrayContaining(['application/json', 'multipart/form-data']));
    const schema = operation.responses['200'].content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['verdict', 'issuer', 'recipient', 'checks', 'openBadgesVersion']),
    );
  });
});

describe('private addresses (the switch off, as in production)', () => {
  it.each([
    ['the foreign issuer on 127.0.0.1', () => `${base}/assertions/1`],
    ['localhost', () => `http://localhost:${new URL(base).port}/assertions/1`],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private network', () => 'http://192.168.1.10/badge.json'],
    ['IPv6 loopback', () => `http://[::1]:${new URL(base).port}/assertions/1`],
  ])('refuses %s with a clear reason', async (_label, url) => {
    const response = await submit(ctx, { text: url() });
    expect(response.statusCode).toBe(200);
    expect(verdictOf(response.body)).toBe(UNVERIFIABLE);
    expect(text(response.body)).toContain('adresse privée refusée');
  });

  it('refuses a foreign signed badge whose documents live on a private address', async () => {
    const response = await submit(ctx, { text: foreignJws });
    expect(verdictOf(response.body)).toBe(UNVERIFIABLE);
    expect(text(response.body)).toContain(`${base}/badge : adresse privée refusée`);
  });
});

describe('bad input: the page again, a message, a 4xx', () => {
  const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]), randomBytes(200)]);

  it.each([
    ['an empty form', {}, 400, 'Choisissez le fichier du badge, ou collez son adresse web ou son texte.'],
    ['only spaces', { text: '   \n ' }, 400, 'Choisissez le fichier du badge'],
    [
      'a garbage file',
      { file: { filename: 'x.png', type: 'image/png', bytes: randomBytes(500) } },
      400,
      'Ce fichier n’est pas une image de badge',
    ],
    ['a JPEG photo', { file: { filename: 'photo.jpg', type: 'image/jpeg', bytes: JPEG } }, 400, 'une photo JPEG'],
    ['an empty file', { file: { filename: 'vide.png', type: 'image/png', bytes: Buffer.alloc(0) } }, 400, 'Ce fichier est vide.'],
    [
      'a 3 MB file',
      { file: { filename: 'big.png', type: 'image/png', bytes: Buffer.alloc(3 * 1024 * 1024, 1) } },
      413,
      'Ce fichier est trop volumineux',
    ],
    ['a malformed URL', { text: 'http://exa mple.org/badge' }, 400, 'Cette adresse web n’est pas valide.'],
    ['a URL with no host', { text: 'https://' }, 400, 'Cette adresse web n’est pas valide.'],
    ['a file:// URL', { text: 'file:///etc/passwd' }, 400, 'Seules les adresses web qui commencent par http:// ou https://'],
    ['a javascript: URL', { text: 'javascript:alert(1)' }, 400, 'Seules les adresses web'],
    ['broken JSON', { text: '{"@context": "https://w3id.org/openbadges/v2", ' }, 400, 'Ce texte ressemble à du JSON'],
    ['plain words', { text: 'mon badge de Léa' }, 400, 'Ce texte n’est ni une adresse web'],
    ['a huge text', { text: 'a'.repeat(300_000) }, 413, 'Ce texte est trop long pour être un badge.'],
    ['a text over the field limit', { text: 'a'.repeat(900_000) }, 413, 'Ce texte est trop long pour être un badge.'],
    [
      'a file and a text',
      { text: 'https://example.org/a', file: { filename: 'b.png', type: 'image/png', bytes: PNG_1PX } },
      400,
      'pas les deux à la fois',
    ],
    ['an invalid email', { text: 'https://example.org/a', email: 'pas-une-adresse' }, 400, 'Saisissez une adresse e-mail complète'],
    ['two files', { files: [png(PNG_1PX), png(PNG_1PX)] }, 413, 'Choisissez un seul fichier à la fois.'],
  ] as const)('refuses %s', async (_label, input, status, message) => {
    const response = await submit(ctx, input as Parameters<typeof submit>[1]);
    expect(response.statusCode).toBe(status);
    expect(text(response.body)).toContain(message);
    expect(response.body).toContain('<form method="post" action="/verifier"');
    expect(response.body).toContain('class="error-summary"');
    expect(verdictOf(response.body)).toBe('');
  });

  it('never writes back an invalid email, and shows pasted markup escaped', async () => {
    const hostile = '"><script>alert(1)</script>';
    const response = await submit(ctx, { text: `https://example.org/${hostile}`, email: `${hostile}@x` });
    expect(response.statusCode).toBeLessThan(500);
    expect(response.body).not.toContain('<script>alert(1)</script>');
    // Pasted markup is read as an SVG that carries no badge.
    const svgText = await submit(ctx, { text: '<script>alert(1)</script>' });
    expect(verdictOf(svgText.body)).toBe(INVALID);
    expect(svgText.body).not.toContain('<script>alert(1)</script>');
    // Refused text comes back escaped.
    const refused = await submit(ctx, { text: 'mon badge <script>alert(1)</script>' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).not.toContain('<script>alert(1)</script>');
    expect(refused.body).toContain('mon badge &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('answers an oversized urlencoded body with the page, not an error page', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/verifier',
      remoteAddress: nextAddress(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: BROWSER },
      payload: `text=${'a'.repeat(2 * 1024 * 1024)}`,
    });
    expect(response.statusCode).toBe(413);
    expect(text(response.body)).toContain('trop volumineux');
    expect(response.body).toContain('<form method="post" action="/verifier"');
  });

  it('accepts a plain urlencoded form (no file)', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/verifier',
      remoteAddress: nextAddress(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: BROWSER },
      payload: `text=${encodeURIComponent(award.url)}`,
    });
    expect(response.statusCode).toBe(200);
    expect(verdictOf(response.body)).toBe(VALID);
  });

  it('answers an unreadable body or an unknown content type with the page', async () => {
    const broken = await ctx.app.inject({
      method: 'POST',
      url: '/verifier',
      remoteAddress: nextAddress(),
      headers: { 'content-type': 'multipart/form-data; boundary=abc', accept: BROWSER },
      payload: '--abc\r\nContent-Disposition: form-data; name="text"\r\n\r\nunterminated',
    });
    expect(broken.statusCode).toBeGreaterThanOrEqual(400);
    expect(broken.statusCode).toBeLessThan(500);
    expect(broken.body).toContain('<form method="post" action="/verifier"');

    const unknown = await ctx.app.inject({
      method: 'POST',
      url: '/verifier',
      remoteAddress: nextAddress(),
      headers: { 'content-type': 'application/x-unknown', accept: BROWSER },
      payload: 'whatever',
    });
    expect(unknown.statusCode).toBe(415);
    expect(text(unknown.body)).toContain('Le formulaire n’a pas pu être lu.');
  });

  it('limits submissions per address, with the page and a message', async () => {
    const address = '203.0.113.77';
    let last;
    for (let i = 0; i < 21; i++) last = await submit(ctx, { text: 'mon badge' }, address);
    expect(last!.statusCode).toBe(429);
    expect(text(last!.body)).toContain('Trop de vérifications en peu de temps');
    expect(last!.body).toContain('<form method="post" action="/verifier"');
  });
});
