/**
 * The badge editor as a structure admin uses it, in a real Chromium: create
 * a badge from an uploaded SVG (with a preview first), create one from the
 * generator, edit it, and browse the shared catalogue. Every page is checked
 * with axe-core (WCAG 2.1 A/AA) and at 375px, with and without errors.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  type BrowserApp,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  launchBrowser,
  newContext,
  normaliseText,
  startBrowserApp,
  signInOnPage,
} from '../support/browser.ts';
import { seedStructure } from '../support/platform.ts';

const PASSWORD = 'le mot de passe de l’équipe';
const CLI = { kind: 'cli' } as const;
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120"><script>alert(1)</script>' +
  '<rect x="10" y="10" width="100" height="100" rx="20" fill="#9e2234"/><circle cx="60" cy="60" r="30" fill="#fff"/></svg>';

let app: BrowserApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function openPage(): Promise<Page> {
  const context = await newContext(browser, { locale: 'fr-FR' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', () => {
    throw new Error('a script ran in the page');
  });
  return page;
}

const text = async (page: Page, selector: string) => normaliseText(await page.locator(selector).first().innerText());

async function checkPage(page: Page, label: string) {
  await expectNoAxeViolations(page, label);
  await expectNoHorizontalScroll(page, 375);
}

async function click(page: Page, role: 'button' | 'link', name: string) {
  await Promise.all([page.waitForNavigation(), page.getByRole(role, { name, exact: true }).click()]);
}

function signIn(page: Page, email: string) {
  return signInOnPage(page, app.baseUrl, email, PASSWORD);
}

beforeAll(async () => {
  app = await startBrowserApp();
  browser = await launchBrowser();
  const { structure } = await seedStructure(app.services, { name: 'Mission Locale de Caen' });
  await app.services.users.create(
    { email: 'awa.diallo@example.org', name: 'Awa Diallo', password: PASSWORD, structureId: structure.id, role: 'admin' },
    CLI,
  );
  await app.services.users.create({ email: 'region@example.org', name: 'Région', password: PASSWORD, platformAdmin: true }, CLI);
});

afterEach(async () => {
  while (contexts.length) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the badge editor', () => {
  test('an admin creates a badge from an uploaded SVG, another from the generator, and edits it', async () => {
    const page = await openPage();
    await signIn(page, 'awa.diallo@example.org');

    await page.goto(`${app.baseUrl}/espace/badges`);
    expect(await text(page, 'h1')).toBe('Les badges de la structure');
    await checkPage(page, 'badge list');
    await click(page, 'link', 'Créer un badge');
    expect(await text(page, 'h1')).toBe('Créer un badge');
    await checkPage(page, 'editor (empty)');

    // Sent without a name: the error summary names the fields.
    await click(page, 'button', 'Enregistrer le badge');
    expect(await page.title()).toMatch(/^Erreur : Créer un badge/);
    expect(await page.locator('.error-summary a').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining('Nom du badge'), expect.stringContaining('Description')]),
    );
    await checkPage(page, 'editor with errors');

    // An uploaded SVG: previewed, then saved.
    await page.getByLabel('Nom du badge').fill('Accueillir le public');
    await page.getByLabel('Description', { exact: true }).fill('La personne accueille le public avec courtoisie.');
    await page.getByLabel('Critères d’obtention').fill('Observé à l’accueil :\n\n- salue\n- oriente');
    await page.getByLabel('Mots-clés').fill('accueil, relation');
    await page.getByLabel('Communiquer — je pratique').check();
    await page.getByLabel('Envoyer une image (PNG ou SVG)').check();
    await page.getByLabel('Fichier de l’image').setInputFiles({ name: 'accueil.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(SVG) });
    await click(page, 'button', 'Prévisualiser l’image');
    await expect
      .poll(() => page.getByAltText('Aperçu de l’image du badge').evaluate((img) => (img as any).naturalWidth))
      .toBeGreaterThan(0);
    expect(await text(page, '.image-upload')).toContain('Fichier retenu : accueil.svg');
    expect(await page.getByLabel('Nom du badge').inputValue()).toBe('Accueillir le public');
    await checkPage(page, 'editor with an upload preview');
    await click(page, 'button', 'Enregistrer le badge');
    expect(await text(page, '.notice')).toContain('Le badge est créé.');
    expect(await text(page, 'h1')).toBe('Accueillir le public');
    await expect.poll(() => page.locator('img.badge-image').evaluate((img) => (img as any).naturalWidth)).toBeGreaterThan(0);
    await checkPage(page, 'badge page');
    const svg = await (await fetch(new URL(page.url().replace(/\/espace\/badges\/([^?]+).*/, '/badges/$1/image.svg')))).text();
    expect(svg).toContain('<rect');
    expect(svg).not.toContain('script');

    // A file far over the limit: the editor again, saying why, not a bare « Erreur 413 » page.
    await page.goto(`${app.baseUrl}/espace/badges/nouveau`);
    await page.getByLabel('Envoyer une image (PNG ou SVG)').check();
    await page
      .getByLabel('Fichier de l’image')
      .setInputFiles({ name: 'énorme.png', mimeType: 'image/png', buffer: Buffer.alloc(3 * 1024 * 1024) });
    await click(page, 'button', 'Enregistrer le badge');
    expect(await text(page, '.error-summary')).toContain('Ce fichier est trop lourd : 512 Ko au maximum.');
    expect(await page.title()).toMatch(/^Erreur : Créer un badge/);
    await checkPage(page, 'editor after a file too large');

    // A generated image: a shield, green, with a leaf.
    await page.goto(`${app.baseUrl}/espace/badges/nouveau`);
    await page.getByLabel('Nom du badge').fill('Éco-gestes');
    await page.getByLabel('Description', { exact: true }).fill('La personne applique les gestes qui économisent les ressources.');
    await page.getByLabel('Critères d’obtention').fill('Observé en atelier.');
    await page.getByLabel('Créer une image à partir d’une forme et d’une couleur').check();
    await page.getByLabel('Écusson').check();
    await page.getByLabel('Vert', { exact: true }).check();
    await page.getByLabel('Feuille').check();
    await page.getByLabel('Durée', { exact: true }).fill('6');
    await click(page, 'button', 'Prévisualiser l’image');
    expect(await page.getByAltText('Aperçu de l’image du badge').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(await page.getByLabel('Vert', { exact: true }).isChecked()).toBe(true);
    await checkPage(page, 'editor with a generated preview');
    await click(page, 'button', 'Enregistrer le badge');
    expect(await text(page, 'h1')).toBe('Éco-gestes');
    expect(await text(page, '.facts')).toContain('6 mois');

    // Edited: never awarded, so changed in place.
    const url = page.url().split('?')[0]!;
    await click(page, 'link', 'Modifier ce badge');
    expect(await text(page, 'h1')).toBe('Modifier le badge');
    expect(await page.getByLabel('Garder l’image actuelle').isChecked()).toBe(true);
    await checkPage(page, 'editor (edit)');
    await page.getByLabel('Description', { exact: true }).fill('Une description revue.');
    await click(page, 'button', 'Enregistrer le badge');
    expect(page.url().split('?')[0]).toBe(url);
    expect(await text(page, '.notice')).toBe('Vos modifications sont enregistrées.');
    expect(await text(page, 'main')).toContain('Une description revue.');

    // Pressing Enter in a field saves (the preview button is not the form's default).
    await click(page, 'link', 'Modifier ce badge');
    await page.getByLabel('Nom du badge').fill('Éco-gestes au quotidien');
    await Promise.all([page.waitForNavigation(), page.getByLabel('Nom du badge').press('Enter')]);
    expect(await text(page, 'h1')).toBe('Éco-gestes au quotidien');

    await page.goto(`${app.baseUrl}/espace/badges`);
    expect(await text(page, '#live-title')).toBe('Badges à délivrer (11)');
    await checkPage(page, 'badge list with new badges');
  });

  test('the catalogue pages, for a structure and for the Région', async () => {
    const page = await openPage();
    await signIn(page, 'awa.diallo@example.org');
    await page.goto(`${app.baseUrl}/espace/badges/catalogue`);
    expect(await text(page, 'h1')).toBe('Le catalogue partagé');
    await checkPage(page, 'structure catalogue');

    const region = await openPage();
    await signIn(region, 'region@example.org');
    await region.goto(`${app.baseUrl}/espace/plateforme/catalogue`);
    expect(await text(region, 'h1')).toBe('Catalogue de la plateforme');
    await checkPage(region, 'platform catalogue');
  });
});
