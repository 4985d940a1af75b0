import { readFileSync } from 'node:fs';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMembership, findUserByEmail } from '../../src/db/repositories/users.ts';
import { auditEvents, memberships, outboxMessages, sessions } from '../../src/db/schema.ts';
import { FORM_LIMIT } from '../../src/web/plugins/rate-limits.ts';
import { latestOutboxMail, linkIn } from '../support/mail.ts';
import { csrfOf, csrfOfForm, InjectBrowser, pageText as text } from '../support/inject-browser.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * The ways into an account besides the sign-in form, and who may do what in
 * a structure, through fastify's real request path: forgotten password (the
 * link from the outbox, once, for an hour, ending other sessions),
 * invitations (new and existing accounts, re-send, cancel, expiry), members
 * (roles, removal, the last admin), the Région opening a structure, and the
 * structure's public profile as the issuer JSON publishes it. Hostile input
 * in every field, CSRF on every form.
 */
const MINUTE = 60_000;
const CLI = { kind: 'cli' } as const;
const PASSWORD = 'le mot de passe de l’équipe';
const NEW_PASSWORD = 'une toute nouvelle phrase secrète';
const REGION = { name: 'Région Normandie', email: 'region@normandie.example.org', password: 'la phrase de passe de la Région' };
const FR = {
  csrf: 'Cette demande a été refusée',
  sent: 'Vérifiez votre messagerie',
  linkGone: 'Ce lien ne fonctionne plus',
  invitationGone: 'Cette invitation n’est plus valable',
  required: 'Ce champ est obligatoire.',
  email: 'Saisissez une adresse e-mail complète',
  tooShort: 'Saisissez au moins 12 caractères.',
  mismatch: 'Les deux mots de passe ne sont pas identiques.',
  control: 'Ce texte contient des caractères non autorisés',
  invalid: 'Adresse e-mail ou mot de passe incorrect.',
  lastAdmin: 'La structure doit garder au moins un administrateur',
  adminOnly: 'Cette page est réservée aux administrateurs de la structure.',
  platformOnly: 'Cette page est réservée à l’administration de la plateforme.',
  url: 'Saisissez une adresse web complète, commençant par https://',
  telephone: 'Saisissez un numéro de téléphone',
  tooLong: (max: number) => `Ce texte est trop long : ${max} caractères au maximum.`,
};

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let clock = new Date('2026-05-04T08:00:00Z');
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const db = () => ctx.platform.database.db;

/** The links asked for are sent in the background (LinkRequests): wait for them before reading the outbox. */
const linkRequestsDone = () => ctx.platform.linkRequestRunner!.drain();
const browser = () => new InjectBrowser(() => ctx.app);

async function auditCount(action: string) {
  const [row] = await db().select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, action));
  return Number(row!.n);
}

async function outboxCount(to: string) {
  const [row] = await db().select({ n: count() }).from(outboxMessages).where(eq(outboxMessages.toAddress, to));
  return Number(row!.n);
}

/** The path of the link in the newest email of this kind to this address. */
async function mailedLink(to: string, kind: 'password-reset' | 'invitation', path: string) {
  const mail = await latestOutboxMail(db(), to, kind);
  if (!mail) throw new Error(`no ${kind} email to ${to}`);
  return linkIn(mail.textBody, `${TEST_PUBLIC_URL}${path}`).slice(TEST_PUBLIC_URL.length);
}

/** The id in the forms of the row of this address in the pending invitations. */
function invitationId(html: string, email: string): string {
  const row = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!).find((r) => r.includes(`<th scope="row">${email}</th>`));
  const id = row && /\/espace\/membres\/invitations\/([0-9a-f]{64})\//.exec(row)?.[1];
  if (!id) throw new Error(`no pending invitation for ${email}`);
  return id;
}

let caen: string;
let alencon: string;

beforeAll(async () => {
  ctx = await startTestApp({ now: () => clock });
  const s = ctx.services;
  await s.auth.setup(REGION, { ip: '127.0.0.1' });
  caen = (await seedStructure(s, { name: 'Mission Locale de Caen' })).structure.id;
  alencon = (await seedStructure(s, { name: 'AFPA Alençon' })).structure.id;
  await s.users.create({ email: 'lea.martin@example.org', name: 'Léa Martin', password: PASSWORD, structureId: caen, role: 'admin' }, CLI);
  await s.users.create(
    { email: 'hugo.petit@example.org', name: 'Hugo Petit', password: PASSWORD, structureId: caen, role: 'advisor' },
    CLI,
  );
  await s.users.create({ email: 'nadia.ali@example.org', name: 'Nadia Ali', password: PASSWORD, structureId: alencon, role: 'admin' }, CLI);
  await s.users.create(
    { email: 'omar.benali@example.org', name: 'Omar Benali', password: PASSWORD, structureId: alencon, role: 'advisor' },
    CLI,
  );
});

afterAll(async () => {
  await ctx?.close();
});

