/**
 * Getting in, as people do it: a real Chromium against the app on a real
 * socket, from the very first start (an empty database) to signing out.
 * Every page on the way is checked with axe-core (WCAG 2.1 A/AA) and at
 * 375px (no horizontal scroll), in its normal state and with its errors.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { insertMembership } from '../../src/db/repositories/users.ts';
import {
  type BrowserApp,
  checkPage,
  launchBrowser,
  newContext,
  normaliseText,
  startBrowserApp,
  submitForm,
  textOf as text,
  signInOnPage,
} from '../support/browser.ts';
import { seedStructure } from '../support/platform.ts';

const REGION = {
  name: 'Marie Lefèvre, Région Normandie',
  email: 'marie.lefevre@normandie.example.org',
  password: 'trois pommes vertes et un kiwi',
};
const PASSWORD = 'le mot de passe de Léa, assez long';
const LONG_NAME = 'Association régionale pour l’insertion professionnelle et la formation continue des jeunes du Calvados';

let app: BrowserApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function openPage(): Promise<Page> {
  const context = await newContext(browser, { locale: 'fr-FR' });
  contexts.push(context);
  return context.newPage();
}

const submit = submitForm;

beforeAll(async () => {
  app = await startBrowserApp();
  browser = await launchBrowser();
});

afterEach(async () => {
  while (contexts.length) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('from the first start to signing out', () => {
  test('setup → sign-in → workspace → sign-out, every page accessible and readable at 375px', async () => {
    const page = await openPage();

    // An empty platform: the home page says what to do first.
    await page.goto(`${app.baseUrl}/`);
    expect(await text(page, '.setup-callout h2')).toBe('Première mise en service');
    await checkPage(page, 'home page before setup');
    await Promise.all([page.waitForURL(/\/setup$/), page.getByRole('link', { name: 'Mettre en service la plateforme' }).click()]);

    // The setup page explains itself.
    expect(await text(page, 'h1')).toBe('Mise en service de la plateforme');
    expect(await text(page, 'main')).toContain('Cette page ne sert qu’une fois.');
    await checkPage(page, 'setup page');

    // Sent empty: the summary of errors takes the focus and links to each field.
    await submit(page, 'Créer le compte administrateur');
    expect(await page.title()).toMatch(/^Erreur : Mise en service de la plateforme/);
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.className)).toBe('error-summary');
    const summaryLinks = await page.locator('.error-summary a').allInnerTexts();
    expect(summaryLinks.map(normaliseText)).toEqual([
      'Votre nom : Ce champ est obligatoire.',
      'Adresse e-mail : Ce champ est obligatoire.',
      'Mot de passe : Ce champ est obligatoire.',
    ]);
    expect(await page.getByLabel('Votre nom').getAttribute('aria-invalid')).toBe('true');
    const described = await page.getByLabel('Votre nom').getAttribute('aria-describedby');
    expect(normaliseText(await page.locator(`[id="${described!.split(' ')[1]}"]`).innerText())).toBe('Erreur : Ce champ est obligatoire.');
    await checkPage(page, 'setup page with errors');

    // Markup in the name comes back as text; the passwords do not come back at all.
    await page.getByLabel('Votre nom').fill('<b>Région</b>');
    await page.getByLabel('Adresse e-mail').fill(REGION.email);
    await page.getByLabel('Mot de passe', { exact: true }).fill(REGION.password);
    await page.getByLabel('Confirmez le mot de passe').fill('pas la même chose du tout');
    await submit(page, 'Créer le compte administrateur');
    expect(await page.getByLabel('Votre nom').inputValue()).toBe('<b>Région</b>');
    expect(await page.locator('main b').count()).toBe(0);
    expect(await page.getByLabel('Mot de passe', { exact: true }).inputValue()).toBe('');
    expect(await text(page, '.error-summary')).toContain('Les deux mots de passe ne sont pas identiques.');

    await page.getByLabel('Votre nom').fill(REGION.name);
    await page.getByLabel('Mot de passe', { exact: true }).fill(REGION.password);
    await page.getByLabel('Confirmez le mot de passe').fill(REGION.password);
    await submit(page, 'Créer le compte administrateur');

    // Sign-in, with a word that the account is ready.
    expect(new URL(page.url()).pathname).toBe('/connexion');
    expect(await text(page, '[role="status"]')).toContain('Le compte administrateur est créé.');
    await checkPage(page, 'sign-in page after setup');

    // The setup is gone.
    const again = await page.request.get(`${app.baseUrl}/setup`, { headers: { accept: 'text/html' } });
    expect(again.status()).toBe(404);

    // A wrong password first.
    await page.getByLabel('Adresse e-mail').fill(REGION.email);
    await page.getByLabel('Mot de passe').fill('une erreur de frappe');
    await submit(page, 'Se connecter');
    expect(await text(page, '.error-summary')).toContain('Adresse e-mail ou mot de passe incorrect.');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.className)).toBe('error-summary');
    expect(await page.getByLabel('Adresse e-mail').inputValue()).toBe(REGION.email);
    expect(await page.getByRole('link', { name: 'Ouvrir mon espace' }).getAttribute('href')).toBe('/mon-espace');
    await checkPage(page, 'sign-in page with an error');

    await page.getByLabel('Mot de passe').fill(REGION.password);
    await submit(page, 'Se connecter');
    expect(new URL(page.url()).pathname).toBe('/espace');
    expect(await text(page, 'h1')).toBe(`Bonjour ${REGION.name}`);
    expect(await text(page, '.account-bar')).toContain(REGION.name);
    await checkPage(page, 'workspace of the platform administrator');

    // A structure opened since (from the command line, for now): it shows in the list.
    await seedStructure(app.services, { name: LONG_NAME });
    await Promise.all([page.waitForURL(/\/espace\/structures$/), page.getByRole('link', { name: 'Structures', exact: true }).click()]);
    expect(await text(page, 'h1')).toBe('Les structures du programme');
    expect(await text(page, 'table')).toContain(LONG_NAME);
    await checkPage(page, 'structures page');

    // Sign out from the header.
    await submit(page, 'Se déconnecter');
    expect(new URL(page.url()).pathname).toBe('/connexion');
    expect(await text(page, '[role="status"]')).toBe('Vous êtes déconnecté de votre espace. À bientôt !');
    await checkPage(page, 'sign-in page after signing out');
    await page.goto(`${app.baseUrl}/espace`);
    expect(new URL(page.url()).pathname).toBe('/connexion');
  });
});

describe('a member of two structures', () => {
  let caen: string;
  let rouen: string;

  beforeAll(async () => {
    caen = (await seedStructure(app.services, { name: 'Mission Locale de Caen' })).structure.id;
    const seeded = await seedStructure(app.services, { name: 'Cap Emploi Rouen' });
    rouen = seeded.structure.id;
    const lea = await app.services.users.create(
      { email: 'lea.martin@example.org', name: 'Léa Martin', password: PASSWORD, structureId: caen, role: 'admin' },
      { kind: 'cli' },
    );
    await insertMembership(app.platform.database.db, {
      userId: lea.id,
      structureId: rouen,
      role: 'advisor',
      createdAt: app.services.clock(),
    });
    await app.services.users.create(
      { email: 'hugo.petit@example.org', name: 'Hugo Petit', password: PASSWORD, structureId: caen, role: 'advisor' },
      { kind: 'cli' },
    );
    await app.services.awarding.award(
      {
        allowDuplicate: true,
        structureId: rouen,
        badgeClassId: seeded.badgeClasses[0]!.id,
        recipient: { email: 'nina@example.org', name: 'Nina Roussel' },
      },
      { kind: 'cli' },
    );
  });

  function signIn(page: Page, email: string) {
    return signInOnPage(page, app.baseUrl, email, PASSWORD);
  }

  test('switches structure from the header, sees each one’s figures, and its members page as admin', async () => {
    const page = await openPage();
    await signIn(page, 'lea.martin@example.org');
    // First by name: Cap Emploi Rouen, where she is an advisor.
    expect(await text(page, 'main')).toContain('Vous travaillez pour Cap Emploi Rouen.');
    expect(await text(page, 'main')).toContain('Nina Roussel');
    const select = page.getByLabel('Structure', { exact: true });
    expect(await select.locator('option').allInnerTexts()).toEqual([
      'Cap Emploi Rouen (conseil)',
      'Mission Locale de Caen (administration)',
    ]);
    await checkPage(page, 'workspace of an advisor, with the structure switcher');

    await select.selectOption(caen);
    await submit(page, 'Changer');
    expect(new URL(page.url()).pathname).toBe('/espace');
    expect(await text(page, 'main')).toContain('Vous travaillez pour Mission Locale de Caen.');
    expect(await text(page, 'main')).toContain('Votre rôle : administrateur ou administratrice de la structure.');
    expect(await select.inputValue()).toBe(caen);
    await checkPage(page, 'workspace of a structure admin');

    await Promise.all([page.waitForURL(/\/espace\/membres$/), page.getByRole('link', { name: 'Membres', exact: true }).click()]);
    expect(await text(page, 'h1')).toBe('Les membres de Mission Locale de Caen');
    expect(await text(page, 'table')).toContain('Hugo Petit');
    await checkPage(page, 'members page');

    // The same page in English.
    await Promise.all([page.waitForURL(/lang=en/), page.getByRole('link', { name: 'English' }).click()]);
    expect(await text(page, 'h1')).toBe('The members of Mission Locale de Caen');
    await checkPage(page, 'members page in English');
  });

  test('an advisor is told plainly that the members page is not theirs', async () => {
    const page = await openPage();
    await signIn(page, 'hugo.petit@example.org');
    await checkPage(page, 'workspace of an advisor with one structure');
    const response = await page.goto(`${app.baseUrl}/espace/membres`);
    expect(response!.status()).toBe(403);
    expect(await text(page, 'main')).toContain('Cette page est réservée aux administrateurs de la structure.');
    await checkPage(page, '403 page, signed in');
  });

  test('a form left open too long is refused with a message, not a crash', async () => {
    const page = await openPage();
    await page.goto(`${app.baseUrl}/connexion`);
    // Another tab cleared the cookies meanwhile.
    await page.context().clearCookies();
    await page.getByLabel('Adresse e-mail').fill('hugo.petit@example.org');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await submit(page, 'Se connecter');
    expect(await text(page, 'main')).toContain('Cette demande a été refusée');
    await checkPage(page, 'CSRF refusal page');
  });
});
