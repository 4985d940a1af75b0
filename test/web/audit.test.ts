import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAuditEvent } from '../../src/db/repositories/audit.ts';
import { auditEvents, badgeClasses } from '../../src/db/schema.ts';
import { AUDIT_ACTIONS } from '../../src/services/audit.ts';
import { csrfOf, InjectBrowser, pageText as text } from '../support/inject-browser.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';

/**
 * The audit trail as its readers get it, through the real app on a real
 * database: every kind of event in sentences, in French and in English; its
 * filters; its CSV file. The awards list's CSV file with its filters. Deleting
 * a badge never awarded, and the refusal once it was.
 */
const CLI = { kind: 'cli' } as const;
const PASSWORD = 'le mot de passe de l’équipe';
const BASE = new Date(Date.UTC(2026, 5, 15, 10, 0, 0));
const DAY = 86_400_000;
let clock = BASE;

let ctx: Awaited<ReturnType<typeof startTestApp>>;
const db = () => ctx.platform.database.db;
let ip = 0;

class Browser extends InjectBrowser {
  constructor() {
    super(() => ctx.app, `198.51.100.${++ip}`);
  }
  override signIn(email: string) {
    return super.signIn(email, PASSWORD);
  }
  async postForm(pageUrl: string, action: string, form: Record<string, string> = {}) {
    const page = await this.get(pageUrl);
    const once = /name="once" value="([^"]+)"/.exec(page.body)?.[1];
    return this.request('POST', action, { form: { _csrf: csrfOf(page.body), ...(once ? { once } : {}), ...form } });
  }
}

const camille = new Browser();
const hugoBrowser = new Browser();
const omarBrowser = new Browser();
const region = new Browser();

let A: string;
let B: string;
let camilleId: string;
let hugoId: string;
const ids: Record<string, string> = {};

/** The sentences of a journal page, one a line, as a reader reads them. */
const sentencesOf = (html: string) =>
  [...html.matchAll(/<p class="audit-sentence">([\s\S]*?)<\/p>/g)].map((m) =>
    text(m[1]!)
      .replace(/\s+([.,)”])/g, '$1')
      .replace(/“\s+/g, '“')
      .trim(),
  );

/** A page in English; the language chosen stays in a cookie, so the next page is asked in French again. */
async function inEnglish(browser: Browser, url: string) {
  const page = await browser.get(`${url}${url.includes('?') ? '&' : '?'}lang=en`);
  await browser.get('/espace?lang=fr');
  return page;
}

/** A CSV file's records (no quoted line breaks in these). */
const csvLines = (body: string) =>
  body
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');

