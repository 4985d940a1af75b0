import { createHash, randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens, assertions, auditEvents, badgeClasses, idempotencyKeys } from '../../src/db/schema.ts';
import { clockFrom } from '../support/clock.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * The REST API under /api/v1, through fastify's real request path
 * (app.inject): authentication, what a token may see, validation and its
 * messages, idempotency, expiry, listing, revocation, the OpenAPI document
 * and the audit trail. Every refused request is also checked to have written
 * nothing.
 */
type Json = Record<string, any>;
type Seeded = Awaited<ReturnType<typeof seedStructure>>;

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let A: Seeded;
let B: Seeded;
/** The AwardingService clock; `undefined` means the real one. */
let clock: (() => Date) | undefined;

const FR_INVALID = 'Certaines données sont invalides.';
/** The day the expiry tests award on: their explicit expiries (2031, 2032) are later, whatever today is. */
const AWARD_DAY = '2026-03-10T09:00:00Z';
const EXPIRES_FR = 'doit être une date ISO 8601, par exemple 2027-06-30 ou 2027-06-30T18:00:00Z';
const EXPIRES_EN = 'must be an ISO 8601 date, e.g. 2027-06-30 or 2027-06-30T18:00:00Z';
const EN_INVALID = 'Some of the data is invalid.';
const FR_TOKEN = 'Jeton d’API absent, invalide ou révoqué. Envoyez l’en-tête « Authorization: Bearer <jeton> ».';
const EN_TOKEN = 'API token missing, invalid or revoked. Send the header "Authorization: Bearer <token>".';

function api(method: 'GET' | 'POST', url: string, options: { token?: string; payload?: unknown; headers?: Record<string, string> } = {}) {
  return ctx.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    ...(options.payload !== undefined ? { payload: options.payload as string | object } : {}),
  });
}

const learner = (overrides: Json = {}) => ({ email: 'lea.martin@example.org', name: 'Léa Martin', ...overrides });

/** What a refused request must leave untouched: rows in every table an award writes. */
async function writes() {
  const db = ctx.platform.database.db;
  const [[a], [i], [e]] = await Promise.all([
    db.select({ n: count() }).from(assertions),
    db.select({ n: count() }).from(idempotencyKeys),
    db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, 'assertion.awarded')),
  ]);
  return { assertions: Number(a!.n), idempotencyKeys: Number(i!.n), awardAudits: Number(e!.n) };
}

async function countOf(structureId: string) {
  return (await ctx.services.awarding.list({ structureId, page: 1, perPage: 1 })).total;
}

async function tokenIdOf(structureId: string, name = 'tests') {
  const tokens = await ctx.services.apiTokens.list(structureId);
  return tokens.find((t) => t.name === name)!.id;
}

