/**
 * Issue 11 in a real Chromium: the documents and words people keep, and the
 * frictions of a first use, each checked the way a person meets it — the
 * attestation PDF downloaded as the learner and read back, plural forms for
 * 0, 1 and 2 on a page, the badge image's choice (the last one given wins),
 * a double submit of « Créer le jeton », a file over the limit on every
 * upload form, the API reference (/api/docs) — and, last, a sweep of EVERY
 * page the app serves (listed from the app itself as it registers its
 * routes), in French and in English, each checked with axe-core (WCAG 2.1
 * A/AA) and at 375 px.
 *
 * (Already checked elsewhere: English from Accept-Language and the choice
 * remembered, public-pages.test.ts; the logo and badge image over the limit,
 * accounts.test.ts and badge-classes.test.ts; « Créer le jeton » posted twice
 * over HTTP, following.test.ts.)
 */
import { eq } from 'drizzle-orm';
import type { RouteOptions } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCatalogueImage } from '../../src/catalogue/assets.ts';
import { badgeClasses } from '../../src/db/schema.ts';
import { StructureLearnerService } from '../../src/services/structure-learners.ts';
import { buildApp } from '../../src/web/app.ts';
import { checkPage, launchBrowser, newContext, normaliseText, signInOnPage, submitForm } from '../support/browser.ts';
import { latestOutboxMail, linkIn } from '../support/mail.ts';
import { freePort } from '../support/net.ts';
import { inkIn, pdfPageCount, pdfText, pdfWords, renderPage } from '../support/pdf.ts';
import { seedStructure, startTestPlatform } from '../support/platform.ts';

const PASSWORD = 'le mot de passe de l’équipe, assez long';
const CLI = { kind: 'cli' } as const;
const LEARNER = { name: 'Łukasz Wiśniewski', email: 'lukasz.wisniewski@example.org' };

let test_: Awaited<ReturnType<typeof startTestPlatform>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
const registered: string[] = [];
let structureId: string;
let apiToken: string;
let seeded: Awaited<ReturnType<typeof seedStructure>>;
const services = () => test_.platform.services;
const db = () => test_.platform.database.db;

async function openPage(locale = 'fr-FR'): Promise<Page> {
  const context = await newContext(browser, { locale, acceptDownloads: true });
  contexts.push(context);
  return context.newPage();
}

async function staff(email: string, locale = 'fr-FR') {
  const page = await openPage(locale);
  await signInOnPage(page, baseUrl, email, PASSWORD);
  return page;
}

