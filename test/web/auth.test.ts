import { createHash } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMembership } from '../../src/db/repositories/users.ts';
import { auditEvents, platformSetup, sessions, signInAttempts, users } from '../../src/db/schema.ts';
import { SESSION_IDLE_MS } from '../../src/services/staff-sign-in.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';
import type { Response as InjectResponse } from 'light-my-request';
import { csrfOf, InjectBrowser, pageText as text } from '../support/inject-browser.ts';

/**
 * Getting in, through fastify's real request path (app.inject) with a small
 * cookie jar per "browser": the one-time setup, signing in and out, CSRF on
 * every form, the slowing down of guesses, sessions and their expiry, the
 * guards of the workspace pages for each role, switching structures, and
 * hostile input in every field (escaped or refused with a message, never a 500).
 *
 * PUBLIC_URL is https here, so the cookies are Secure and __Host- prefixed.
 */
const MINUTE = 60_000;
const CLI = { kind: 'cli' } as const;
const SESSION_COOKIE = '__Host-insigne_session';
const CSRF_COOKIE = '__Host-insigne_csrf';

const FR = {
  csrf: 'Cette demande a été refusée : la page était trop ancienne, ou le formulaire ne venait pas d’Insigne.',
  invalid: 'Adresse e-mail ou mot de passe incorrect.',
  required: 'Ce champ est obligatoire.',
  email: 'Saisissez une adresse e-mail complète, par exemple prenom.nom@exemple.fr.',
  tooLong: (max: number) => `Ce texte est trop long : ${max} caractères au maximum.`,
  control: 'Ce texte contient des caractères non autorisés',
  notValid: 'Cette valeur n’est pas valide.',
  mismatch: 'Les deux mots de passe ne sont pas identiques.',
  throttled1: 'Trop de tentatives de connexion. Pour protéger les comptes, réessayez dans 1 minute.',
  notMember: 'Vous n’êtes pas membre de cette structure.',
  adminOnly: 'Cette page est réservée aux administrateurs de la structure.',
  memberOnly: 'Cette page est réservée aux membres d’une structure.',
  platformOnly: 'Cette page est réservée à l’administration de la plateforme.',
};

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let clock = new Date('2026-04-06T07:30:00Z');
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const db = () => ctx.platform.database.db;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

let ipCounter = 0;

/** A person's browser on this file's app (test/support/inject-browser.ts). */
class Browser extends InjectBrowser {
  constructor(ip = `203.0.113.${++ipCounter}`) {
    super(() => ctx.app, ip);
  }
}

async function platformAdmins() {
  const [row] = await db().select({ n: count() }).from(users).where(eq(users.isPlatformAdmin, true));
  return Number(row!.n);
}

async function auditCount(action: string) {
  const [row] = await db().select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, action));
  return Number(row!.n);
}

const REGION = { name: 'Région Normandie', email: 'formation@normandie.example.org', password: 'une phrase de passe solide' };
const PASSWORD = 'le mot de passe de l’équipe';
const setupForm = (overrides: Record<string, string | string[]> = {}) => ({
  name: REGION.name,
  email: REGION.email,
  password: REGION.password,
  passwordConfirmation: REGION.password,
  ...overrides,
});

beforeAll(async () => {
  ctx = await startTestApp({ now: () => clock });
});

afterAll(async () => {
  await ctx?.close();
});

