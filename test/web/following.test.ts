import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMail } from '../../src/db/repositories/outbox.ts';
import { assertions, auditEvents, outboxMessages } from '../../src/db/schema.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';
import { csrfOf, csrfOfForm, InjectBrowser, pageText as text } from '../support/inject-browser.ts';

/**
 * Following a structure's awards, through fastify's real request path on a
 * real database: the list with its search, filters and pages; an award's
 * detail and its revocation; the figures and their CSV; API tokens; the
 * audit trail. Every page is scoped to the session's structure: a member of
 * another structure sees nothing of it, whatever URL they type.
 */
const CLI = { kind: 'cli' } as const;
const PASSWORD = 'le mot de passe de l’équipe';
const DAY = 86_400_000;

// A fixed day, far from any month's edge in any time zone: the services' one
// clock dates everything (awards, revocations, emails), whatever today is.
const BASE = new Date(Date.UTC(2026, 5, 15, 10, 0, 0));
let clock = BASE;
const monthsAgo = (n: number) => new Date(Date.UTC(BASE.getUTCFullYear(), BASE.getUTCMonth() - n, 15, 10, 0, 0));

let ctx: Awaited<ReturnType<typeof startTestApp>>;
const db = () => ctx.platform.database.db;
let ipCounter = 0;

/** A person's browser (test/support/inject-browser.ts) whose posts carry the token of a workspace page. */
class Browser extends InjectBrowser {
  constructor(ip = `198.51.100.${++ipCounter}`) {
    super(() => ctx.app, ip);
  }

  override async post(url: string, form: Record<string, string | string[]>, pageUrl = '/espace') {
    const token = csrfOf((await this.get(pageUrl)).body);
    return this.request('POST', url, { form: { _csrf: token, ...form } });
  }

  override signIn(email: string) {
    return super.signIn(email, PASSWORD);
  }
}

/** The detail links of a list page, in order. */
const awardIdsOf = (html: string) =>
  [...html.matchAll(/<th scope="row"><a href="\/espace\/delivres\/([0-9a-f-]{36})">/g)].map((m) => m[1]!);

const people = {
  adminA: new Browser(),
  advisorA: new Browser(),
  adminB: new Browser(),
  region: new Browser(),
};

let A: string;
let B: string;
let tokenA: string;
const ids: Record<string, string> = {};
/** Awards of A by month offset (0 = this month). */
const awardedByMonth = new Map<number, number>();
let advisorAId: string;
let adminAId: string;

async function awardAt(
  offset: number,
  input: { badge: number; email: string; name: string; expiresInDays?: number; narrative?: string; evidenceUrl?: string },
  actor: Parameters<typeof ctx.services.awarding.award>[1],
  structureId = A,
) {
  clock = monthsAgo(offset);
  const badges = await ctx.services.badgeClasses.listAwardable(structureId);
  const { assertion } = await ctx.services.awarding.award(
    {
      allowDuplicate: true,
      structureId,
      badgeClassId: badges[input.badge]!.id,
      recipient: { email: input.email, name: input.name },
      expires: input.expiresInDays ? new Date(clock.getTime() + input.expiresInDays * DAY) : undefined,
      narrative: input.narrative,
      evidence: input.evidenceUrl ? [{ url: input.evidenceUrl, narrative: 'Atelier CV' }] : undefined,
    },
    actor,
  );
  if (structureId === A) awardedByMonth.set(offset, (awardedByMonth.get(offset) ?? 0) + 1);
  return assertion.id;
}

