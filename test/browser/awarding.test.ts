/**
 * Awarding as an advisor does it, in a real Chromium against the app on a
 * real socket: one badge (form, errors, confirmation, success), a CSV file
 * with errors (upload, preview, one row corrected, one dropped, confirm,
 * progress, result, download), and the learner's page with the general
 * badge. Every page is checked with axe-core (WCAG 2.1 A/AA) and at 375px.
 */
import { readFile } from 'node:fs/promises';
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

const PASSWORD = 'le mot de passe de Claire, assez long';

let app: BrowserApp;
let browser: Browser;
let seeded: Awaited<ReturnType<typeof seedStructure>>;
const contexts: BrowserContext[] = [];

async function openPage(): Promise<Page> {
  const context = await newContext(browser, { locale: 'fr-FR', acceptDownloads: true });
  contexts.push(context);
  return context.newPage();
}

const submit = (page: Page, button: string) => submitForm(page, button, { exact: true });

function signIn(page: Page) {
  return signInOnPage(page, app.baseUrl, 'claire@caen.example.org', PASSWORD);
}

beforeAll(async () => {
  app = await startBrowserApp();
  browser = await launchBrowser();
  seeded = await seedStructure(app.services, { name: 'Mission Locale de Caen' });
  await app.services.users.create(
    { email: 'claire@caen.example.org', name: 'Claire Conseil', password: PASSWORD, structureId: seeded.structure.id, role: 'advisor' },
    { kind: 'cli' },
  );
});

