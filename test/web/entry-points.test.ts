import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertions, outboxMessages } from '../../src/db/schema.ts';
import { csrfOf, InjectBrowser, pageText } from '../support/inject-browser.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';

/**
 * The same award through each entry point (the single-award form, a CSV row,
 * the API) follows the same rules: one expiry for one day, one refusal of a
 * past day, the same characters refused. Fixed clock: Saturday 28 March 2099,
 * the eve of the change to summer time, so that "the end of Sunday" is the
 * first 23:59:59 of summer time in Paris (21:59:59 UTC).
 */
const clock = new Date('2099-03-28T15:00:00.000Z');
const EXPIRY_DAY = '2099-03-29';
const END_OF_EXPIRY_DAY = '2099-03-29T21:59:59.000Z';
const PAST_DAY = '2099-03-27';
const PAST_MESSAGE_FR = 'La date d’expiration est déjà passée : choisissez aujourd’hui ou un jour à venir.';
const PASSWORD = 'le mot de passe de l’équipe';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let caen: Awaited<ReturnType<typeof seedStructure>>;
let advisor: InjectBrowser;
const db = () => ctx.platform.database.db;
const badgeId = () => caen.badgeClasses.find((b) => b.catalogueKey === 'organiser-je-pratique')!.id;

beforeAll(async () => {
  ctx = await startTestApp({ now: () => clock });
  caen = await seedStructure(ctx.services);
  await ctx.services.users.create(
    { email: 'claire@caen.example.org', name: 'Claire Conseil', password: PASSWORD, structureId: caen.structure.id, role: 'advisor' },
    { kind: 'cli' },
  );
  advisor = new InjectBrowser(() => ctx.app);
  await advisor.signIn('claire@caen.example.org', PASSWORD);
});

afterAll(async () => {
  await ctx?.close();
});

// ----- The three entry points