beforeAll(async () => {
  ctx = await startTestApp({ now: () => clock });
  const s = ctx.services;
  const seededA = await seedStructure(s, { name: 'Mission Locale de Caen' });
  A = seededA.structure.id;
  tokenA = seededA.token;
  B = (await seedStructure(s, { name: 'Cap Emploi Rouen' })).structure.id;
  adminAId = (
    await s.users.create({ email: 'lea.martin@example.org', name: 'Léa Martin', password: PASSWORD, structureId: A, role: 'admin' }, CLI)
  ).id;
  advisorAId = (
    await s.users.create(
      { email: 'hugo.petit@example.org', name: '=HYPERLINK("x") Hugo', password: PASSWORD, structureId: A, role: 'advisor' },
      CLI,
    )
  ).id;
  await s.users.create({ email: 'omar.benali@example.org', name: 'Omar Benali', password: PASSWORD, structureId: B, role: 'admin' }, CLI);
  await s.users.create({ email: 'region@example.org', name: 'Région Normandie', password: PASSWORD, platformAdmin: true }, CLI);
  const token = await s.apiTokens.authenticate(tokenA);
  const api = { kind: 'token' as const, tokenId: token.tokenId, structureId: A };
  const hugo = { kind: 'user' as const, userId: advisorAId };
  const lea = { kind: 'user' as const, userId: adminAId };

  ids.ines = await awardAt(
    0,
    {
      badge: 0,
      email: 'ines.moreau@example.org',
      name: 'Inès Moreau',
      narrative: 'A animé <b>un atelier</b>',
      evidenceUrl: 'https://example.org/preuve?a=1&b=<2>',
    },
    hugo,
  );
  ids.jules = await awardAt(0, { badge: 1, email: 'jules.lambert@example.org', name: 'Jules Lambert' }, hugo);
  ids.hostile = await awardAt(0, { badge: 2, email: 'zoe@example.org', name: '<script>alert(1)</script> Zoé' }, hugo);
  ids.expired = await awardAt(1, { badge: 0, email: 'paul.durand@example.org', name: 'Paul Durand', expiresInDays: 3 }, lea);
  // Not the general badge (8): its rule asks for three « je maîtrise » first (programme-rules.test.ts).
  ids.percent = await awardAt(1, { badge: 7, email: 'sarah@example.org', name: 'Sarah 100%' }, lea);
  ids.api = await awardAt(3, { badge: 3, email: 'api.learner@example.org', name: 'Nadia Api' }, api);
  ids.old = await awardAt(13, { badge: 0, email: 'old@example.org', name: 'Ancien Apprenant' }, lea);
  // 52 more two months ago, so that the list has two pages.
  clock = monthsAgo(2);
  const badges = await s.badgeClasses.listAwardable(A);
  await s.awarding.awardMany(
    A,
    Array.from({ length: 52 }, (_, i) => ({
      badgeClassId: badges[2]!.id,
      recipient: { email: `groupe${String(i).padStart(2, '0')}@example.org`, name: `Groupe ${String(i).padStart(2, '0')}` },
    })),
    lea,
  );
  awardedByMonth.set(2, 52);
  ids.other = await awardAt(0, { badge: 0, email: 'nina@example.org', name: 'Nina Rouen' }, CLI, B);

  // The award email of Inès failed; Jules's was sent.
  // (each re-sent a minute after the award, so that it is the newest of its learner's emails)
  const [mailId] = await enqueueMail(
    db(),
    { kind: 'award', to: 'ines.moreau@example.org', subject: 's', text: 't', html: 'h', structureId: A, assertionId: ids.ines },
    { now: new Date(BASE.getTime() + 60_000) },
  );
  await db()
    .update(outboxMessages)
    .set({ status: 'failed', attempts: 5, lastError: '550 <mailbox> unknown' })
    .where(eq(outboxMessages.id, mailId!));
  const [sentId] = await enqueueMail(
    db(),
    { kind: 'award', to: 'jules.lambert@example.org', subject: 's', text: 't', html: 'h', structureId: A, assertionId: ids.jules },
    { now: new Date(BASE.getTime() + 60_000) },
  );
  await db().update(outboxMessages).set({ status: 'sent', sentAt: BASE }).where(eq(outboxMessages.id, sentId!));

  clock = BASE;
  await people.adminA.signIn('lea.martin@example.org');
  await people.advisorA.signIn('hugo.petit@example.org');
  await people.adminB.signIn('omar.benali@example.org');
  await people.region.signIn('region@example.org');
});

afterAll(async () => {
  await ctx?.close();
});