describe('forgotten password', () => {
  const CAMILLE = 'camille.roux@example.org';
  beforeAll(async () => {
    await ctx.services.users.create({ email: CAMILLE, name: 'Camille Roux', password: PASSWORD, structureId: caen, role: 'advisor' }, CLI);
  });

  it('the sign-in page leads to it, and the page explains itself', async () => {
    const b = browser();
    const signIn = await b.get('/connexion');
    expect(text(signIn.body)).toContain('Mot de passe oublié ?');
    expect(signIn.body).toContain('href="/mot-de-passe-oublie"');
    const page = await b.get('/mot-de-passe-oublie');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(text(page.body)).toContain('Le lien est valable une heure et ne sert qu’une fois.');
    expect(page.body).toMatch(/<label for="email">/);
    expect(page.body).toMatch(/id="email"[^>]*aria-describedby="email-hint"/);
  });

  it('speaks English when asked, and writes the email in the language of the page', async () => {
    const b = browser();
    const page = await b.get('/mot-de-passe-oublie?lang=en');
    expect(text(page.body)).toContain('Forgotten password');
    const sent = await b.submit('/mot-de-passe-oublie', '/mot-de-passe-oublie', { email: 'hugo.petit@example.org' });
    await linkRequestsDone();
    expect(text(sent.body)).toContain('Check your inbox');
    const mail = await latestOutboxMail(db(), 'hugo.petit@example.org', 'password-reset');
    expect(mail?.subject).toBe('Choose a new Insigne password');
    expect(mail?.htmlBody).toContain('<html lang="en">');
  });

  it('answers the same whether or not the account exists, and emails only a real account', async () => {
    const b = browser();
    const known = await b.submit('/mot-de-passe-oublie', '/mot-de-passe-oublie', { email: ` ${CAMILLE.toUpperCase()} ` });
    await linkRequestsDone();
    const unknown = await b.submit('/mot-de-passe-oublie', '/mot-de-passe-oublie', { email: 'personne@example.org' });
    await linkRequestsDone();
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    const strip = (html: string) => text(html).replace(/\S+@example\.org/gi, 'X');
    expect(strip(known.body)).toBe(strip(unknown.body));
    expect(text(known.body)).toContain(FR.sent);
    expect(await outboxCount('personne@example.org')).toBe(0);
    const mail = await latestOutboxMail(db(), CAMILLE, 'password-reset');
    expect(mail?.subject).toBe('Choisir un nouveau mot de passe Insigne');
    expect(mail?.textBody).toContain('Bonjour Camille Roux,');
    expect(mail?.htmlBody).toContain(`${TEST_PUBLIC_URL}/mot-de-passe/`);
    expect(await auditCount('auth.password_reset_requested')).toBe(2); // Hugo's, in English, and Camille's
  });

  it('refuses a request without its token, and sends nothing', async () => {
    const before = await outboxCount(CAMILLE);
    const b = browser();
    await b.get('/mot-de-passe-oublie');
    for (const form of [{ email: CAMILLE }, { email: CAMILLE, _csrf: 'faux.jeton' }] as Record<string, string>[]) {
      const response = await b.post('/mot-de-passe-oublie', form);
      expect(response.statusCode).toBe(403);
      expect(text(response.body)).toContain(FR.csrf);
    }
    expect(await outboxCount(CAMILLE)).toBe(before);
  });

  it('hostile input in the email field: refused with a message, shown escaped, never a 500', async () => {
    const cases: [string | string[], string][] = [
      ['', FR.required],
      ['<script>alert(1)</script>', FR.email],
      ['"><img src=x onerror=alert(1)>@example.org', FR.email],
      [`${'a'.repeat(10_000)}@example.org`, FR.tooLong(320)],
      ['camille\u0000@example.org', FR.email],
      [[CAMILLE, CAMILLE], 'Cette valeur n’est pas valide.'],
    ];
    const b = browser();
    for (const [email, message] of cases) {
      const response = await b.submit('/mot-de-passe-oublie', '/mot-de-passe-oublie', { email });
      await linkRequestsDone();
      expect(response.statusCode, String(email).slice(0, 40)).toBe(422);
      expect(text(response.body)).toContain(message);
      expect(response.body).not.toContain('<script>alert(1)');
      expect(response.body).not.toContain('<img src=x');
    }
    const raw = await b.request('POST', '/mot-de-passe-oublie', {
      raw: `_csrf=${encodeURIComponent(await b.token('/mot-de-passe-oublie'))}&email=%FF%FE%00`,
    });
    expect(raw.statusCode).toBe(422);
  });

  it('the link opens a form (looking does not use it), sets the password once, ends every other session', async () => {
    const elsewhere = browser();
    await elsewhere.signIn(CAMILLE, PASSWORD);
    expect((await elsewhere.get('/espace')).statusCode).toBe(200);

    const link = await mailedLink(CAMILLE, 'password-reset', '/mot-de-passe/');
    const b = browser();
    for (let i = 0; i < 2; i++) {
      const page = await b.get(link);
      expect(page.statusCode).toBe(200);
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(text(page.body)).toContain(`Pour le compte ${CAMILLE}.`);
    }
    const page = await b.get(link);
    const token = csrfOf(page.body);

    // The token belongs to this browser and this link only.
    const other = browser();
    const otherToken = csrfOf((await other.get(link)).body);
    const signInToken = csrfOf((await b.get('/connexion')).body);
    const good = { password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD };
    for (const _csrf of [undefined, otherToken, signInToken, 'x'.repeat(5000)]) {
      const response = await b.post(link, _csrf === undefined ? good : { ...good, _csrf });
      expect(response.statusCode).toBe(403);
    }
    const crossSite = await b.request('POST', link, { form: { ...good, _csrf: token }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.statusCode).toBe(403);

    // Mistakes are explained; nothing is used.
    const mismatch = await b.post(link, { _csrf: token, password: NEW_PASSWORD, passwordConfirmation: 'autre chose encore' });
    expect(mismatch.statusCode).toBe(422);
    expect(text(mismatch.body)).toContain(FR.mismatch);
    const short = await b.post(link, { _csrf: token, password: 'court', passwordConfirmation: 'court' });
    expect(short.statusCode).toBe(422);
    expect(text(short.body)).toContain(FR.tooShort);
    const long = await b.post(link, { _csrf: token, password: 'x'.repeat(5000), passwordConfirmation: 'x'.repeat(5000) });
    expect(long.statusCode).toBe(422);
    expect(text(long.body)).toContain(FR.tooLong(200));

    const done = await b.post(link, { _csrf: token, ...good });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/espace');
    expect((await b.get('/espace')).statusCode).toBe(200);
    // The other session has ended.
    const ended = await elsewhere.get('/espace');
    expect(ended.statusCode).toBe(303);
    expect(ended.headers.location).toMatch(/^\/connexion/);
    const user = await findUserByEmail(db(), CAMILLE);
    expect(await db().select().from(sessions).where(eq(sessions.userId, user!.id))).toHaveLength(1);
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await auditCount('auth.password_reset')).toBe(1);

    // The old password no longer works; the new one does.
    const old = await browser().submit('/connexion', '/connexion', { email: CAMILLE, password: PASSWORD });
    expect(old.statusCode).toBe(401);
    await browser().signIn(CAMILLE, NEW_PASSWORD);

    // Once only.
    const again = await browser().get(link);
    expect(again.statusCode).toBe(410);
    expect(text(again.body)).toContain(FR.linkGone);
    expect(again.body).toContain('href="/mot-de-passe-oublie"');
    const replay = await b.post(link, { _csrf: token, ...good });
    expect(replay.statusCode).toBe(410);
  });

  it('expires after an hour', async () => {
    advance(2 * 60 * MINUTE);
    await browser().submit('/mot-de-passe-oublie', '/mot-de-passe-oublie', { email: CAMILLE });
    await linkRequestsDone();
    const link = await mailedLink(CAMILLE, 'password-reset', '/mot-de-passe/');
    const b = browser();
    const page = await b.get(link);
    expect(page.statusCode).toBe(200);
    const token = csrfOf(page.body);
    advance(61 * MINUTE);
    expect((await b.get(link)).statusCode).toBe(410);
    const late = await b.post(link, {
      _csrf: token,
      password: 'encore un autre mot de passe',
      passwordConfirmation: 'encore un autre mot de passe',
    });
    expect(late.statusCode).toBe(410);
    await browser().signIn(CAMILLE, NEW_PASSWORD);
  });

  it('garbage links get the friendly page, never a 500', async () => {
    for (const path of [
      '/mot-de-passe/abc',
      `/mot-de-passe/${'A'.repeat(43)}`,
      '/mot-de-passe/%3Cscript%3E',
      `/mot-de-passe/${'x'.repeat(190)}`,
    ]) {
      const response = await browser().get(path);
      expect(response.statusCode, path).toBe(410);
      expect(response.body).not.toContain('<script>');
    }
  });

  it('sends at most three links an hour to one address', async () => {
    advance(2 * 60 * MINUTE);
    const before = await outboxCount(CAMILLE);
    const b = browser();
    for (let i = 0; i < 5; i++) {
      const response = await b.submit('/mot-de-passe-oublie', '/mot-de-passe-oublie', { email: CAMILLE });
      await linkRequestsDone();
      expect(response.statusCode).toBe(200);
    }
    expect(await outboxCount(CAMILLE)).toBe(before + 3);
  });

  it('is rate limited per address', async () => {
    const b = browser();
    const token = await b.token('/mot-de-passe-oublie');
    let last = 0;
    for (let i = 0; i <= FORM_LIMIT.max; i++) {
      last = (await b.post('/mot-de-passe-oublie', { _csrf: token, email: 'quelquun@example.org' })).statusCode;
    }
    expect(last).toBe(429);
  });
});