async function api(method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: { authorization: `Bearer ${apiToken}`, accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function award(badgeIndex: number, recipient = LEARNER, extra: Record<string, unknown> = {}) {
  const response = await api('POST', '/api/v1/assertions', { badgeClass: seeded.badgeClasses[badgeIndex]!.id, recipient, ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; url: string };
}

/** The learner signs in as a learner does: asks for a link, follows it from the email, opens the space. */
async function learnerPage(email: string): Promise<Page> {
  const page = await openPage();
  await page.goto(`${baseUrl}/mon-espace`);
  await page.getByLabel('Votre adresse e-mail').fill(email);
  await submitForm(page, 'Recevoir mon lien');
  await test_.platform.linkRequestRunner!.drain();
  const mail = await latestOutboxMail(db(), email, 'learner-sign-in');
  await page.goto(linkIn(mail!.textBody, `${baseUrl}/mon-espace/lien/`));
  await submitForm(page, 'Ouvrir mon espace');
  expect(new URL(page.url()).pathname).toBe('/mon-espace');
  return page;
}

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  test_ = await startTestPlatform({ env: { PUBLIC_URL: baseUrl } });
  app = await buildApp(test_.platform, {
    onRoute: (route: RouteOptions) => {
      for (const method of [route.method].flat()) if (method === 'GET') registered.push(route.url);
    },
  });
  await app.listen({ port, host: '127.0.0.1' });
  const s = services();
  await s.auth.setup({ name: 'Région Normandie', email: 'region@normandie.example.org', password: PASSWORD }, { ip: '203.0.113.60' });
  seeded = await seedStructure(s, { name: 'Insertion & Compétences' });
  structureId = seeded.structure.id;
  apiToken = seeded.token;
  await s.users.create({ email: 'lea@ic.example.org', name: 'Léa Martin', password: PASSWORD, structureId, role: 'admin' }, CLI);
  await s.users.create({ email: 'hugo@ic.example.org', name: 'Hugo Petit', password: PASSWORD, structureId, role: 'advisor' }, CLI);
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await app?.close();
  await test_?.close();
});

describe('the API reference', () => {
  test('/api/docs has no axe violation and reads at 375 px, in French and in English', async () => {
    for (const locale of ['fr-FR', 'en-GB']) {
      const page = await openPage(locale);
      const response = await page.goto(`${baseUrl}/api/docs`);
      expect(response!.status()).toBe(200);
      expect(normaliseText(await page.locator('h1').innerText())).toBe(locale === 'fr-FR' ? 'Référence de l’API' : 'API reference');
      expect(
        await page
          .locator('h3')
          .filter({ hasText: /^POST \/api\/v1\/assertions$/ })
          .count(),
      ).toBe(1);
      // Open every schema too: the page is held to it whole.
      for (const summary of await page.locator('details summary').all()) await summary.click();
      await checkPage(page, `/api/docs (${locale})`);
    }
  });
});

describe('the badge image: whichever the person gave last wins', () => {
  const png = () => loadCatalogueImage('general').png;
  const fill = async (page: Page, name: string) => {
    await page.goto(`${baseUrl}/espace/badges/nouveau`);
    await page.getByLabel('Nom du badge').fill(name);
    await page.getByLabel('Description', { exact: true }).fill('Une description.');
    await page.getByLabel('Critères d’obtention').fill('Des **critères**.');
  };
  const rowNamed = async (name: string) => (await db().select().from(badgeClasses).where(eq(badgeClasses.name, name)))[0]!;

  test('a file chosen while « Créer une image » is ticked ticks « Envoyer une image », and the file is published', async () => {
    const page = await staff('lea@ic.example.org');
    await fill(page, 'Badge au fichier choisi');
    const generate = page.getByLabel('Créer une image à partir d’une forme et d’une couleur');
    const upload = page.getByLabel('Envoyer une image (PNG ou SVG)');
    expect(await generate.isChecked()).toBe(true);
    await page.getByLabel('Fichier de l’image').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from(png()) });
    expect(await upload.isChecked()).toBe(true);
    await checkPage(page, 'editor with a file chosen');
    await submitForm(page, 'Enregistrer le badge');
    expect(new URL(page.url()).pathname).toMatch(/^\/espace\/badges\/[0-9a-f-]{36}$/);
    expect((await rowNamed('Badge au fichier choisi')).imageSvg).toBeNull(); // the uploaded PNG, not a drawing
  });

  test('« Créer une image » ticked after a file lets go of the file: the drawing is published', async () => {
    const page = await staff('lea@ic.example.org');
    await fill(page, 'Badge dessiné après tout');
    await page.getByLabel('Fichier de l’image').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from(png()) });
    await page.getByLabel('Créer une image à partir d’une forme et d’une couleur').check();
    expect(await page.getByLabel('Fichier de l’image').evaluate((input: any) => input.files.length)).toBe(0);
    await submitForm(page, 'Enregistrer le badge');
    expect(new URL(page.url()).pathname).toMatch(/^\/espace\/badges\/[0-9a-f-]{36}$/);
    expect((await rowNamed('Badge dessiné après tout')).imageSvg).toContain('<svg');
  });
});

