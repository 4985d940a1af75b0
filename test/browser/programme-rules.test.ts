/**
 * The general badge follows its rule, in a real Chromium against the app on
 * a real socket with a real SMTP server: an advisor asking for it too early is
 * told which competences are missing; the award of the third « je maîtrise »
 * puts a notice on the structure's dashboard and sends it an email; one click
 * on the notice awards the general badge. A catalogue badge's editor shows the
 * catalogue's fields read-only. Every page is checked with axe-core and at 375px.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  type BrowserApp,
  checkPage,
  launchBrowser,
  newContext,
  signInOnPage,
  startBrowserApp,
  submitForm,
  textOf as text,
} from '../support/browser.ts';
import { startSmtpServer } from '../support/mail.ts';
import { seedStructure } from '../support/platform.ts';

const PASSWORD = 'le mot de passe de Claire, assez long';

let app: BrowserApp;
let browser: Browser;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let caen: Awaited<ReturnType<typeof seedStructure>>;
let rouen: Awaited<ReturnType<typeof seedStructure>>;
const contexts: BrowserContext[] = [];
const badgeId = (seeded: typeof caen, key: string) => seeded.badgeClasses.find((b) => b.catalogueKey === key)!.id;

async function openPage(): Promise<Page> {
  const context = await newContext(browser, { locale: 'fr-FR' });
  contexts.push(context);
  return context.newPage();
}

const submit = (page: Page, button: string) => submitForm(page, button, { exact: true });

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startBrowserApp({ env: { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '200' } });
  browser = await launchBrowser();
  caen = await seedStructure(app.services, { name: 'Mission Locale de Caen' });
  rouen = await seedStructure(app.services, {
    name: 'AFPA Rouen',
    url: 'https://afpa-rouen.example.org',
    email: 'contact@afpa-rouen.example.org',
  });
  await app.services.users.create(
    { email: 'claire@caen.example.org', name: 'Claire Conseil', password: PASSWORD, structureId: caen.structure.id, role: 'admin' },
    { kind: 'cli' },
  );
});

afterEach(async () => {
  while (contexts.length) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smtp?.close();
});

describe('the programme’s rules in the browser', () => {
  test('the general badge: refused with the missing competences, then noticed on the dashboard and awarded in one click', async () => {
    const email = 'nadia.benali@example.org';
    // Two « je maîtrise » from another structure.
    for (const key of ['organiser-je-maitrise', 'communiquer-je-maitrise']) {
      await app.services.awarding.award(
        { structureId: rouen.structure.id, badgeClassId: badgeId(rouen, key), recipient: { email, name: 'Nadia Benali' } },
        { kind: 'cli' },
      );
    }
    const page = await openPage();
    await signInOnPage(page, app.baseUrl, 'claire@caen.example.org', PASSWORD);

    // Asked for too early: the form says which competences are missing.
    await page.goto(`${app.baseUrl}/espace/delivrer`);
    await page.getByLabel('Adresse e-mail de la personne').fill(email);
    await page.getByLabel('Prénom').fill('Nadia');
    await page.getByLabel('Nom', { exact: true }).fill('Benali');
    await page.getByLabel('Compétences transversales — badge général').check();
    await submit(page, 'Vérifier avant de délivrer');
    const refused = await text(page, 'main');
    expect(refused).toContain(
      'Cette personne en détient 2 sur 4 : il en manque 1, à choisir parmi « S’adapter — je maîtrise », « S’intégrer — je maîtrise »',
    );
    await checkPage(page, 'general badge refused');

    // The third « je maîtrise », awarded here: the structure is told.
    await page.getByLabel('S’adapter — je maîtrise').check();
    await submit(page, 'Vérifier avant de délivrer');
    await Promise.all([page.waitForURL(/\/espace\/delivrer\/delivre\//), submit(page, 'Confirmer et délivrer le badge')]);
    const mail = await smtp.waitFor(
      (m) => m.envelope.to.includes('contact@mission-locale-caen.example.org') && /badge général/.test(m.parsed.subject ?? ''),
    );
    expect(mail.parsed.subject).toBe('Nadia Benali peut recevoir le badge général');
    expect(mail.parsed.text).toContain('nadia.benali@example.org');
    expect(mail.parsed.text).toContain(`${app.baseUrl}/espace`);

    await page.goto(`${app.baseUrl}/espace`);
    const dashboard = await text(page, 'main');
    expect(dashboard).toContain('Badge général : à vous de décider');
    expect(dashboard).toContain('Nadia Benali (nadia.benali@example.org)');
    await checkPage(page, 'dashboard with a general badge notice');
    await Promise.all([page.waitForURL(/\/espace\/delivrer\/delivre\//), submit(page, 'Décerner le badge général à Nadia Benali')]);
    expect(await text(page, 'h1')).toBe('Le badge est délivré');
    expect(await text(page, 'main')).toContain('Compétences transversales — badge général');
    await page.goto(`${app.baseUrl}/espace`);
    expect(await text(page, 'main')).not.toContain('Badge général : à vous de décider');
  }, 120_000);

  test('a catalogue badge’s editor shows the catalogue’s words read-only, and offers to make one’s own badge', async () => {
    const page = await openPage();
    await signInOnPage(page, app.baseUrl, 'claire@caen.example.org', PASSWORD);
    await page.goto(`${app.baseUrl}/espace/badges/${badgeId(caen, 'organiser-je-maitrise')}/modifier`);
    expect(await text(page, 'main')).toContain('Ce que dit le catalogue');
    expect(await page.locator('input[name="name"]').count()).toBe(0);
    await page.getByLabel('Consignes de la structure sur les preuves attendues').fill('Un planning tenu au moins un mois.');
    await checkPage(page, 'catalogue badge editor');
    await submit(page, 'Enregistrer le badge');
    expect(await text(page, 'main')).toContain('Un planning tenu au moins un mois.');
    await page.getByRole('link', { name: 'Faire mon propre badge à partir de celui-ci' }).click();
    expect(await text(page, 'main')).toContain('ne comptera pas pour le badge général');
    await checkPage(page, 'own badge from a copy');
  }, 120_000);
});