describe('first start: the one-time setup', () => {
  it('the home page and the sign-in page lead to it', async () => {
    const browser = new Browser();
    const home = await browser.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Première mise en service');
    expect(home.body).toContain('href="/setup"');
    const signIn = await browser.get('/connexion');
    expect(text(signIn.body)).toContain('La plateforme n’est pas encore mise en service.');
    expect(signIn.body).toContain('href="/setup"');
  });

  it('explains itself, labels every field, and sets its CSRF cookie', async () => {
    const browser = new Browser();
    const page = await browser.get('/setup');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(text(page.body)).toContain('Cette page ne sert qu’une fois.');
    for (const id of ['name', 'email', 'password', 'passwordConfirmation']) {
      expect(page.body).toContain(`<label for="${id}">`);
      expect(page.body).toMatch(new RegExp(`id="${id}"[^>]*aria-describedby="${id}-hint"`));
    }
    expect(page.body).toContain('autocomplete="new-password"');
    const cookie = (page.cookies as { name: string; httpOnly?: boolean; secure?: boolean; sameSite?: string; path?: string }[]).find(
      (c) => c.name === CSRF_COOKIE,
    );
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
  });

  it('refuses a post without the right token with a 403 in French, and creates nothing', async () => {
    const browser = new Browser();
    const page = await browser.get('/setup');
    const other = new Browser();
    const othersToken = csrfOf((await other.get('/setup')).body);
    const cases: [string, () => Promise<InjectResponse>][] = [
      ['no token', () => browser.request('POST', '/setup', { form: setupForm() })],
      ['an empty token', () => browser.request('POST', '/setup', { form: { _csrf: '', ...setupForm() } })],
      ['another browser’s token', () => browser.request('POST', '/setup', { form: { _csrf: othersToken, ...setupForm() } })],
      ['a forged token', () => browser.request('POST', '/setup', { form: { _csrf: 'abc.def', ...setupForm() } })],
      ['a 10,000-character token', () => browser.request('POST', '/setup', { form: { _csrf: 'x'.repeat(10_000), ...setupForm() } })],
      ['two tokens', () => browser.request('POST', '/setup', { form: { _csrf: [csrfOf(page.body), csrfOf(page.body)], ...setupForm() } })],
      [
        'the right token, but no cookie',
        () => new Browser().request('POST', '/setup', { form: { _csrf: csrfOf(page.body), ...setupForm() } }),
      ],
      [
        'the right token, sent from another site',
        () =>
          browser.request('POST', '/setup', {
            form: { _csrf: csrfOf(page.body), ...setupForm() },
            headers: { 'sec-fetch-site': 'cross-site' },
          }),
      ],
    ];
    for (const [label, send] of cases) {
      const response = await send();
      expect(response.statusCode, label).toBe(403);
      expect(text(response.body), label).toContain(FR.csrf);
    }
    expect(await platformAdmins()).toBe(0);
  });

  it('explains each mistake next to its field and in a summary that takes the focus', async () => {
    const browser = new Browser();
    const response = await browser.submit('/setup', '/setup', {
      name: '',
      email: 'pas-une-adresse',
      password: 'court',
      passwordConfirmation: 'court',
    });
    expect(response.statusCode).toBe(422);
    const html = response.body;
    expect(html).toMatch(/<title>Erreur : Mise en service de la plateforme/);
    expect(html).toMatch(/<div class="error-summary" tabindex="-1" autofocus>/);
    expect(html).toContain(`<a href="#name">Votre nom : ${FR.required}</a>`);
    expect(html).toContain(`<a href="#email">Adresse e-mail : ${FR.email}</a>`);
    expect(html).toContain('<a href="#password">Mot de passe : Saisissez au moins 12 caractères.</a>');
    for (const id of ['name', 'email', 'password']) {
      expect(html).toMatch(new RegExp(`id="${id}"[^>]*aria-describedby="${id}-hint ${id}-error" aria-invalid="true"`));
      expect(html).toContain(`<p class="field-error" id="${id}-error">`);
    }
    // What was typed comes back, except the passwords.
    expect(html).toContain('value="pas-une-adresse"');
    expect(html).not.toContain('court');

    const mismatch = await browser.submit('/setup', '/setup', setupForm({ passwordConfirmation: 'une autre phrase de passe' }));
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.body).toContain(`<a href="#passwordConfirmation">Confirmez le mot de passe : ${FR.mismatch}`);
    expect(await platformAdmins()).toBe(0);
  });

  it('hostile input in every field: shown as text or refused with a message, never a 500', async () => {
    const browser = new Browser();
    const long = 'é'.repeat(10_000);
    const cases: [string, Record<string, string | string[]>, string][] = [
      ['markup in the name', setupForm({ name: '<script>alert(1)</script>', email: 'x' }), FR.email],
      ['markup in the email', setupForm({ email: '"><script>alert(1)</script>' }), FR.email],
      ['10,000 characters of name', setupForm({ name: long }), FR.tooLong(200)],
      ['10,000 characters of email', setupForm({ email: `${long}@example.org` }), FR.tooLong(320)],
      ['10,000 characters of password', setupForm({ password: long, passwordConfirmation: long }), FR.tooLong(200)],
      ['10,000 characters of confirmation', setupForm({ passwordConfirmation: long }), FR.mismatch],
      ['a NUL in the name', setupForm({ name: 'Région\u0000Normandie' }), FR.control],
      ['a line break in the name', setupForm({ name: 'Région\nNormandie' }), FR.control],
      ['the name twice', setupForm({ name: ['Région', 'Normandie'] }), FR.notValid],
      ['no field at all', {}, FR.required],
    ];
    for (const [label, form, message] of cases) {
      const response = await browser.submit('/setup', '/setup', form);
      expect(response.statusCode, label).toBe(422);
      expect(text(response.body), label).toContain(message);
      expect(response.body, label).not.toContain('<script>alert(1)</script>');
    }
    const markup = await browser.submit('/setup', '/setup', setupForm({ name: '<script>alert(1)</script>', email: 'x' }));
    expect(markup.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');

    // Bodies no form would send: broken percent-encoding, Latin-1 bytes, JSON, an oversized body, multipart.
    const token = csrfOf((await browser.get('/setup')).body);
    const raw = [
      `_csrf=${encodeURIComponent(token)}&name=%FF%FE%ZZ&email=%E9t%E9&password=%00&passwordConfirmation=%`,
      `_csrf=${encodeURIComponent(token)}&name[$gt]=&email[]=a&email[]=b`,
    ];
    for (const body of raw) {
      const response = await browser.request('POST', '/setup', { raw: body });
      expect(response.statusCode, body).toBe(422);
    }
    const json = await browser.request('POST', '/setup', {
      raw: JSON.stringify({ _csrf: token, name: { $ne: null }, email: ['a'], password: 1 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(json.statusCode).toBe(422);
    // Half a UTF-16 pair cannot travel in a urlencoded form (it becomes U+FFFD), but it can in JSON.
    const surrogate = await browser.request('POST', '/setup', {
      raw: JSON.stringify({ _csrf: token, ...setupForm({ name: 'Région \ud800' }) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(surrogate.statusCode).toBe(422);
    expect(text(surrogate.body)).toContain(FR.control);
    const huge = await browser.request('POST', '/setup', { raw: `_csrf=${token}&name=${'a'.repeat(1_100_000)}` });
    expect(huge.statusCode).toBe(413);
    expect(text(huge.body)).toContain('Les données envoyées sont trop volumineuses.');
    const multipart = await browser.request('POST', '/setup', {
      raw: '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nA\r\n--x--',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    expect(multipart.statusCode).toBe(415);
    expect(await platformAdmins()).toBe(0);
  });

  it('two setups sent at the same moment create exactly one administrator', async () => {
    const [first, second] = [new Browser(), new Browser()];
    const [tokenA, tokenB] = [csrfOf((await first.get('/setup')).body), csrfOf((await second.get('/setup')).body)];
    const [a, b] = await Promise.all([
      first.request('POST', '/setup', { form: { _csrf: tokenA, ...setupForm() } }),
      second.request('POST', '/setup', {
        form: { _csrf: tokenB, ...setupForm({ email: 'autre@normandie.example.org', name: 'Quelqu’un d’autre' }) },
      }),
    ]);
    const statuses = [a.statusCode, b.statusCode].sort();
    expect(statuses[0]).toBe(303);
    expect([404, 409]).toContain(statuses[1]);
    const winner = a.statusCode === 303 ? a : b;
    expect(winner.headers.location).toBe('/connexion?bienvenue=1');
    const loser = winner === a ? b : a;
    if (loser.statusCode === 409) expect(text(loser.body)).toContain('La plateforme est déjà mise en service : connectez-vous.');
    expect(await platformAdmins()).toBe(1);
    expect(await db().select().from(platformSetup)).toHaveLength(1);
    // Whichever won, the account below is the one the rest of this file uses.
    if (winner === b) await db().update(users).set({ email: REGION.email, name: REGION.name }).where(eq(users.isPlatformAdmin, true));
    expect(await auditCount('platform.setup')).toBe(1);
  });

  it('is gone once done: 404 for the page and the form, and the home page no longer offers it', async () => {
    const browser = new Browser();
    expect((await browser.get('/setup')).statusCode).toBe(404);
    const token = csrfOf((await browser.get('/connexion')).body);
    const post = await browser.request('POST', '/setup', {
      form: { _csrf: token, ...setupForm({ email: 'troisieme@normandie.example.org' }) },
    });
    expect(post.statusCode).toBe(404);
    expect(await platformAdmins()).toBe(1);
    const home = await browser.get('/');
    expect(home.body).not.toContain('href="/setup"');
    expect(home.body).toContain('href="/connexion"');
  });
});

describe('signing in and out', () => {
  let structureA: string;
  beforeAll(async () => {
    const seeded = await seedStructure(ctx.services, { name: 'Mission Locale de Caen' });
    structureA = seeded.structure.id;
    await ctx.services.users.create(
      { email: 'camille.roux@example.org', name: 'Camille Roux', password: PASSWORD, structureId: structureA, role: 'advisor' },
      CLI,
    );
  });

  it('the sign-in page explains itself; after the setup it says the account is ready', async () => {
    const page = await new Browser().get('/connexion?bienvenue=1');
    expect(page.statusCode).toBe(200);
    const words = text(page.body);
    expect(words).toContain('Le compte administrateur est créé.');
    expect(words).toContain('Mot de passe oublié ?');
    expect(words).toContain('la session se ferme après 8 heures sans activité');
    expect(page.body).toContain('autocomplete="username"');
    expect(page.body).toContain('autocomplete="current-password"');
    expect(page.body).not.toContain('href="/setup"');
  });

  it('a wrong password and an unknown email get the same page', async () => {
    const browser = new Browser();
    const wrong = await browser.submit('/connexion', '/connexion', { email: 'camille.roux@example.org', password: 'pas le bon' });
    const unknown = await browser.submit('/connexion', '/connexion', { email: 'inconnu@example.org', password: 'pas le bon' });
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(text(response.body)).toContain(FR.invalid);
      expect(response.body).toContain('<a href="#email" id="form-error">');
      expect(response.body).toMatch(/id="password"[^>]*aria-describedby="form-error"/);
      expect(response.body).not.toContain('pas le bon');
      expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
      // A learner who took this page for theirs is shown the way to their space.
      expect(text(response.body)).toContain('Vous avez reçu un badge ? Ouvrir mon espace');
      expect(response.body).toContain('<a href="/mon-espace">Ouvrir mon espace</a>');
    }
    // Not before a refusal: the page is the staff's.
    expect((await browser.get('/connexion')).body).not.toContain('Ouvrir mon espace');
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '');
    expect(strip(wrong.body)).toBe(strip(unknown.body));
  });

  it('signs in: a Secure, HttpOnly, SameSite=Lax session cookie, then the workspace', async () => {
    const browser = new Browser();
    const response = await browser.signIn('  Camille.Roux@Example.org ', PASSWORD);
    expect(response.headers.location).toBe('/espace');
    const cookie = (response.cookies as Record<string, unknown>[]).find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(cookie.maxAge).toBeUndefined(); // ends with the browser; the server ends it sooner if unused
    expect(cookie.domain).toBeUndefined();
    const token = cookie.value as string;
    expect(
      await db()
        .select()
        .from(sessions)
        .where(eq(sessions.idHash, sha256(token))),
    ).toHaveLength(1);

    const workspace = await browser.get('/espace');
    expect(workspace.statusCode).toBe(200);
    expect(workspace.headers['cache-control']).toBe('private, no-store');
    expect(text(workspace.body)).toContain('Bonjour Camille Roux');
  });

  it('gives a new session at each sign-in: the previous cookie no longer opens anything', async () => {
    const browser = new Browser();
    // The sign-in form of a second tab, opened before signing in in the first one.
    const secondTab = csrfOf((await browser.get('/connexion')).body);
    await browser.signIn('camille.roux@example.org', PASSWORD);
    const before = browser.cookies.get(SESSION_COOKIE)!;
    const again = await browser.request('POST', '/connexion', {
      form: { _csrf: secondTab, email: 'camille.roux@example.org', password: PASSWORD },
    });
    expect(again.statusCode).toBe(303);
    const after = browser.cookies.get(SESSION_COOKIE)!;
    expect(after).not.toBe(before);
    const thief = new Browser();
    thief.cookies.set(SESSION_COOKIE, before);
    const response = await thief.get('/espace');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/connexion');
  });

  it('refuses a sign-in post without its token, and opens no session', async () => {
    const browser = new Browser();
    await browser.get('/connexion');
    const response = await browser.request('POST', '/connexion', {
      form: { email: 'camille.roux@example.org', password: PASSWORD },
    });
    expect(response.statusCode).toBe(403);
    expect(text(response.body)).toContain(FR.csrf);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('hostile input in the sign-in fields: escaped or refused with a message, never a 500', async () => {
    const browser = new Browser();
    const cases: [Record<string, string | string[]>, number, string][] = [
      [{ email: '<script>alert(1)</script>', password: 'x' }, 401, FR.invalid],
      [{ email: 'x'.repeat(10_000), password: 'x' }, 422, FR.tooLong(320)],
      [{ email: 'camille.roux@example.org', password: 'x'.repeat(10_000) }, 422, FR.tooLong(200)],
      [{ email: 'camille.roux@example.org\u0000', password: PASSWORD }, 422, FR.control],
      [{ email: ['a@example.org', 'b@example.org'], password: PASSWORD }, 422, FR.notValid],
      [{ email: '', password: '' }, 422, FR.required],
    ];
    for (const [form, status, message] of cases) {
      const response = await browser.submit('/connexion', '/connexion', form);
      expect(response.statusCode, JSON.stringify(form).slice(0, 80)).toBe(status);
      expect(text(response.body)).toContain(message);
      expect(response.body).not.toContain('<script>alert(1)</script>');
    }
    const escaped = await browser.submit('/connexion', '/connexion', { email: '<script>alert(1)</script>', password: 'x' });
    expect(escaped.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    const token = csrfOf((await browser.get('/connexion')).body);
    const broken = await browser.request('POST', '/connexion', {
      raw: `_csrf=${encodeURIComponent(token)}&email=%FF%E9%ZZ&password=%00%`,
    });
    expect([401, 422]).toContain(broken.statusCode);
  });

  it('sends back to the page asked for, and only to a workspace page', async () => {
    const browser = new Browser();
    const asked = await browser.get('/espace/membres');
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe('/connexion?suivant=%2Fespace%2Fmembres');
    const page = await browser.get(asked.headers.location as string);
    expect(page.body).toContain('name="suivant" value="/espace/membres"');
    const response = await browser.request('POST', '/connexion', {
      form: { _csrf: csrfOf(page.body), suivant: '/espace/membres', email: 'camille.roux@example.org', password: PASSWORD },
    });
    expect(response.headers.location).toBe('/espace/membres');

    for (const suivant of ['https://evil.example', '//evil.example/espace', '/espace/../admin', '/espace?x=1', 'x'.repeat(10_000)]) {
      const other = new Browser();
      const form = await other.get(`/connexion?suivant=${encodeURIComponent(suivant)}`);
      expect(form.body).not.toContain('name="suivant"');
      const signedIn = await other.request('POST', '/connexion', {
        form: { _csrf: csrfOf(form.body), suivant, email: 'camille.roux@example.org', password: PASSWORD },
      });
      expect(signedIn.headers.location, suivant.slice(0, 40)).toBe('/espace');
    }
  });

  it('slows down guesses at one account: a clear French message and Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await new Browser().submit('/connexion', '/connexion', {
        email: 'camille.roux@example.org',
        password: `essai ${i}`,
      });
      expect(response.statusCode).toBe(401);
    }
    const browser = new Browser();
    const refused = await browser.submit('/connexion', '/connexion', { email: 'camille.roux@example.org', password: PASSWORD });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(text(refused.body)).toContain(FR.throttled1);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    advance(61_000);
    await browser.signIn('camille.roux@example.org', PASSWORD);
  });

  it('slows down guesses from one address, and only from it', async () => {
    const attacker = new Browser('192.0.2.66');
    for (let i = 0; i < 20; i++) {
      const response = await attacker.submit('/connexion', '/connexion', { email: `cible-${i}@example.org`, password: 'devinette' });
      expect(response.statusCode).toBe(401);
    }
    const refused = await attacker.submit('/connexion', '/connexion', { email: 'camille.roux@example.org', password: PASSWORD });
    expect(refused.statusCode).toBe(429);
    expect(text(refused.body)).toContain('Trop de tentatives de connexion.');
    await new Browser('192.0.2.67').signIn('camille.roux@example.org', PASSWORD);
    const [row] = await db().select({ n: count() }).from(signInAttempts).where(eq(signInAttempts.ip, '192.0.2.66'));
    expect(Number(row!.n)).toBe(20);
    advance(61_000);
  });

  it('ends a session after 8 idle hours: the next page asks to sign in again', async () => {
    const browser = new Browser();
    await browser.signIn('camille.roux@example.org', PASSWORD);
    advance(SESSION_IDLE_MS - MINUTE);
    expect((await browser.get('/espace')).statusCode).toBe(200);
    advance(SESSION_IDLE_MS + MINUTE);
    const response = await browser.get('/espace');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/connexion');
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('signs out with a CSRF-protected POST only', async () => {
    const browser = new Browser();
    await browser.signIn('camille.roux@example.org', PASSWORD);
    const token = browser.cookies.get(SESSION_COOKIE)!;
    const signOuts = await auditCount('auth.signed_out');

    const forms: Record<string, string>[] = [{}, { _csrf: 'faux.jeton' }, { _csrf: csrfOf((await new Browser().get('/connexion')).body) }];
    for (const form of forms) {
      const refused = await browser.request('POST', '/deconnexion', { form });
      expect(refused.statusCode).toBe(403);
      expect(text(refused.body)).toContain(FR.csrf);
      expect((await browser.get('/espace')).statusCode).toBe(200);
    }
    // A GET does nothing: there is no such page.
    expect((await browser.get('/deconnexion')).statusCode).toBe(404);

    const response = await browser.request('POST', '/deconnexion', { form: { _csrf: await browser.token() } });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/connexion?deconnecte=1');
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(
      await db()
        .select()
        .from(sessions)
        .where(eq(sessions.idHash, sha256(token))),
    ).toHaveLength(0);
    expect(text((await browser.get('/connexion?deconnecte=1')).body)).toContain('Vous êtes déconnecté de votre espace.');
    expect((await browser.get('/espace')).statusCode).toBe(303);
    expect(await auditCount('auth.signed_out')).toBe(signOuts + 1);
  });

  it('speaks English when asked', async () => {
    const browser = new Browser();
    const page = await browser.get('/connexion?lang=en');
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('<label for="email">Email address</label>');
    const response = await browser.submit('/connexion', '/connexion', { email: 'camille.roux@example.org', password: 'wrong' });
    expect(text(response.body)).toContain('Wrong email address or password.');
    const refused = await browser.request('POST', '/connexion', { form: { email: 'x', password: 'y' } });
    expect(text(refused.body)).toContain('This request was refused');
  });
});

describe('the workspace, by role', () => {
  const people = {
    region: new Browser(),
    /** Admin of Mission Locale de Caen, advisor of Cap Emploi Rouen. */
    lea: new Browser(),
    /** Advisor of Mission Locale de Caen. */
    hugo: new Browser(),
    /** Advisor of AFPA Alençon only: another structure. */
    omar: new Browser(),
  };
  let caen: string;
  let rouen: string;
  let alencon: string;
  let awardedIds: string[];

  beforeAll(async () => {
    const s = ctx.services;
    caen = (await s.structures.list()).find((x) => x.name === 'Mission Locale de Caen')!.id;
    const seededRouen = await seedStructure(s, { name: 'Cap Emploi Rouen' });
    rouen = seededRouen.structure.id;
    alencon = (await seedStructure(s, { name: '<b>AFPA</b> Alençon' })).structure.id;
    const lea = await s.users.create(
      { email: 'lea.martin@example.org', name: 'Léa Martin', password: PASSWORD, structureId: caen, role: 'admin' },
      CLI,
    );
    await insertMembership(db(), { userId: lea.id, structureId: rouen, role: 'advisor', createdAt: clock });
    await s.users.create(
      {
        email: 'hugo.petit@example.org',
        name: '<img src=x onerror=alert(1)> Hugo',
        password: PASSWORD,
        structureId: caen,
        role: 'advisor',
      },
      CLI,
    );
    await s.users.create(
      { email: 'omar.benali@example.org', name: 'Omar Benali', password: PASSWORD, structureId: alencon, role: 'advisor' },
      CLI,
    );
    const badges = await s.badgeClasses.listAwardable(caen);
    awardedIds = [];
    for (const [i, name] of ['Inès Moreau', 'Jules Lambert', '<i>Zoé</i> Garnier'].entries()) {
      const { assertion } = await s.awarding.award(
        { allowDuplicate: true, structureId: caen, badgeClassId: badges[i]!.id, recipient: { email: `apprenant${i}@example.org`, name } },
        CLI,
      );
      awardedIds.push(assertion.id);
    }
    await s.awarding.revoke(caen, awardedIds[0]!, 'Erreur de saisie', CLI);
    await s.awarding.award(
      {
        allowDuplicate: true,
        structureId: rouen,
        badgeClassId: seededRouen.badgeClasses[0]!.id,
        recipient: { email: 'x@example.org', name: 'Nina Rouen' },
      },
      CLI,
    );

    advance(2 * 60 * MINUTE); // clear of the earlier tests' delays
    await people.region.signIn(REGION.email, REGION.password);
    await people.lea.signIn('lea.martin@example.org', PASSWORD);
    await people.hugo.signIn('hugo.petit@example.org', PASSWORD);
    await people.omar.signIn('omar.benali@example.org', PASSWORD);
  });

  it('without a session, every workspace page sends to sign-in, and a post changes nothing', async () => {
    const stranger = new Browser();
    for (const path of ['/espace', '/espace/membres', '/espace/structures']) {
      const response = await stranger.get(path);
      expect(response.statusCode, path).toBe(303);
      expect(response.headers.location).toMatch(/^\/connexion/);
    }
    const switched = await stranger.request('POST', '/espace/structure/changer', { form: { structureId: caen } });
    expect(switched.statusCode).toBe(303);
    expect(switched.headers.location).toBe('/connexion');
  });

  it('each role reaches its pages and is refused the others with a 403 that says why', async () => {
    // Léa starts in Cap Emploi Rouen (first by name), where she is an advisor: move her to Caen.
    const lea = people.lea;
    await lea.request('POST', '/espace/structure/changer', { form: { _csrf: await lea.token(), structureId: caen } });

    const matrix: [keyof typeof people, string, number, string?][] = [
      ['region', '/espace', 200],
      ['region', '/espace/structures', 200],
      ['region', '/espace/membres', 403, FR.memberOnly],
      ['lea', '/espace', 200],
      ['lea', '/espace/membres', 200],
      ['lea', '/espace/structures', 403, FR.platformOnly],
      ['hugo', '/espace', 200],
      ['hugo', '/espace/membres', 403, FR.adminOnly],
      ['hugo', '/espace/structures', 403, FR.platformOnly],
      ['omar', '/espace', 200],
      ['omar', '/espace/membres', 403, FR.adminOnly],
      ['omar', '/espace/structures', 403, FR.platformOnly],
    ];
    for (const [who, path, status, message] of matrix) {
      const response = await people[who].get(path);
      expect(response.statusCode, `${who} ${path}`).toBe(status);
      if (message) expect(text(response.body), `${who} ${path}`).toContain(message);
    }
  });

  it('the home names the structure and the role, with the structure’s real figures and links', async () => {
    const html = (await people.lea.get('/espace')).body;
    const words = text(html);
    expect(words).toContain('Bonjour Léa Martin');
    expect(words).toContain('Vous travaillez pour Mission Locale de Caen.');
    expect(words).toContain('Votre rôle : administrateur ou administratrice de la structure.');
    expect(words).toMatch(/Badges proposés 9 Badges délivrés 3 Badges révoqués 1 Membres de l’équipe 3/);
    // Each recent award opens its detail page in the workspace.
    for (const id of awardedIds) expect(html).toContain(`href="/espace/delivres/${id}"`);
    expect(html).toContain('&lt;i&gt;Zoé&lt;/i&gt; Garnier');
    expect(words).toContain('révoqué');
    expect(html).toContain(`href="https://badges.insigne.test/issuers/${caen}"`);
    expect(html).toContain('href="/espace/membres"');
    expect(html).not.toContain('Nina Rouen'); // another structure's award

    const hugo = text((await people.hugo.get('/espace')).body);
    expect(hugo).toContain('Votre rôle : conseiller ou conseillère.');
    expect((await people.hugo.get('/espace')).body).not.toContain('href="/espace/membres"');

    const region = (await people.region.get('/espace')).body;
    expect(text(region)).toContain('Vous administrez la plateforme pour la Région');
    expect(text(region)).toMatch(/Structures 3 Badges délivrés 4 Badges révoqués 1 Comptes 5/);
  });

  it('the platform administrator sees every structure with its figures, names escaped', async () => {
    const html = (await people.region.get('/espace/structures')).body;
    const rows = [...html.matchAll(/<tr>\s*<th scope="row">([\s\S]*?)<\/tr>/g)].map((m) => text(m[1]!));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^<b>AFPA<\/b> Alençon .* 9 0 0 1$/);
    expect(rows[1]).toMatch(/^Cap Emploi Rouen .* 9 1 0 1$/);
    expect(rows[2]).toMatch(/^Mission Locale de Caen .* 9 3 1 3$/);
    expect(html).toContain('&lt;b&gt;AFPA&lt;/b&gt; Alençon');
    expect(html).not.toContain('<b>AFPA</b>');
  });

  it('the members page lists the current structure’s members only, names escaped', async () => {
    const html = (await people.lea.get('/espace/membres')).body;
    expect(text(html)).toContain('Les membres de Mission Locale de Caen');
    expect(html).toContain('lea.martin@example.org');
    expect(html).toContain('hugo.petit@example.org');
    expect(html).not.toContain('omar.benali@example.org');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; Hugo');
    expect(html).not.toContain('<img src=x');
    // Hugo's own name in the header, escaped too.
    const header = /<header[\s\S]*<\/header>/.exec((await people.hugo.get('/espace')).body)![0];
    expect(header).toContain('&lt;img src=x onerror=alert(1)&gt; Hugo');
  });

  it('switches structure from the header: only to one of the person’s own, with the session’s token', async () => {
    const lea = people.lea;
    const home = (await lea.get('/espace')).body;
    expect(home).toMatch(/<select id="structure-switch" name="structureId">/);
    expect(home).toContain(`<option value="${rouen}">Cap Emploi Rouen (conseil)</option>`);
    expect(home).toContain(`<option value="${caen}" selected>Mission Locale de Caen (administration)</option>`);
    const switches = await auditCount('auth.structure_switched');

    const refusals: [Record<string, string>, number, string][] = [
      [{ structureId: rouen }, 403, FR.csrf],
      [{ structureId: rouen, _csrf: 'faux.jeton' }, 403, FR.csrf],
      [{ structureId: rouen, _csrf: await people.hugo.token() }, 403, FR.csrf],
      [{ structureId: alencon, _csrf: await lea.token() }, 403, FR.notMember],
      [{ structureId: 'pas-un-identifiant', _csrf: await lea.token() }, 403, FR.notMember],
      [{ structureId: 'x'.repeat(10_000), _csrf: await lea.token() }, 403, FR.notMember],
      [{ _csrf: await lea.token() }, 403, FR.notMember],
    ];
    for (const [form, status, message] of refusals) {
      const response = await lea.request('POST', '/espace/structure/changer', { form });
      expect(response.statusCode, JSON.stringify(form).slice(0, 80)).toBe(status);
      expect(text(response.body)).toContain(message);
      expect(text((await lea.get('/espace')).body)).toContain('Vous travaillez pour Mission Locale de Caen.');
    }
    expect(await auditCount('auth.structure_switched')).toBe(switches);

    const moved = await lea.request('POST', '/espace/structure/changer', { form: { _csrf: await lea.token(), structureId: rouen } });
    expect(moved.statusCode).toBe(303);
    expect(moved.headers.location).toBe('/espace');
    const words = text((await lea.get('/espace')).body);
    expect(words).toContain('Vous travaillez pour Cap Emploi Rouen.');
    expect(words).toContain('Votre rôle : conseiller ou conseillère.');
    expect(words).toContain('Nina Rouen');
    expect(words).not.toContain('Jules Lambert');
    // Now an advisor here: the members page is an admin's.
    expect((await lea.get('/espace/membres')).statusCode).toBe(403);
    expect(await auditCount('auth.structure_switched')).toBe(switches + 1);

    // Omar cannot move into Caen by naming it.
    const omar = await people.omar.request('POST', '/espace/structure/changer', {
      form: { _csrf: await people.omar.token(), structureId: caen },
    });
    expect(omar.statusCode).toBe(403);
    expect(text((await people.omar.get('/espace')).body)).toContain('Vous travaillez pour <b>AFPA</b> Alençon.');
  });

  it('public pages know who is reading them, and are then kept out of shared caches', async () => {
    const page = await people.hugo.get('/referentiel');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/deconnexion"');
    expect(page.headers['cache-control']).toBe('private, no-store');
    const anonymous = await new Browser().get('/referentiel');
    expect(anonymous.body).not.toContain('action="/deconnexion"');
    expect(anonymous.body).toContain('href="/connexion"');
  });

  it('a signed-in person opening the sign-in page goes to the workspace', async () => {
    const response = await people.hugo.get('/connexion');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/espace');
  });
});
