/**
 * Following awards in a real Chromium: the list, a filter, an award's
 * detail and its revocation with a reason; an API token's creation and
 * revocation; the figures with their chart; the audit trail; the region's
 * figures. Every page is checked with axe-core (WCAG 2.1 A/AA) and at 375px.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  type BrowserApp,
  checkPage,
  launchBrowser,
  newContext,
  startBrowserApp,
  submitForm,
  textOf as text,
  signInOnPage,
} from '../support/browser.ts';
import { seedStructure } from '../support/platform.ts';

const PASSWORD = 'le mot de passe de Léa, assez long';
const CLI = { kind: 'cli' } as const;

let app: BrowserApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
let awarded: string[] = [];

async function openPage(): Promise<Page> {
  const context = await newContext(browser, { locale: 'fr-FR' });
  contexts.push(context);
  return context.newPage();
}

const submit = submitForm;

function signIn(page: Page, email: string) {
  return signInOnPage(page, app.baseUrl, email, PASSWORD);
}

/** Léa's structure, whose tokens the double-submit check counts. */
let structureId: string;

beforeAll(async () => {
  app = await startBrowserApp();
  browser = await launchBrowser();
  const s = app.services;
  const { structure, badgeClasses } = await seedStructure(s, {
    name: 'Association régionale pour l’insertion professionnelle et la formation continue du Calvados',
  });
  structureId = structure.id;
  const lea = await s.users.create(
    { email: 'lea.martin@example.org', name: 'Léa Martin', password: PASSWORD, structureId: structure.id, role: 'admin' },
    CLI,
  );
  await s.users.create({ email: 'region@example.org', name: 'Région Normandie', password: PASSWORD, platformAdmin: true }, CLI);
  const learners = [
    ['ines.moreau@example.org', 'Inès Moreau'],
    ['jules.lambert@example.org', 'Jules Lambert'],
    ['un.nom.d.adresse.tres.tres.long.pour.voir@formation-continue.example.org', '<script>alert(1)</script> Zoé'],
  ] as const;
  awarded = [];
  for (const [i, [email, name]] of learners.entries()) {
    const { assertion } = await s.awarding.award(
      {
        allowDuplicate: true,
        structureId: structure.id,
        badgeClassId: badgeClasses[i]!.id,
        recipient: { email, name },
        narrative: 'A préparé et animé un atelier https://example.org/un/tres/long/chemin/qui/ne/doit/pas/deborder/de/la/page',
        evidence: [{ url: 'https://example.org/preuves/atelier-cv-2026', narrative: 'Compte rendu' }],
      },
      { kind: 'user', userId: lea.id },
    );
    awarded.push(assertion.id);
  }
});