describe('invitations and members', () => {
  const lea = browser();
  const hugo = browser();
  const nadia = browser();

  beforeAll(async () => {
    advance(3 * 60 * MINUTE);
    await lea.signIn('lea.martin@example.org', PASSWORD);
    await hugo.signIn('hugo.petit@example.org', PASSWORD);
    await nadia.signIn('nadia.ali@example.org', PASSWORD);
  });

  const invite = async (who: InjectBrowser, email: string, role: string) =>
    who.submit('/espace/membres', '/espace/membres/invitations', { email, role });

  it('the members page explains how to invite, and lists members with their actions', async () => {
    const page = await lea.get('/espace/membres');
    expect(page.statusCode).toBe(200);
    const words = text(page.body);
    expect(words).toContain('Inviter une personne');
    expect(words).toContain('un lien valable 7 jours');
    expect(words).toContain('Aucune invitation en attente.');
    expect(page.body).toContain('<legend>Son rôle</legend>');
    expect(page.body).toContain('action="/espace/membres/invitations"');
  });

  it('invites a new person, who creates an account from the link and lands in the structure', async () => {
    const response = await invite(lea, ' Ines.Moreau@Example.org ', 'advisor');
    expect(response.statusCode).toBe(303);
    const listed = await lea.get(response.headers.location as string);
    // No SMTP on this platform: the invitation is held for the Région, and the notice says so rather than « envoyée ».
    expect(text(listed.body)).toContain('Invitation enregistrée pour ines.moreau@example.org, mais pas envoyée');
    expect(text(listed.body)).toContain('retenue pour l’administration de la plateforme');
    expect(text(listed.body)).not.toContain('Invitation envoyée');
    expect(text(listed.body)).toMatch(/ines\.moreau@example\.org conseiller ou conseillère/);
    expect(await auditCount('member.invited')).toBe(1);

    const mail = await latestOutboxMail(db(), 'ines.moreau@example.org', 'invitation');
    expect(mail?.subject).toBe('Invitation à rejoindre Mission Locale de Caen sur Insigne');
    expect(mail?.structureId).toBe(caen);
    expect(mail?.textBody).toContain('Léa Martin vous invite à rejoindre l’espace de Mission Locale de Caen');
    const link = await mailedLink('ines.moreau@example.org', 'invitation', '/invitation/');

    const ines = browser();
    const page = await ines.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const words = text(page.body);
    expect(words).toContain('Rejoindre Mission Locale de Caen');
    expect(words).toContain('Créez votre compte');
    expect(words).toContain('ines.moreau@example.org');
    const token = csrfOf(page.body);

    const refusals: [Record<string, string>, number, string][] = [
      [{ name: 'Inès Moreau', password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD }, 403, FR.csrf],
      [{ _csrf: token, name: '', password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD }, 422, FR.required],
      [{ _csrf: token, name: 'Inès\u0000', password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD }, 422, FR.control],
      [{ _csrf: token, name: 'x'.repeat(5000), password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD }, 422, FR.tooLong(200)],
      [{ _csrf: token, name: 'Inès Moreau', password: 'court', passwordConfirmation: 'court' }, 422, FR.tooShort],
      [{ _csrf: token, name: 'Inès Moreau', password: NEW_PASSWORD, passwordConfirmation: 'pas pareil du tout' }, 422, FR.mismatch],
    ];
    for (const [form, status, message] of refusals) {
      const r = await ines.post(link, form);
      expect(r.statusCode, JSON.stringify(form).slice(0, 60)).toBe(status);
      expect(text(r.body)).toContain(message);
    }
    expect(await findUserByEmail(db(), 'ines.moreau@example.org')).toBeUndefined();

    const accepted = await ines.post(link, {
      _csrf: token,
      name: '<b>Inès</b> Moreau',
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
    });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe('/espace');
    const home = await ines.get('/espace');
    expect(home.statusCode).toBe(200);
    expect(text(home.body)).toContain('Vous travaillez pour Mission Locale de Caen.');
    expect(home.body).toContain('&lt;b&gt;Inès&lt;/b&gt; Moreau');
    const user = await findUserByEmail(db(), 'ines.moreau@example.org');
    expect((await findMembership(db(), user!.id, caen))?.role).toBe('advisor');
    expect(await auditCount('member.joined')).toBe(1);

    // Once only; opened again, it tells the new member to sign in, not to ask for a new invitation.
    const again = await browser().get(link);
    expect(again.statusCode).toBe(410);
    expect(text(again.body)).toContain('Cette invitation a déjà servi');
    expect(text(again.body)).toContain('votre compte existe. Connectez-vous');
    expect(again.body).toContain('<a class="button" href="/connexion">Se connecter</a>');
    expect(text(again.body)).not.toContain('Demandez à l’administrateur');
    // The pending list is empty again; the name is escaped on the members page.
    const members = await lea.get('/espace/membres');
    expect(text(members.body)).toContain('Aucune invitation en attente.');
    expect(members.body).toContain('&lt;b&gt;Inès&lt;/b&gt; Moreau');
    expect(members.body).not.toContain('<b>Inès</b>');
  });

  it('invites someone who has an account: they sign in to accept, and arrive in the structure', async () => {
    expect((await invite(lea, 'omar.benali@example.org', 'admin')).statusCode).toBe(303);
    const link = await mailedLink('omar.benali@example.org', 'invitation', '/invitation/');
    const omar = browser();
    const page = await omar.get(link);
    expect(text(page.body)).toContain('Connectez-vous pour accepter');
    expect(page.body).toContain('autocomplete="current-password"');
    const token = csrfOf(page.body);
    const wrong = await omar.post(link, { _csrf: token, password: 'pas le bon mot de passe' });
    expect(wrong.statusCode).toBe(401);
    expect(text(wrong.body)).toContain(FR.invalid);
    const empty = await omar.post(link, { _csrf: token, password: '' });
    expect(empty.statusCode).toBe(422);
    const user = await findUserByEmail(db(), 'omar.benali@example.org');
    expect(await findMembership(db(), user!.id, caen)).toBeUndefined();

    const ok = await omar.post(link, { _csrf: token, password: PASSWORD });
    expect(ok.statusCode).toBe(303);
    expect(text((await omar.get('/espace')).body)).toContain('Vous travaillez pour Mission Locale de Caen.');
    expect((await findMembership(db(), user!.id, caen))?.role).toBe('admin');
    expect((await findMembership(db(), user!.id, alencon))?.role).toBe('advisor');
  });

  it('someone already signed in accepts with one button; another account is refused and nothing changes', async () => {
    expect((await invite(lea, 'nadia.ali@example.org', 'advisor')).statusCode).toBe(303);
    const link = await mailedLink('nadia.ali@example.org', 'invitation', '/invitation/');

    // Hugo, signed in, opens Nadia's link.
    const wrongPage = await hugo.get(link);
    expect(text(wrongPage.body)).toContain('Cette invitation est adressée à nadia.ali@example.org');
    // Even with a valid token for this link (got without his session, same browser), he cannot accept it.
    const sameBrowserSignedOut = browser();
    for (const [name, value] of hugo.cookies) if (!name.includes('session')) sameBrowserSignedOut.cookies.set(name, value);
    const token = csrfOfForm((await sameBrowserSignedOut.get(link)).body, link);
    const refused = await hugo.post(link, { _csrf: token });
    expect(refused.statusCode).toBe(403);

    const page = await nadia.get(link);
    expect(text(page.body)).toContain('Accepter l’invitation');
    const accepted = await nadia.post(link, { _csrf: csrfOfForm(page.body, link) });
    expect(accepted.statusCode, text(accepted.body).slice(0, 3000)).toBe(303);
    expect(text((await nadia.get('/espace')).body)).toContain('Vous travaillez pour Mission Locale de Caen.');
    const user = await findUserByEmail(db(), 'nadia.ali@example.org');
    expect((await findMembership(db(), user!.id, caen))?.role).toBe('advisor');
    // Back to her own structure for the next tests.
    await nadia.post('/espace/structure/changer', { _csrf: await nadia.token(), structureId: alencon });
    expect(text((await nadia.get('/espace')).body)).toContain('Vous travaillez pour AFPA Alençon.');
  });

  it('re-sends (the old link stops working) and cancels (the link stops working)', async () => {
    await invite(lea, 'jules.lambert@example.org', 'advisor');
    const first = await mailedLink('jules.lambert@example.org', 'invitation', '/invitation/');
    const id = invitationId((await lea.get('/espace/membres')).body, 'jules.lambert@example.org');

    advance(MINUTE); // the re-sent email is the newer one
    const resent = await lea.post(`/espace/membres/invitations/${id}/renvoyer`, { _csrf: await lea.token('/espace/membres') });
    expect(resent.statusCode).toBe(303);
    expect(text((await lea.get(resent.headers.location as string)).body)).toContain(
      'Nouvelle invitation enregistrée pour jules.lambert@example.org, mais pas envoyée',
    );
    const second = await mailedLink('jules.lambert@example.org', 'invitation', '/invitation/');
    expect(second).not.toBe(first);
    expect((await browser().get(first)).statusCode).toBe(410);
    expect((await browser().get(second)).statusCode).toBe(200);

    const newId = invitationId((await lea.get('/espace/membres')).body, 'jules.lambert@example.org');
    // Without the token, nothing happens.
    expect((await lea.post(`/espace/membres/invitations/${newId}/annuler`, {})).statusCode).toBe(403);
    expect((await browser().get(second)).statusCode).toBe(200);
    const cancelled = await lea.post(`/espace/membres/invitations/${newId}/annuler`, { _csrf: await lea.token('/espace/membres') });
    expect(cancelled.statusCode).toBe(303);
    expect((await browser().get(second)).statusCode).toBe(410);
    expect(await auditCount('member.invitation_cancelled')).toBe(1);
    expect(await auditCount('member.invitation_resent')).toBe(1);
    // Gone: a second cancel is a 404.
    const twice = await lea.post(`/espace/membres/invitations/${newId}/annuler`, { _csrf: await lea.token('/espace/membres') });
    expect(twice.statusCode).toBe(404);
  });

  it('an invitation expires after 7 days, and is then shown as expired, ready to be sent again', async () => {
    await invite(lea, 'zoe.garnier@example.org', 'advisor');
    const link = await mailedLink('zoe.garnier@example.org', 'invitation', '/invitation/');
    advance(7 * 24 * 60 * MINUTE + MINUTE);
    expect((await browser().get(link)).statusCode).toBe(410);
    await lea.signIn('lea.martin@example.org', PASSWORD);
    await hugo.signIn('hugo.petit@example.org', PASSWORD);
    await nadia.signIn('nadia.ali@example.org', PASSWORD);
    expect(text((await lea.get('/espace/membres')).body)).toMatch(/zoe\.garnier@example\.org conseiller ou conseillère .* expirée/);
  });

  it('refuses to invite a member twice, and hostile input in the invitation form', async () => {
    const dup = await invite(lea, 'hugo.petit@example.org', 'advisor');
    expect(dup.statusCode).toBe(409);
    expect(text(dup.body)).toContain('Cette personne est déjà membre de la structure.');
    const cases: [Record<string, string | string[]>, string][] = [
      [{ email: '', role: 'advisor' }, FR.required],
      [{ email: '<script>alert(1)</script>', role: 'advisor' }, FR.email],
      [{ email: `${'a'.repeat(5000)}@example.org`, role: 'advisor' }, FR.tooLong(320)],
      [{ email: 'x@example.org', role: 'superadmin' }, 'Cette valeur n’est pas valide.'],
      [{ email: 'x@example.org', role: '' }, FR.required],
      [{ email: 'x@example.org', role: ['admin', 'advisor'] }, 'Cette valeur n’est pas valide.'],
    ];
    for (const [form, message] of cases) {
      const r = await invite(lea, form.email as string, form.role as string);
      expect(r.statusCode, JSON.stringify(form).slice(0, 60)).toBe(422);
      expect(text(r.body)).toContain(message);
      expect(r.body).not.toContain('<script>alert(1)');
    }
    expect(await outboxCount('x@example.org')).toBe(0);
    // Without the session's token.
    const forged = await lea.post('/espace/membres/invitations', { email: 'y@example.org', role: 'admin' });
    expect(forged.statusCode).toBe(403);
    expect(await outboxCount('y@example.org')).toBe(0);
  });

  it('an advisor cannot invite or manage members', async () => {
    const token = await hugo.token();
    const hugoUser = await findUserByEmail(db(), 'hugo.petit@example.org');
    for (const [path, form] of [
      ['/espace/membres/invitations', { email: 'z@example.org', role: 'admin' }],
      [`/espace/membres/${hugoUser!.id}/role`, { role: 'admin' }],
      [`/espace/membres/${hugoUser!.id}/retirer`, {}],
    ] as const) {
      const r = await hugo.post(path, { _csrf: token, ...form });
      expect(r.statusCode, path).toBe(403);
      expect(text(r.body)).toContain(FR.adminOnly);
    }
    expect((await findMembership(db(), hugoUser!.id, caen))?.role).toBe('advisor');
  });

  it('the admin of another structure gets 404 on this structure’s members and invitations', async () => {
    await invite(lea, 'autre@example.org', 'advisor');
    const id = invitationId((await lea.get('/espace/membres')).body, 'autre@example.org');
    const hugoUser = await findUserByEmail(db(), 'hugo.petit@example.org');
    const token = await nadia.token();
    for (const [path, form] of [
      [`/espace/membres/invitations/${id}/annuler`, {}],
      [`/espace/membres/invitations/${id}/renvoyer`, {}],
      [`/espace/membres/${hugoUser!.id}/role`, { role: 'admin' }],
      [`/espace/membres/${hugoUser!.id}/retirer`, {}],
      ['/espace/membres/pas-un-id/retirer', {}],
      [`/espace/membres/invitations/${'z'.repeat(64)}/annuler`, {}],
    ] as const) {
      const r = await nadia.post(path, { _csrf: token, ...form });
      expect(r.statusCode, path).toBe(404);
    }
    expect((await findMembership(db(), hugoUser!.id, caen))?.role).toBe('advisor');
    expect(text((await lea.get('/espace/membres')).body)).toContain('autre@example.org');
  });

  it('changes a role and removes a member; never the last admin, not even oneself', async () => {
    const leaUser = (await findUserByEmail(db(), 'lea.martin@example.org'))!;
    const omarUser = (await findUserByEmail(db(), 'omar.benali@example.org'))!;
    const hugoUser = (await findUserByEmail(db(), 'hugo.petit@example.org'))!;
    const token = () => lea.token('/espace/membres');

    // Omar (admin since his invitation) leaves: Léa is the last admin again.
    expect((await lea.post(`/espace/membres/${omarUser.id}/retirer`, { _csrf: await token() })).statusCode).toBe(303);
    expect(await findMembership(db(), omarUser.id, caen)).toBeUndefined();
    expect(await findMembership(db(), omarUser.id, alencon)).toBeDefined(); // his account and other structure stay

    const demote = await lea.post(`/espace/membres/${leaUser.id}/role`, { _csrf: await token(), role: 'advisor' });
    expect(demote.statusCode).toBe(409);
    expect(text(demote.body)).toContain(FR.lastAdmin);
    const leave = await lea.post(`/espace/membres/${leaUser.id}/retirer`, { _csrf: await token() });
    expect(leave.statusCode).toBe(409);
    expect((await findMembership(db(), leaUser.id, caen))?.role).toBe('admin');
    expect(text((await lea.get('/espace/membres')).body)).toContain('Seul administrateur');

    // Hostile role values.
    for (const role of ['root', '', '<b>admin</b>', 'x'.repeat(5000)]) {
      const r = await lea.post(`/espace/membres/${hugoUser.id}/role`, { _csrf: await token(), role });
      expect(r.statusCode, role.slice(0, 20)).toBe(400);
    }

    const promote = await lea.post(`/espace/membres/${hugoUser.id}/role`, { _csrf: await token(), role: 'admin' });
    expect(promote.statusCode).toBe(303);
    expect((await findMembership(db(), hugoUser.id, caen))?.role).toBe('admin');
    expect(await auditCount('member.role_changed')).toBe(1);
    // Now Léa may step down.
    expect((await lea.post(`/espace/membres/${leaUser.id}/role`, { _csrf: await token(), role: 'advisor' })).statusCode).toBe(303);
    expect((await lea.get('/espace/membres')).statusCode).toBe(403);
    // Hugo gives her the role back.
    const back = await hugo.post(`/espace/membres/${leaUser.id}/role`, { _csrf: await hugo.token('/espace/membres'), role: 'admin' });
    expect(back.statusCode).toBe(303);
    const [admins] = await db()
      .select({ n: count() })
      .from(memberships)
      .where(and(eq(memberships.structureId, caen), eq(memberships.role, 'admin')));
    expect(Number(admins!.n)).toBe(2);
  });

  it('elides « de » before a structure whose name starts with a vowel, in the email and on the pages', async () => {
    const s = ctx.services;
    const insertion = (await seedStructure(s, { name: 'Insertion & Compétences' })).structure.id;
    await s.users.create(
      { email: 'alice.roux@example.org', name: 'Alice Roux', password: PASSWORD, structureId: insertion, role: 'admin' },
      CLI,
    );
    const alice = browser();
    await alice.signIn('alice.roux@example.org', PASSWORD);
    const members = await alice.get('/espace/membres');
    expect(text(members.body)).toContain('Les membres d’Insertion & Compétences');
    expect((await invite(alice, 'paul.lenoir@example.org', 'advisor')).statusCode).toBe(303);
    const mail = await latestOutboxMail(db(), 'paul.lenoir@example.org', 'invitation');
    expect(mail?.textBody).toContain('Alice Roux vous invite à rejoindre l’espace d’Insertion & Compétences sur Insigne.');
    expect(mail?.textBody).not.toContain('de Insertion');
    const link = await mailedLink('paul.lenoir@example.org', 'invitation', '/invitation/');
    const page = await browser().get(link);
    expect(text(page.body)).toContain('l’espace d’Insertion & Compétences');
    expect(text(page.body)).not.toContain('de Insertion');
  });
});