beforeAll(async () => {
  ctx = await startTestApp({ now: () => clock });
  const s = ctx.services;
  A = (await seedStructure(s, { name: 'Mission Locale de Caen' })).structure.id;
  B = (await seedStructure(s, { name: 'Cap Emploi Rouen' })).structure.id;
  camilleId = (
    await s.users.create(
      { email: 'camille.durand@example.org', name: 'Camille Durand', password: PASSWORD, structureId: A, role: 'admin' },
      CLI,
    )
  ).id;
  hugoId = (
    await s.users.create(
      { email: 'hugo@example.org', name: '=HYPERLINK("x") Hugo', password: PASSWORD, structureId: A, role: 'advisor' },
      CLI,
    )
  ).id;
  await s.users.create({ email: 'omar@example.org', name: 'Omar Benali', password: PASSWORD, structureId: B, role: 'admin' }, CLI);
  const regionId = (
    await s.users.create({ email: 'region@example.org', name: 'Région Normandie', password: PASSWORD, platformAdmin: true }, CLI)
  ).id;
  const asCamille = { kind: 'user' as const, userId: camilleId };
  const asHugo = { kind: 'user' as const, userId: hugoId };

  // Real events, through the services, on three days.
  clock = new Date(BASE.getTime() - 2 * DAY);
  await s.accounts.invite(A, { email: 'julie.martin@example.org', role: 'advisor' }, asCamille, 'fr');
  const badges = await s.badgeClasses.listAwardable(A);
  ids.organiser = badges.find((b) => b.name === 'Organiser — je maîtrise')!.id;
  ids.communiquer = badges.find((b) => b.name === 'Communiquer — je pratique')!.id;
  clock = new Date(BASE.getTime() - DAY);
  const award = async (badgeClassId: string, email: string, name: string, actor: typeof asHugo) =>
    (await s.awarding.award({ structureId: A, badgeClassId, recipient: { email, name } }, actor)).assertion.id;
  ids.ines = await award(ids.organiser, 'ines.moreau@example.org', 'Inès Moreau', asHugo);
  ids.jules = await award(ids.communiquer, 'jules@example.org', '@SUM(1+1); Jules', asHugo);
  ids.paul = await award(ids.communiquer, 'paul@example.org', 'Paul Durand', asCamille);
  clock = BASE;
  await s.awarding.revoke(A, ids.jules, 'Délivré par erreur', asCamille);
  await s.structures.updateLogo(A, { mime: 'image/png', bytes: new Uint8Array(3873) }, asCamille);
  // One of B's, which A never sees.
  const bBadges = await s.badgeClasses.listAwardable(B);
  await s.awarding.award(
    { structureId: B, badgeClassId: bBadges[0]!.id, recipient: { email: 'nina@example.org', name: 'Nina Rouen' } },
    CLI,
  );
  // The platform's own events: a proposal the Région accepts, then withdraws from the catalogue.
  const [png] = await db().select({ png: badgeClasses.imagePng }).from(badgeClasses).where(eq(badgeClasses.id, ids.organiser));
  const cooking = await s.badgeClasses.create(
    A,
    {
      name: 'Atelier cuisine',
      description: 'Cuisine un repas.',
      criteriaNarrative: 'A cuisiné.',
      tags: [],
      alignment: [],
      validityDays: null,
    },
    { png: png!.png, svg: null },
    asCamille,
  );
  const entry = await s.catalogue.propose(A, cooking.id, asCamille);
  await s.catalogue.accept(entry.id, { kind: 'user', userId: regionId });
  await s.catalogue.withdraw(entry.id, { kind: 'user', userId: regionId });

  await camille.signIn('camille.durand@example.org');
  await hugoBrowser.signIn('hugo@example.org');
  await omarBrowser.signIn('omar@example.org');
  await region.signIn('region@example.org');
});

afterAll(async () => {
  await ctx?.close();
});

describe('the audit trail in sentences', () => {
  it('says who did what to what, in French, with links to what still exists', async () => {
    const page = await camille.get('/espace/journal');
    expect(page.statusCode).toBe(200);
    const lines = sentencesOf(page.body);
    expect(lines).toContain('Camille Durand a invité julie.martin@example.org comme conseiller ou conseillère.');
    expect(lines).toContain('=HYPERLINK("x") Hugo a décerné « Organiser — je maîtrise » à Inès Moreau.');
    expect(lines).toContain(
      'Camille Durand a révoqué le badge « Communiquer — je pratique » de @SUM(1+1); Jules. Motif : « Délivré par erreur ».',
    );
    expect(lines).toContain('Camille Durand a changé le logo de la structure (une image PNG de 3,8 Ko).');
    expect(lines).toContain('Connexion de Camille Durand (adresse 198.51.100.1).');
    expect(page.body).toContain(`<a href="/espace/delivres/${ids.ines}">Inès Moreau</a>`);
    expect(page.body).toContain(`<a href="/espace/badges/${ids.organiser}">Organiser — je maîtrise</a>`);
    const words = text(page.body);
    for (const raw of ['auth.signed_in', 'member.invited', 'invitedBy', 'image/png', 'bytes', 'advisor', camilleId]) {
      expect(words).not.toContain(raw);
    }
    expect(words).not.toContain('Nina');
  });

  it('says the same in English', async () => {
    const lines = sentencesOf((await inEnglish(camille, '/espace/journal')).body);
    expect(lines).toContain('Camille Durand invited julie.martin@example.org as advisor.');
    expect(lines).toContain('=HYPERLINK("x") Hugo awarded “Organiser — je maîtrise” to Inès Moreau.');
    expect(lines).toContain('Camille Durand changed the structure’s logo (a PNG image of 3.8 KB).');
  });

  it('tells every kind of event the services write, in both languages, even an old one that lacks its details', async () => {
    const at = new Date(BASE.getTime() - 30 * DAY);
    for (const action of AUDIT_ACTIONS) {
      await insertAuditEvent(db(), {
        structureId: A,
        actorKind: 'user',
        actorUserId: camilleId,
        action,
        targetType: null,
        targetId: action.startsWith('member.invit') ? 'julie.martin@example.org' : ids.ines,
        details: {},
        at,
      });
    }
    for (const action of AUDIT_ACTIONS) {
      for (const lang of ['fr', 'en']) {
        const page = await camille.get(`/espace/journal?action=${action}&du=2026-05-16&au=2026-05-16&lang=${lang}`);
        if (lang === 'en') await camille.get('/espace?lang=fr');
        expect(page.statusCode, action).toBe(200);
        const lines = sentencesOf(page.body);
        expect(lines, `${action} ${lang}`).toHaveLength(1);
        expect(lines[0]).not.toContain(action);
        expect(lines[0]).not.toMatch(/[{}]|undefined|null|[0-9a-f]{8}-[0-9a-f]{4}/);
        expect(lines[0]).not.toMatch(/ne sait pas décrire|cannot describe/);
      }
    }
  });
});

