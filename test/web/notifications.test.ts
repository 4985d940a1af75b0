import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueEntries, learnerPreferences, outboxMessages } from '../../src/db/schema.ts';
import type { MailKind } from '../../src/db/schema.ts';
import { InjectBrowser, pageText as text } from '../support/inject-browser.ts';
import { linkIn } from '../support/mail.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * Who is told what concerns them (issue 10), through the real request path
 * and the outbox: the Région of a catalogue proposal, the structure of the
 * answer (and its reason, on the pages where it looks at its badges), the
 * learner of a revocation (in their language, with the link to their space
 * and the unsubscribe link; nothing for an erasure they asked for), and the
 * learner again 30 days before a badge expires (once per award, never to
 * one who stopped the emails). Fixed clock: Monday 2 March 2026.
 */
const clock = new Date('2026-03-02T09:00:00.000Z');
const DAY = 86_400_000;
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let caen: Awaited<ReturnType<typeof seedStructure>>;
let rouen: Awaited<ReturnType<typeof seedStructure>>;
const db = () => ctx.platform.database.db;
const PASSWORD = 'la phrase de passe de l’équipe';
let ipCounter = 0;

class Browser extends InjectBrowser {
  constructor() {
    super(() => ctx.app, `198.51.100.${++ipCounter}`);
  }

  static async signedIn(email: string) {
    const browser = new Browser();
    await browser.signIn(email, PASSWORD);
    return browser;
  }
}

let admin: Browser;
let advisor: Browser;
let region: Browser;

/** Every message of this kind to this address, oldest first. */
async function mails(to: string, kind: MailKind) {
  const rows = await db()
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.toAddress, to), eq(outboxMessages.kind, kind)));
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

async function kindCount(kind: MailKind, assertionId?: string) {
  const [row] = await db()
    .select({ n: count() })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.kind, kind), assertionId ? eq(outboxMessages.assertionId, assertionId) : undefined));
  return Number(row!.n);
}

async function award(email: string, options: { name?: string; expires?: Date; structure?: typeof caen } = {}) {
  const seeded = options.structure ?? caen;
  const { assertion } = await ctx.services.awarding.award(
    {
      structureId: seeded.structure.id,
      badgeClassId: seeded.badgeClasses[0]!.id,
      recipient: { email, name: options.name ?? 'Léa Martin' },
      expires: options.expires ?? null,
    },
    { kind: 'cli' },
  );
  return assertion;
}