async function awardAs(seeded: Seeded, body: Json = {}, headers: Record<string, string> = {}) {
  const response = await api('POST', '/assertions', {
    token: seeded.token,
    headers,
    payload: { badgeClass: seeded.badgeClasses[0]!.id, allowDuplicate: true, recipient: learner(), ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Json;
}

beforeAll(async () => {
  ctx = await startTestApp({ now: () => (clock ? clock() : new Date()) });
  A = await seedStructure(ctx.services, {
    name: 'Mission Locale de Caen',
    url: 'https://caen.example.org',
    email: 'contact@caen.example.org',
  });
  B = await seedStructure(ctx.services, {
    name: 'AFPA Rouen',
    url: 'https://rouen.example.org',
    email: 'contact@rouen.example.org',
  });
});

afterEach(() => {
  clock = undefined;
});

afterAll(async () => {
  await ctx?.close();
});

describe('authentication', () => {
  it('refuses a request without Authorization: 401 JSON invalid_token with WWW-Authenticate: Bearer', async () => {
    const response = await api('GET', '/badge-classes');
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ error: { code: 'invalid_token', message: FR_TOKEN } });
  });

  it.each([
    ['another scheme', (t: string) => `Basic ${Buffer.from(`user:${t}`).toString('base64')}`],
    ['the scheme without a token', () => 'Bearer'],
    ['the scheme with a blank token', () => 'Bearer    '],
    ['the token without the scheme', (t: string) => t],
    ['two tokens', (t: string) => `Bearer ${t} ${t}`],
    ['a token scheme of another name', (t: string) => `Token ${t}`],
  ])('refuses a malformed header (%s) with 401 invalid_token and WWW-Authenticate', async (_label, header) => {
    const response = await api('GET', '/badge-classes', { headers: { authorization: header(A.token) } });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json().error.code).toBe('invalid_token');
  });

  it('accepts the scheme in any case (RFC 7235: auth-scheme is case-insensitive)', async () => {
    const response = await api('GET', '/badge-classes', { headers: { authorization: `bearer ${A.token}` } });
    expect(response.statusCode).toBe(200);
  });

  it('refuses an unknown token, one of the right shape, and an overlong one', async () => {
    const unknown = `insg_${Buffer.alloc(32, 7).toString('base64url')}`;
    for (const token of [unknown, 'not-even-ours', `insg_${'x'.repeat(400)}`, `${A.token}x`]) {
      const response = await api('GET', '/badge-classes', { token });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'invalid_token', message: FR_TOKEN } });
    }
  });

  it('says so in English when asked', async () => {
    const response = await api('GET', '/badge-classes', { headers: { 'accept-language': 'en' } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toBe(EN_TOKEN);
  });

  it('refuses a token once revoked, and writes nothing for its requests', async () => {
    const { token, record } = await ctx.services.apiTokens.create({ structureId: A.structure.id, name: 'éphémère' }, { kind: 'cli' });
    expect((await api('GET', '/badge-classes', { token })).statusCode).toBe(200);
    await ctx.services.apiTokens.revoke(A.structure.id, record.id, { kind: 'cli' });

    const before = await writes();
    expect((await api('GET', '/badge-classes', { token })).statusCode).toBe(401);
    const refused = await api('POST', '/assertions', {
      token,
      payload: { badgeClass: A.badgeClasses[0]!.id, allowDuplicate: true, recipient: learner() },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('invalid_token');
    expect(await writes()).toEqual(before);
    // The other token of the structure is unaffected.
    expect((await api('GET', '/badge-classes', { token: A.token })).statusCode).toBe(200);
  });

  // RFC 7235 §3.1: a 401 MUST carry WWW-Authenticate; RFC 6750 §3 adds error="invalid_token"
  // when a token was sent but is not good. Today only a missing/malformed header gets it.
  it('sends WWW-Authenticate on every 401, also for an unknown or revoked token', async () => {
    const { token, record } = await ctx.services.apiTokens.create({ structureId: A.structure.id, name: 'révoqué' }, { kind: 'cli' });
    await ctx.services.apiTokens.revoke(A.structure.id, record.id, { kind: 'cli' });
    for (const sent of [token, `insg_${'A'.repeat(43)}`]) {
      const response = await api('GET', '/badge-classes', { token: sent });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
    }
  });

  it('records when a token was last used, and stores only its hash', async () => {
    const id = await tokenIdOf(A.structure.id);
    const [row] = await ctx.platform.database.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
    expect(row!.tokenHash).toBe(createHash('sha256').update(A.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(A.token);
  });
});

describe('a token sees its own structure only', () => {
  let bAssertion: Json;

  beforeAll(async () => {
    bAssertion = await awardAs(B, { allowDuplicate: true, recipient: learner({ email: 'candidat.b@example.org' }) });
  });

  it("lists only its own structure's nine badge classes", async () => {
    const response = await api('GET', '/badge-classes', { token: A.token });
    expect(response.statusCode).toBe(200);
    const items = response.json().items as Json[];
    expect(items).toHaveLength(9);
    expect(items.map((i) => i.id)).toEqual(A.badgeClasses.map((b) => b.id));
    const bIds = new Set(B.badgeClasses.map((b) => b.id));
    expect(items.some((i) => bIds.has(i.id))).toBe(false);
    for (const item of items) {
      expect(item.url).toBe(`${TEST_PUBLIC_URL}/badges/${item.id}`);
      expect(item.image).toBe(`${TEST_PUBLIC_URL}/badges/${item.id}/image.png`);
      expect(item.catalogueKey).toMatch(/^[a-z-]+$/);
      expect(item.criteria.length).toBeGreaterThan(50);
    }
  });

  it("refuses to award another structure's badge class (404) and writes nothing in either structure", async () => {
    const [beforeA, beforeB, before] = [await countOf(A.structure.id), await countOf(B.structure.id), await writes()];
    const response = await api('POST', '/assertions', {
      token: A.token,
      payload: { badgeClass: B.badgeClasses[0]!.id, allowDuplicate: true, recipient: learner() },
      headers: { 'idempotency-key': 'cross-structure' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'badge_class_not_found', message: 'Ce badge est introuvable (ou n’appartient pas à votre structure).' },
    });
    expect(await countOf(A.structure.id)).toBe(beforeA);
    expect(await countOf(B.structure.id)).toBe(beforeB);
    expect(await writes()).toEqual(before);
  });

  it("answers 404 for another structure's assertion, to read or to revoke, and leaves it valid", async () => {
    const read = await api('GET', `/assertions/${bAssertion.id}`, { token: A.token });
    expect(read.statusCode).toBe(404);
    expect(read.json().error.code).toBe('assertion_not_found');
    expect(read.body).not.toContain('candidat.b');

    const revoke = await api('POST', `/assertions/${bAssertion.id}/revoke`, { token: A.token, payload: { reason: 'Intrusion' } });
    expect(revoke.statusCode).toBe(404);
    expect(revoke.json().error.code).toBe('assertion_not_found');
    const stored = await ctx.services.awarding.get(B.structure.id, bAssertion.id);
    expect(stored.revokedAt).toBeNull();
    expect(stored.revocationReason).toBeNull();
    expect((await api('GET', `/assertions/${bAssertion.id}`, { token: B.token })).json().status).toBe('valid');
  });

  it('lists only its own assertions, and filters by a foreign badge class to nothing', async () => {
    const mine = await awardAs(A);
    const response = await api('GET', '/assertions?perPage=200', { token: A.token });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const ids = (body.items as Json[]).map((i) => i.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(bAssertion.id);
    expect(body.total).toBe(await countOf(A.structure.id));
    const aClasses = new Set(A.badgeClasses.map((b) => b.id));
    expect((body.items as Json[]).every((i) => aClasses.has(i.badgeClass))).toBe(true);

    const foreign = await api('GET', `/assertions?badgeClass=${B.badgeClasses[0]!.id}`, { token: A.token });
    expect(foreign.statusCode).toBe(200);
    expect(foreign.json()).toMatchObject({ items: [], total: 0 });
  });
});

describe('validation of an award', () => {
  const valid = (): Json => ({ badgeClass: A.badgeClasses[0]!.id, allowDuplicate: true, recipient: learner() });

  // [what is wrong, how to break a valid body, the field named, French message, English message]
  const cases: [string, (b: Json) => void, string, string | RegExp, string | RegExp][] = [
    [
      'a malformed email',
      (b) => (b.recipient.email = 'lea.martin@'),
      'body.recipient.email',
      'doit être une adresse e-mail',
      'must be an email address',
    ],
    [
      'an email with a space inside',
      (b) => (b.recipient.email = 'lea martin@example.org'),
      'body.recipient.email',
      'doit être une adresse e-mail',
      'must be an email address',
    ],
    ['an empty name', (b) => (b.recipient.name = ''), 'body.recipient.name', 'ne doit pas être vide', 'must not be empty'],
    ['a blank name', (b) => (b.recipient.name = '   '), 'body.recipient.name', 'ne doit pas être vide', 'must not be empty'],
    [
      'a name of 201 characters',
      (b) => (b.recipient.name = 'n'.repeat(201)),
      'body.recipient.name',
      'au plus 200 caractères',
      'at most 200 characters',
    ],
    [
      'a badgeClass that is not a uuid',
      (b) => (b.badgeClass = 'organiser-je-pratique'),
      'body.badgeClass',
      'doit être un identifiant (UUID)',
      'must be an identifier (UUID)',
    ],
    ['no recipient', (b) => delete b.recipient, 'body.recipient', /^valeur manquante ou de type incorrect/, /^missing value or wrong type/],
    [
      'an evidence item with neither narrative nor url',
      (b) => (b.evidence = [{}]),
      'body.evidence.0',
      'chaque preuve doit avoir un texte (narrative) ou un lien (url)',
      'each piece of evidence needs a narrative or a url',
    ],
    [
      'a javascript: evidence url',
      (b) => (b.evidence = [{ url: 'javascript:alert(1)' }]),
      'body.evidence.0.url',
      'doit être une adresse web (http:// ou https://)',
      'must be a web address (http:// or https://)',
    ],
    [
      'an ftp: evidence url',
      (b) => (b.evidence = [{ narrative: 'ok', url: 'ftp://x' }]),
      'body.evidence.0.url',
      'doit être une adresse web (http:// ou https://)',
      'must be a web address (http:// or https://)',
    ],
    [
      '21 evidence items',
      (b) => (b.evidence = Array.from({ length: 21 }, () => ({ narrative: 'n' }))),
      'body.evidence',
      'au plus 20 éléments',
      'at most 20 items',
    ],
    [
      'a narrative of 5001 characters',
      (b) => (b.narrative = 'n'.repeat(5001)),
      'body.narrative',
      'au plus 5000 caractères',
      'at most 5000 characters',
    ],
    ['expires that is not a date', (b) => (b.expires = 'bientôt'), 'body.expires', EXPIRES_FR, EXPIRES_EN],
    ['expires on a day that does not exist', (b) => (b.expires = '2031-02-30'), 'body.expires', EXPIRES_FR, EXPIRES_EN],
    ['expires without a time zone', (b) => (b.expires = '2031-01-15T10:00:00'), 'body.expires', EXPIRES_FR, EXPIRES_EN],
    ['expires as a number', (b) => (b.expires = 1_900_000_000), 'body.expires', EXPIRES_FR, EXPIRES_EN],
  ];

  it.each(cases)('refuses %s: 400 naming the field, in French, writing nothing', async (_label, breakIt, field, fr) => {
    const body = valid();
    breakIt(body);
    const before = await writes();
    const response = await api('POST', '/assertions', {
      token: A.token,
      payload: body,
      headers: { 'idempotency-key': `invalid-${field}` },
    });
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe(FR_INVALID);
    const detail = (error.details as Json[]).find((d) => d.field === field);
    expect(detail, JSON.stringify(error.details)).toBeDefined();
    if (typeof fr === 'string') expect(detail!.message).toBe(fr);
    else expect(detail!.message).toMatch(fr);
    expect(await writes()).toEqual(before);
  });

  it.each(cases)('refuses %s in English under Accept-Language: en', async (_label, breakIt, field, _fr, en) => {
    const body = valid();
    breakIt(body);
    const response = await api('POST', '/assertions', { token: A.token, payload: body, headers: { 'accept-language': 'en' } });
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.message).toBe(EN_INVALID);
    const detail = (error.details as Json[]).find((d) => d.field === field)!;
    if (typeof en === 'string') expect(detail.message).toBe(en);
    else expect(detail.message).toMatch(en);
  });

  it('names every failing field at once', async () => {
    const response = await api('POST', '/assertions', {
      token: A.token,
      payload: { badgeClass: 'x', recipient: { email: 'nope', name: '' }, evidence: [{ url: 'ftp://x' }] },
    });
    expect(response.statusCode).toBe(400);
    expect((response.json().error.details as Json[]).map((d) => d.field).sort()).toEqual(
      ['body.badgeClass', 'body.evidence.0.url', 'body.recipient.email', 'body.recipient.name'].sort(),
    );
  });

  it('follows the preferred language of Accept-Language, French otherwise', async () => {
    const body = { ...valid(), allowDuplicate: true, recipient: learner({ email: 'x' }) };
    const message = async (acceptLanguage: string) =>
      (await api('POST', '/assertions', { token: A.token, payload: body, headers: { 'accept-language': acceptLanguage } })).json().error
        .message;
    expect(await message('en-GB,en;q=0.9')).toBe(EN_INVALID);
    expect(await message('de-DE')).toBe(FR_INVALID);
    expect(await message('en;q=0.5, fr')).toBe(FR_INVALID);
  });

  it('refuses an expiry that is not after the issue date (422 expires_before_issue), writing nothing', async () => {
    const before = await writes();
    for (const expires of ['2020-01-01T00:00:00Z', '2020-01-01', new Date(Date.now() - 60_000).toISOString()]) {
      const response = await api('POST', '/assertions', { token: A.token, payload: { ...valid(), expires } });
      expect(response.statusCode).toBe(422);
      expect(response.json().error).toMatchObject({
        code: 'expires_before_issue',
        message: 'La date d’expiration est déjà passée : choisissez aujourd’hui ou un jour à venir.',
      });
    }
    const en = await api('POST', '/assertions', {
      token: A.token,
      payload: { ...valid(), expires: '2020-01-01' },
      headers: { 'accept-language': 'en' },
    });
    expect(en.json().error.message).toBe('The expiry date has already passed: choose today or a later day.');
    expect(await writes()).toEqual(before);
  });

  it('refuses a body that is not JSON (400 bad_request), writing nothing', async () => {
    const before = await writes();
    const response = await api('POST', '/assertions', {
      token: A.token,
      headers: { 'content-type': 'application/json' },
      payload: '{"badgeClass": "',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 'bad_request', message: 'La requête est mal formée.' } });
    expect(await writes()).toEqual(before);
  });

  it('refuses a JSON body of the wrong shape (an array), naming the body', async () => {
    const response = await api('POST', '/assertions', { token: A.token, payload: [valid()] });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([{ field: 'body', message: expect.stringMatching(/object/) }]);
  });

  it('refuses a content type it does not read (415 unsupported_media_type), writing nothing', async () => {
    const before = await writes();
    const response = await api('POST', '/assertions', {
      token: A.token,
      headers: { 'content-type': 'application/xml' },
      payload: '<assertion/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual({
      error: {
        code: 'unsupported_media_type',
        message: 'Ce type de contenu n’est pas accepté. Envoyez du JSON (Content-Type: application/json).',
      },
    });
    expect(await writes()).toEqual(before);
  });

  // fastify parses text/plain by default, so a JSON document sent as text/plain reaches
  // the schema as a string and comes back "400 body: expected object" instead of 415.
  it('refuses a text/plain body with 415, like any type other than JSON', async () => {
    const before = await writes();
    const response = await api('POST', '/assertions', {
      token: A.token,
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify(valid()),
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
    expect(await writes()).toEqual(before);
  });

  it('refuses an Idempotency-Key over 200 characters, naming the header', async () => {
    const before = await writes();
    const response = await api('POST', '/assertions', {
      token: A.token,
      payload: valid(),
      headers: { 'idempotency-key': 'k'.repeat(201) },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([{ field: 'headers.idempotency-key', message: 'au plus 200 caractères' }]);
    expect(await writes()).toEqual(before);
  });

  it('refuses unknown fields, naming each, so that a misspelt one is never silently lost', async () => {
    const before = await writes();
    const response = await api('POST', '/assertions', {
      token: A.token,
      payload: { ...valid(), recipient: { ...learner(), telephone: '0600000000' }, expire: '2031-01-01' },
    });
    expect(response.statusCode).toBe(400);
    const details = response.json().error.details as { field: string; message: string }[];
    expect(details).toEqual(
      expect.arrayContaining([
        { field: 'body', message: 'champ inconnu : expire' },
        { field: 'body.recipient', message: 'champ inconnu : telephone' },
      ]),
    );
    expect(await writes()).toEqual(before);
  });

  it('accepts the limits themselves: a 200-character name, 20 evidence items, a 5000-character narrative', async () => {
    const name = `${'N'.repeat(199)}é`;
    const response = await api('POST', '/assertions', {
      token: A.token,
      payload: {
        ...valid(),
        allowDuplicate: true,
        recipient: learner({ name }),
        evidence: Array.from({ length: 20 }, (_, i) => ({ url: `https://example.org/preuve/${i}` })),
        narrative: 'n'.repeat(5000),
      },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.recipient.name).toBe(name);
    expect(body.evidence).toHaveLength(20);
    expect(body.evidence[19]).toEqual({ url: 'https://example.org/preuve/19' });
    expect(body.narrative).toHaveLength(5000);
  });
});

describe('recipient normalisation', () => {
  it('stores the email trimmed and lower-cased, and the name trimmed', async () => {
    const body = await awardAs(A, { recipient: { email: '  Lea.MARTIN@Example.ORG \t', name: '  Léa Martin  ' } });
    expect(body.recipient).toEqual({ email: 'lea.martin@example.org', name: 'Léa Martin' });
    const row = await ctx.services.awarding.get(A.structure.id, body.id);
    expect(row.recipientEmail).toBe('lea.martin@example.org');
    expect(row.recipientName).toBe('Léa Martin');
    // The published identity is the hash of the normalised address.
    const hosted = await ctx.app.inject({ method: 'GET', url: `/assertions/${body.id}` });
    const recipient = hosted.json().recipient;
    expect(recipient.identity).toBe(`sha256$${createHash('sha256').update(`lea.martin@example.org${recipient.salt}`).digest('hex')}`);
  });
});

describe('Idempotency-Key', () => {
  it('replays the same request: 201 then 200 with the same id, one assertion stored', async () => {
    const payload = { badgeClass: A.badgeClasses[1]!.id, allowDuplicate: true, recipient: learner({ name: 'Idem Potent' }) };
    const before = await writes();
    const first = await api('POST', '/assertions', { token: A.token, payload, headers: { 'idempotency-key': 'retry-1' } });
    const second = await api('POST', '/assertions', { token: A.token, payload, headers: { 'idempotency-key': 'retry-1' } });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json().id).toBe(first.json().id);
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.json().jws).toBe(first.json().jws);
    expect(await writes()).toEqual({
      assertions: before.assertions + 1,
      idempotencyKeys: before.idempotencyKeys + 1,
      awardAudits: before.awardAudits + 1,
    });

    // The same request up to the normalisation of the address is the same request.
    const third = await api('POST', '/assertions', {
      token: A.token,
      payload: { ...payload, recipient: { ...payload.recipient, email: ' LEA.MARTIN@example.org' } },
      headers: { 'idempotency-key': 'retry-1' },
    });
    expect(third.statusCode).toBe(200);
    expect(third.json().id).toBe(first.json().id);
  });

  it('refuses the same key with a different body (422 idempotency_key_reused), writing nothing', async () => {
    const payload = { badgeClass: A.badgeClasses[1]!.id, allowDuplicate: true, recipient: learner({ name: 'Première' }) };
    const first = await api('POST', '/assertions', { token: A.token, payload, headers: { 'idempotency-key': 'reused-1' } });
    expect(first.statusCode).toBe(201);
    const before = await writes();
    for (const changed of [
      { ...payload, allowDuplicate: true, recipient: learner({ name: 'Seconde' }) },
      { ...payload, badgeClass: A.badgeClasses[2]!.id },
      { ...payload, narrative: 'Un commentaire' },
      { ...payload, expires: '2031-01-15' },
    ]) {
      const response = await api('POST', '/assertions', { token: A.token, payload: changed, headers: { 'idempotency-key': 'reused-1' } });
      expect(response.statusCode).toBe(422);
      expect(response.json().error).toEqual({
        code: 'idempotency_key_reused',
        message: 'Cette clé Idempotency-Key a déjà servi pour une autre demande. Utilisez une nouvelle clé pour chaque attribution.',
      });
    }
    expect(await writes()).toEqual(before);
  });

  it('gives concurrent requests with one key one assertion, and all of them its id', async () => {
    const payload = { badgeClass: A.badgeClasses[3]!.id, allowDuplicate: true, recipient: learner({ name: 'Concurrente' }) };
    const before = await writes();
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => api('POST', '/assertions', { token: A.token, payload, headers: { 'idempotency-key': 'race-1' } })),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 201]);
    const ids = new Set(responses.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    expect(await writes()).toEqual({
      assertions: before.assertions + 1,
      idempotencyKeys: before.idempotencyKeys + 1,
      awardAudits: before.awardAudits + 1,
    });
  });

  it("keeps one structure's keys apart from another's", async () => {
    const key = 'shared-key-1';
    const a = await api('POST', '/assertions', {
      token: A.token,
      payload: { badgeClass: A.badgeClasses[0]!.id, allowDuplicate: true, recipient: learner() },
      headers: { 'idempotency-key': key },
    });
    const b = await api('POST', '/assertions', {
      token: B.token,
      payload: { badgeClass: B.badgeClasses[0]!.id, allowDuplicate: true, recipient: learner({ name: 'Autre' }) },
      headers: { 'idempotency-key': key },
    });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json().id).not.toBe(a.json().id);
    expect((await ctx.services.awarding.get(B.structure.id, b.json().id)).structureId).toBe(B.structure.id);
    const rows = await ctx.platform.database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    expect(rows.map((r) => r.structureId).sort()).toEqual([A.structure.id, B.structure.id].sort());
  });

  it('awards twice without a key', async () => {
    const payload = { badgeClass: A.badgeClasses[4]!.id, allowDuplicate: true, recipient: learner({ name: 'Sans clé' }) };
    const first = await api('POST', '/assertions', { token: A.token, payload });
    const second = await api('POST', '/assertions', { token: A.token, payload });
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.json().id).not.toBe(first.json().id);
  });
});

describe('expiry', () => {
  const DAY = 86_400_000;
  let withValidity: string;

  beforeAll(async () => {
    // Not the general badge: its own rule (three « je maîtrise ») is tested in programme-rules.test.ts.
    withValidity = A.badgeClasses.find((b) => b.catalogueKey === 's-integrer-je-pratique')!.id;
    await ctx.platform.database.db.update(badgeClasses).set({ validityDays: 30 }).where(eq(badgeClasses.id, withValidity));
  });

  it("shows the badge class's validity period in the API", async () => {
    const items = (await api('GET', '/badge-classes', { token: A.token })).json().items as Json[];
    expect(items.find((i) => i.id === withValidity)!.validityDays).toBe(30);
    expect(items.filter((i) => i.id !== withValidity).every((i) => i.validityDays === null)).toBe(true);
  });

  it('sets expires to issuedOn + validityDays when none is given', async () => {
    const body = await awardAs(A, { badgeClass: withValidity });
    expect(body.expires).not.toBeNull();
    expect(new Date(body.expires).getTime() - new Date(body.issuedOn).getTime()).toBe(30 * DAY);
    const hosted = (await ctx.app.inject({ method: 'GET', url: `/assertions/${body.id}` })).json();
    expect(new Date(hosted.expires).getTime()).toBe(new Date(body.expires).getTime());
  });

  it('uses the issue date of the clock, to the second', async () => {
    clock = () => new Date('2026-03-10T08:15:42.987Z');
    const body = await awardAs(A, { badgeClass: withValidity });
    expect(body.issuedOn).toBe('2026-03-10T08:15:42.000Z');
    expect(body.expires).toBe('2026-04-09T08:15:42.000Z');
  });

  it('lets an explicit expires win over the validity period', async () => {
    clock = clockFrom(AWARD_DAY);
    const body = await awardAs(A, { badgeClass: withValidity, expires: '2032-03-01T12:00:00Z' });
    expect(body.expires).toBe('2032-03-01T12:00:00.000Z');
  });

  it('reads a date alone as the end of that day in Paris (23:59:59 local time, winter and summer)', async () => {
    clock = clockFrom(AWARD_DAY);
    const body = await awardAs(A, { expires: '2031-01-15' });
    expect(body.expires).toBe('2031-01-15T22:59:59.000Z');
    const hosted = (await ctx.app.inject({ method: 'GET', url: `/assertions/${body.id}` })).json();
    expect(hosted.expires).toBe('2031-01-15T22:59:59Z');
    const summer = await awardAs(A, { expires: '2031-07-15' });
    expect(summer.expires).toBe('2031-07-15T21:59:59.000Z');
  });

  it('converts a date-time with an offset to UTC', async () => {
    clock = clockFrom(AWARD_DAY);
    const body = await awardAs(A, { expires: '2031-01-15T10:00:00+02:00' });
    expect(body.expires).toBe('2031-01-15T08:00:00.000Z');
  });

  it('leaves expires empty when neither is set', async () => {
    const body = await awardAs(A);
    expect(body.expires).toBeNull();
    const hosted = (await ctx.app.inject({ method: 'GET', url: `/assertions/${body.id}` })).json();
    expect(hosted).not.toHaveProperty('expires');
  });
});

describe('listing assertions', () => {
  let C: Seeded;
  /** Newest first, as the API orders them. */
  const awarded: Json[] = [];

  beforeAll(async () => {
    C = await seedStructure(ctx.services, { name: 'Listing', url: 'https://listing.example.org', email: 'l@listing.example.org' });
    const plan = [
      { bc: 0, email: 'lea.martin@example.org', expires: undefined },
      { bc: 0, email: 'sam@example.org', expires: '2025-06-01T00:00:00Z' },
      { bc: 1, email: 'Lea.Martin@Example.org', expires: undefined },
      { bc: 0, email: 'noe@example.org', expires: undefined },
      { bc: 1, email: 'ines@example.org', expires: '2099-01-01' },
    ];
    for (const [i, step] of plan.entries()) {
      // Distinct issue dates in the past, one second apart, so the order is known.
      clock = () => new Date(Date.UTC(2025, 0, 1, 10, 0, i, 500));
      awarded.unshift(
        await awardAs(C, {
          badgeClass: C.badgeClasses[step.bc]!.id,
          allowDuplicate: true,
          recipient: learner({ email: step.email }),
          ...(step.expires ? { expires: step.expires } : {}),
        }),
      );
    }
    clock = undefined;
    await ctx.services.awarding.revoke(C.structure.id, awarded[1]!.id, 'Erreur de saisie', { kind: 'cli' });
  });

  const list = async (query: string) => {
    const response = await api('GET', `/assertions${query}`, { token: C.token });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { items: Json[]; page: number; perPage: number; total: number };
  };

  it('pages newest first, with page, perPage and total', async () => {
    const pages = [
      await list('?perPage=2'),
      await list('?perPage=2&page=2'),
      await list('?perPage=2&page=3'),
      await list('?perPage=2&page=4'),
    ];
    expect(pages.map((p) => [p.page, p.perPage, p.total, p.items.length])).toEqual([
      [1, 2, 5, 2],
      [2, 2, 5, 2],
      [3, 2, 5, 1],
      [4, 2, 5, 0],
    ]);
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(awarded.map((a) => a.id));
    expect(pages[0]!.items[0]!.issuedOn).toBe('2025-01-01T10:00:04.000Z');
  });

  it('defaults to page 1 of 50', async () => {
    const body = await list('');
    expect([body.page, body.perPage, body.total, body.items.length]).toEqual([1, 50, 5, 5]);
  });

  it.each([
    ['?page=0', 'querystring.page'],
    ['?perPage=0', 'querystring.perPage'],
    ['?perPage=201', 'querystring.perPage'],
    ['?perPage=abc', 'querystring.perPage'],
    ['?page=1.5', 'querystring.page'],
    ['?badgeClass=organiser', 'querystring.badgeClass'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const response = await api('GET', `/assertions${query}`, { token: C.token });
    expect(response.statusCode).toBe(400);
    expect((response.json().error.details as Json[]).map((d) => d.field)).toEqual([field]);
  });

  it('filters by badge class', async () => {
    const body = await list(`?badgeClass=${C.badgeClasses[1]!.id}`);
    expect(body.total).toBe(2);
    expect(body.items.every((i) => i.badgeClass === C.badgeClasses[1]!.id)).toBe(true);
  });

  it('filters by recipient email whatever its case and spaces', async () => {
    const body = await list(`?recipientEmail=${encodeURIComponent('  LEA.martin@EXAMPLE.org ')}`);
    expect(body.total).toBe(2);
    expect(body.items.map((i) => i.id).sort()).toEqual([awarded[4]!.id, awarded[2]!.id].sort());
    expect(body.items.every((i) => i.recipient.email === 'lea.martin@example.org')).toBe(true);
    const both = await list(`?recipientEmail=lea.martin%40example.org&badgeClass=${C.badgeClasses[1]!.id}`);
    expect(both.items.map((i) => i.id)).toEqual([awarded[2]!.id]);
    expect((await list('?recipientEmail=personne%40example.org')).total).toBe(0);
  });

  it("gives each item's status: valid, revoked or expired", async () => {
    const byId = new Map((await list('')).items.map((i) => [i.id, i]));
    expect(byId.get(awarded[4]!.id)!.status).toBe('valid');
    expect(byId.get(awarded[0]!.id)!.status).toBe('valid');
    expect(byId.get(awarded[0]!.id)!.expires).toBe('2099-01-01T22:59:59.000Z');
    expect(byId.get(awarded[3]!.id)).toMatchObject({ status: 'expired', expires: '2025-06-01T00:00:00.000Z', revocation: null });
    expect(byId.get(awarded[1]!.id)).toMatchObject({ status: 'revoked', revocation: { reason: 'Erreur de saisie' } });
    // Items of a list carry no JWS: it is fetched one assertion at a time.
    expect([...byId.values()].every((i) => !('jws' in i))).toBe(true);
  });
});

describe('revocation', () => {
  let target: Json;

  beforeAll(async () => {
    target = await awardAs(A, { allowDuplicate: true, recipient: learner({ name: 'À révoquer' }) });
  });

  it.each([
    ['an empty reason', { reason: '' }],
    ['a blank reason', { reason: '   ' }],
    ['no reason', {}],
    ['a reason of 501 characters', { reason: 'r'.repeat(501) }],
  ])('refuses %s with 400 naming body.reason, and keeps the badge valid', async (_label, payload) => {
    const response = await api('POST', `/assertions/${target.id}/revoke`, { token: A.token, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.map((d: Json) => d.field)).toEqual(['body.reason']);
    expect((await ctx.services.awarding.get(A.structure.id, target.id)).revokedAt).toBeNull();
  });

  it('refuses an id that is not a uuid (400) and an unknown one (404)', async () => {
    const malformed = await api('POST', '/assertions/123/revoke', { token: A.token, payload: { reason: 'x' } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.details[0].field).toBe('params.id');
    const unknown = await api('POST', `/assertions/${randomUUID()}/revoke`, { token: A.token, payload: { reason: 'x' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toEqual({ code: 'assertion_not_found', message: 'Ce badge est introuvable.' });
  });

  it('revokes once (200, the reason trimmed) and refuses a second time with 409 already_revoked', async () => {
    const first = await api('POST', `/assertions/${target.id}/revoke`, { token: A.token, payload: { reason: '  Attribué par erreur  ' } });
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.status).toBe('revoked');
    expect(body.revocation.reason).toBe('Attribué par erreur');
    expect(Math.abs(new Date(body.revocation.revokedAt).getTime() - Date.now())).toBeLessThan(60_000);
    expect(body).not.toHaveProperty('jws');

    const second = await api('POST', `/assertions/${target.id}/revoke`, { token: A.token, payload: { reason: 'Encore' } });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toEqual({ code: 'already_revoked', message: 'Ce badge est déjà révoqué.' });
    // The first reason stands.
    expect((await ctx.services.awarding.get(A.structure.id, target.id)).revocationReason).toBe('Attribué par erreur');
  });

  it('then reads back as revoked, without a JWS', async () => {
    const response = await api('GET', `/assertions/${target.id}`, { token: A.token });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.status).toBe('revoked');
    expect(body.revocation).toEqual({ revokedAt: expect.stringMatching(/Z$/), reason: 'Attribué par erreur' });
    expect(body).not.toHaveProperty('jws');
    expect(body.url).toBe(`${TEST_PUBLIC_URL}/assertions/${target.id}`);
  });

  // GET omits the JWS of a revoked assertion and /signed.jws answers 410, but the POST
  // handler calls currentJws() unconditionally, so a retry hands out a fresh signed file.
  it('replays a since-revoked award as revoked, without a JWS', async () => {
    const payload = { badgeClass: A.badgeClasses[2]!.id, allowDuplicate: true, recipient: learner({ name: 'Rejouée puis révoquée' }) };
    const first = await api('POST', '/assertions', { token: A.token, payload, headers: { 'idempotency-key': 'revoked-replay' } });
    expect(first.statusCode).toBe(201);
    await api('POST', `/assertions/${first.json().id}/revoke`, { token: A.token, payload: { reason: 'Erreur' } });
    const replay = await api('POST', '/assertions', { token: A.token, payload, headers: { 'idempotency-key': 'revoked-replay' } });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ id: first.json().id, status: 'revoked' });
    expect(replay.json()).not.toHaveProperty('jws');
  });

  it('reads a live assertion back with its JWS', async () => {
    const live = await awardAs(A);
    const body = (await api('GET', `/assertions/${live.id}`, { token: A.token })).json();
    expect(body.status).toBe('valid');
    expect(body.jws).toBe(live.jws);
    const payload = JSON.parse(Buffer.from(body.jws.split('.')[1], 'base64url').toString());
    expect(payload.id).toBe(`urn:uuid:${live.id}`);
  });
});

describe('the OpenAPI description', () => {
  let spec: Json;

  beforeAll(async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    spec = response.json();
  });

  it('is an OpenAPI 3 document of the six operations', () => {
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.info.title).toBe('Insigne API');
    const operations = Object.entries(spec.paths as Record<string, Json>)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k))
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    expect(operations).toEqual(
      [
        'GET /api/v1/badge-classes',
        'POST /api/v1/assertions',
        'GET /api/v1/assertions',
        'GET /api/v1/assertions/{id}',
        'POST /api/v1/assertions/{id}/revoke',
        'POST /api/v1/verifications',
      ].sort(),
    );
    expect(spec.servers).toEqual([{ url: TEST_PUBLIC_URL }]);
  });

  it('declares the bearer scheme and requires it', () => {
    expect(spec.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(spec.security).toEqual([{ bearer: [] }]);
  });

  it('describes the award body, the Idempotency-Key header and the answers', () => {
    const post = spec.paths['/api/v1/assertions'].post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['badgeClass', 'recipient']));
    expect(Object.keys(schema.properties).sort()).toEqual([
      'allowDuplicate',
      'badgeClass',
      'evidence',
      'expires',
      'message',
      'narrative',
      'recipient',
    ]);
    expect(post.parameters.find((p: Json) => p.in === 'header' && p.name === 'idempotency-key')).toBeDefined();
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '404', '422']));
  });

  it('serves the reference as a page of our own at /api/docs, read from the OpenAPI document', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/docs', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).not.toContain('swagger-ui');
    // Every operation of the document, with its parameters, body fields and answers in words.
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as Json;
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const method of Object.keys(item)) expect(response.body).toContain(`${method.toUpperCase()}</span> ${path}</code>`);
    }
    expect(response.body).toContain('<code>idempotency-key</code>');
    expect(response.body).toContain('<code>recipient.email</code>');
    expect(response.body).toContain('<dt><code>201</code></dt>');
    expect(response.body).toMatch(/<dd lang="en">Created/);
    expect(response.body).toContain('<code>Authorization: Bearer &lt;token&gt;</code>');
    // Links to the document itself, in JSON and YAML.
    expect((await ctx.app.inject({ method: 'GET', url: '/api/docs/yaml' })).body).toContain('openapi: 3.1.0');
    const slash = await ctx.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(slash.statusCode).toBe(301);
    expect(slash.headers.location).toBe('/api/docs');
  });

  it('shows the reference’s own words in English on request, the document’s always marked English', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/api/docs', headers: { accept: 'text/html', 'accept-language': 'en' } });
    expect(page.body).toContain('<h1>API reference</h1>');
    expect(page.body.slice(page.body.indexOf('<article'))).not.toContain(' lang="en"');
    const fr = await ctx.app.inject({ method: 'GET', url: '/api/docs', headers: { accept: 'text/html' } });
    expect(fr.body).toContain('<h1>Référence de l’API</h1>');
    expect(fr.body).toContain('<div class="prose" lang="en">');
  });
});