describe('the region’s audit trail', () => {
  it('shows the Région every structure’s events and the platform’s own, each with its structure, without structure links', async () => {
    const page = await region.get('/espace/plateforme/journal?du=2026-06-14');
    expect(page.statusCode).toBe(200);
    const words = text(page.body);
    expect(words).toContain('Journal de la région');
    const lines = sentencesOf(page.body);
    expect(lines).toContain('=HYPERLINK("x") Hugo a décerné « Organiser — je maîtrise » à Inès Moreau.');
    expect(lines).toContain('L’exploitation de la plateforme (ligne de commande) a décerné « Organiser — je pratique » à Nina Rouen.');
    expect(lines).toContain('Région Normandie a retiré « Atelier cuisine » du catalogue régional.');
    expect(words).toContain('Badge délivré · Cap Emploi Rouen');
    expect(words).toContain('Retrait du catalogue régional · Administration régionale');
    expect(page.body).not.toContain('href="/espace/delivres/');
    const file = await region.get('/espace/plateforme/journal.csv?action=catalogue.entry_withdrawn&du=2026-06-01');
    expect(file.headers['content-disposition']).toContain('filename="journal-region.csv"');
    expect(csvLines(file.body)).toEqual([
      'Date;Structure;Par;Type d’événement;Événement',
      '2026-06-15 12:00;Administration régionale;Région Normandie;Retrait du catalogue régional;Région Normandie a retiré « Atelier cuisine » du catalogue régional.',
    ]);
    expect((await camille.get('/espace/plateforme/journal')).statusCode).toBe(403);
    expect((await camille.get('/espace/plateforme/journal.csv')).statusCode).toBe(403);
    expect((await region.get('/espace/journal')).statusCode).toBe(403);
  });
});

describe('the audit trail’s filters', () => {
  it('filters by person, kind and days, and keeps the filters in its pages and its file', async () => {
    const byHugo = sentencesOf((await camille.get(`/espace/journal?par=${hugoId}&du=2026-06-14&au=2026-06-14`)).body);
    expect(byHugo).toEqual([
      '=HYPERLINK("x") Hugo a décerné « Communiquer — je pratique » à @SUM(1+1); Jules.',
      '=HYPERLINK("x") Hugo a décerné « Organiser — je maîtrise » à Inès Moreau.',
    ]);
    const revoked = await camille.get('/espace/journal?action=assertion.revoked&du=2026-06-01');
    expect(text(revoked.body)).toContain('1 événement — page 1 sur 1.');
    expect(revoked.body).toContain('href="/espace/journal.csv?action=assertion.revoked&amp;du=2026-06-01"');
    const cli = sentencesOf((await camille.get('/espace/journal?par=cli&action=structure.created')).body);
    expect(cli).toEqual(['L’exploitation de la plateforme (ligne de commande) a ouvert la structure « Mission Locale de Caen ».']);
    const none = await camille.get('/espace/journal?du=2020-01-01&au=2020-01-02');
    expect(text(none.body)).toContain('Aucun événement ne correspond à ces filtres.');
  });

  it('names a wrong filter on the page, in the reader’s language, and lists nothing', async () => {
    for (const query of ['par=quelqu-un', 'du=2026-02-30', 'action=%3Cscript%3E', 'page=-1']) {
      const page = await camille.get(`/espace/journal?${query}`);
      expect(page.statusCode, query).toBe(400);
      expect(sentencesOf(page.body)).toEqual([]);
      expect(page.body).toContain('error-summary');
    }
    const range = await camille.get('/espace/journal?du=2026-06-15&au=2026-06-01');
    expect(range.statusCode).toBe(400);
    expect(text(range.body)).toContain('La date de fin doit venir après la date de début.');
    const english = await inEnglish(camille, '/espace/journal?du=2026-06-15&au=2026-06-01');
    expect(text(english.body)).toContain('The end date must come after the start date.');
    expect((await camille.get('/espace/journal.csv?du=nope')).statusCode).toBe(400);
  });

  it('is for the structure’s administrators, and shows no other structure’s events', async () => {
    expect((await hugoBrowser.get('/espace/journal')).statusCode).toBe(403);
    expect((await hugoBrowser.get('/espace/journal.csv')).statusCode).toBe(403);
    const other = await omarBrowser.get(`/espace/journal.csv?par=${camilleId}`);
    expect(csvLines(other.body)).toHaveLength(1);
  });
});