afterEach(async () => {
  while (contexts.length) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('awarding in the browser', () => {
  test('one badge: form, errors, confirmation, success', async () => {
    const page = await openPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Délivrer', exact: true }).click();
    await page.waitForURL(/\/espace\/delivrer$/);
    expect(await text(page, 'h1')).toBe('Délivrer un badge');
    await checkPage(page, 'award form');

    // Sent with mistakes: a summary, each field marked, nothing lost.
    await page.getByLabel('Adresse e-mail de la personne').fill('pas-une-adresse');
    await page.getByLabel('Prénom').fill('Élodie');
    await submit(page, 'Vérifier avant de délivrer');
    expect(await page.title()).toMatch(/^Erreur : Délivrer un badge/);
    expect(await text(page, '.error-summary')).toContain('Saisissez une adresse e-mail complète');
    expect(await text(page, '.error-summary')).toContain('Choisissez l’un des badges de la liste.');
    expect(await page.getByLabel('Prénom').inputValue()).toBe('Élodie');
    await checkPage(page, 'award form with errors');

    await page.getByLabel('Adresse e-mail de la personne').fill('elodie.hebert@example.org');
    await page.getByLabel('Nom', { exact: true }).fill('Hébert');
    await page.getByLabel('Communiquer — je pratique').check();
    await page.getByLabel('Description de la preuve').fill('A présenté son projet au groupe.');
    await page.getByLabel('Message personnel pour le courriel').fill('Bravo Élodie !');
    await submit(page, 'Vérifier avant de délivrer');
    expect(await text(page, 'h1')).toBe('Vérifiez avant de délivrer');
    const preview = await text(page, 'main');
    expect(preview).toContain('Élodie Hébert');
    expect(preview).toContain('A présenté son projet au groupe.');
    expect(preview).toContain('Bravo Élodie !');
    await checkPage(page, 'award confirmation');

    // "Modifier" and back.
    await submit(page, 'Modifier');
    expect(await page.getByLabel('Nom', { exact: true }).inputValue()).toBe('Hébert');
    await submit(page, 'Vérifier avant de délivrer');
    // A double click on "Confirmer" sends the form twice: one badge all the same.
    const before = await app.services.awarding.list({
      structureId: seeded.structure.id,
      recipientEmail: 'elodie.hebert@example.org',
      page: 1,
      perPage: 10,
    });
    expect(before.total).toBe(0);
    await Promise.all([
      page.waitForURL(/\/espace\/delivrer\/delivre\//),
      page.getByRole('button', { name: 'Confirmer et délivrer le badge' }).dblclick(),
    ]);
    await page.waitForLoadState('load');
    expect(await text(page, 'h1')).toBe('Le badge est délivré');
    await checkPage(page, 'award done');
    const verifyUrl = await page.locator('a.mono').getAttribute('href');
    expect(verifyUrl).toMatch(/\/assertions\/[0-9a-f-]{36}$/);
    const after = await app.services.awarding.list({
      structureId: seeded.structure.id,
      recipientEmail: 'elodie.hebert@example.org',
      page: 1,
      perPage: 10,
    });
    expect(after.total).toBe(1);
    expect(verifyUrl).toContain(after.rows[0]!.id);
  }, 120_000);

  test('a CSV file with errors: upload, preview, correct one row, drop one, confirm, progress, result, download', async () => {
    const page = await openPage();
    await signIn(page);
    await page.goto(`${app.baseUrl}/espace/delivrer/csv`);
    expect(await text(page, 'h1')).toBe('Délivrer des badges à partir d’un fichier');
    await checkPage(page, 'CSV upload');

    const rows = Array.from(
      { length: 200 },
      (_, i) => `stagiaire.${i}@example.org;Prénom${i};Nom${i};organiser-je-pratique;Atelier n°${i};;`,
    );
    rows[10] = 'pas-une-adresse;Jean;Bon;organiser-je-pratique;;;';
    rows[20] = 'zoe@example.org;Zoé;Durand;badge inconnu;;;';
    rows[30] = 'yann@example.org;Yann;Le Goff;organiser-je-pratique;;;99/99/2099';
    const csv = ['email;prénom;nom;badge;preuve;lien;expiration', ...rows].join('\r\n');
    await page.getByLabel('Fichier CSV').setInputFiles({ name: 'promotion.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await submit(page, 'Envoyer et vérifier le fichier');
    expect(await text(page, 'h1')).toBe('Vérifiez le fichier');
    const preview = await text(page, 'main');
    expect(preview).toContain('ligne 12, colonne « Adresse e-mail »');
    expect(preview).toContain('ligne 22, colonne « Badge »');
    expect(preview).toContain('ligne 32, colonne « Date d’expiration »');
    expect(preview).toContain('Délivrer 197 badges');
    await checkPage(page, 'CSV preview');

    // Correct line 12.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Corriger la ligne 12' }).click()]);
    expect(await text(page, 'h1')).toBe('Corriger la ligne 12');
    await checkPage(page, 'CSV row correction');
    await page.getByLabel('Adresse e-mail').fill('jean.bon@example.org');
    await submit(page, 'Enregistrer la ligne');
    // Drop line 22; line 32 stays wrong and is skipped.
    await submit(page, 'Retirer la ligne 22');
    expect(await text(page, 'main')).toContain('Délivrer 198 badges');
    await checkPage(page, 'CSV preview after corrections');

    await submit(page, 'Délivrer 198 badges');
    // The progress page reloads itself until the result is there.
    if ((await page.locator('progress').count()) > 0) {
      expect(await text(page, 'h1')).toBe('Délivrance en cours');
      await checkPage(page, 'CSV progress');
    }
    await page.waitForSelector('h1:text("Résultat de la délivrance")', { timeout: 60_000 });
    const result = await text(page, 'main');
    expect(result).toMatch(/Délivrés 198/);
    expect(result).toMatch(/Non délivrés 2/);
    expect(result).toContain('Ligne retirée avant la délivrance.');
    await checkPage(page, 'CSV result');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger le résultat (CSV)' }).click(),
    ]);
    const file = await readFile((await download.path())!, 'utf8');
    expect(file.startsWith('\ufeffLigne;email;prénom')).toBe(true);
    expect(file).toContain('jean.bon@example.org');
    expect(file.trim().split('\r\n')).toHaveLength(201);
  }, 180_000);

  test('the learners, a learner’s page, and the general badge proposed and awarded', async () => {
    const email = 'nadia.benali@example.org';
    for (const key of ['organiser-je-maitrise', 'communiquer-je-maitrise', 's-integrer-je-maitrise']) {
      await app.services.awarding.award(
        {
          structureId: seeded.structure.id,
          badgeClassId: seeded.badgeClasses.find((b) => b.catalogueKey === key)!.id,
          recipient: { email, name: 'Nadia Benali' },
        },
        { kind: 'cli' },
      );
    }
    const page = await openPage();
    await signIn(page);
    await page.goto(`${app.baseUrl}/espace/apprenants`);
    await checkPage(page, 'learners');
    await page.getByLabel('Rechercher une personne').fill('benali');
    await submit(page, 'Rechercher');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Nadia Benali' }).click()]);
    expect(page.url()).not.toContain('nadia');
    expect(await text(page, 'main')).toContain('Cette personne maîtrise 3 compétences sur 4');
    await checkPage(page, 'learner page');
    await submit(page, 'Délivrer le badge général à Nadia Benali');
    expect(await text(page, 'h1')).toBe('Le badge est délivré');
    expect(await text(page, 'main')).toContain('Compétences transversales — badge général');
  }, 120_000);
});