describe('the audit trail', () => {
  it('records the award and the revocation, naming the token as the actor', async () => {
    const tokenId = await tokenIdOf(A.structure.id);
    const body = await awardAs(A, { badgeClass: A.badgeClasses[5]!.id });
    const revoked = await api('POST', `/assertions/${body.id}/revoke`, { token: A.token, payload: { reason: 'Doublon' } });
    expect(revoked.statusCode).toBe(200);

    const events = await ctx.platform.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetType, 'assertion'), eq(auditEvents.targetId, body.id)))
      .orderBy(auditEvents.id);
    expect(events.map((e) => e.action)).toEqual(['assertion.awarded', 'assertion.revoked']);
    for (const event of events) {
      expect(event).toMatchObject({ structureId: A.structure.id, actorKind: 'token', actorTokenId: tokenId, actorUserId: null });
    }
    expect(events[0]!.details).toMatchObject({ badgeClassId: A.badgeClasses[5]!.id, badgeClassName: A.badgeClasses[5]!.name });
    expect(events[1]!.details).toEqual({ reason: 'Doublon' });

    const row = await ctx.services.awarding.get(A.structure.id, body.id);
    expect(row.awardedByTokenId).toBe(tokenId);
    expect(row.revokedByTokenId).toBe(tokenId);
  });

  it('records nothing for a replayed award', async () => {
    const payload = { badgeClass: A.badgeClasses[6]!.id, allowDuplicate: true, recipient: learner({ name: 'Rejouée' }) };
    const first = await api('POST', '/assertions', { token: A.token, payload, headers: { 'idempotency-key': 'audit-replay' } });
    await api('POST', '/assertions', { token: A.token, payload, headers: { 'idempotency-key': 'audit-replay' } });
    const events = await ctx.platform.database.db.select().from(auditEvents).where(eq(auditEvents.targetId, first.json().id));
    expect(events).toHaveLength(1);
  });
});