describe('the audit trail as a CSV file', () => {
  it('is Excel-ready (BOM, « ; »), holds the filtered events in sentences, and runs no formula', async () => {
    const file = await camille.get(`/espace/journal.csv?par=${hugoId}&du=2026-06-14&au=2026-06-14`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(file.headers['content-disposition']).toContain('attachment; filename="journal.csv"');
    expect(file.body.startsWith('\uFEFFDate;Par;Type d’événement;Événement\r\n')).toBe(true);
    const lines = csvLines(file.body);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      `2026-06-14 12:00;"'=HYPERLINK(""x"") Hugo";Badge délivré;"'=HYPERLINK(""x"") Hugo a décerné « Communiquer — je pratique » à @SUM(1+1); Jules."`,
    );
    expect(lines[2]).toContain('à Inès Moreau.');
    const english = await inEnglish(camille, '/espace/journal.csv?action=structure.logo_updated&du=2026-06-01');
    expect(csvLines(english.body)).toEqual([
      'Date;By;Kind of event;Event',
      '2026-06-15 12:00;Camille Durand;Logo changed;Camille Durand changed the structure’s logo (a PNG image of 3.8 KB).',
    ]);
  });
});

describe('the awarded badges as a CSV file', () => {
  it('holds the list with its filters, Excel-ready, with formula-leading cells made text', async () => {
    const all = await hugoBrowser.get('/espace/delivres.csv');
    expect(all.statusCode).toBe(200);
    expect(all.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(
      all.body.startsWith(
        '\uFEFFApprenant;Adresse e-mail;Badge;Version;Délivré le;Expire le;Délivré par;État;Révoqué le;Motif de révocation;Adresse de vérification\r\n',
      ),
    ).toBe(true);
    const lines = csvLines(all.body);
    expect(lines).toHaveLength(4);
    const revoked = await hugoBrowser.get('/espace/delivres.csv?etat=revoked');
    expect(csvLines(revoked.body).slice(1)).toEqual([
      `"'@SUM(1+1); Jules";jules@example.org;Communiquer — je pratique;1;2026-06-14;;"'=HYPERLINK(""x"") Hugo";révoqué;2026-06-15;Délivré par erreur;${ctx.services.urls.assertion(ids.jules!)}`,
    ]);
    const byCamille = await hugoBrowser.get(`/espace/delivres.csv?par=${camilleId}&badge=${ids.communiquer}`);
    expect(
      csvLines(byCamille.body)
        .slice(1)
        .map((l) => l.split(';')[0]),
    ).toEqual(['Paul Durand']);
    const english = await inEnglish(hugoBrowser, '/espace/delivres.csv?q=ines');
    expect(csvLines(english.body)[0]!.startsWith('Learner;Email address;Badge;')).toBe(true);
    expect(csvLines(english.body)[1]).toContain(';valid;');
    // The list links to its file, with the same filters.
    const list = await hugoBrowser.get(`/espace/delivres?etat=revoked`);
    expect(list.body).toContain('href="/espace/delivres.csv?etat=revoked"');
    expect((await hugoBrowser.get('/espace/delivres.csv?etat=perdu')).statusCode).toBe(400);
    // Another structure's file holds only its own.
    expect(
      csvLines((await omarBrowser.get('/espace/delivres.csv')).body)
        .slice(1)
        .map((l) => l.split(';')[0]),
    ).toEqual(['Nina Rouen']);
  });

  it('reads a list longer than a batch whole, in order, each award once', async () => {
    const s = ctx.services;
    clock = new Date(BASE.getTime() - 3 * DAY);
    await s.awarding.awardMany(
      A,
      Array.from({ length: 520 }, (_, i) => ({
        badgeClassId: ids.communiquer!,
        recipient: { email: `groupe${i}@example.org`, name: `Groupe ${String(i).padStart(3, '0')}` },
      })),
      { kind: 'user', userId: camilleId },
    );
    clock = BASE;
    const lines = csvLines((await hugoBrowser.get('/espace/delivres.csv?du=2026-06-12&au=2026-06-12')).body).slice(1);
    expect(lines).toHaveLength(520);
    expect(new Set(lines).size).toBe(520);
    const trail = csvLines((await camille.get('/espace/journal.csv')).body).slice(1);
    expect(trail.some((l) => l.includes('a délivré 520 badges en une fois.'))).toBe(true);
  });
});

describe('after a learner’s erasure', () => {
  it('neither file nor trail names them any more', async () => {
    // A revocation whose reason, typed by staff, names the learner: once erased, the trail no longer repeats it.
    const other = (await ctx.services.badgeClasses.listAwardable(A)).find((b) => b.name === 'Communiquer — je maîtrise')!;
    const { assertion } = await ctx.services.awarding.award(
      { structureId: A, badgeClassId: other.id, recipient: { email: 'paul@example.org', name: 'Paul Durand' } },
      { kind: 'user', userId: camilleId },
    );
    await ctx.services.awarding.revoke(A, assertion.id, 'Paul Durand ne s’est pas présenté', { kind: 'user', userId: camilleId });
    expect((await camille.get('/espace/journal.csv?action=assertion.revoked')).body).toContain('Paul Durand ne s’est pas présenté');
    await ctx.services.learners.erase({
      id: 'test',
      email: 'paul@example.org',
      csrfSecret: 'test',
      expiresAt: new Date(BASE.getTime() + DAY),
    });
    const file = (await hugoBrowser.get(`/espace/delivres.csv?par=${camilleId}&badge=${ids.communiquer}`)).body;
    expect(file).not.toContain('Paul');
    expect(file).not.toContain('paul@example.org');
    expect(csvLines(file)[1]).toMatch(/^\(données effacées à la demande de l’apprenant\);;Communiquer — je pratique;/);
    const trail = (await camille.get('/espace/journal.csv?action=assertion.awarded')).body;
    expect(trail).not.toContain('Paul');
    expect(trail).toContain('Camille Durand a décerné « Communiquer — je pratique » à une personne dont les données ont été effacées.');
    const revoked = (await camille.get('/espace/journal.csv?action=assertion.revoked')).body;
    expect(revoked).not.toContain('Paul');
    expect(revoked).toContain(
      'Camille Durand a révoqué le badge « Communiquer — je maîtrise » d’une personne dont les données ont été effacées.',
    );
    expect(text((await camille.get('/espace/journal?action=assertion.revoked')).body)).not.toContain('Paul');
  });
});

describe('deleting a badge class', () => {
  it('deletes one never awarded, after asking, and writes it in the trail; a catalogue badge can then be taken again', async () => {
    const made = await ctx.services.badgeClasses.listAwardable(A);
    const never = made.find((b) => b.name === 'S’adapter — je pratique')!;
    const page = await camille.get(`/espace/badges/${never.id}`);
    expect(page.body).toContain(`href="/espace/badges/${never.id}/supprimer"`);
    const ask = await camille.get(`/espace/badges/${never.id}/supprimer`);
    expect(ask.statusCode).toBe(200);
    expect(text(ask.body)).toContain('Supprimer le badge « S’adapter — je pratique » ?');
    expect(text(ask.body)).toContain('C’est un badge du catalogue');
    const done = await camille.postForm(`/espace/badges/${never.id}/supprimer`, `/espace/badges/${never.id}/supprimer`);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/espace/badges?fait=supprime');
    expect(text((await camille.get('/espace/badges?fait=supprime')).body)).toContain('Le badge a été supprimé.');
    expect(await db().select().from(badgeClasses).where(eq(badgeClasses.id, never.id))).toEqual([]);
    expect((await camille.get(`/espace/badges/${never.id}`)).statusCode).toBe(404);
    // Its public page and image are gone too, at once.
    expect((await camille.get(`/badges/${never.id}`)).statusCode).toBe(404);
    expect((await camille.get(`/badges/${never.id}/image.png`)).statusCode).toBe(404);
    const [event] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'badge_class.deleted'), eq(auditEvents.targetId, never.id)));
    expect(event).toMatchObject({ structureId: A, actorUserId: camilleId });
    const lines = sentencesOf((await camille.get('/espace/journal?action=badge_class.deleted&du=2026-06-01')).body);
    expect(lines).toEqual(['Camille Durand a supprimé le badge « S’adapter — je pratique », qui n’avait jamais été délivré.']);
    // The catalogue offers it again.
    const again = await ctx.services.catalogue.adopt(A, never.catalogueKey!, { kind: 'user', userId: camilleId });
    expect(again.name).toBe('S’adapter — je pratique');
  });

  it('deletes one of the structure’s own badges too', async () => {
    const s = ctx.services;
    const png = (await db().select({ png: badgeClasses.imagePng }).from(badgeClasses).where(eq(badgeClasses.id, ids.organiser!)))[0]!.png;
    const own = await s.badgeClasses.create(
      A,
      {
        name: 'Atelier vélo',
        description: 'Répare un vélo.',
        criteriaNarrative: 'A réparé un vélo.',
        tags: [],
        alignment: [],
        validityDays: null,
      },
      { png, svg: null },
      { kind: 'user', userId: camilleId },
    );
    const done = await camille.postForm(`/espace/badges/${own.id}/supprimer`, `/espace/badges/${own.id}/supprimer`);
    expect(done.statusCode).toBe(303);
    expect(await db().select().from(badgeClasses).where(eq(badgeClasses.id, own.id))).toEqual([]);
  });

  it('refuses one that was awarded, saying why and that archiving is the way, and deletes nothing', async () => {
    const ask = await camille.get(`/espace/badges/${ids.organiser}/supprimer`);
    expect(text(ask.body)).toContain('Ce badge a déjà été délivré (1 fois) : il ne peut pas être supprimé');
    expect(ask.body).not.toContain('name="once"');
    const page = await camille.get(`/espace/badges/${ids.organiser}`);
    expect(page.body).not.toContain('/supprimer"');
    const refused = await camille.postForm('/espace/badges', `/espace/badges/${ids.organiser}/supprimer`, {
      once: '5b0e0a36-6a8a-4b4e-9f55-2a1c7d5e0f11',
    });
    expect(refused.statusCode).toBe(409);
    expect(text(refused.body)).toContain('Archivez-le pour ne plus le proposer.');
    const english = await inEnglish(camille, `/espace/badges/${ids.organiser}/supprimer`);
    expect(text(english.body)).toContain('This badge was already awarded (once): it cannot be deleted');
    expect(await db().select({ id: badgeClasses.id }).from(badgeClasses).where(eq(badgeClasses.id, ids.organiser!))).toHaveLength(1);
  });

  it('is for the structure’s administrators, of their own structure', async () => {
    const made = await ctx.services.badgeClasses.listAwardable(A);
    const never = made.find((b) => b.name === 'S’intégrer — je pratique')!;
    expect((await hugoBrowser.get(`/espace/badges/${never.id}/supprimer`)).statusCode).toBe(403);
    expect((await omarBrowser.get(`/espace/badges/${never.id}/supprimer`)).statusCode).toBe(404);
    const post = await omarBrowser.postForm('/espace/badges', `/espace/badges/${never.id}/supprimer`, {
      once: '6b0e0a36-6a8a-4b4e-9f55-2a1c7d5e0f12',
    });
    expect(post.statusCode).toBe(404);
    expect(await db().select({ id: badgeClasses.id }).from(badgeClasses).where(eq(badgeClasses.id, never.id))).toHaveLength(1);
  });
});