describe('the list of awarded badges', () => {
  it('shows this structure’s awards, newest first, 50 a page, pages neither repeating nor skipping', async () => {
    const first = await people.advisorA.get('/espace/delivres');
    expect(first.statusCode).toBe(200);
    expect(text(first.body)).toContain('59 badges trouvés — page 1 sur 2.');
    const page1 = awardIdsOf(first.body);
    expect(page1).toHaveLength(50);
    expect(page1.slice(0, 3).sort()).toEqual([ids.ines, ids.jules, ids.hostile].sort());
    expect(first.body).toContain('href="/espace/delivres?page=2"');
    const second = await people.advisorA.get('/espace/delivres?page=2');
    const page2 = awardIdsOf(second.body);
    expect(page2).toHaveLength(9);
    expect(new Set([...page1, ...page2]).size).toBe(59);
    expect(page2.at(-1)).toBe(ids.old);
    expect([...page1, ...page2]).not.toContain(ids.other);
    // Markup in a learner's name is shown as text.
    expect(first.body).not.toContain('<script>alert(1)</script>');
    expect(first.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Zoé');
    // Who awarded: a person by name, the API as "API".
    expect(text(first.body)).toContain('=HYPERLINK("x") Hugo');
    const page3 = await people.advisorA.get('/espace/delivres?page=3');
    expect(page3.statusCode).toBe(200);
    expect(awardIdsOf(page3.body)).toHaveLength(0);
  });

  it('finds learners by part of their name or email, without regard to case or accents typed as is', async () => {
    const cases: [string, string[]][] = [
      ['moreau', [ids.ines!]],
      ['INÈS', [ids.ines!]],
      ['@example.org', []], // everything: checked by count below
      ['jules.lambert', [ids.jules!]],
      ['100%', [ids.percent!]],
      ['%', [ids.percent!]],
      ['_', []],
      ['Nina', []],
    ];
    for (const [q, expected] of cases) {
      const page = await people.advisorA.get(`/espace/delivres?q=${encodeURIComponent(q)}`);
      expect(page.statusCode, q).toBe(200);
      const found = awardIdsOf(page.body);
      if (q === '@example.org') expect(found).toHaveLength(50);
      else expect(found.sort(), q).toEqual(expected.sort());
      expect(page.body, q).toContain(`value="${q.replace(/&/g, '&amp;')}"`);
    }
  });

  it('filters by badge, by who awarded, by status and by date, and keeps the filters in its links', async () => {
    const badges = await ctx.services.badgeClasses.listAwardable(A);
    const byBadge = awardIdsOf((await people.advisorA.get(`/espace/delivres?badge=${badges[0]!.id}`)).body);
    expect(byBadge.sort()).toEqual([ids.ines, ids.expired, ids.old].sort());

    const byApi = awardIdsOf((await people.advisorA.get('/espace/delivres?par=api')).body);
    expect(byApi).toEqual([ids.api]);
    const byHugo = awardIdsOf((await people.advisorA.get(`/espace/delivres?par=${advisorAId}`)).body);
    expect(byHugo.sort()).toEqual([ids.ines, ids.jules, ids.hostile].sort());

    const expired = awardIdsOf((await people.advisorA.get('/espace/delivres?etat=expired')).body);
    expect(expired).toEqual([ids.expired]);

    const from = monthsAgo(3).toISOString().slice(0, 10);
    const to = monthsAgo(1).toISOString().slice(0, 10);
    const ranged = await people.advisorA.get(`/espace/delivres?du=${from}&au=${to}`);
    expect(text(ranged.body)).toContain('55 badges trouvés — page 1 sur 2.');
    // The next page keeps the filters.
    expect(ranged.body).toContain(`href="/espace/delivres?du=${from}&amp;au=${to}&amp;page=2"`);
    const next = await people.advisorA.get(`/espace/delivres?du=${from}&au=${to}&page=2`);
    const rest = awardIdsOf(next.body);
    expect(rest).toHaveLength(5);
    expect(rest).toContain(ids.api);
    expect(rest).not.toContain(ids.old);

    const combined = awardIdsOf((await people.advisorA.get(`/espace/delivres?q=paul&etat=valid&badge=${badges[0]!.id}`)).body);
    expect(combined).toEqual([]);
    const combined2 = await people.advisorA.get(`/espace/delivres?q=paul&etat=expired&badge=${badges[0]!.id}`);
    expect(awardIdsOf(combined2.body)).toEqual([ids.expired]);
    expect(combined2.body).toMatch(new RegExp(`<option value="${badges[0]!.id}" selected>`));
    expect(combined2.body).toContain('<option value="expired" selected>');
  });

  it('says how many it found in words for 0, 1 and 2, in French and in English', async () => {
    const count = async (q: string, lang: 'fr' | 'en') => {
      const page = await people.advisorA.get(`/espace/delivres?q=${encodeURIComponent(q)}&lang=${lang}`);
      expect(page.statusCode).toBe(200);
      return /<p[^>]*class="result-count"[^>]*>([^<]*)<\/p>/.exec(page.body)?.[1]?.trim() ?? text(page.body);
    };
    expect(await count('jules', 'fr')).toBe('1 badge trouvé — page 1 sur 1.');
    expect(await count('Groupe 5', 'fr')).toBe('2 badges trouvés — page 1 sur 1.');
    expect(await count('jules', 'en')).toBe('1 badge found — page 1 of 1.');
    expect(await count('Groupe 5', 'en')).toBe('2 badges found — page 1 of 1.');
    await people.advisorA.get('/espace/delivres?lang=fr');
    // Structure B awarded one badge and revoked none: in French, 0 is singular too.
    const figures = text((await people.adminB.get('/espace/chiffres')).body);
    expect(figures).toContain('Sur les 12 derniers mois : 1 badge délivré, 0 révoqué.');
    const chart = (await people.adminB.get('/espace/chiffres')).body;
    expect(chart).toContain('Diagramme en barres : 1 badge délivré sur 12 mois');
    expect(chart).toContain('avec 1 badge.');
  });

  it('writes the figures’ numbers and dates in words on the page, and as a spreadsheet reads them in the file', async () => {
    const page = await people.advisorA.get('/espace/chiffres');
    const words = text(page.body);
    // Léa's last award, in words (the CSV keeps the ISO date).
    const advisors = csvRows((await people.advisorA.get('/espace/chiffres.csv?table=conseillers')).body);
    const lea = advisors.find((r) => r[0] === 'Léa Martin')!;
    expect(lea[4]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const [y, m, d] = lea[4]!.split('-').map(Number) as [number, number, number];
    const inWords = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
    expect(words).toContain(inWords);
    expect(words).not.toContain(lea[4]);
  });

  it('refuses bad filters with a message, and shows hostile text escaped', async () => {
    const cases: [string, string][] = [
      ['q=a%00b', 'Ce texte contient des caractères non autorisés'],
      [`q=${'é'.repeat(300)}`, 'Ce texte est trop long : 200 caractères au maximum.'],
      ['q=a&q=b', 'Cette valeur n’est pas valide.'],
      ['badge=not-a-uuid', 'Cette valeur n’est pas valide.'],
      ['par=%3Cscript%3E', 'Cette valeur n’est pas valide.'],
      ['etat=perdu', 'Cette valeur n’est pas valide.'],
      ['du=2026-02-30', 'Cette valeur n’est pas valide.'],
      ['du=2026-03-10&au=2026-03-01', 'Cette date doit être postérieure ou égale à la date de début.'],
      ['page=0', 'Cette valeur n’est pas valide.'],
      ['page=abc', 'Cette valeur n’est pas valide.'],
      ['q=%C3%28', ''],
    ];
    for (const [query, message] of cases) {
      const response = await people.advisorA.get(`/espace/delivres?${query}`);
      if (query === 'q=%C3%28') {
        // A broken UTF-8 sequence decodes to a replacement character: searched for, found nowhere.
        expect(response.statusCode).toBeLessThan(500);
        continue;
      }
      expect(response.statusCode, query).toBe(400);
      expect(text(response.body), query).toContain(message);
      expect(response.body).toContain('class="error-summary"');
      expect(awardIdsOf(response.body), query).toEqual([]);
    }
    const hostile = await people.advisorA.get(`/espace/delivres?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(hostile.statusCode).toBe(200);
    expect(hostile.body).not.toContain('"><script>alert(1)</script>');
    expect(hostile.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('shows a member of another structure none of this one’s awards', async () => {
    const page = await people.adminB.get('/espace/delivres');
    expect(page.statusCode).toBe(200);
    expect(awardIdsOf(page.body)).toEqual([ids.other]);
    const advisorFilter = await people.adminB.get(`/espace/delivres?par=${advisorAId}`);
    expect(awardIdsOf(advisorFilter.body)).toEqual([]);
    const badges = await ctx.services.badgeClasses.listAwardable(A);
    expect(awardIdsOf((await people.adminB.get(`/espace/delivres?badge=${badges[0]!.id}`)).body)).toEqual([]);
  });

  it('sends people who are not signed in to the sign-in page', async () => {
    const response = await new Browser().get('/espace/delivres');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/connexion?suivant=%2Fespace%2Fdelivres');
  });
});

describe('the detail of an award', () => {
  it('shows the badge, the learner, dates, evidence, who awarded, the email’s delivery and the files', async () => {
    const page = await people.advisorA.get(`/espace/delivres/${ids.ines}`);
    expect(page.statusCode).toBe(200);
    const words = text(page.body);
    expect(words).toContain('Délivré à Inès Moreau');
    expect(words).toContain('ines.moreau@example.org');
    expect(words).toContain('=HYPERLINK("x") Hugo');
    expect(words).toContain('A animé <b>un atelier</b>');
    expect(page.body).not.toContain('<b>un atelier</b>');
    expect(page.body).toContain('href="https://example.org/preuve?a=1&amp;b=&lt;2&gt;"');
    expect(words).toContain('n’a pas pu être remis');
    // The server's refusal in words; its raw answer is the Région's only.
    expect(words).toContain('Le serveur de réception a refusé cette adresse');
    expect(words).not.toContain('550 <mailbox> unknown');
    expect(page.body).toContain(`action="/espace/delivres/${ids.ines}/renvoyer"`);
    expect(page.body).toContain(`href="/espace/delivres/${ids.ines}/adresse"`);
    expect(page.body).toContain(`https://badges.insigne.test/assertions/${ids.ines}`);
    expect(page.body).toContain(`https://badges.insigne.test/assertions/${ids.ines}/hosted.png?download=1`);
    expect(page.body).toContain(`https://badges.insigne.test/assertions/${ids.ines}/signed.jws?download=1`);
    expect(page.body).toContain(`href="/espace/delivres/${ids.ines}/revoquer"`);

    const sent = text((await people.advisorA.get(`/espace/delivres/${ids.jules}`)).body);
    expect(sent).toContain('Le courriel a été envoyé à jules.lambert@example.org');
    const api = text((await people.advisorA.get(`/espace/delivres/${ids.api}`)).body);
    expect(api).toContain('API (jeton « tests »)');
    // Whatever the outbox holds for it (the award may have enqueued its email), the page says it.
    const [mail] = await db()
      .select({ status: outboxMessages.status })
      .from(outboxMessages)
      .where(eq(outboxMessages.assertionId, ids.api!));
    const expected: Record<string, string> = {
      held: 'est en attente : la plateforme n’envoie pas encore de courriels',
      pending: 'attend son envoi',
      sent: 'Le courriel a été envoyé',
    };
    expect(api).toContain(mail ? expected[mail.status]! : 'Aucun courriel n’a été enregistré pour ce badge.');
    const hostile = await people.advisorA.get(`/espace/delivres/${ids.hostile}`);
    expect(hostile.body).not.toContain('<script>alert(1)</script>');
  });

  it('gives the hosted assertion as a JSON file', async () => {
    const file = await people.advisorA.get(`/espace/delivres/${ids.jules}/assertion.json`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="badge-/);
    expect(JSON.parse(file.body)).toMatchObject({ id: `https://badges.insigne.test/assertions/${ids.jules}`, type: 'Assertion' });
  });

  it('answers 404 for another structure’s award, a made-up id, or no id at all', async () => {
    for (const url of [
      `/espace/delivres/${ids.other}`,
      `/espace/delivres/${ids.other}/revoquer`,
      `/espace/delivres/${ids.other}/assertion.json`,
      '/espace/delivres/00000000-0000-4000-8000-000000000000',
      '/espace/delivres/not-an-id',
      '/espace/delivres/%3Cscript%3E',
    ]) {
      const response = await people.advisorA.get(url);
      expect(response.statusCode, url).toBe(404);
    }
    expect((await people.adminB.get(`/espace/delivres/${ids.ines}`)).statusCode).toBe(404);
  });
});

describe('revoking from the detail', () => {
  it('asks for a reason, refuses an empty, too long or control-laden one, and changes nothing', async () => {
    const confirm = await people.advisorA.get(`/espace/delivres/${ids.jules}/revoquer`);
    expect(confirm.statusCode).toBe(200);
    expect(text(confirm.body)).toContain('Vous allez révoquer le badge');
    expect(confirm.body).toContain('<label for="reason">');
    const cases: [Record<string, string | string[]>, string][] = [
      [{ reason: '' }, 'Ce champ est obligatoire.'],
      [{ reason: '   ' }, 'Ce champ est obligatoire.'],
      [{}, 'Ce champ est obligatoire.'],
      [{ reason: 'x'.repeat(501) }, 'Ce texte est trop long : 500 caractères au maximum.'],
      [{ reason: 'erreur\u0000' }, 'Ce texte contient des caractères non autorisés'],
      [{ reason: ['a', 'b'] }, 'Cette valeur n’est pas valide.'],
    ];
    for (const [form, message] of cases) {
      const response = await people.advisorA.post(`/espace/delivres/${ids.jules}/revoquer`, form);
      expect(response.statusCode, JSON.stringify(form).slice(0, 40)).toBe(422);
      expect(text(response.body)).toContain(message);
    }
    const [row] = await db().select({ revokedAt: assertions.revokedAt }).from(assertions).where(eq(assertions.id, ids.jules!));
    expect(row!.revokedAt).toBeNull();
    // Without the form's token: refused.
    const forged = await people.advisorA.request('POST', `/espace/delivres/${ids.jules}/revoquer`, { form: { reason: 'x' } });
    expect(forged.statusCode).toBe(403);
  });

  it('another structure’s member cannot revoke: 404, and nothing changes', async () => {
    const response = await people.adminB.post(`/espace/delivres/${ids.jules}/revoquer`, { reason: 'malveillance' });
    expect(response.statusCode).toBe(404);
    const [row] = await db().select({ revokedAt: assertions.revokedAt }).from(assertions).where(eq(assertions.id, ids.jules!));
    expect(row!.revokedAt).toBeNull();
  });

  it('revokes with the reason: the hosted assertion answers 410, the list and the trail say so', async () => {
    const reason = 'Délivré par erreur <img src=x onerror=alert(1)>';
    const response = await people.advisorA.post(`/espace/delivres/${ids.jules}/revoquer`, { reason });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/espace/delivres/${ids.jules}?revoque=1`);
    const detail = await people.advisorA.get(response.headers.location as string);
    expect(text(detail.body)).toContain('Le badge est révoqué.');
    expect(text(detail.body)).toContain(reason);
    expect(detail.body).not.toContain('<img src=x');
    expect(detail.body).not.toContain(`href="/espace/delivres/${ids.jules}/revoquer"`);

    const hosted = await ctx.app.inject({ method: 'GET', url: `/assertions/${ids.jules}`, headers: { accept: 'application/ld+json' } });
    expect(hosted.statusCode).toBe(410);
    expect(JSON.parse(hosted.body)).toMatchObject({ revoked: true, revocationReason: reason });

    const revoked = awardIdsOf((await people.advisorA.get('/espace/delivres?etat=revoked')).body);
    expect(revoked).toEqual([ids.jules]);
    const valid = awardIdsOf((await people.advisorA.get('/espace/delivres?etat=valid&q=jules')).body);
    expect(valid).toEqual([]);

    const [event] = await db()
      .select({ n: count() })
      .from(auditEvents)
      .where(
        and(eq(auditEvents.action, 'assertion.revoked'), eq(auditEvents.targetId, ids.jules!), eq(auditEvents.actorUserId, advisorAId)),
      );
    expect(Number(event!.n)).toBe(1);

    // Twice: the second time changes nothing and says it is revoked.
    const again = await people.advisorA.post(`/espace/delivres/${ids.jules}/revoquer`, { reason: 'encore' });
    expect(again.statusCode).toBe(303);
    const [row] = await db().select({ reason: assertions.revocationReason }).from(assertions).where(eq(assertions.id, ids.jules!));
    expect(row!.reason).toBe(reason);
  });
});

/** A CSV answer as rows of cells (the BOM checked and dropped). */
function csvRows(body: string): string[][] {
  expect(body.charCodeAt(0)).toBe(0xfeff);
  return body
    .slice(1)
    .split('\r\n')
    .filter(Boolean)
    .map((line) => line.split(';'));
}

describe('figures', () => {
  // The pages whose query string is declared keep the parameters other plugins read: the language switch works on them.
  it.each([
    ['/espace/chiffres?lang=en', 'Your structure’s figures'],
    ['/espace/chiffres?mois=24&lang=en', 'Your structure’s figures'],
    ['/espace/journal?lang=en', 'Structure’s audit trail'],
  ])('answers %s in English', async (url, title) => {
    const page = await people.adminA.get(url);
    // The choice is remembered (a cookie): back to French for the other tests.
    await people.adminA.get('/espace?lang=fr');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(title);
  });

  it('counts each month exactly, draws the chart as SVG with the same figures in a table', async () => {
    const page = await people.advisorA.get('/espace/chiffres');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<svg viewBox="0 0 720 300" role="img" aria-labelledby="chart-title chart-desc"/);
    expect(page.body).toContain('<title id="chart-title">Badges délivrés par mois, sur 12 mois</title>');
    expect((page.body.match(/<rect class="chart-bar"/g) ?? []).length).toBe(12);
    const words = text(page.body);
    // 13 months ago is outside the last 12.
    const inYear = [...awardedByMonth].filter(([m]) => m < 12).reduce((n, [, c]) => n + c, 0);
    expect(words).toContain(`Sur les 12 derniers mois : ${inYear} badges délivrés, 1 révoqué.`);

    const csv = await people.advisorA.get('/espace/chiffres.csv?table=mois');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="chiffres-mois.csv"');
    const rows = csvRows(csv.body);
    expect(rows[0]).toEqual(['Mois', 'Délivrés', 'Révoqués']);
    expect(rows).toHaveLength(13);
    for (let offset = 0; offset < 12; offset++) {
      const row = rows[12 - offset]!;
      expect(Number(row[1]), `month -${offset}`).toBe(awardedByMonth.get(offset) ?? 0);
      expect(Number(row[2]), `month -${offset}`).toBe(offset === 0 ? 1 : 0);
    }
    const label = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(monthsAgo(2));
    expect(rows[10]![0]).toBe(label);

    const rows24 = csvRows((await people.advisorA.get('/espace/chiffres.csv?table=mois&mois=24')).body);
    expect(rows24).toHaveLength(25);
    expect(Number(rows24[24 - 13]![1])).toBe(1);
  });

  it('counts by competence and level, by badge and by advisor; the CSV cannot run a formula', async () => {
    const competences = csvRows((await people.advisorA.get('/espace/chiffres.csv?table=competences')).body);
    expect(competences[0]).toEqual(['Compétence', 'je pratique', 'je maîtrise', 'Total']);
    // organiser-je-pratique: Inès, Paul, the old one; organiser-je-maîtrise: Jules (revoked still counts as awarded).
    expect(competences[1]).toEqual(['Organiser', '3', '1', '4']);
    expect(competences[2]).toEqual(['Communiquer', '53', '1', '54']);
    expect(competences.find((r) => r[0] === 'Badge général')).toEqual(['Badge général', '', '', '0']);

    const advisors = csvRows((await people.advisorA.get('/espace/chiffres.csv?table=conseillers')).body);
    expect(advisors[0]![0]).toBe('Conseiller');
    const hugo = advisors.find((r) => r[0]!.includes('Hugo'))!;
    // A name that starts with "=" is written as text, quoted because it holds a quote.
    expect(hugo[0]).toBe(`"'=HYPERLINK(""x"") Hugo"`);
    expect(hugo.slice(1, 4)).toEqual(['3', '3', '1']);
    expect(advisors.find((r) => r[0] === 'API')!.slice(1, 4)).toEqual(['1', '1', '0']);
    expect(advisors.find((r) => r[0] === 'Léa Martin')!.slice(1, 4)).toEqual(['54', '55', '0']);

    const badges = csvRows((await people.advisorA.get('/espace/chiffres.csv?table=badges')).body);
    expect(badges[0]).toEqual(['Badge', 'Sur 12 mois', 'Total', 'Révoqués']);
    expect(badges[1]![2]).toBe('53');

    for (const bad of ['', '?table=', '?table=structures', '?table=%3Cscript%3E', '?table=mois&mois=7']) {
      expect((await people.advisorA.get(`/espace/chiffres.csv${bad}`)).statusCode, bad).toBe(400);
    }
  });

  it('shows another structure none of this one’s figures', async () => {
    const rows = csvRows((await people.adminB.get('/espace/chiffres.csv?table=mois')).body);
    expect(rows.slice(1).reduce((n, r) => n + Number(r[1]), 0)).toBe(1);
    const advisors = csvRows((await people.adminB.get('/espace/chiffres.csv?table=conseillers')).body);
    expect(advisors.map((r) => r[0]).join(' ')).not.toContain('Hugo');
    const page = await people.adminB.get('/espace/chiffres');
    expect(page.body).not.toContain('HYPERLINK');
  });

  it('gives the platform administrator the region’s figures and the structures table; nobody else', async () => {
    const page = await people.region.get('/espace/plateforme/chiffres');
    expect(page.statusCode).toBe(200);
    const words = text(page.body);
    expect(words).toContain('Structures engagées 2');
    expect(words).toContain('Badges délivrés 60');
    expect(words).toContain('Apprenants badgés 60');
    const structures = csvRows((await people.region.get('/espace/plateforme/chiffres.csv?table=structures')).body);
    expect(structures[0]).toEqual([
      'Structure',
      'Total',
      `Délivrés en ${BASE.getUTCFullYear()}`,
      'Révoqués',
      'Dernier badge délivré',
      'Membres',
    ]);
    expect(structures.find((r) => r[0] === 'Cap Emploi Rouen')!.slice(1, 2)).toEqual(['1']);
    const caen = structures.find((r) => r[0] === 'Mission Locale de Caen')!;
    expect(caen[1]).toBe('59');
    expect(caen[3]).toBe('1');
    expect(caen[4]).toBe(BASE.toISOString().slice(0, 10));
    expect(caen[5]).toBe('2');
    const months = csvRows((await people.region.get('/espace/plateforme/chiffres.csv?table=mois')).body);
    expect(Number(months[12]![1])).toBe((awardedByMonth.get(0) ?? 0) + 1);
    for (const who of [people.adminA, people.advisorA, people.adminB]) {
      expect((await who.get('/espace/plateforme/chiffres')).statusCode).toBe(403);
      expect((await who.get('/espace/plateforme/chiffres.csv?table=structures')).statusCode).toBe(403);
    }
  });
});

describe('API tokens', () => {
  it('is for the structure’s administrators only, as is the audit trail', async () => {
    for (const url of ['/espace/jetons', '/espace/journal']) {
      const response = await people.advisorA.get(url);
      expect(response.statusCode, url).toBe(403);
      expect(text(response.body)).toContain('Cette page est réservée aux administrateurs de la structure.');
    }
    const post = await people.advisorA.post('/espace/jetons', { name: 'pirate' });
    expect(post.statusCode).toBe(403);
  });

  it('creates a token shown once, which works on the API until it is revoked', async () => {
    const page = await people.adminA.get('/espace/jetons');
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('tests');
    const once = /name="once" value="([^"]+)"/.exec(page.body)?.[1];
    expect(once).toBeDefined();
    const form = { name: 'Logiciel <b>de suivi</b>', once: once! };
    const posted = await people.adminA.post('/espace/jetons', form, csrfOfForm(page.body, '/espace/jetons'));
    // Answered with a redirect (the back button never posts it again); the token crosses it out of the URL.
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/espace/jetons');
    expect(posted.body).not.toContain('insg_');
    // The same form sent again (a double click) makes no second token.
    const repeated = await people.adminA.post('/espace/jetons', form, csrfOfForm(page.body, '/espace/jetons'));
    expect(repeated.statusCode).toBe(303);
    expect((await ctx.services.following.apiTokens(A)).filter((k) => k.name === 'Logiciel <b>de suivi</b>')).toHaveLength(1);
    const created = await people.adminA.get('/espace/jetons');
    expect(created.statusCode).toBe(200);
    expect(created.headers['cache-control']).toContain('no-store');
    const token = /id="new-token"[^>]*value="(insg_[A-Za-z0-9_-]+)"/.exec(created.body)?.[1];
    expect(token).toBeDefined();
    expect(text(created.body)).toContain('il ne sera plus jamais affiché');
    expect(created.body).toContain(`curl -H "Authorization: Bearer ${token}"`);
    expect(created.body).toContain('https://badges.insigne.test/api/v1/badge-classes');
    expect(created.body).not.toContain('<b>de suivi</b>');
    expect(created.body).toContain('Logiciel &lt;b&gt;de suivi&lt;/b&gt;');

    const again = await people.adminA.get('/espace/jetons');
    expect(again.body).not.toContain(token!);
    expect(again.body).toContain(`${token!.slice(0, 11)}…`);

    const call = () =>
      ctx.app.inject({
        method: 'GET',
        url: '/api/v1/badge-classes',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
    expect((await call()).statusCode).toBe(200);
    expect(text((await people.adminA.get('/espace/jetons')).body)).not.toMatch(
      /Logiciel <b>de suivi<\/b> \S+… Léa Martin .* Jamais utilisé/,
    );

    const tokens = await ctx.services.following.apiTokens(A);
    const record = tokens.find((t) => t.name === 'Logiciel <b>de suivi</b>')!;
    expect(record.lastUsedAt).not.toBeNull();
    expect(record.createdByName).toBe('Léa Martin');

    // Another structure's admin cannot see or revoke it.
    expect((await people.adminB.get(`/espace/jetons/${record.id}/revoquer`)).statusCode).toBe(404);
    expect((await people.adminB.post(`/espace/jetons/${record.id}/revoquer`, {})).statusCode).toBe(404);
    expect((await call()).statusCode).toBe(200);

    const confirm = await people.adminA.get(`/espace/jetons/${record.id}/revoquer`);
    expect(confirm.statusCode).toBe(200);
    expect(text(confirm.body)).toContain('ne pourra plus rien faire');
    const revoked = await people.adminA.post(`/espace/jetons/${record.id}/revoquer`, {}, `/espace/jetons/${record.id}/revoquer`);
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe('/espace/jetons?revoque=1');
    expect(text((await people.adminA.get('/espace/jetons?revoque=1')).body)).toContain('Le jeton est révoqué');
    expect((await call()).statusCode).toBe(401);

    const events = await db()
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, record.id), eq(auditEvents.actorUserId, adminAId)));
    expect(events.map((e) => e.action).sort()).toEqual(['api_token.created', 'api_token.revoked']);
  });

  it('refuses an empty, too long or control-laden name with a message', async () => {
    const cases: [Record<string, string | string[]>, string][] = [
      [{ name: '' }, 'Ce champ est obligatoire.'],
      [{ name: 'x'.repeat(101) }, 'Ce texte est trop long : 100 caractères au maximum.'],
      [{ name: 'a\nb' }, 'Ce texte contient des caractères non autorisés'],
      [{ name: ['a', 'b'] }, 'Cette valeur n’est pas valide.'],
    ];
    const before = (await ctx.services.following.apiTokens(A)).length;
    for (const [form, message] of cases) {
      const response = await people.adminA.post('/espace/jetons', form, '/espace/jetons');
      expect(response.statusCode).toBe(422);
      expect(text(response.body)).toContain(message);
      expect(response.body).not.toMatch(/id="new-token"/);
    }
    expect((await ctx.services.following.apiTokens(A)).length).toBe(before);
    for (const url of ['/espace/jetons/not-an-id/revoquer', '/espace/jetons/00000000-0000-4000-8000-000000000000/revoquer']) {
      expect((await people.adminA.get(url)).statusCode).toBe(404);
    }
  });
});

describe('the audit trail', () => {
  it('lists the structure’s events newest first, names the actors, renders details as escaped text', async () => {
    const page = await people.adminA.get('/espace/journal');
    expect(page.statusCode).toBe(200);
    const words = text(page.body);
    expect(words).toContain('Badge révoqué');
    expect(words).toContain('=HYPERLINK("x") Hugo a révoqué le badge « Organiser — je maîtrise » de');
    expect(words).toContain('Motif : « Délivré par erreur <img src=x onerror=alert(1)> ».');
    expect(page.body).not.toContain('<img src=x');
    expect(words).toContain('L’API (jeton « tests ») a décerné « Communiquer — je maîtrise » à');
    expect(words).toContain('Badges délivrés en nombre');
    expect(words.indexOf('a révoqué le jeton d’API')).toBeLessThan(words.indexOf('a révoqué le badge'));
    expect(words).not.toContain('Nina');

    const filtered = await people.adminA.get('/espace/journal?action=assertion.revoked');
    expect(text(filtered.body)).toContain('1 événement —');
    expect(filtered.body).toContain(`href="/espace/delivres/${ids.jules}"`);

    expect((await people.adminA.get('/espace/journal?action=%3Cscript%3E')).statusCode).toBe(400);
    expect((await people.adminA.get('/espace/journal?page=-1')).statusCode).toBe(400);

    const other = text((await people.adminB.get('/espace/journal')).body);
    expect(other).not.toContain('Hugo');
    expect(other).not.toContain('Logiciel');
  });
});