function api(method: 'GET' | 'POST', url: string, payload?: unknown, language = 'fr') {
  return ctx.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${caen.token}`, 'accept-language': language },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

const apiAward = (fields: { name?: string; expires?: string; email?: string }) =>
  api('POST', '/assertions', {
    badgeClass: badgeId(),
    recipient: { email: fields.email ?? 'api@example.org', name: fields.name ?? 'Léa Martin' },
    ...(fields.expires ? { expires: fields.expires } : {}),
  });

/** The single-award form, confirmed: the assertion id, or the 422 page. */
async function formAward(fields: { firstName?: string; expires?: string; email?: string }) {
  const page = (await advisor.get('/espace/delivrer')).body;
  const key = /name="key" value="([^"]+)"/.exec(page)![1]!;
  return advisor.post('/espace/delivrer/confirmer', {
    _csrf: csrfOf(page),
    key,
    email: fields.email ?? 'form@example.org',
    firstName: fields.firstName ?? 'Léa',
    lastName: 'Martin',
    badgeClassId: badgeId(),
    expires: fields.expires ?? '',
    action: 'confirm',
  });
}

/** A CSV file of one row, uploaded: the import's id (its preview holds the row's problems). */
async function csvUpload(fields: { firstName?: string; expires?: string; email?: string; evidence?: string }) {
  const page = (await advisor.get('/espace/delivrer/csv')).body;
  const csv = `Courriel;Prénom;Nom;Badge;Expiration;Preuve\r\n${fields.email ?? 'csv@example.org'};${fields.firstName ?? 'Léa'};Martin;organiser-je-pratique;${fields.expires ?? ''};${fields.evidence ?? ''}\r\n`;
  const body = new FormData();
  body.append('_csrf', csrfOf(page));
  body.append('file', new Blob([new TextEncoder().encode(csv)], { type: 'text/csv' }), 'promo.csv');
  const encoded = new Request('http://x/', { method: 'POST', body });
  const response = await advisor.request('POST', '/espace/delivrer/csv', {
    raw: Buffer.from(await encoded.arrayBuffer()),
    headers: { 'content-type': encoded.headers.get('content-type')! },
  });
  expect(response.statusCode, response.body.slice(0, 300)).toBe(303);
  return String(response.headers.location);
}

const storedExpiry = async (id: string) =>
  (await db().select({ expires: assertions.expires }).from(assertions).where(eq(assertions.id, id)))[0]!.expires?.toISOString();

const hostedExpiry = async (id: string) =>
  (await ctx.app.inject({ method: 'GET', url: `/assertions/${id}`, headers: { accept: 'application/ld+json' } })).json().expires;

describe('one expiry day through the form, a CSV row and the API', () => {
  it('gives the same stored expires and the same Open Badges expires: the end of that day in Paris', async () => {
    const viaApi = await apiAward({ expires: EXPIRY_DAY });
    expect(viaApi.statusCode, viaApi.body).toBe(201);
    const apiId = viaApi.json().id as string;

    const viaForm = await formAward({ expires: EXPIRY_DAY });
    expect(viaForm.statusCode, viaForm.body.slice(0, 500)).toBe(303);
    const formId = String(viaForm.headers.location).split('/').pop()!;

    const importUrl = await csvUpload({ expires: EXPIRY_DAY });
    const confirm = await advisor.post(`${importUrl}/confirmer`, { _csrf: await advisor.token(importUrl) });
    expect(confirm.statusCode).toBe(303);
    await ctx.platform.awardImportRunner!.drain();
    const record = await ctx.services.awardImports.get(caen.structure.id, importUrl.split('/').pop()!);
    const csvId = record.rows[0]!.assertionId!;
    expect(csvId).toBeTruthy();

    for (const id of [apiId, formId, csvId]) {
      expect(await storedExpiry(id), id).toBe(END_OF_EXPIRY_DAY);
      expect(await hostedExpiry(id), id).toBe('2099-03-29T21:59:59Z');
    }
    // The form's other way of writing the day, and the API's, mean the same instant.
    const french = await formAward({ expires: '29/03/2099', email: 'form2@example.org' });
    expect(await storedExpiry(String(french.headers.location).split('/').pop()!)).toBe(END_OF_EXPIRY_DAY);
    // A full date-time given to the API is kept as given.
    const exact = await apiAward({ expires: '2099-03-29T12:00:00+02:00', email: 'exact@example.org' });
    expect(exact.json().expires).toBe('2099-03-29T10:00:00.000Z');
  });

  it('accepts today (valid until tonight) and refuses yesterday with the same message everywhere, awarding nothing', async () => {
    const today = await apiAward({ expires: '2099-03-28', email: 'today@example.org' });
    expect(today.statusCode).toBe(201);
    expect(today.json()).toMatchObject({ expires: '2099-03-28T22:59:59.000Z', status: 'valid' });

    const viaApi = await apiAward({ expires: PAST_DAY, email: 'past@example.org' });
    expect(viaApi.statusCode).toBe(422);
    expect(viaApi.json().error).toEqual({ code: 'expires_before_issue', message: PAST_MESSAGE_FR });

    const viaForm = await formAward({ expires: PAST_DAY, email: 'past@example.org' });
    expect(viaForm.statusCode).toBe(422);
    expect(viaForm.body).toContain('id="expires-error"');
    expect(pageText(viaForm.body)).toContain(PAST_MESSAGE_FR);

    const importUrl = await csvUpload({ expires: PAST_DAY, email: 'past@example.org' });
    const record = await ctx.services.awardImports.get(caen.structure.id, importUrl.split('/').pop()!);
    expect(record.rows[0]!.errors).toEqual([{ column: 'expires', message: 'date_past' }]);
    expect(pageText((await advisor.get(importUrl)).body)).toContain(PAST_MESSAGE_FR);

    const [found] = await db().select({ id: assertions.id }).from(assertions).where(eq(assertions.recipientEmail, 'past@example.org'));
    expect(found).toBeUndefined();
  });
});

describe('the characters refused in a name, through the form, a CSV row and the API', () => {
  const refused: [string, string][] = [
    ['NUL', 'Lé\u0000a'],
    ['BEL', 'Léa\u0007'],
    ['ESC', 'Léa\u001b[31mrouge'],
    ['a right-to-left override', 'Léa\u202eniträM'],
    ['a line break', 'Léa\nMartin'],
  ];

  it.each(refused)('refuses %s in all three, naming the field, and awards nothing', async (_label, name) => {
    const viaApi = await apiAward({ name, email: 'hostile@example.org' });
    expect(viaApi.statusCode).toBe(400);
    expect(viaApi.json().error.details).toEqual([
      { field: 'body.recipient.name', message: expect.stringContaining('caractères non autorisés') },
    ]);

    const viaForm = await formAward({ firstName: name, email: 'hostile@example.org' });
    expect(viaForm.statusCode).toBe(422);
    expect(viaForm.body).toContain('id="firstName-error"');
    expect(pageText(viaForm.body)).toContain('caractères non autorisés');

    // A line break inside a quoted cell is one cell; the others go in as they are.
    const importUrl = await csvUpload({ firstName: name.includes('\n') ? `"${name}"` : name, email: 'hostile@example.org' });
    const record = await ctx.services.awardImports.get(caen.structure.id, importUrl.split('/').pop()!);
    expect(record.rows[0]!.errors).toEqual([{ column: 'firstName', message: 'control_characters' }]);

    const [found] = await db().select({ id: assertions.id }).from(assertions).where(eq(assertions.recipientEmail, 'hostile@example.org'));
    expect(found).toBeUndefined();
  });

  it('answers in the caller’s language', async () => {
    const viaApi = await api(
      'POST',
      '/assertions',
      { badgeClass: badgeId(), recipient: { email: 'x@example.org', name: 'Léa\u0007\u001b[31m…' } },
      'en',
    );
    expect(viaApi.statusCode).toBe(400);
    expect(viaApi.json().error.details).toEqual([
      { field: 'body.recipient.name', message: expect.stringContaining('characters that are not allowed') },
    ]);
  });
});

describe('a NUL byte in each of the API’s text fields', () => {
  // The badge class is added when the test runs (the table is read before the structure exists).
  const award = (overrides: Record<string, unknown>) => ({
    recipient: { email: 'nul@example.org', name: 'Léa Martin' },
    ...overrides,
  });

  it.each([
    ['recipient.name', award({ recipient: { email: 'nul@example.org', name: 'Léa\u0000' } }), 'body.recipient.name'],
    ['narrative', award({ narrative: 'a\u0000b' }), 'body.narrative'],
    ['evidence[].narrative', award({ evidence: [{ narrative: 'a\u0000b' }] }), 'body.evidence.0.narrative'],
    ['evidence[].url', award({ evidence: [{ url: 'https://exemple.fr/a\u0000b' }] }), 'body.evidence.0.url'],
    ['message', award({ message: 'Bravo\u0000' }), 'body.message'],
  ])('refuses it in %s with a 400 naming the field', async (_label, payload, field) => {
    const response = await api('POST', '/assertions', { badgeClass: badgeId(), ...payload });
    expect(response.statusCode, response.body).toBe(400);
    expect((response.json().error.details as { field: string }[]).map((d) => d.field)).toEqual([field]);
    // Nothing written: no award, no email to the learner.
    expect(await db().select({ id: assertions.id }).from(assertions).where(eq(assertions.recipientEmail, 'nul@example.org'))).toEqual([]);
    expect(
      await db().select({ id: outboxMessages.id }).from(outboxMessages).where(eq(outboxMessages.toAddress, 'nul@example.org')),
    ).toEqual([]);
  });

  it('refuses it in the evidence of the single-award form and of a CSV row, naming the field, awarding nothing', async () => {
    const page = (await advisor.get('/espace/delivrer')).body;
    const viaForm = await advisor.post('/espace/delivrer/confirmer', {
      _csrf: csrfOf(page),
      key: /name="key" value="([^"]+)"/.exec(page)![1]!,
      email: 'nul@example.org',
      firstName: 'Léa',
      lastName: 'Martin',
      badgeClassId: badgeId(),
      evidence: 'A organisé\u0000 le planning',
      expires: '',
      action: 'confirm',
    });
    expect(viaForm.statusCode).toBe(422);
    expect(viaForm.body).toContain('id="evidence-error"');
    expect(pageText(viaForm.body)).toContain('caractères non autorisés');

    const importUrl = await csvUpload({ email: 'nul@example.org', evidence: 'a\u0000b' });
    const record = await ctx.services.awardImports.get(caen.structure.id, importUrl.split('/').pop()!);
    expect(record.rows[0]!.errors).toEqual([{ column: 'evidence', message: 'control_characters' }]);
    expect(await db().select({ id: assertions.id }).from(assertions).where(eq(assertions.recipientEmail, 'nul@example.org'))).toEqual([]);
  });

  it('refuses it in a revocation reason and in the recipientEmail filter', async () => {
    const awarded = await apiAward({ email: 'to-revoke@example.org' });
    const revoke = await api('POST', `/assertions/${awarded.json().id}/revoke`, { reason: 'Erreur\u0000' });
    expect(revoke.statusCode).toBe(400);
    expect(revoke.json().error.details.map((d: { field: string }) => d.field)).toEqual(['body.reason']);
    expect((await api('GET', `/assertions/${awarded.json().id}`)).json().status).toBe('valid');

    // The same reason through the workspace's form: its 4xx names the field, and the award stays valid.
    const form = await advisor.get(`/espace/delivres/${awarded.json().id}/revoquer`);
    expect(form.statusCode).toBe(200);
    const viaForm = await advisor.post(`/espace/delivres/${awarded.json().id}/revoquer`, { reason: 'Erreur\u0000' }, csrfOf(form.body));
    expect(viaForm.statusCode).toBe(422);
    expect(viaForm.body).toContain('id="reason-error"');
    expect(pageText(viaForm.body)).toContain('caractères non autorisés');
    expect((await api('GET', `/assertions/${awarded.json().id}`)).json().status).toBe('valid');

    const filter = await api('GET', '/assertions?recipientEmail=lea%00%40example.org');
    expect(filter.statusCode).toBe(400);
    expect(filter.json().error.details.map((d: { field: string }) => d.field)).toEqual(['querystring.recipientEmail']);
  });

  it("refuses it in the learners' search, on the page, naming the field", async () => {
    const response = await advisor.get('/espace/apprenants?q=L%C3%A9a%00');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('id="q-error"');
    expect(response.body).toContain('aria-invalid="true"');
    expect(pageText(response.body)).toContain('caractères non autorisés');
    expect((await advisor.get('/espace/apprenants?q=L%C3%A9a')).statusCode).toBe(200);
  });
});

describe('the status of an award, on the one clock', () => {
  it('is valid at the instant of expires and expired just after, in the API as for a verifier', async () => {
    const awarded = await apiAward({ expires: '2099-03-28T16:00:00Z', email: 'instant@example.org' });
    const id = awarded.json().id as string;
    const statusAt = async (iso: string) => {
      clock.setTime(new Date(iso).getTime());
      return (await api('GET', `/assertions/${id}`)).json().status;
    };
    try {
      expect(await statusAt('2099-03-28T16:00:00.000Z')).toBe('valid');
      expect(await statusAt('2099-03-28T16:00:00.001Z')).toBe('expired');
    } finally {
      clock.setTime(new Date('2099-03-28T15:00:00.000Z').getTime());
    }
  });
});

describe('the limits of a badge class, held by the service itself', () => {
  it('refuses through the service what the editor refuses, and the editor says the same limit', async () => {
    const image = { png: new Uint8Array([137, 80, 78, 71]), svg: null };
    const definition = {
      name: 'n'.repeat(201),
      description: 'Sait.',
      criteriaNarrative: 'A fait.',
      tags: [],
      alignment: [],
      validityDays: null,
    };
    await expect(ctx.services.badgeClasses.create(caen.structure.id, definition, image, { kind: 'cli' })).rejects.toMatchObject({
      code: 'badge_class_invalid',
      status: 422,
      params: { field: 'name', problem: 'too_long', max: 200 },
    });
    await expect(
      ctx.services.catalogue.add({ ...definition, name: 'Bon', validityDays: 4000 }, image, { kind: 'cli' }),
    ).rejects.toMatchObject({
      code: 'badge_class_invalid',
      params: { field: 'validityDays', problem: 'out_of_range' },
    });
  });
});
