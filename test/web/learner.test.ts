import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { and, count, eq, like, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertions,
  auditEvents,
  awardImports,
  learnerPreferences,
  learnerSessions,
  oneTimeTokens,
  outboxMessages,
  users,
} from '../../src/db/schema.ts';
import { createOneTimeToken } from '../../src/db/repositories/one-time-tokens.ts';
import { ERASURE_REASON } from '../../src/services/learners/privacy.ts';
import { latestOutboxMail, linkIn } from '../support/mail.ts';
import { inkIn, pdfPageCount, pdfText, pdfWords, renderPage } from '../support/pdf.ts';
import { popplerTarget } from '../support/targets.ts';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';
import { csrfOf, InjectBrowser, pageText as text } from '../support/inject-browser.ts';

const require = createRequire(import.meta.url);

/**
 * The learner's space through fastify's real request path, on the real
 * database: asking for a link, following it (a GET never uses it, the POST
 * does, once), the badges of one address from every structure and nobody
 * else's, downloads, sharing (QR code, LinkedIn, PDF), and privacy: hiding
 * the name from recruiters, exporting, and erasure with all its effects.
 * PUBLIC_URL is https: cookies are Secure and __Host- prefixed.
 */
type Json = Record<string, any>;
type Seeded = Awaited<ReturnType<typeof seedStructure>>;

const LEARNER_COOKIE = '__Host-insigne_learner';
const LEARNER = { email: 'camille.martin@example.org', name: 'Camille Martin' };
const OTHER = { email: 'noe.dubois@example.org', name: 'Noé Dubois' };
const XSS = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';
const HOUR = 3_600_000;

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let clock = new Date('2026-03-10T09:00:00Z');
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const db = () => ctx.platform.database.db;

/** The links asked for are sent in the background (LinkRequests): wait for them before reading the outbox. */
const linkRequestsDone = () => ctx.platform.linkRequestRunner!.drain();
let A: Seeded;
let B: Seeded;
let ipCounter = 0;

/** A person's browser (test/support/inject-browser.ts) that can also open the learner's space. */
class Browser extends InjectBrowser {
  constructor(ip = `198.51.100.${++ipCounter}`) {
    super(() => ctx.app, ip);
  }

  /** Asks for a link, follows it from the outbox email, presses the button. */
  async openSpace(email: string) {
    // Past the three-links-per-quarter-hour limit of one address.
    advance(16 * 60_000);
    const asked = await this.submit('/mon-espace', '/mon-espace/lien', { email });
    await linkRequestsDone();
    expect(asked.statusCode, asked.body.slice(0, 300)).toBe(200);
    const mail = await latestOutboxMail(db(), email, 'learner-sign-in');
    expect(mail).toBeDefined();
    const path = linkIn(mail!.textBody, `${TEST_PUBLIC_URL}/mon-espace/lien/`).slice(TEST_PUBLIC_URL.length);
    const opened = await this.submit(path, path, {});
    expect(opened.statusCode, opened.body.slice(0, 300)).toBe(303);
    expect(opened.headers.location).toBe('/mon-espace');
    return opened;
  }
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

async function award(seeded: Seeded, recipient: { email: string; name: string }, extra: Json = {}) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/assertions',
    headers: { authorization: `Bearer ${seeded.token}` },
    payload: { badgeClass: seeded.badgeClasses[0]!.id, allowDuplicate: true, recipient, ...extra },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Json;
}

let awardA: Json;
let awardB: Json;
let awardOther: Json;

beforeAll(async () => {
  ctx = await startTestApp({ now: () => clock });
  A = await seedStructure(ctx.services, { name: 'Mission Locale de Caen', email: 'contact@ml-caen.example.org' });
  B = await seedStructure(ctx.services, {
    name: 'Centre de formation de Rouen',
    url: 'https://cfa-rouen.example.org',
    email: 'accueil@cfa-rouen.example.org',
  });
  awardA = await award(A, LEARNER, {
    evidence: [{ narrative: 'A animé un atelier collectif.', url: 'https://portfolio.example.org/camille' }],
    narrative: 'Très bonne implication.',
  });
  awardB = await award(B, { email: 'Camille.Martin@Example.org', name: LEARNER.name });
  awardOther = await award(A, OTHER);
});

afterAll(async () => {
  await ctx?.close();
});