describe('the Région opens a structure and invites its first admin', () => {
  const region = browser();
  beforeAll(async () => {
    await region.signIn(REGION.email, REGION.password);
  });

  const form = (overrides: Record<string, string | string[]> = {}) => ({
    name: 'Cap Emploi Rouen',
    url: 'https://cap-emploi-rouen.example.org',
    email: 'contact@cap-emploi-rouen.example.org',
    description: 'Insertion des personnes en situation de handicap.',
    adminEmail: 'sarah.dupont@example.org',
    ...overrides,
  });

  it('refuses hostile or wrong input with a message, and creates nothing', async () => {
    const before = (await ctx.services.structures.list()).length;
    const cases: [Record<string, string | string[]>, string][] = [
      [{ name: '' }, FR.required],
      [{ name: 'x'.repeat(5000) }, FR.tooLong(200)],
      [{ url: 'javascript:alert(1)' }, FR.url],
      [{ url: 'https://exemple.org/"><script>alert(1)</script>' }, FR.url],
      [{ email: 'pas une adresse' }, FR.email],
      [{ description: 'x'.repeat(2001) }, FR.tooLong(2000)],
      [{ adminEmail: '<img src=x onerror=alert(1)>' }, FR.email],
      [{ adminEmail: '' }, FR.required],
    ];
    for (const [overrides, message] of cases) {
      const r = await region.submit('/espace/structures', '/espace/structures', form(overrides));
      expect(r.statusCode, JSON.stringify(overrides).slice(0, 60)).toBe(422);
      expect(text(r.body)).toContain(message);
      expect(r.body).not.toContain('<script>alert(1)');
      expect(r.body).not.toContain('<img src=x');
    }
    expect((await ctx.services.structures.list()).length).toBe(before);
    expect((await region.post('/espace/structures', form())).statusCode).toBe(403); // no token
    const lea = browser();
    await lea.signIn('lea.martin@example.org', PASSWORD);
    const refused = await lea.post('/espace/structures', { _csrf: await lea.token(), ...form() });
    expect(refused.statusCode).toBe(403);
    expect(text(refused.body)).toContain(FR.platformOnly);
    expect((await ctx.services.structures.list()).length).toBe(before);
  });

  it('creates the structure with its badges and key, and the invitee becomes its admin', async () => {
    const created = await region.submit('/espace/structures', '/espace/structures', form({ name: '<i>Cap</i> Emploi Rouen' }));
    expect(created.statusCode).toBe(303);
    const page = await region.get(created.headers.location as string);
    expect(text(page.body)).toContain(
      'La structure <i>Cap</i> Emploi Rouen est ouverte. L’invitation de son administrateur (sarah.dupont@example.org) n’est pas envoyée, faute de serveur d’envoi de courriels',
    );
    expect(text(page.body)).not.toContain('est envoyée à');
    expect(page.body).not.toContain('<i>Cap</i>');
    const structure = (await ctx.services.structures.list()).find((s) => s.name === '<i>Cap</i> Emploi Rouen')!;
    expect(await ctx.services.badgeClasses.listAwardable(structure.id)).toHaveLength(9);
    expect(await auditCount('structure.created')).toBeGreaterThan(0);

    const mail = await latestOutboxMail(db(), 'sarah.dupont@example.org', 'invitation');
    expect(mail?.subject).toBe('Invitation à rejoindre <i>Cap</i> Emploi Rouen sur Insigne');
    expect(mail?.htmlBody).toContain('&lt;i&gt;Cap&lt;/i&gt; Emploi Rouen');
    expect(mail?.htmlBody).not.toContain('<i>Cap</i>');
    const link = await mailedLink('sarah.dupont@example.org', 'invitation', '/invitation/');
    const sarah = browser();
    const invitation = await sarah.get(link);
    expect(text(invitation.body)).toContain('Votre rôle : administrateur ou administratrice de la structure');
    const accepted = await sarah.post(link, {
      _csrf: csrfOf(invitation.body),
      name: 'Sarah Dupont',
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
    });
    expect(accepted.statusCode).toBe(303);
    expect((await sarah.get('/espace/membres')).statusCode).toBe(200);
    expect((await sarah.get('/espace/structure')).statusCode).toBe(200);
  });
});