/** Opens the learner's space from the link of an email, the way the learner does: the page, then its button. */
async function openSpaceFrom(textBody: string, headers: Record<string, string> = {}) {
  const learner = new Browser();
  const path = linkIn(textBody, `${TEST_PUBLIC_URL}/mon-espace/lien/`).slice(TEST_PUBLIC_URL.length);
  const page = await learner.get(path, headers);
  expect(page.statusCode).toBe(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const opened = await learner.request('POST', path, { form: { _csrf: token }, headers });
  expect(opened.statusCode, opened.body.slice(0, 300)).toBe(303);
  expect(opened.headers.location).toBe('/mon-espace');
  return learner;
}

/** The clock moves on by this many days (the reminders read it). */
function advanceDays(days: number) {
  clock.setTime(clock.getTime() + days * DAY);
}

beforeAll(async () => {
  ctx = await startTestApp({ now: () => clock, env: { MAIL_POLL_INTERVAL_MS: '3600000' } });
  caen = await seedStructure(ctx.services);
  rouen = await seedStructure(ctx.services, {
    name: 'Insertion & Compétences Rouen',
    email: 'Contact@Insertion-Rouen.example.org',
    url: 'https://insertion-rouen.example.org',
  });
  await ctx.services.users.create(
    { email: 'marc@ml-caen.example.org', name: 'Marc Lefèvre', password: PASSWORD, structureId: caen.structure.id, role: 'admin' },
    { kind: 'cli' },
  );
  await ctx.services.users.create(
    { email: 'camille@ml-caen.example.org', name: 'Camille', password: PASSWORD, structureId: caen.structure.id, role: 'advisor' },
    { kind: 'cli' },
  );
  await ctx.services.users.create(
    { email: 'region@normandie.example.org', name: 'Claire Région', password: PASSWORD, platformAdmin: true },
    { kind: 'cli' },
  );
  await ctx.services.users.create(
    { email: 'second@normandie.example.org', name: 'Paul Région', password: PASSWORD, platformAdmin: true },
    { kind: 'cli' },
  );
  admin = await Browser.signedIn('marc@ml-caen.example.org');
  advisor = await Browser.signedIn('camille@ml-caen.example.org');
  region = await Browser.signedIn('region@normandie.example.org');
});

afterAll(async () => {
  await ctx?.close();
});

describe('a catalogue proposal and its answer', () => {
  it('tells every platform administrator of a proposal, in French, with the link to the catalogue page', async () => {
    const own = await ctx.services.badgeClasses.create(
      caen.structure.id,
      {
        name: 'Accueillir le public',
        description: 'La personne accueille le public avec courtoisie. Elle oriente chacun.',
        criteriaNarrative: 'Observé à l’accueil.',
        tags: [],
        alignment: [],
        validityDays: null,
      },
      { png: caen.badgeClasses[0]!.imagePng, svg: null },
      { kind: 'cli' },
    );
    const proposed = await admin.postFromWorkspace(`/espace/badges/${own.id}/proposer`, {});
    expect(proposed.statusCode).toBe(303);
    for (const [to, name] of [
      ['region@normandie.example.org', 'Claire Région'],
      ['second@normandie.example.org', 'Paul Région'],
    ] as const) {
      const [mail, ...more] = await mails(to, 'catalogue-proposal');
      expect(more).toHaveLength(0);
      expect(mail!.subject).toBe('Proposition au catalogue : « Accueillir le public » de Mission Locale de Caen');
      expect(mail!.textBody).toContain(`Bonjour ${name},`);
      expect(mail!.textBody).toContain('Mission Locale de Caen propose son badge « Accueillir le public » au catalogue commun');
      expect(mail!.textBody).toContain('Ce badge montre que : La personne accueille le public avec courtoisie.');
      expect(mail!.textBody).toContain('Proposition faite par Marc Lefèvre.');
      expect(mail!.textBody).toContain(`${TEST_PUBLIC_URL}/espace/plateforme/catalogue`);
      expect(mail!.htmlBody).toContain('<html lang="fr">');
      // Addressed to the Région: the structure's outbox does not list it.
      expect(mail!.structureId).toBeNull();
    }
    // Nobody else (the structure's own people) is told of its own proposal.
    expect(await mails('marc@ml-caen.example.org', 'catalogue-proposal')).toHaveLength(0);
    // The Région's page lists it, waiting.
    const platform = text((await region.get('/espace/plateforme/catalogue')).body);
    expect(platform).toContain('Propositions des structures (1)');
    expect(platform).toContain('Accueillir le public');
  });

  it('tells the structure of a refusal with the reason, in the email and on the badge’s page and list', async () => {
    const [entry] = await db().select().from(catalogueEntries).where(eq(catalogueEntries.name, 'Accueillir le public'));
    const reason = 'Trop proche de « Communiquer — je pratique ».\nProposez plutôt une <b>variante</b>.';
    const declined = await region.postFromWorkspace(`/espace/plateforme/catalogue/${entry!.id}/refuser`, { note: reason });
    expect(declined.statusCode).toBe(303);

    // To the structure's contact address and to the person who proposed, once each.
    const [toStructure, ...again] = await mails('contact@mission-locale-caen.example.org', 'catalogue-decision');
    expect(again).toHaveLength(0);
    const [toProposer] = await mails('marc@ml-caen.example.org', 'catalogue-decision');
    for (const mail of [toStructure!, toProposer!]) {
      expect(mail.subject).toBe('Votre badge « Accueillir le public » n’est pas retenu pour le catalogue');
      expect(mail.textBody).toContain('Son motif :');
      expect(mail.textBody).toContain('> Trop proche de « Communiquer — je pratique ».\n> Proposez plutôt une <b>variante</b>.');
      expect(mail.textBody).toContain('— Claire Région, pour la Région');
      expect(mail.textBody).toContain(`${TEST_PUBLIC_URL}/espace/badges/${entry!.proposedFromBadgeClassId}`);
      expect(mail.htmlBody).toContain('Proposez plutôt une &lt;b&gt;variante&lt;/b&gt;.');
      expect(mail.htmlBody).not.toContain('<b>variante</b>');
      expect(mail.structureId).toBe(caen.structure.id);
    }

    // The reason, plainly, where the structure looks: the badge's own page…
    const badgePage = await advisor.get(`/espace/badges/${entry!.proposedFromBadgeClassId}`);
    expect(badgePage.statusCode).toBe(200);
    expect(text(badgePage.body)).toContain('Proposition au catalogue');
    expect(text(badgePage.body)).toContain('Refusé pour le catalogue par la Région le 2 mars 2026.');
    expect(text(badgePage.body)).toContain('Motif de la Région : Trop proche de « Communiquer — je pratique ».');
    expect(badgePage.body).not.toContain('<b>variante</b>');
    // …and the list of its badges.
    const list = text((await advisor.get('/espace/badges')).body);
    expect(list).toContain('Vos propositions au catalogue');
    expect(list).toContain('Motif de la Région : Trop proche de « Communiquer — je pratique ».');
    // Another structure sees nothing of it.
    const otherAdmin = await Browser.signedIn(
      (
        await ctx.services.users.create(
          { email: 'yann@rouen.example.org', name: 'Yann', password: PASSWORD, structureId: rouen.structure.id, role: 'admin' },
          { kind: 'cli' },
        )
      ).email,
    );
    expect(text((await otherAdmin.get('/espace/badges')).body)).not.toContain('Trop proche');
    expect((await otherAdmin.get(`/espace/badges/${entry!.proposedFromBadgeClassId}`)).statusCode).toBe(404);

    // The structure's outbox lists the answer with a readable kind.
    const outbox = text((await admin.get('/espace/courriels')).body);
    expect(outbox).toContain('Réponse à une proposition');
    expect(outbox).not.toContain('catalogue-decision');
  });

  it('tells the structure of an acceptance', async () => {
    const [entry] = await db().select().from(catalogueEntries).where(eq(catalogueEntries.name, 'Accueillir le public'));
    clock.setTime(clock.getTime() + 60_000);
    const again = await admin.postFromWorkspace(`/espace/badges/${entry!.proposedFromBadgeClassId}/proposer`, {});
    expect(again.statusCode).toBe(303);
    const [second] = await db()
      .select()
      .from(catalogueEntries)
      .where(and(eq(catalogueEntries.name, 'Accueillir le public'), eq(catalogueEntries.status, 'proposed')));
    expect(await mails('region@normandie.example.org', 'catalogue-proposal')).toHaveLength(2);
    const accepted = await region.postFromWorkspace(`/espace/plateforme/catalogue/${second!.id}/accepter`, {});
    expect(accepted.statusCode).toBe(303);
    const decisions = await mails('contact@mission-locale-caen.example.org', 'catalogue-decision');
    expect(decisions).toHaveLength(2);
    expect(decisions[1]!.subject).toBe('Votre badge « Accueillir le public » entre au catalogue commun');
    expect(decisions[1]!.textBody).toContain('toutes les structures du programme peuvent l’adopter');
    expect(decisions[1]!.textBody).not.toContain('Son motif');
    const badgePage = text((await advisor.get(`/espace/badges/${second!.proposedFromBadgeClassId}`)).body);
    expect(badgePage).toContain('Accepté au catalogue par la Région le 2 mars 2026.');
    expect(badgePage).not.toContain('Motif de la Région');
  });
});

describe('a revocation, told to the learner', () => {
  it('says which badge, the reason in words, links to the learner’s space and carries the unsubscribe link', async () => {
    const awarded = await award('lea.martin@example.org');
    const page = await advisor.get(`/espace/delivres/${awarded.id}/revoquer`);
    expect(page.statusCode).toBe(200);
    const revoked = await advisor.submit(`/espace/delivres/${awarded.id}/revoquer`, `/espace/delivres/${awarded.id}/revoquer`, {
      reason: 'Délivré par erreur : la session n’a pas eu lieu.',
    });
    expect(revoked.statusCode).toBe(303);
    const [mail, ...more] = await mails('lea.martin@example.org', 'revocation');
    expect(more).toHaveLength(0);
    const badge = caen.badgeClasses[0]!.name;
    expect(mail!.subject).toBe(`Votre badge « ${badge} » a été révoqué`);
    expect(mail!.textBody).toContain('Bonjour Léa Martin,');
    expect(mail!.textBody).toContain(`Mission Locale de Caen a révoqué le badge « ${badge} » qu’elle vous avait remis le 2 mars 2026.`);
    expect(mail!.textBody).toContain('> Délivré par erreur : la session n’a pas eu lieu.');
    expect(mail!.textBody).toContain('Une question ? Adressez-vous à Mission Locale de Caen : contact@mission-locale-caen.example.org');
    expect(mail!.textBody).toContain(`Ne plus recevoir de courriels d’Insigne : ${ctx.services.unsubscribe.url('lea.martin@example.org')}`);
    expect(mail!.htmlBody).toContain('<html lang="fr">');
    expect(mail!.assertionId).toBe(awarded.id);
    expect(mail!.structureId).toBe(caen.structure.id);
    // No SMTP in this file: queued, then held for the Région (never dropped).
    expect(['pending', 'held']).toContain(mail!.status);

    // Its link opens the learner's space, where the badge shows revoked.
    const learner = await openSpaceFrom(mail!.textBody);
    const space = await learner.get('/mon-espace');
    expect(space.statusCode).toBe(200);
    expect(text(space.body)).toContain(badge);
    expect(text(space.body)).toMatch(/[Rr]évoqué/);

    // The structure's outbox names it in words.
    const outbox = text((await advisor.get('/espace/courriels')).body);
    expect(outbox).toContain('Badge révoqué');
    expect(outbox).toContain('lea.martin@example.org');
  });

  it('is sent for a revocation through the API too, once', async () => {
    const awarded = await award('api.revoked@example.org');
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/assertions/${awarded.id}/revoke`,
      headers: { authorization: `Bearer ${caen.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ reason: 'Doublon' }),
    });
    expect(response.statusCode).toBe(200);
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/assertions/${awarded.id}/revoke`,
      headers: { authorization: `Bearer ${caen.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ reason: 'Doublon' }),
    });
    expect(again.statusCode).toBe(409);
    expect(await kindCount('revocation', awarded.id)).toBe(1);
    expect((await mails('api.revoked@example.org', 'revocation'))[0]!.textBody).toContain('> Doublon');
  });

  it('is written in the language the learner last opened their space in', async () => {
    const first = await award('john.smith@example.org', { name: 'John Smith' });
    const [awardMail] = await mails('john.smith@example.org', 'award');
    // The learner opens their space from an English browser.
    await openSpaceFrom(awardMail!.textBody, { 'accept-language': 'en-GB,en;q=0.9' });
    await ctx.services.awarding.revoke(caen.structure.id, first.id, 'Awarded by mistake', { kind: 'cli' });
    const [mail] = await mails('john.smith@example.org', 'revocation');
    expect(mail!.subject).toBe(`Your badge “${caen.badgeClasses[0]!.name}” was revoked`);
    expect(mail!.textBody).toContain('Hello John Smith,');
    expect(mail!.textBody).toContain('Mission Locale de Caen revoked the badge');
    expect(mail!.textBody).toContain('on 2 March 2026');
    expect(mail!.textBody).toContain('> Awarded by mistake');
    expect(mail!.textBody).toContain(`Stop receiving emails from Insigne : ${ctx.services.unsubscribe.url('john.smith@example.org')}`);
    expect(mail!.htmlBody).toContain('<html lang="en">');
  });

  it('takes the language of the page the learner asked a sign-in link from', async () => {
    const awarded = await award('asks.in.english@example.org', { name: 'Sam Taylor' });
    const learner = new Browser();
    const asked = await learner.submit('/mon-espace?lang=en', '/mon-espace/lien', { email: 'asks.in.english@example.org' });
    expect(asked.statusCode).toBe(200);
    await ctx.platform.linkRequestRunner!.drain();
    expect(await mails('asks.in.english@example.org', 'learner-sign-in')).toHaveLength(1);
    await ctx.services.awarding.revoke(caen.structure.id, awarded.id, 'Duplicate', { kind: 'cli' });
    const [mail] = await mails('asks.in.english@example.org', 'revocation');
    expect(mail!.subject).toBe(`Your badge “${caen.badgeClasses[0]!.name}” was revoked`);
    // An address nobody awarded gets no row of preferences, whatever it asks.
    await learner.submit('/mon-espace?lang=en', '/mon-espace/lien', { email: 'nobody.here@example.org' });
    await ctx.platform.linkRequestRunner!.drain();
    expect(await db().select().from(learnerPreferences).where(eq(learnerPreferences.email, 'nobody.here@example.org'))).toHaveLength(0);
  });

  it('sends nothing to a learner who stopped the emails (recorded as not sent)', async () => {
    const awarded = await award('stopped@example.org');
    await ctx.services.mail.stopEmails('stopped@example.org');
    await ctx.services.awarding.revoke(caen.structure.id, awarded.id, 'Erreur', { kind: 'cli' });
    const rows = await mails('stopped@example.org', 'revocation');
    expect(rows.map((r) => r.status)).toEqual(['suppressed']);
  });

  it('sends nothing when the learner asked for the erasure of their data', async () => {
    const a = await award('erase.me@example.org');
    const b = await award('erase.me@example.org', { structure: rouen });
    await ctx.services.learners.erase({ id: 'x', email: 'erase.me@example.org', csrfSecret: 'x', expiresAt: clock });
    expect(await kindCount('revocation', a.id)).toBe(0);
    expect(await kindCount('revocation', b.id)).toBe(0);
    // The structures are told (the erasure notice), the learner is not.
    expect(await mails('contact@mission-locale-caen.example.org', 'erasure-notice')).toHaveLength(1);
  });
});