describe('the attestation PDF', () => {
  test('downloaded as the learner, it reads back with their name, the badge and its criteria whole', async () => {
    const criteria = seeded.badgeClasses[0]!.criteriaNarrative;
    await award(0, LEARNER, { evidence: [{ narrative: 'A animé un atelier collectif.' }] });
    const page = await learnerPage(LEARNER.email);
    await page.locator('.learner-badge-card a').first().click();
    await page.waitForURL(/\/mon-espace\/badges\/[0-9a-f-]{36}$/);
    const link = page.getByRole('link', { name: 'Attestation à imprimer (PDF)' });
    const href = await link.getAttribute('href');
    const response = await page.request.get(new URL(href!, baseUrl).toString());
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    const pdf = Buffer.from(await response.body());
    const words = pdfText(pdf);
    expect(words).toContain(LEARNER.name);
    expect(words).toContain(seeded.badgeClasses[0]!.name);
    expect(words).toContain('Insertion & Compétences');
    expect(words).toContain('A animé un atelier collectif.');
    // The criteria whole, marks dropped, no stray « /; »: every word of them, in order.
    const plain = normaliseText(criteria.replace(/\*\*|^\s*- /gm, ''));
    for (const word of plain.split(' ').filter((w) => w.length > 3)) expect(words).toContain(word);
    expect(words).not.toContain('/;');
    expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(1);
    // Drawn, not only encoded: the name's letters put ink on the rendered page (no missing glyphs).
    const name = pdfWords(pdf).find((w) => w.text === 'Łukasz')!;
    expect(name).toBeDefined();
    expect(inkIn(renderPage(pdf, name.page, 72), name)).toBeGreaterThan(0.05);
  });
});

describe('plural forms on a page', () => {
  test('the badge list says « 0 délivré », « 1 délivré », « 2 délivrés » (French 0 is singular)', async () => {
    // Badge 0 has one award (the attestation's); badge 1 gets two; badge 2 none.
    await award(1, { name: 'Ana Costa', email: 'ana@example.org' });
    await award(1, { name: 'Ben Hadj', email: 'ben@example.org' });
    const page = await staff('hugo@ic.example.org');
    await page.goto(`${baseUrl}/espace/badges`);
    const metaOf = async (name: string) =>
      normaliseText(
        await page
          .locator('li', { has: page.getByText(name, { exact: true }) })
          .locator('.meta')
          .first()
          .innerText(),
      );
    expect(await metaOf(seeded.badgeClasses[0]!.name)).toMatch(/· 1 délivré$/);
    expect(await metaOf(seeded.badgeClasses[1]!.name)).toMatch(/· 2 délivrés$/);
    expect(await metaOf(seeded.badgeClasses[2]!.name)).toMatch(/· 0 délivré$/);
    expect(normaliseText(await page.locator('body').innerText())).not.toMatch(/\(s\)/);
    await checkPage(page, 'badge list with 0, 1 and 2 awards');
  });
});