describe('the structure’s public profile', () => {
  const lea = browser();
  const hugo = browser();
  beforeAll(async () => {
    await lea.signIn('lea.martin@example.org', PASSWORD);
    await hugo.signIn('camille.roux@example.org', NEW_PASSWORD);
  });

  const issuerJson = async () => {
    const r = await ctx.app.inject({ method: 'GET', url: `/issuers/${caen}`, headers: { accept: 'application/ld+json' } });
    expect(r.statusCode).toBe(200);
    return JSON.parse(r.body);
  };
  const profile = (overrides: Record<string, string | string[]> = {}) => ({
    name: 'Mission Locale Caen la Mer',
    url: 'https://www.missionlocale-caenlamer.example.org',
    email: 'accueil@missionlocale-caenlamer.example.org',
    description: 'Accompagnement des 16-25 ans : emploi, formation, logement.',
    telephone: '02 31 00 00 00',
    ...overrides,
  });

  it('shows the current profile, for admins only', async () => {
    const page = await lea.get('/espace/structure');
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('Le profil public de la structure');
    expect(page.body).toContain('value="Mission Locale de Caen"');
    expect(page.body).toContain(`href="${TEST_PUBLIC_URL}/issuers/${caen}"`);
    const advisor = await hugo.get('/espace/structure');
    expect(advisor.statusCode).toBe(403);
    const refused = await hugo.post('/espace/structure', { _csrf: await hugo.token(), ...profile() });
    expect(refused.statusCode).toBe(403);
  });

  it('an edit shows at once in the issuer Profile (JSON) and on the public page', async () => {
    expect((await issuerJson()).name).toBe('Mission Locale de Caen'); // now cached
    const saved = await lea.submit('/espace/structure', '/espace/structure', profile({ name: 'Mission Locale <Caen> & "la Mer"' }));
    expect(saved.statusCode).toBe(303);
    expect(text((await lea.get(saved.headers.location as string)).body)).toContain('Profil enregistré');
    const issuer = await issuerJson();
    expect(issuer).toMatchObject({
      name: 'Mission Locale <Caen> & "la Mer"',
      url: 'https://www.missionlocale-caenlamer.example.org',
      email: 'accueil@missionlocale-caenlamer.example.org',
      description: 'Accompagnement des 16-25 ans : emploi, formation, logement.',
      telephone: '02 31 00 00 00',
    });
    const html = await ctx.app.inject({ method: 'GET', url: `/issuers/${caen}`, headers: { accept: 'text/html' } });
    expect(html.body).toContain('Mission Locale &lt;Caen&gt; &amp; &quot;la Mer&quot;');
    expect(html.body).not.toContain('<Caen>');
    expect(await auditCount('structure.profile_updated')).toBe(1);

    // Emptying the optional fields removes them from the Profile.
    await lea.submit('/espace/structure', '/espace/structure', profile({ description: '', telephone: '' }));
    const cleared = await issuerJson();
    expect(cleared.description).toBeUndefined();
    expect(cleared.telephone).toBeUndefined();
    expect(cleared.name).toBe('Mission Locale Caen la Mer');
  });

  it('hostile input: refused with a message, nothing changed, never a 500', async () => {
    const before = await issuerJson();
    const cases: [Record<string, string | string[]>, string][] = [
      [{ name: '' }, FR.required],
      [{ name: 'Caen\u0000' }, FR.control],
      [{ description: 'a\u0000b' }, FR.control],
      [{ name: 'x'.repeat(10_000) }, FR.tooLong(200)],
      [{ url: 'javascript:alert(document.cookie)' }, FR.url],
      [{ url: 'ftp://exemple.org' }, FR.url],
      [{ url: '' }, FR.required],
      [{ email: '"><script>alert(1)</script>' }, FR.email],
      [{ description: 'x'.repeat(2001) }, FR.tooLong(2000)],
      [{ telephone: '<script>alert(1)</script>' }, FR.telephone],
      [{ telephone: '1'.repeat(300) }, FR.tooLong(30)],
      [{ name: ['a', 'b'] }, 'Cette valeur n’est pas valide.'],
    ];
    for (const [overrides, message] of cases) {
      const r = await lea.submit('/espace/structure', '/espace/structure', profile(overrides));
      expect(r.statusCode, JSON.stringify(overrides).slice(0, 60)).toBe(422);
      expect(text(r.body)).toContain(message);
      expect(r.body).not.toContain('<script>alert(1)');
    }
    const forged = await lea.post('/espace/structure', profile({ name: 'Forgé' }));
    expect(forged.statusCode).toBe(403);
    expect(await issuerJson()).toEqual(before);
    // Percent-escapes that are not UTF-8 are kept as typed: stored and published as plain text, never a 500.
    const raw = await lea.request('POST', '/espace/structure', {
      raw: `_csrf=${encodeURIComponent(await lea.token('/espace/structure'))}&name=%FF%FE&url=https%3A%2F%2Fa.example.org&email=a%40example.org`,
    });
    expect(raw.statusCode).toBe(303);
    expect((await issuerJson()).name).toBe('%FF%FE');
  });

  it('a logo: PNG or SVG, checked, published as the issuer’s image; hostile files refused; removable', async () => {
    const png = new Uint8Array(readFileSync(new URL('../../assets/catalogue/communiquer-je-pratique.png', import.meta.url)));
    const upload = async (who: InjectBrowser, file: { name: string; type: string; bytes: Uint8Array | string } | null, token?: string) => {
      const boundary = '----insigne-test-boundary';
      const parts: Buffer[] = [];
      const csrf = token ?? csrfOfForm((await who.get('/espace/structure')).body, '/espace/structure/logo');
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`));
      if (file) {
        parts.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="logo"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
          ),
          Buffer.from(file.bytes),
          Buffer.from('\r\n'),
        );
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      return who.request('POST', '/espace/structure/logo', {
        raw: Buffer.concat(parts),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
    };
    const image = () => ctx.app.inject({ method: 'GET', url: `/issuers/${caen}/image` });
    expect((await image()).statusCode).toBe(404);

    const refusals: [Parameters<typeof upload>[1], string][] = [
      [null, 'Choisissez un fichier PNG ou SVG.'],
      // What a browser sends when no file was chosen: a part with no name and no bytes.
      [{ name: '', type: 'application/octet-stream', bytes: '' }, 'Choisissez un fichier PNG ou SVG.'],
      [{ name: 'logo.png', type: 'image/png', bytes: '' }, 'Ce fichier est vide.'],
      [{ name: 'logo.png', type: 'image/png', bytes: 'pas une image' }, 'n’est pas une image PNG ou SVG lisible'],
      [{ name: 'logo.png', type: 'image/png', bytes: png.slice(0, 200) }, 'n’est pas une image PNG ou SVG lisible'],
      [
        {
          name: 'logo.svg',
          type: 'image/svg+xml',
          bytes:
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text>&b;</text></svg>',
        },
        'Ce fichier SVG contient des éléments refusés (script, lien externe',
      ],
      [{ name: '<b>logo</b>.svg', type: 'image/svg+xml', bytes: png }, 'Le nom du fichier ne correspond pas à son contenu'],
    ];
    for (const [file, message] of refusals) {
      const r = await upload(lea, file);
      expect(r.statusCode, file?.name ?? 'no file').toBe(422);
      expect(text(r.body)).toContain(message);
      expect(r.body).not.toContain('<script>alert(1)');
    }
    // Past the body limit the file is refused before it is read: the profile page again, saying why.
    const huge = await upload(lea, { name: 'énorme.png', type: 'image/png', bytes: new Uint8Array(2 * 1024 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toContain('text/html');
    expect(text(huge.body)).toContain('Ce fichier est trop lourd : 512 Ko au maximum.');
    expect(huge.body).toContain('href="#logo"');
    expect(huge.body).toContain('action="/espace/structure/logo"');
    expect((await image()).statusCode).toBe(404);
    // Without the token, or as an advisor: refused.
    expect((await upload(lea, { name: 'logo.png', type: 'image/png', bytes: png }, 'faux.jeton')).statusCode).toBe(403);
    expect((await upload(hugo, { name: 'logo.png', type: 'image/png', bytes: png }, await hugo.token())).statusCode).toBe(403);
    expect((await image()).statusCode).toBe(404);

    const published = await upload(lea, { name: 'logo.png', type: 'image/png', bytes: png });
    expect(published.statusCode).toBe(303);
    expect(text((await lea.get('/espace/structure?logo=publie')).body)).toContain('Logo publié');
    const served = await image();
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect((await issuerJson()).image).toBe(`${TEST_PUBLIC_URL}/issuers/${caen}/image`);

    // Script and outside references are stripped; what is published is a PNG rendered from what remains.
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100" onload="alert(1)"><script>alert(1)</script>' +
      '<image href="https://evil.example/x.png" width="10" height="10"/><rect width="300" height="100" fill="#1d4e89"/></svg>';
    expect((await upload(lea, { name: 'logo.svg', type: 'image/svg+xml', bytes: svg })).statusCode).toBe(303);
    const rendered = await image();
    expect(rendered.headers['content-type']).toBe('image/png');
    expect(rendered.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect(rendered.rawPayload.toString('latin1')).not.toContain('evil.example');
    expect(await auditCount('structure.logo_updated')).toBe(2);

    const removed = await lea.post('/espace/structure/logo/retirer', { _csrf: await lea.token('/espace/structure') });
    expect(removed.statusCode).toBe(303);
    expect((await image()).statusCode).toBe(404);
    expect((await issuerJson()).image).toBeUndefined();
  });
});