describe('the reminder 30 days before a badge expires', () => {
  it('is sent once per award, in the learner’s language, never before the award is a week old nor for a revoked one', async () => {
    const start = clock.getTime();
    const soon = await award('reminded@example.org', { name: 'Inès Durand', expires: new Date(start + 60 * DAY) });
    const revoked = await award('revoked.soon@example.org', { expires: new Date(start + 45 * DAY) });
    await ctx.services.awarding.revoke(caen.structure.id, revoked.id, 'Erreur', { kind: 'cli' });
    const stopped = await award('stopped.soon@example.org', { expires: new Date(start + 50 * DAY) });
    await ctx.services.mail.stopEmails('stopped.soon@example.org');
    const english = await award('english.soon@example.org', { name: 'Amy Lee', expires: new Date(start + 55 * DAY) });
    const [awardMail] = await mails('english.soon@example.org', 'award');
    await openSpaceFrom(awardMail!.textBody, { 'accept-language': 'en' });
    const never = await award('never.expires@example.org');
    await ctx.platform.expiryReminderRunner!.idle();

    // Not yet: the expiry is more than 30 days away.
    expect(await ctx.services.expiryReminders.runOnce()).toBe(0);
    advanceDays(31);
    // A badge awarded now, expiring in 20 days, waits until it is a week old.
    const young = await award('young@example.org', { expires: new Date(clock.getTime() + 20 * DAY) });
    expect(await ctx.services.expiryReminders.runOnce()).toBe(3);
    expect(await ctx.services.expiryReminders.runOnce()).toBe(0);

    const [mail, ...more] = await mails('reminded@example.org', 'expiry-reminder');
    expect(more).toHaveLength(0);
    const badge = caen.badgeClasses[0]!.name;
    expect(mail!.subject).toBe(`Votre badge « ${badge} » expire le 1 mai 2026`);
    expect(mail!.textBody).toContain('Bonjour Inès Durand,');
    expect(mail!.textBody).toContain(
      `Votre badge « ${badge} », remis par Mission Locale de Caen, est valable jusqu’au 1 mai 2026 : encore 29 jours.`,
    );
    expect(mail!.textBody).toContain(`${TEST_PUBLIC_URL}/mon-espace/lien/`);
    expect(mail!.textBody).toContain(`Ne plus recevoir de courriels d’Insigne : ${ctx.services.unsubscribe.url('reminded@example.org')}`);
    expect(mail!.assertionId).toBe(soon.id);
    // Its link opens the learner's space.
    const learner = await openSpaceFrom(mail!.textBody);
    expect(text((await learner.get('/mon-espace')).body)).toContain(badge);

    const [en] = await mails('english.soon@example.org', 'expiry-reminder');
    expect(en!.subject).toBe(`Your badge “${badge}” expires on 26 April 2026`);
    expect(en!.textBody).toContain('24 days left');
    expect(en!.assertionId).toBe(english.id);
    // Stopped: recorded, never sent.
    expect((await mails('stopped.soon@example.org', 'expiry-reminder')).map((m) => m.status)).toEqual(['suppressed']);
    expect(await kindCount('expiry-reminder', stopped.id)).toBe(1);
    expect(await kindCount('expiry-reminder', revoked.id)).toBe(0);
    expect(await kindCount('expiry-reminder', never.id)).toBe(0);
    expect(await kindCount('expiry-reminder', young.id)).toBe(0);

    // A week later, the young badge is reminded; the others are not told twice.
    advanceDays(7);
    expect(await ctx.services.expiryReminders.runOnce()).toBe(1);
    expect(await kindCount('expiry-reminder', young.id)).toBe(1);
    advanceDays(20);
    expect(await ctx.services.expiryReminders.runOnce()).toBe(0);
    expect(await kindCount('expiry-reminder', soon.id)).toBe(1);

    // The structure's outbox names them in words (signed in again: weeks went by).
    const later = await Browser.signedIn('camille@ml-caen.example.org');
    expect(text((await later.get('/espace/courriels')).body)).toContain('Rappel d’expiration');
  });

  it('reminds each award once even when several rounds run at once', async () => {
    const expires = new Date(clock.getTime() + 10 * DAY);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await award(`parallel.${i}@example.org`, { expires })).id);
    advanceDays(8);
    const rounds = await Promise.all([
      ctx.services.expiryReminders.runOnce(),
      ctx.services.expiryReminders.runOnce(),
      ctx.services.expiryReminders.runOnce(),
    ]);
    expect(rounds.reduce((a, b) => a + b, 0)).toBe(6);
    for (const id of ids) expect(await kindCount('expiry-reminder', id)).toBe(1);
  });
});