describe('English from Accept-Language', () => {
  test('a browser set to English gets the learner’s space and the issuer page in English, the badges’ own words marked French', async () => {
    const page = await openPage('en-US');
    await page.goto(`${baseUrl}/mon-espace`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(normaliseText(await page.locator('h1').innerText())).toBe('My badges space');
    await page.goto(`${baseUrl}/issuers/${structureId}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('[lang="fr"]', { hasText: seeded.badgeClasses[0]!.name }).count()).toBeGreaterThan(0);
    await checkPage(page, 'issuer page in English');
  });
});

describe('double submit', () => {
  test('« Créer le jeton » clicked twice in a row makes one token', async () => {
    const page = await staff('lea@ic.example.org');
    await page.goto(`${baseUrl}/espace/jetons`);
    await page.getByLabel('Nom du jeton').fill('Deux clics rapides');
    const button = page.getByRole('button', { name: 'Créer le jeton' });
    await button.dblclick();
    await page.getByLabel('Votre jeton').waitFor();
    expect(normaliseText(await page.locator('body').innerText())).toContain('Le jeton « Deux clics rapides » est créé');
    const tokens = (await services().following.apiTokens(structureId)).filter((k) => k.name === 'Deux clics rapides');
    expect(tokens).toHaveLength(1);
  });
});

describe('a file over the limit on every upload form', () => {
  test('the CSV import shows its form again with the message, not a bare 413 page', async () => {
    const page = await staff('hugo@ic.example.org');
    await page.goto(`${baseUrl}/espace/delivrer/csv`);
    await page
      .getByLabel('Fichier CSV')
      .setInputFiles({ name: 'énorme.csv', mimeType: 'text/csv', buffer: Buffer.alloc(6 * 1024 * 1024, 'a') });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page
        .getByRole('button', { name: /Envoyer|Prévisualiser|Vérifier/ })
        .first()
        .click(),
    ]);
    expect(response.status()).toBe(413);
    await page.waitForLoadState('load');
    expect(normaliseText(await page.locator('.error-summary').innerText())).toContain('Ce fichier est trop volumineux : 5 Mo au plus.');
    expect(await page.getByLabel('Fichier CSV').count()).toBe(1);
    await checkPage(page, 'CSV upload after a file too large');
  });

  test('« Vérifier un badge » too, for anyone', async () => {
    const page = await openPage();
    await page.goto(`${baseUrl}/verifier`);
    await page
      .getByLabel('Le fichier du badge (image PNG ou SVG)')
      .setInputFiles({ name: 'énorme.png', mimeType: 'image/png', buffer: Buffer.alloc(4 * 1024 * 1024) });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Vérifier le badge' }).first().click(),
    ]);
    expect(response.status()).toBe(413);
    await page.waitForLoadState('load');
    expect(normaliseText(await page.locator('#verifier-file-error').innerText())).toContain(
      'Ce fichier est trop volumineux : un badge fait 2 Mo au plus.',
    );
    await checkPage(page, 'verifier after a file too large');
  });

  test('the Région’s catalogue editor too', async () => {
    const page = await staff('region@normandie.example.org');
    await page.goto(`${baseUrl}/espace/plateforme/catalogue/nouveau`);
    await page.getByLabel('Envoyer une image (PNG ou SVG)').check();
    await page
      .getByLabel('Fichier de l’image')
      .setInputFiles({ name: 'énorme.png', mimeType: 'image/png', buffer: Buffer.alloc(3 * 1024 * 1024) });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page
        .getByRole('button', { name: /Enregistrer|Publier|Ajouter/ })
        .first()
        .click(),
    ]);
    expect(response.status()).toBe(413);
    await page.waitForLoadState('load');
    expect(normaliseText(await page.locator('.error-summary').innerText())).toContain('Ce fichier est trop lourd : 512 Ko au maximum.');
    await checkPage(page, 'catalogue editor after a file too large');
  });
});

// ---------------------------------------------------------------------------
// Every page

type Who = 'anonymous' | 'learner' | 'advisor' | 'admin' | 'platform';

interface Ids {
  structure: string;
  badgeClass: string;
  assertion: string;
  token: string;
  importId: string;
  learnerKey: string;
  outboxMessage: string;
  learnerBadge: string;
  invitationLink: string;
  resetLink: string;
  unsubscribeLink: string;
  unsubscribeToken: string;
  learnerLink: string;
  catalogueEntry: string;
}

interface PageEntry {
  who: Who;
  /** The address to open, with real ids; the route's own URL when it has no parameter. */
  path?: (ids: Ids) => string;
}

/** A route that is not a page (a file, a document, a redirect), or a page this sweep cannot reach, and why. */
type NotSwept = string;

const page = (who: Who, path?: (ids: Ids) => string): PageEntry => ({ who, path });

/**
 * Every GET route the app registers: the page to open and as whom, or why it
 * is not swept. A route with no entry fails the sweep: add one when you add a route.
 */
const SWEEP: Record<string, PageEntry | NotSwept> = {
  // Public pages
  '/': page('anonymous'),
  '/donnees-personnelles': page('anonymous'),
  '/referentiel': page('anonymous'),
  '/issuers/:structureId': page('anonymous', (i) => `/issuers/${i.structure}`),
  '/badges/:badgeClassId': page('anonymous', (i) => `/badges/${i.badgeClass}`),
  '/assertions/:assertionId': page('anonymous', (i) => `/assertions/${i.assertion}`),
  '/verifier': page('anonymous'),
  '/api/docs': page('anonymous'),
  '/connexion': page('anonymous'),
  '/mot-de-passe-oublie': page('anonymous'),
  '/mot-de-passe/:token': page('anonymous', (i) => i.resetLink),
  '/invitation/:token': page('anonymous', (i) => i.invitationLink),
  '/courriels/arret/:token': page('anonymous', (i) => i.unsubscribeLink),
  '/courriels/arret': page('anonymous', (i) => `/courriels/arret?jeton=${i.unsubscribeToken}`),
  '/setup': 'a page only before the first account exists: swept in auth.test.ts (setup → sign-in → workspace)',
  // The learner's space
  '/mon-espace': page('learner'),
  '/mon-espace/lien/:token': page('anonymous', (i) => i.learnerLink),
  '/mon-espace/badges/:id': page('learner', (i) => `/mon-espace/badges/${i.learnerBadge}`),
  '/mon-espace/mes-donnees': page('learner'),
  '/mon-espace/mes-donnees/effacer': page('learner'),
  '/mon-espace/donnees-effacees': page('anonymous'),
  // The workspace
  '/espace': page('advisor'),
  '/espace/structures': page('platform'),
  '/espace/structures/:id': page('platform', (i) => `/espace/structures/${i.structure}`),
  '/espace/plateforme/journal': page('platform'),
  '/espace/plateforme/catalogue': page('platform'),
  '/espace/plateforme/catalogue/nouveau': page('platform'),
  '/espace/plateforme/catalogue/:id/modifier': page('platform', (i) => `/espace/plateforme/catalogue/${i.catalogueEntry}/modifier`),
  '/espace/plateforme/chiffres': page('platform'),
  '/espace/plateforme/courriels': page('platform'),
  '/espace/plateforme/courriels/:id': page('platform', (i) => `/espace/plateforme/courriels/${i.outboxMessage}`),
  '/espace/structure': page('admin'),
  '/espace/membres': page('admin'),
  '/espace/jetons': page('admin'),
  '/espace/jetons/:id/revoquer': page('admin', (i) => `/espace/jetons/${i.token}/revoquer`),
  '/espace/journal': page('admin'),
  '/espace/badges': page('advisor'),
  '/espace/badges/nouveau': page('admin'),
  '/espace/badges/catalogue': page('admin'),
  '/espace/badges/:id': page('advisor', (i) => `/espace/badges/${i.badgeClass}`),
  '/espace/badges/:id/modifier': page('admin', (i) => `/espace/badges/${i.badgeClass}/modifier`),
  '/espace/badges/:id/copier': page('admin', (i) => `/espace/badges/${i.badgeClass}/copier`),
  '/espace/badges/:id/supprimer': page('admin', (i) => `/espace/badges/${i.badgeClass}/supprimer`),
  '/espace/delivrer': page('advisor'),
  '/espace/delivrer/delivre/:assertionId': page('advisor', (i) => `/espace/delivrer/delivre/${i.assertion}`),
  '/espace/delivrer/csv': page('advisor'),
  '/espace/delivrer/csv/:importId': page('advisor', (i) => `/espace/delivrer/csv/${i.importId}`),
  '/espace/delivrer/csv/:importId/lignes/:line': page('advisor', (i) => `/espace/delivrer/csv/${i.importId}/lignes/2`),
  '/espace/apprenants': page('advisor'),
  '/espace/apprenants/:learnerKey': page('advisor', (i) => `/espace/apprenants/${i.learnerKey}`),
  '/espace/delivres': page('advisor'),
  '/espace/delivres/:id': page('advisor', (i) => `/espace/delivres/${i.assertion}`),
  '/espace/delivres/:id/revoquer': page('advisor', (i) => `/espace/delivres/${i.assertion}/revoquer`),
  '/espace/delivres/:id/adresse': page('advisor', (i) => `/espace/delivres/${i.assertion}/adresse`),
  '/espace/chiffres': page('advisor'),
  '/espace/courriels': page('advisor'),

  // Not pages
  '/static/*': 'files (CSS, scripts, images)',
  '/static/catalogue/*': 'the catalogue’s image files',
  '/healthz': 'a health check for the operator',
  '/readyz': 'a readiness check for the operator',
  '/issuers/:structureId/image': 'an image',
  '/issuers/:structureId/keys/:keyId': 'an Open Badges document (JSON-LD)',
  '/issuers/:structureId/revocations': 'an Open Badges document (JSON-LD)',
  '/badges/:badgeClassId/image.:format': 'an image',
  '/assertions/:assertionId/hosted.png': 'a baked badge file',
  '/assertions/:assertionId/hosted.svg': 'a baked badge file',
  '/assertions/:assertionId/signed.png': 'a baked badge file',
  '/assertions/:assertionId/signed.svg': 'a baked badge file',
  '/assertions/:assertionId/signed.jws': 'a signature',
  '/assertions/:assertionId/credential.json': 'an Open Badges 3.0 credential (JSON-LD)',
  '/assertions/:assertionId/credential.png': 'a baked badge file (Open Badges 3.0)',
  '/assertions/:assertionId/credential.svg': 'a baked badge file (Open Badges 3.0)',
  '/ob3/issuers/:structureId': 'an Open Badges 3.0 document (JSON-LD)',
  '/ob3/issuers/:structureId/keys/:keyId': 'an Open Badges 3.0 document (JSON-LD)',
  '/ob3/issuers/:structureId/status/:list': 'an Open Badges 3.0 document (JSON-LD)',
  '/ob3/achievements/:badgeClassId': 'an Open Badges 3.0 document (JSON-LD)',
  '/mon-espace/copier.js': 'a script',
  '/mon-espace/badges/:id/open-badge-passport': 'a redirect to Open Badge Passport',
  '/mon-espace/badges/:id/qr.svg': 'an image',
  '/mon-espace/badges/:id/qr.png': 'an image',
  '/mon-espace/badges/:id/badge.json': 'a download',
  '/mon-espace/badges/:id/attestation.pdf': 'a PDF (read back above)',
  '/mon-espace/mes-donnees/export.json': 'a download',
  '/api/docs/': 'a redirect to /api/docs',
  '/api/docs/json': 'the OpenAPI document',
  '/api/docs/yaml': 'the OpenAPI document',
  '/api/v1/badge-classes': 'the REST API',
  '/api/v1/assertions': 'the REST API',
  '/api/v1/assertions/:id': 'the REST API',
  '/espace/plateforme/chiffres.csv': 'a CSV download',
  '/espace/catalogue/images/:key': 'an image',
  '/espace/delivrer/csv/modele.csv': 'a CSV download',
  '/espace/delivrer/csv/:importId/resultat.csv': 'a CSV download',
  '/espace/delivres/:id/assertion.json': 'a download',
  '/espace/chiffres.csv': 'a CSV download',
  '/espace/delivres.csv': 'a CSV download',
  '/espace/journal.csv': 'a CSV download',
  '/espace/plateforme/journal.csv': 'a CSV download',
};

describe('every page', () => {
  test('has an entry in the sweep, and none for a route that no longer exists', () => {
    const routes = [...new Set(registered)];
    expect(routes.length).toBeGreaterThan(50);
    const missing = routes.filter((url) => !(url in SWEEP));
    expect(
      missing,
      `These GET routes have no entry in SWEEP (test/browser/documents-and-words.test.ts): add each, as the page to open and as whom, or why it is not a page:\n${missing.join('\n')}`,
    ).toEqual([]);
    const stale = Object.keys(SWEEP).filter((url) => !routes.includes(url));
    expect(stale, `These SWEEP entries name routes that no longer exist:\n${stale.join('\n')}`).toEqual([]);
  });

  test('each one, opened by the person it is for, has no axe violation and reads at 375 px', async () => {
    const s = services();
    // The objects the pages name: an award (its emails held, no SMTP here), a token, an invitation, a CSV import in preview.
    const awarded = await award(3, { name: 'Inès Moreau', email: 'ines.moreau@example.org' });
    await award(4, LEARNER); // the learner's space has a badge to show, whichever tests ran before
    const { record: token } = await s.apiTokens.create({ structureId, name: 'Logiciel de suivi' }, CLI);
    const entryImage = loadCatalogueImage('communiquer-je-pratique');
    const entry = await s.catalogue.add(
      {
        name: 'Éco-gestes au travail',
        description: 'Les gestes simples qui économisent l’énergie.',
        criteriaNarrative: 'Observé en stage.',
        tags: ['environnement'],
        alignment: [],
        validityDays: null,
      },
      { png: entryImage.png, svg: entryImage.svg },
      CLI,
    );
    await s.accounts.invite(structureId, { email: 'nouvelle@ic.example.org', role: 'advisor' }, CLI, 'fr');
    const invitationMail = await latestOutboxMail(db(), 'nouvelle@ic.example.org');
    const awardMail = await latestOutboxMail(db(), 'ines.moreau@example.org', 'award');
    const unsubscribeLink = linkIn(awardMail!.textBody, `${baseUrl}/courriels/arret/`);

    // The CSV import: through its own form, as the advisor.
    const advisor = await staff('hugo@ic.example.org');
    await advisor.goto(`${baseUrl}/espace/delivrer/csv`);
    const csv = [
      'email;prénom;nom;badge',
      `jules@example.org;Jules;Lambert;${seeded.badgeClasses[0]!.name}`,
      'pas-une-adresse;Zoé;Roux;Inconnu',
    ].join('\r\n');
    await advisor.getByLabel('Fichier CSV').setInputFiles({ name: 'promo.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await submitForm(advisor, 'Envoyer et vérifier le fichier');
    const importId = /\/espace\/delivrer\/csv\/([0-9a-f-]{36})/.exec(advisor.url())![1]!;

    // A password reset asked for on its page, and a learner's link (sent in the background).
    const anonymous = await openPage();
    await anonymous.goto(`${baseUrl}/mot-de-passe-oublie`);
    await anonymous.getByLabel('Adresse e-mail').fill('hugo@ic.example.org');
    await submitForm(anonymous, 'Recevoir le lien');
    const learner = await learnerPage(LEARNER.email);
    await learner.goto(`${baseUrl}/mon-espace`);
    const learnerBadge = /\/mon-espace\/badges\/([0-9a-f-]{36})/.exec(
      (await learner.locator('.learner-badge-card a').first().getAttribute('href'))!,
    )![1]!;
    // A second link, left unused, for the link page itself.
    const asker = await openPage();
    await asker.goto(`${baseUrl}/mon-espace`);
    await asker.getByLabel('Votre adresse e-mail').fill('ines.moreau@example.org');
    await submitForm(asker, 'Recevoir mon lien');
    await test_.platform.linkRequestRunner!.drain();
    const resetMail = await latestOutboxMail(db(), 'hugo@ic.example.org', 'password-reset');
    const learnerMail = await latestOutboxMail(db(), 'ines.moreau@example.org', 'learner-sign-in');

    const ids: Ids = {
      structure: structureId,
      badgeClass: seeded.badgeClasses[0]!.id,
      assertion: awarded.id.split('/').pop()!,
      token: token.id,
      importId,
      learnerKey: StructureLearnerService.keyOf(structureId, 'ines.moreau@example.org'),
      outboxMessage: invitationMail!.id,
      learnerBadge,
      invitationLink: linkIn(invitationMail!.textBody, `${baseUrl}/invitation/`),
      resetLink: linkIn(resetMail!.textBody, `${baseUrl}/mot-de-passe/`),
      unsubscribeLink,
      unsubscribeToken: unsubscribeLink.split('/').pop()!,
      learnerLink: linkIn(learnerMail!.textBody, `${baseUrl}/mon-espace/lien/`),
      catalogueEntry: entry.id,
    };

    const people: Record<Who, Page> = {
      anonymous: await openPage(),
      learner,
      advisor,
      admin: await staff('lea@ic.example.org'),
      platform: await staff('region@normandie.example.org'),
    };
    const swept: string[] = [];
    // In French, then in English (the language switch's choice, remembered by each person's browser).
    for (const lang of ['fr', 'en'] as const) {
      if (lang === 'en') for (const who of Object.values(people)) await who.goto(`${baseUrl}/?lang=en`);
      for (const [route, entry] of Object.entries(SWEEP)) {
        if (typeof entry === 'string' || !registered.includes(route)) continue;
        const target = entry.path?.(ids) ?? route;
        const url = new URL(target, baseUrl).toString();
        const who = people[entry.who];
        const response = await who.goto(url);
        expect(response, `no response for ${route}`).not.toBeNull();
        expect(response!.status(), `${route} (${url}) as ${entry.who}, ${lang}`).toBeLessThan(400);
        expect(response!.headers()['content-type'], route).toMatch(/^text\/html/);
        expect(await who.locator('html').getAttribute('lang'), `${route} in ${lang}`).toBe(lang);
        await checkPage(who, `${route} as ${entry.who}, in ${lang}`);
        swept.push(`${lang} ${route}`);
      }
    }
    expect(swept.length).toBeGreaterThan(80);
  }, 400_000);
});