afterEach(async () => {
  while (contexts.length) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('following awards', () => {
  test('list → filter → detail → revoke with a reason, every page accessible and readable at 375px', async () => {
    const page = await openPage();
    await signIn(page, 'lea.martin@example.org');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Badges délivrés' }).first().click()]);
    expect(await text(page, 'h1')).toBe('Badges délivrés');
    expect(await text(page, '.result-count')).toBe('3 badges trouvés — page 1 sur 1.');
    await checkPage(page, 'awarded badges');

    await page.getByLabel('Nom ou adresse e-mail de l’apprenant').fill('moreau');
    await page.getByLabel('État').selectOption('valid');
    await submit(page, 'Afficher');
    expect(new URL(page.url()).search).toBe('?q=moreau&badge=&par=&etat=valid&du=&au=');
    expect(await text(page, '.result-count')).toBe('1 badge trouvé — page 1 sur 1.');
    expect(await page.getByLabel('Nom ou adresse e-mail de l’apprenant').inputValue()).toBe('moreau');
    await checkPage(page, 'filtered list');

    // A wrong date range is named and linked from the summary.
    await page.goto(`${app.baseUrl}/espace/delivres?du=2026-03-10&au=2026-03-01`);
    expect(await text(page, '.error-summary')).toContain('Cette date doit être postérieure ou égale à la date de début.');
    await checkPage(page, 'list with a filter error');

    await page.goto(`${app.baseUrl}/espace/delivres?q=moreau`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Inès Moreau' }).click()]);
    expect(new URL(page.url()).pathname).toBe(`/espace/delivres/${awarded[0]}`);
    expect(await text(page, '.lead')).toBe('Délivré à Inès Moreau');
    await checkPage(page, 'award detail');

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Révoquer ce badge…' }).click()]);
    expect(await text(page, 'h1')).toBe('Révoquer un badge');
    await checkPage(page, 'revocation confirmation');
    await submit(page, 'Révoquer définitivement');
    expect(await page.title()).toMatch(/^Erreur : Révoquer un badge/);
    expect(await page.getByLabel('Motif de la révocation').getAttribute('aria-invalid')).toBe('true');
    await checkPage(page, 'revocation with an error');

    await page.getByLabel('Motif de la révocation').fill('Délivré par erreur <b>à la mauvaise personne</b>');
    await submit(page, 'Révoquer définitivement');
    expect(await text(page, '.notice-success')).toContain('Le badge est révoqué.');
    expect(await text(page, '.revoked-box')).toContain('Motif : Délivré par erreur <b>à la mauvaise personne</b>');
    await checkPage(page, 'revoked award');

    // The recruiter's page says it too.
    await page.goto(`${app.baseUrl}/assertions/${awarded[0]}`);
    expect(await text(page, 'h1')).toBe('Badge révoqué');

    // The hostile name is text on the list and on its detail.
    await page.goto(`${app.baseUrl}/espace/delivres/${awarded[2]}`);
    expect(await text(page, '.lead')).toBe('Délivré à <script>alert(1)</script> Zoé');
    await checkPage(page, 'award with a long email address');
  });

  test('an API token is created, shown once with how to use it, then revoked', async () => {
    const page = await openPage();
    await signIn(page, 'lea.martin@example.org');
    await page.goto(`${app.baseUrl}/espace/jetons`);
    expect(await text(page, 'h1')).toBe('Jetons d’API');
    await checkPage(page, 'API tokens');

    await page.getByLabel('Nom du jeton').fill('Logiciel de suivi des parcours');
    await submit(page, 'Créer le jeton');
    const token = await page.getByLabel('Votre jeton').inputValue();
    expect(token).toMatch(/^insg_/);
    expect(await text(page, '.token-created')).toContain('il ne sera plus jamais affiché');
    await checkPage(page, 'token created');
    expect((await app.api(token, 'GET', '/api/v1/badge-classes')).status).toBe(200);

    // The answer was a redirect: a reload asks nothing and posts nothing, and the token is not shown again.
    expect(new URL(page.url()).pathname).toBe('/espace/jetons');
    await page.reload();
    expect(await page.locator('#new-token').count()).toBe(0);

    // The same form sent twice over HTTP (a double click): one token.
    const tokensNamed = async (name: string) => (await app.services.following.apiTokens(structureId)).filter((k) => k.name === name);
    const form = {
      _csrf: await page.locator('form[action="/espace/jetons"] input[name="_csrf"]').inputValue(),
      once: await page.locator('form[action="/espace/jetons"] input[name="once"]').inputValue(),
      name: 'Envoyé deux fois',
    };
    const posts = await Promise.all([1, 2].map(() => page.request.post(`${app.baseUrl}/espace/jetons`, { form, maxRedirects: 0 })));
    expect(posts.map((r) => r.status())).toEqual([303, 303]);
    expect(await tokensNamed('Envoyé deux fois')).toHaveLength(1);

    await page.goto(`${app.baseUrl}/espace/jetons`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Révoquer Logiciel de suivi des parcours' }).click()]);
    await checkPage(page, 'token revocation');
    await submit(page, 'Révoquer le jeton');
    expect(await text(page, '.notice-success')).toBe('Le jeton est révoqué : il ne fonctionne plus.');
    expect((await app.api(token, 'GET', '/api/v1/badge-classes')).status).toBe(401);

    await page.goto(`${app.baseUrl}/espace/journal`);
    expect(await text(page, '.audit-list')).toContain('Jeton d’API révoqué');
    await checkPage(page, 'audit trail');
  });

  test('the figures page draws its chart on the server, with the same figures in a table', async () => {
    const page = await openPage();
    await signIn(page, 'lea.martin@example.org');
    await page.goto(`${app.baseUrl}/espace/chiffres`);
    const chart = page.getByRole('img', { name: 'Badges délivrés par mois, sur 12 mois' });
    expect(await chart.count()).toBe(1);
    expect(await page.locator('.chart-bar').count()).toBe(12);
    expect(await text(page, '#mois-caption')).toContain('mois par mois');
    await checkPage(page, 'figures');
    await page.goto(`${app.baseUrl}/espace/chiffres?mois=24`);
    expect(await page.locator('.chart-bar').count()).toBe(24);
    await checkPage(page, 'figures over 24 months');

    const region = await openPage();
    await signIn(region, 'region@example.org');
    await region.goto(`${app.baseUrl}/espace/plateforme/chiffres`);
    expect(await text(region, 'h1')).toBe('Chiffres régionaux');
    expect(await text(region, 'dl.figures')).toContain('Structures engagées 1');
    await checkPage(region, 'regional figures');
  });
});