describe('asking for a sign-in link', () => {
  it('explains itself and asks for an address, with a labelled field', async () => {
    const page = await new Browser().get('/mon-espace');
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('Pas de mot de passe');
    expect(page.body).toContain('<label for="email">');
    expect(page.body).toMatch(/id="email"[^>]*type="email"/);
    expect(page.headers['cache-control']).toBe('private, no-store');
  });

  it('gives the same answer whether or not the address has badges, and mails only the one that does', async () => {
    const known = await new Browser().submit('/mon-espace', '/mon-espace/lien', { email: ' Camille.Martin@example.org ' });
    await linkRequestsDone();
    const unknown = await new Browser().submit('/mon-espace', '/mon-espace/lien', { email: 'personne@example.org' });
    await linkRequestsDone();
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    const strip = (body: string) => text(body).replace(/\S+@example\.org/g, 'ADDRESS');
    expect(strip(known.body)).toBe(strip(unknown.body));
    expect(text(known.body)).toContain('Regardez votre boîte e-mail');
    const mail = await latestOutboxMail(db(), LEARNER.email, 'learner-sign-in');
    expect(mail?.subject).toBe('Votre lien pour ouvrir votre espace badges');
    expect(mail?.htmlBody).toContain('Ouvrir mon espace');
    expect(linkIn(mail!.textBody, `${TEST_PUBLIC_URL}/mon-espace/lien/`)).toMatch(/\/mon-espace\/lien\/[A-Za-z0-9_-]{43}$/);
    expect(await latestOutboxMail(db(), 'personne@example.org')).toBeUndefined();
  });

  it('stops after three links in a quarter of an hour for one address, answering the same', async () => {
    const before = await db().select({ n: count() }).from(oneTimeTokens).where(eq(oneTimeTokens.email, OTHER.email));
    for (let i = 0; i < 5; i++) {
      const response = await new Browser().submit('/mon-espace', '/mon-espace/lien', { email: OTHER.email });
      await linkRequestsDone();
      expect(response.statusCode).toBe(200);
    }
    const after = await db().select({ n: count() }).from(oneTimeTokens).where(eq(oneTimeTokens.email, OTHER.email));
    expect(Number(after[0]!.n) - Number(before[0]!.n)).toBe(3);
    advance(16 * 60_000);
  });

  it('refuses a post without its token, or from another site, sending nothing', async () => {
    const browser = new Browser();
    const page = await browser.get('/mon-espace');
    const before = await db().select({ n: count() }).from(outboxMessages);
    const noToken = await browser.request('POST', '/mon-espace/lien', { form: { email: LEARNER.email } });
    const crossSite = await browser.request('POST', '/mon-espace/lien', {
      form: { _csrf: csrfOf(page.body), email: LEARNER.email },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(noToken.statusCode).toBe(403);
    expect(crossSite.statusCode).toBe(403);
    const after = await db().select({ n: count() }).from(outboxMessages);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('refuses hostile or malformed addresses with a message, shown escaped', async () => {
    const cases: [Record<string, string | string[]> | string, string][] = [
      [{ email: '' }, 'Ce champ est obligatoire.'],
      [{ email: XSS }, 'Saisissez une adresse e-mail complète'],
      [{ email: `${'a'.repeat(400)}@example.org` }, 'trop long'],
      [{ email: 'camille\u0000@example.org' }, 'Saisissez une adresse e-mail complète'],
      [{ email: [LEARNER.email, OTHER.email] }, 'n’est pas valide'],
    ];
    for (const [form, message] of cases) {
      const browser = new Browser();
      const page = await browser.get('/mon-espace');
      const response =
        typeof form === 'string'
          ? await browser.request('POST', '/mon-espace/lien', { raw: `_csrf=${encodeURIComponent(csrfOf(page.body))}&${form}` })
          : await browser.request('POST', '/mon-espace/lien', { form: { _csrf: csrfOf(page.body), ...form } });
      expect(response.statusCode, JSON.stringify(form)).toBe(422);
      expect(text(response.body)).toContain(message);
      expect(response.body).not.toContain('<script>alert(1)');
      expect(response.body).not.toContain('<img src=x');
    }
    // Bytes that are not UTF-8, percent-encoded: refused the same way, never a 500.
    const browser = new Browser();
    const page = await browser.get('/mon-espace');
    const raw = await browser.request('POST', '/mon-espace/lien', {
      raw: `_csrf=${encodeURIComponent(csrfOf(page.body))}&email=%FF%FE%00camille%40example.org`,
    });
    expect(raw.statusCode).toBe(422);
  });
});

describe('following the link', () => {
  it('shows a button without using the link; the POST uses it once and opens a session', async () => {
    const browser = new Browser();
    await browser.submit('/mon-espace', '/mon-espace/lien', { email: LEARNER.email });
    await linkRequestsDone();
    const mail = await latestOutboxMail(db(), LEARNER.email, 'learner-sign-in');
    const path = linkIn(mail!.textBody, `${TEST_PUBLIC_URL}/mon-espace/lien/`).slice(TEST_PUBLIC_URL.length);

    // A mail scanner fetches the link first: twice, even.
    for (let i = 0; i < 2; i++) {
      const scanned = await new Browser().get(path);
      expect(scanned.statusCode).toBe(200);
      expect(text(scanned.body)).toContain('Ouvrir mon espace');
    }
    const page = await browser.get(path);
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain(`Ce lien a été envoyé à ${LEARNER.email}`);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const token = csrfOf(page.body);

    // The form's token is bound to this browser and this link.
    const elsewhere = await new Browser().request('POST', path, { form: { _csrf: token } });
    expect(elsewhere.statusCode).toBe(403);
    const other = await browser.request('POST', '/mon-espace/lien/' + 'x'.repeat(43), { form: { _csrf: token } });
    expect(other.statusCode).toBe(403);
    const crossSite = await browser.request('POST', path, { form: { _csrf: token }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.statusCode).toBe(403);
    const noToken = await browser.request('POST', path, { form: {} });
    expect(noToken.statusCode).toBe(403);

    const opened = await browser.request('POST', path, { form: { _csrf: token } });
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe('/mon-espace');
    const cookie = (
      opened.cookies as { name: string; httpOnly?: boolean; secure?: boolean; sameSite?: string; path?: string; maxAge?: number }[]
    ).find((c) => c.name === LEARNER_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(cookie!.maxAge).toBeGreaterThan(29 * 86_400);
    expect(cookie!.maxAge).toBeLessThanOrEqual(30 * 86_400);
    // Only the hash of the cookie is stored.
    const [row] = await db().select().from(learnerSessions).where(eq(learnerSessions.email, LEARNER.email));
    expect(row?.idHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.idHash).not.toBe(browser.cookies.get(LEARNER_COOKIE));

    const space = await browser.get('/mon-espace');
    expect(text(space.body)).toContain('Mes badges');

    // Used: the same link now offers a fresh one, the address filled in.
    const again = await new Browser().get(path);
    expect(again.statusCode).toBe(410);
    expect(text(again.body)).toContain('Ce lien a déjà servi');
    expect(again.body).toContain(`value="${LEARNER.email}"`);
    const replay = await browser.request('POST', path, { form: { _csrf: token } });
    expect(replay.statusCode).toBe(410);
  });

  it('an expired link says so and offers a new one; an unknown or hostile one too', async () => {
    advance(1000); // this link's email is newer than the one the previous test used
    const browser = new Browser();
    await browser.submit('/mon-espace', '/mon-espace/lien', { email: LEARNER.email });
    await linkRequestsDone();
    const mail = await latestOutboxMail(db(), LEARNER.email, 'learner-sign-in');
    const path = linkIn(mail!.textBody, `${TEST_PUBLIC_URL}/mon-espace/lien/`).slice(TEST_PUBLIC_URL.length);
    const page = await browser.get(path);
    advance(HOUR + 1000);
    const expired = await browser.get(path);
    expect(expired.statusCode).toBe(410);
    expect(text(expired.body)).toContain('Ce lien a expiré');
    const late = await browser.request('POST', path, { form: { _csrf: csrfOf(page.body) } });
    expect(late.statusCode).toBe(410);
    expect(browser.cookies.has(LEARNER_COOKIE)).toBe(false);

    for (const bad of ['inconnu', encodeURIComponent(XSS), 'a'.repeat(43), '%E9%FF']) {
      const response = await new Browser().get(`/mon-espace/lien/${bad}`);
      expect([404, 400]).toContain(response.statusCode);
      expect(response.body).not.toContain('<script>alert(1)');
    }
    const long = await new Browser().get(`/mon-espace/lien/${'a'.repeat(500)}`);
    expect(long.statusCode).toBeLessThan(500);
  });

  it('the award email’s 30-day link opens the same space', async () => {
    const token = await createOneTimeToken(db(), {
      purpose: 'learner-sign-in',
      email: LEARNER.email,
      createdAt: clock,
      expiresAt: new Date(clock.getTime() + 30 * 24 * HOUR),
    });
    advance(10 * 24 * HOUR);
    const browser = new Browser();
    const page = await browser.get(`/mon-espace/lien/${token}`);
    expect(page.statusCode).toBe(200);
    const opened = await browser.request('POST', `/mon-espace/lien/${token}`, { form: { _csrf: csrfOf(page.body) } });
    expect(opened.statusCode).toBe(303);
  });
});

describe('the space', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = new Browser();
    await browser.openSpace(LEARNER.email);
  });

  it('lists the badges of this address from every structure, and nobody else’s', async () => {
    const page = await browser.get('/mon-espace');
    expect(page.statusCode).toBe(200);
    const words = text(page.body);
    expect(words).toContain('Mission Locale de Caen');
    expect(words).toContain('Centre de formation de Rouen');
    expect(words).toContain('2 badges');
    expect(words).toContain('Valide');
    expect(page.body).toContain(`/mon-espace/badges/${awardA.id}`);
    expect(page.body).toContain(`/mon-espace/badges/${awardB.id}`);
    expect(page.body).not.toContain(awardOther.id);
    expect(page.headers['cache-control']).toBe('private, no-store');
  });

  it('shows a revoked badge as revoked, with its reason', async () => {
    const revokedAward = await award(B, LEARNER);
    await ctx.services.awarding.revoke(B.structure.id, revokedAward.id, 'Erreur de saisie <b>', { kind: 'cli' });
    const list = await browser.get('/mon-espace');
    expect(text(list.body)).toContain('Révoqué');
    expect(text(list.body)).toContain('Erreur de saisie <b>');
    expect(list.body).not.toContain('Erreur de saisie <b>');
    const page = await browser.get(`/mon-espace/badges/${revokedAward.id}`);
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('ses fichiers ne sont plus proposés');
    expect(page.body).not.toContain('signed.png');
  });

  it('answers 404 for another learner’s badge, everywhere in the space', async () => {
    for (const suffix of ['', '/qr.svg', '/attestation.pdf', '/badge.json', '/open-badge-passport']) {
      const response = await browser.get(`/mon-espace/badges/${awardOther.id}${suffix}`);
      expect(response.statusCode, suffix).toBe(404);
      expect(response.body).not.toContain(OTHER.name);
    }
    expect((await browser.get('/mon-espace/badges/pas-un-uuid')).statusCode).toBe(404);
    expect((await browser.get(`/mon-espace/badges/${encodeURIComponent(XSS)}`)).body).not.toContain('<script>alert(1)');
  });

  it('sends people without a session back to the page that asks for a link', async () => {
    const stranger = new Browser();
    for (const path of [`/mon-espace/badges/${awardA.id}`, '/mon-espace/mes-donnees', '/mon-espace/mes-donnees/export.json']) {
      const response = await stranger.get(path);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/mon-espace');
    }
    stranger.cookies.set(LEARNER_COOKIE, 'a'.repeat(43));
    const ended = await stranger.get(`/mon-espace/badges/${awardA.id}`);
    expect(ended.headers.location).toBe('/mon-espace?fin=1');
    expect(text((await stranger.get('/mon-espace?fin=1')).body)).toContain('Votre session a pris fin');
  });

  it('shows a badge: what it certifies, evidence, who and when, status, and the downloads', async () => {
    const page = await browser.get(`/mon-espace/badges/${awardA.id}`);
    expect(page.statusCode).toBe(200);
    const words = text(page.body);
    const badgeClass = A.badgeClasses[0]!;
    expect(words).toContain(badgeClass.name);
    expect(words).toContain(badgeClass.description.replace(/\s+/g, ' '));
    expect(words).toContain('A animé un atelier collectif.');
    expect(words).toContain('Très bonne implication.');
    expect(words).toContain('Mission Locale de Caen');
    expect(words).toContain(LEARNER.name);
    expect(words).toContain('Valide');
    expect(words).toContain('C’est le fichier à importer dans Open Badge Passport.');
    const hrefs = [...page.body.matchAll(/href="([^"]+)"/g)].map((m) => decode(m[1]!));
    const signedPng = hrefs.find((h) => h.endsWith('/signed.png?download=1'));
    expect(signedPng).toBe(`${TEST_PUBLIC_URL}/assertions/${awardA.id}/signed.png?download=1`);
    for (const file of ['signed.svg', 'hosted.png', 'hosted.svg', 'signed.jws']) {
      expect(hrefs).toContain(`${TEST_PUBLIC_URL}/assertions/${awardA.id}/${file}?download=1`);
    }
    // The files themselves, with names to save them under.
    const png = await browser.get(signedPng!.slice(TEST_PUBLIC_URL.length));
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-disposition']).toMatch(/^attachment; filename="badge-signe-[0-9a-f]{8}\.png"$/);
    const json = await browser.get(`/mon-espace/badges/${awardA.id}/badge.json`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-disposition']).toMatch(/^attachment; filename="badge-[0-9a-f]{8}\.json"$/);
    expect(json.json()).toMatchObject({ id: `${TEST_PUBLIC_URL}/assertions/${awardA.id}`, type: 'Assertion' });
    const jws = await browser.get(`/assertions/${awardA.id}/signed.jws?download=1`);
    expect(jws.body.split('.')).toHaveLength(3);
  });

  it('shares: the verification link, a QR code of it, LinkedIn filled in', async () => {
    const page = await browser.get(`/mon-espace/badges/${awardA.id}`);
    const url = `${TEST_PUBLIC_URL}/assertions/${awardA.id}`;
    expect(page.body).toMatch(new RegExp(`<input id="verification-link" type="text" readonly value="${url}"`));
    expect(page.body).toContain('<script src="/mon-espace/copier.js" defer></script>');
    const script = await browser.get('/mon-espace/copier.js');
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);

    const qr = await browser.get(`/mon-espace/badges/${awardA.id}/qr.svg`);
    expect(qr.statusCode).toBe(200);
    expect(qr.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(qr.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(qr.body).toContain('<path');

    // The same code as PNG, with a quiet zone of 4 white modules all around it.
    const png = await browser.get(`/mon-espace/badges/${awardA.id}/qr.png?download=1`);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-disposition']).toBe(`attachment; filename="qr-badge-${awardA.id.slice(0, 8)}.png"`);
    expect(page.body).toContain(`href="/mon-espace/badges/${awardA.id}/qr.png?download=1"`);
    const modules = (require('qrcode') as typeof import('qrcode')).create(url, { errorCorrectionLevel: 'M' }).modules.size;
    const width = png.rawPayload.readUInt32BE(16);
    expect(png.rawPayload.readUInt32BE(20)).toBe(width);
    expect(width % (modules + 8)).toBe(0);
    const scale = width / (modules + 8);
    // Read back through an SVG that shows it pixel for pixel.
    const pixels = new Resvg(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${width}"><image width="${width}" height="${width}" image-rendering="optimizeSpeed" href="data:image/png;base64,${png.rawPayload.toString('base64')}"/></svg>`,
    ).render().pixels;
    const dark = (x: number, y: number) => pixels[(y * width + x) * 4]! < 128;
    const quiet = 4 * scale;
    for (let i = 0; i < width; i++) {
      for (const edge of [0, quiet - 1, width - quiet, width - 1]) {
        expect(dark(i, edge) || dark(edge, i), `pixel ${i},${edge}`).toBe(false);
      }
    }
    // The finder pattern's corner starts right after the quiet zone.
    expect(dark(quiet, quiet)).toBe(true);
    expect(dark(width - quiet - 1, quiet)).toBe(true);

    const linkedIn = decode(/href="(https:\/\/www\.linkedin\.com\/profile\/add\?[^"]+)"/.exec(page.body)![1]!);
    const params = new URL(linkedIn).searchParams;
    expect(Object.fromEntries(params)).toEqual({
      startTask: 'CERTIFICATION_NAME',
      name: A.badgeClasses[0]!.name,
      organizationName: 'Mission Locale de Caen',
      issueYear: '2026',
      issueMonth: '3',
      certUrl: url,
      certId: awardA.id,
    });
  });

  it('a hostile name and badge text come out escaped on the pages', async () => {
    const hostile = await award(A, { email: LEARNER.email, name: `Camille ${XSS}` }, { narrative: XSS });
    const page = await browser.get(`/mon-espace/badges/${hostile.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).not.toContain('<img src=x');
    expect(text(page.body)).toContain(`Camille ${XSS}`);
  });

  describe.skipIf(!popplerTarget())('the attestation PDF, read back as a person reads it', () => {
    // Each is spelt with letters Windows-1252 (the standard PDF fonts) does not have.
    const NAMES = ['Łukasz Wiśniewski', 'Ștefan Popescu', 'Nguyễn Thị Hằng', 'محمد بن علي', 'Иван Петров'];
    /** The criteria as a reader sees them: list marks and spacing gone. */
    const words = (s: string) =>
      s
        .replace(/^\s*[-•]\s+/gm, '')
        .replace(/•/g, '')
        .replace(/[\s\u00a0\u202f]+/g, ' ')
        .trim();

    it('has the name, the badge, who awarded it, the date in words, the criteria whole, the evidence and the address', async () => {
      const response = await browser.get(`/mon-espace/badges/${awardA.id}/attestation.pdf`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      const pdf = response.rawPayload;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const read = pdfText(pdf);
      expect(read).toContain('Attestation de badge');
      expect(read).toContain(LEARNER.name);
      expect(read).toContain(A.badgeClasses[0]!.name);
      expect(read).toContain('délivré par Mission Locale de Caen le 10 mars 2026.');
      expect(words(read)).toContain(words(A.badgeClasses[0]!.criteriaNarrative));
      expect(read).not.toContain('/;');
      expect(read).not.toContain('…');
      expect(read).toContain('A animé un atelier collectif.');
      expect(read).toContain('https://portfolio.example.org/camille');
      expect(read).toContain('Très bonne implication.');
      expect(read).toContain(`${TEST_PUBLIC_URL}/assertions/${awardA.id}`);
      const pages = pdfPageCount(pdf);
      expect(pages).toBeLessThanOrEqual(2);
      // The QR code at the foot of the last page (96 points square, 24 above the bottom margin): about half dark, as a QR code is.
      const qr = inkIn(renderPage(pdf, pages, 72), { xMin: 56, xMax: 56 + 96, yMin: 841.89 - 56 - 120, yMax: 841.89 - 56 - 24 });
      expect(qr).toBeGreaterThan(0.3);
      expect(qr).toBeLessThan(0.7);
    });

    it('in English, with the date in English words', async () => {
      const response = await browser.get(`/mon-espace/badges/${awardA.id}/attestation.pdf?lang=en`);
      expect(response.statusCode).toBe(200);
      const read = pdfText(response.rawPayload);
      expect(read).toContain('Badge certificate');
      expect(read).toContain('awarded by Mission Locale de Caen on 10 March 2026.');
      // The choice of language is remembered: back to French for the tests after this one.
      await browser.get(`/mon-espace?lang=fr`);
    });

    it('writes names in any of these scripts as they are written, and draws them', async () => {
      for (const name of NAMES) {
        const given = await award(A, { email: LEARNER.email, name });
        const response = await browser.get(`/mon-espace/badges/${given.id}/attestation.pdf`);
        expect(response.statusCode).toBe(200);
        const pdf = response.rawPayload;
        expect(pdfText(pdf), name).toContain(name);
        // The name's words on the first page, each with ink where the reader places it.
        const page = renderPage(pdf, 1, 100);
        const placed = pdfWords(pdf).filter((w) => w.page === 1);
        for (const part of name.split(' ')) {
          // pdftotext gives a right-to-left word in the order it is drawn.
          const word = placed.find((w) => w.text === part || w.text === [...part].reverse().join(''));
          expect(word, `${name}: « ${part} » not found among ${placed.map((w) => w.text).join(' ')}`).toBeDefined();
          expect(inkIn(page, word!), `${name}: « ${part} » has no ink`).toBeGreaterThan(0.08);
        }
      }
    });

    it('keeps a hostile name whole', async () => {
      const hostile = await award(A, { email: LEARNER.email, name: `Camille ${XSS}` }, { narrative: XSS });
      const pdf = await browser.get(`/mon-espace/badges/${hostile.id}/attestation.pdf`);
      expect(pdf.statusCode).toBe(200);
      expect(pdfText(pdf.rawPayload)).toContain('<script>alert(1)</script>');
      const unicode = await award(A, { email: LEARNER.email, name: 'Łukasz 李 🎓 Ørsted' });
      expect((await browser.get(`/mon-espace/badges/${unicode.id}/attestation.pdf`)).statusCode).toBe(200);
    });

    it('prints the structure’s logo at the top right', async () => {
      const red = new Resvg(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120"><rect width="300" height="120" fill="#b00020"/></svg>',
      );
      await ctx.services.structures.updateLogo(
        B.structure.id,
        { mime: 'image/png', bytes: new Uint8Array(red.render().asPng()) },
        { kind: 'cli' },
      );
      const withLogo = await browser.get(`/mon-espace/badges/${awardB.id}/attestation.pdf`);
      expect(withLogo.statusCode).toBe(200);
      const page = renderPage(withLogo.rawPayload, 1, 72);
      // 140 × 56 points at most, from the right margin (56 points), 20 points above the top one.
      const box = { xMin: 595 - 56 - 120, xMax: 595 - 56 - 10, yMin: 40, yMax: 80 };
      expect(inkIn(page, box)).toBeGreaterThan(0.9);
      await ctx.services.structures.updateLogo(B.structure.id, null, { kind: 'cli' });
      const without = await browser.get(`/mon-espace/badges/${awardB.id}/attestation.pdf`);
      expect(inkIn(renderPage(without.rawPayload, 1, 72), box)).toBe(0);
    });
  });

  it('the guide to Open Badge Passport states the one address that must match, with illustrated steps', async () => {
    const page = await browser.get(`/mon-espace/badges/${awardB.id}/open-badge-passport`);
    expect(page.statusCode).toBe(200);
    const words = text(page.body);
    expect(words).toContain('doit utiliser la même adresse e-mail que le badge : camille.martin@example.org');
    const images = [...page.body.matchAll(/<img src="(\/static\/img\/learner\/[^"]+)" alt="([^"]+)"/g)];
    expect(images).toHaveLength(4);
    for (const [, src] of images) {
      const svg = await browser.get(src!);
      expect(svg.statusCode).toBe(200);
      expect(svg.body).toContain('<title');
    }
  });
});

describe('privacy', () => {
  it('hides the name on the recruiter’s page and its link preview, for this badge and later ones', async () => {
    const browser = new Browser();
    await browser.openSpace(LEARNER.email);
    const recruiter = new Browser();
    const before = await recruiter.get(`/assertions/${awardA.id}`);
    expect(before.body).toContain(LEARNER.name);

    const privacy = await browser.get('/mon-espace/mes-donnees');
    expect(text(privacy.body)).toContain('votre nom apparaît sur la page publique');
    const hidden = await browser.request('POST', '/mon-espace/mes-donnees/nom', { form: { _csrf: csrfOf(privacy.body), hide: '1' } });
    expect(hidden.statusCode).toBe(303);
    expect(text((await browser.get(hidden.headers.location as string)).body)).toContain('votre nom n’apparaît plus');

    const later = await award(A, LEARNER);
    for (const id of [awardA.id, awardB.id, later.id]) {
      const page = await recruiter.get(`/assertions/${id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain(LEARNER.name);
      expect(text(page.body)).toContain('Nom masqué à la demande de la personne');
      expect(page.body).toMatch(/<meta property="og:title" content="[^"]+">/);
    }
    // The other learner's pages are untouched.
    expect((await recruiter.get(`/assertions/${awardOther.id}`)).body).toContain('Noé Dubois');
    // The JSON carries no name anyway.
    const hosted = await recruiter.get(`/assertions/${awardA.id}`, { accept: 'application/ld+json' });
    expect(hosted.body).not.toContain(LEARNER.name);
    // The learner still sees their name in their own space.
    expect(text((await browser.get(`/mon-espace/badges/${awardA.id}`)).body)).toContain(LEARNER.name);

    const shown = await browser.submit('/mon-espace/mes-donnees', '/mon-espace/mes-donnees/nom', { hide: '0' });
    expect(shown.statusCode).toBe(303);
    expect((await recruiter.get(`/assertions/${later.id}`)).body).toContain(LEARNER.name);
  });

  it('refuses a change without the session’s token, or with a value that is not a choice', async () => {
    const browser = new Browser();
    await browser.openSpace(LEARNER.email);
    const noToken = await browser.request('POST', '/mon-espace/mes-donnees/nom', { form: { hide: '1' } });
    expect(noToken.statusCode).toBe(403);
    for (const hide of [XSS, '', 'x'.repeat(5000), '2']) {
      const response = await browser.submit('/mon-espace/mes-donnees', '/mon-espace/mes-donnees/nom', { hide });
      expect(response.statusCode).toBe(400);
      expect(response.body).not.toContain('<script>alert(1)');
    }
    const [pref] = await db().select().from(learnerPreferences).where(eq(learnerPreferences.email, LEARNER.email));
    expect(pref?.hideName ?? false).toBe(false);
    // Someone else's session token does not work here either.
    const other = new Browser();
    await other.openSpace(OTHER.email);
    const privacy = await other.get('/mon-espace/mes-donnees');
    const stolen = await browser.request('POST', '/mon-espace/mes-donnees/nom', { form: { _csrf: csrfOf(privacy.body), hide: '1' } });
    expect(stolen.statusCode).toBe(403);
  });

  it('exports everything held about the address as JSON', async () => {
    const browser = new Browser();
    await browser.openSpace(LEARNER.email);
    const response = await browser.get('/mon-espace/mes-donnees/export.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['content-disposition']).toBe('attachment; filename="mes-donnees-insigne.json"');
    const data = response.json() as Json;
    expect(data.email).toBe(LEARNER.email);
    expect(data.preferences).toMatchObject({ hideNameOnPublicPages: false });
    const ids = data.badges.map((b: Json) => b.id);
    expect(ids).toEqual(expect.arrayContaining([awardA.id, awardB.id]));
    expect(ids).not.toContain(awardOther.id);
    const a = data.badges.find((b: Json) => b.id === awardA.id);
    expect(a).toMatchObject({
      recipientName: LEARNER.name,
      structure: { name: 'Mission Locale de Caen', email: 'contact@ml-caen.example.org' },
      badge: { name: A.badgeClasses[0]!.name },
      verificationUrl: `${TEST_PUBLIC_URL}/assertions/${awardA.id}`,
    });
    expect(data.emails.some((m: Json) => m.subject === 'Votre lien pour ouvrir votre espace badges' && m.recordedAt)).toBe(true);
    expect(JSON.stringify(data)).not.toContain(OTHER.email);
  });

  it('signs out', async () => {
    const browser = new Browser();
    await browser.openSpace(OTHER.email);
    const page = await browser.get('/mon-espace');
    const out = await browser.request('POST', '/mon-espace/deconnexion', { form: { _csrf: csrfOf(page.body) } });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/mon-espace?deconnecte=1');
    expect(browser.cookies.has(LEARNER_COOKIE)).toBe(false);
    expect(text((await browser.get('/mon-espace?deconnecte=1')).body)).toContain('Vous êtes déconnecté');
  });

  it('erases: a confirmation first, then everything in one go, and the structures are told', async () => {
    const browser = new Browser();
    await browser.openSpace(LEARNER.email);
    const second = new Browser();
    await second.openSpace(LEARNER.email);
    const ids = (await db().select({ id: assertions.id }).from(assertions).where(eq(assertions.recipientEmail, LEARNER.email))).map(
      (r) => r.id,
    );
    expect(ids.length).toBeGreaterThanOrEqual(4);

    // A CSV import that awarded one of them keeps its rows for review: they must go too.
    const [advisor] = await db()
      .insert(users)
      .values({ email: 'conseil@ml-caen.example.org', name: 'Conseillère', createdAt: clock })
      .returning();
    const [csv] = await db()
      .insert(awardImports)
      .values({
        createdAt: clock,
        structureId: A.structure.id,
        createdByUserId: advisor!.id,
        fileName: 'promo.csv',
        fileSha256: 'x'.repeat(64),
        encoding: 'utf-8',
        delimiter: ';',
        status: 'done',
        total: 2,
        rows: [
          { line: 2, values: { email: LEARNER.email, nom: LEARNER.name }, errors: [], assertionId: awardA.id },
          { line: 3, values: { email: OTHER.email, nom: OTHER.name }, errors: [], assertionId: awardOther.id },
        ],
      })
      .returning();

    const confirm = await browser.get('/mon-espace/mes-donnees/effacer');
    expect(confirm.statusCode).toBe(200);
    expect(text(confirm.body)).toContain('On ne peut pas revenir en arrière');
    for (const value of [undefined, 'non', XSS]) {
      const refused = await browser.request('POST', '/mon-espace/mes-donnees/effacer', {
        form: { _csrf: csrfOf(confirm.body), ...(value === undefined ? {} : { confirm: value }) },
      });
      expect(refused.statusCode).toBe(422);
      expect(text(refused.body)).toContain('Cochez la case');
      expect(refused.body).not.toContain('<script>alert(1)');
    }
    const noToken = await browser.request('POST', '/mon-espace/mes-donnees/effacer', { form: { confirm: 'oui' } });
    expect(noToken.statusCode).toBe(403);
    expect((await db().select({ n: count() }).from(assertions).where(eq(assertions.recipientEmail, LEARNER.email)))[0]!.n).toBe(ids.length);

    const erased = await browser.request('POST', '/mon-espace/mes-donnees/effacer', {
      form: { _csrf: csrfOf(confirm.body), confirm: 'oui' },
    });
    expect(erased.statusCode).toBe(303);
    expect(erased.headers.location).toBe('/mon-espace/donnees-effacees');
    expect(browser.cookies.has(LEARNER_COOKIE)).toBe(false);
    const final = await browser.get('/mon-espace/donnees-effacees');
    expect(text(final.body)).toContain('Vos données ont été effacées');
    // Every session of that address ended, this browser's and the other.
    expect((await second.get('/mon-espace/mes-donnees')).statusCode).toBe(303);

    // Nothing of the address or the name is left in the assertions or the outbox.
    const left = await db()
      .select({ n: count() })
      .from(assertions)
      .where(or(eq(assertions.recipientEmail, LEARNER.email), like(assertions.recipientName, '%Camille%')));
    expect(left[0]!.n).toBe(0);
    const mails = await db()
      .select({ n: count() })
      .from(outboxMessages)
      .where(
        or(
          eq(outboxMessages.toAddress, LEARNER.email),
          like(outboxMessages.textBody, '%camille.martin%'),
          like(outboxMessages.textBody, '%Camille%'),
        ),
      );
    expect(mails[0]!.n).toBe(0);
    expect((await db().select({ n: count() }).from(learnerSessions).where(eq(learnerSessions.email, LEARNER.email)))[0]!.n).toBe(0);
    expect((await db().select({ n: count() }).from(oneTimeTokens).where(eq(oneTimeTokens.email, LEARNER.email)))[0]!.n).toBe(0);
    expect((await db().select({ n: count() }).from(learnerPreferences).where(eq(learnerPreferences.email, LEARNER.email)))[0]!.n).toBe(0);

    const rows = await db().select().from(assertions).where(eq(assertions.id, awardA.id));
    expect(rows[0]).toMatchObject({
      recipientName: '',
      recipientEmail: `erased:${awardA.id}`,
      jws: null,
      revocationReason: ERASURE_REASON,
    });
    expect(rows[0]!.erasedAt).not.toBeNull();
    expect(rows[0]!.revokedAt).not.toBeNull();
    expect(rows[0]!.recipientEmail).not.toContain('@');
    // A badge the structure had revoked before keeps its own reason.
    const earlier = await db().select().from(assertions).where(eq(assertions.revocationReason, 'Erreur de saisie <b>'));
    expect(earlier[0]?.erasedAt).not.toBeNull();

    const [csvAfter] = await db().select().from(awardImports).where(eq(awardImports.id, csv!.id));
    expect(JSON.stringify(csvAfter!.rows)).not.toContain('amille');
    expect(csvAfter!.rows[1]!.values).toEqual({ email: OTHER.email, nom: OTHER.name });

    // The public side: 410 as for any revocation, no name, no files.
    const recruiter = new Browser();
    const hosted = await recruiter.get(`/assertions/${awardA.id}`, { accept: 'application/ld+json' });
    expect(hosted.statusCode).toBe(410);
    expect(hosted.json()).toMatchObject({ revoked: true, revocationReason: ERASURE_REASON });
    const html = await recruiter.get(`/assertions/${awardA.id}`);
    expect(html.statusCode).toBe(410);
    expect(text(html.body)).toContain(ERASURE_REASON);
    // The learner revoked it by erasing their data: the page does not say the structure did.
    expect(text(html.body)).toContain('quand la personne qui l’avait reçu a fait effacer ses données');
    expect(text(html.body)).not.toContain('a révoqué ce badge');
    expect(html.body).not.toContain('Camille');
    // The structure's own page of the award says the same.
    await ctx.services.users.create(
      {
        email: 'suivi@ml-caen.example.org',
        name: 'Sam Suivi',
        password: 'le mot de passe du suivi',
        structureId: A.structure.id,
        role: 'advisor',
      },
      { kind: 'cli' },
    );
    const staff = new Browser();
    await staff.signIn('suivi@ml-caen.example.org', 'le mot de passe du suivi');
    const detail = await staff.get(`/espace/delivres/${awardA.id}`);
    expect(detail.statusCode).toBe(200);
    expect(text(detail.body)).toContain('la personne a fait effacer ses données personnelles');
    expect(text(detail.body)).not.toMatch(/Badge révoqué le [^.]* par /);
    expect((await db().select({ jws: assertions.jws }).from(assertions).where(eq(assertions.id, awardA.id)))[0]!.jws).toBeNull();
    for (const file of ['signed.png', 'hosted.svg', 'signed.jws']) {
      expect((await recruiter.get(`/assertions/${awardA.id}/${file}`)).statusCode).toBe(410);
    }
    const check = await recruiter.request('POST', `/assertions/${awardA.id}/recipient-check`, { form: { email: LEARNER.email } });
    expect(text(check.body)).not.toContain('correspond');
    const list = await recruiter.get(`/issuers/${A.structure.id}/revocations`, { accept: 'application/ld+json' });
    expect(list.body).toContain(`urn:uuid:${awardA.id}`);

    // Each structure: one email to its address (neither name nor address in it), one audit event.
    for (const [seeded, address] of [
      [A, 'contact@ml-caen.example.org'],
      [B, 'accueil@cfa-rouen.example.org'],
    ] as const) {
      const notice = await latestOutboxMail(db(), address, 'erasure-notice');
      expect(notice?.structureId).toBe(seeded.structure.id);
      expect(notice?.textBody).toContain(ERASURE_REASON);
      expect(notice?.textBody).not.toContain('amille');
      const events = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.structureId, seeded.structure.id), eq(auditEvents.action, 'learner.erased')));
      expect(events).toHaveLength(1);
      expect(JSON.stringify(events[0]!.details)).not.toContain('camille');
    }
    // The other learner keeps everything.
    expect((await recruiter.get(`/assertions/${awardOther.id}`)).statusCode).toBe(200);

    // Asking for a link now sends nothing: the address has no badge left.
    const again = await new Browser().submit('/mon-espace', '/mon-espace/lien', { email: LEARNER.email });
    await linkRequestsDone();
    expect(again.statusCode).toBe(200);
    expect(await latestOutboxMail(db(), LEARNER.email)).toBeUndefined();
  });
});
