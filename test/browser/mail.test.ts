/**
 * The email pages in a real Chromium: with no SMTP configured an award's email
 * is held, and the Région reads it (text escaped, HTML only in a sandboxed
 * frame); the structure sees it in its outbox, re-sends it and corrects the
 * address from the award's page; the learner stops and resumes the emails from
 * the link in the footer. Every page axe-clean and readable at 375 px.
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
import { latestOutboxMail } from '../support/mail.ts';
import { seedStructure } from '../support/platform.ts';
import { waitFor } from '../support/wait.ts';

const REGION = { email: 'region@normandie.example.org', password: 'la phrase de passe de la Région' };
const ADMIN = { email: 'marc@caen.example.org', password: 'la phrase de passe de Marc, longue' };
const LEARNER = { email: 'yanis.benali@example.org', name: 'Yanis <b>Benali</b>' };

let app: BrowserApp;
let browser: Browser;
let seeded: Awaited<ReturnType<typeof seedStructure>>;
let assertionId: string;
const contexts: BrowserContext[] = [];

async function openPage(): Promise<Page> {
  const context = await newContext(browser, { locale: 'fr-FR' });
  contexts.push(context);
  return context.newPage();
}

async function check(page: Page, label: string) {
  await expectNoAxeViolations(page, label);
  await expectNoHorizontalScroll(page, 375);
}

function signIn(page: Page, who: { email: string; password: string }) {
  return signInOnPage(page, app.baseUrl, who.email, who.password);
}

beforeAll(async () => {
  app = await startBrowserApp({ env: { MAIL_POLL_INTERVAL_MS: '100' } });
  browser = await launchBrowser();
  seeded = await seedStructure(app.services, { name: 'Mission Locale de Caen' });
  await app.services.auth.setup({ name: 'Région Normandie', ...REGION }, { ip: '203.0.113.50' });
  await app.services.users.create(
    { email: ADMIN.email, name: 'Marc Admin', password: ADMIN.password, structureId: seeded.structure.id, role: 'admin' },
    { kind: 'cli' },
  );
  const award = await app.api(seeded.token, 'POST', '/api/v1/assertions', {
    badgeClass: seeded.badgeClasses[0]!.id,
    allowDuplicate: true,
    recipient: LEARNER,
    message: 'Un message <script>alert(1)</script> pour toi',
  });
  expect(award.status).toBe(201);
  assertionId = award.body.id;
  // No SMTP here: the dispatcher holds the message for the Région.
  await waitFor(async () => (await latestOutboxMail(app.platform.database.db, LEARNER.email))?.status === 'held', {
    message: `the award email to ${LEARNER.email} was never held by the dispatcher`,
  });
});

afterEach(async () => {
  while (contexts.length) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('emails in the browser', () => {
  test('the Région reads a held email: text escaped, HTML in a sandboxed frame', async () => {
    expect((await latestOutboxMail(app.platform.database.db, LEARNER.email))?.status).toBe('held');
    const page = await openPage();
    await signIn(page, REGION);
    await page.goto(`${app.baseUrl}/espace/plateforme/courriels`);
    expect(normaliseText(await page.locator('main').innerText())).toContain(LEARNER.email);
    await check(page, 'platform outbox');
    await page.getByRole('link', { name: 'Lire le message' }).first().click();
    await page.waitForURL(/\/espace\/plateforme\/courriels\/[0-9a-f-]{36}$/);
    expect(await page.locator('main').innerText()).toContain('<script>alert(1)</script>');
    expect(await page.locator('iframe[sandbox]').count()).toBe(1);
    await check(page, 'a held email');
  });

  test('the structure sees it, re-sends it, and corrects the address', async () => {
    const page = await openPage();
    await signIn(page, ADMIN);
    await page.goto(`${app.baseUrl}/espace/courriels`);
    expect(normaliseText(await page.locator('main').innerText())).toContain(LEARNER.email);
    await check(page, 'structure outbox');

    await page.goto(`${app.baseUrl}/espace/delivres/${assertionId}`);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Renvoyer le courriel à l’apprenant' }).click()]);
    expect(normaliseText(await page.locator('main').innerText())).toContain('Le courriel a été remis en file d’envoi.');
    await check(page, 'the award after a re-send');

    await page.goto(`${app.baseUrl}/espace/delivres/${assertionId}/adresse`);
    await check(page, 'the address form');
    await page.getByLabel('Nouvelle adresse e-mail').fill('yanis.benali@exemple.fr');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Corriger et renvoyer' }).click()]);
    expect(normaliseText(await page.locator('main').innerText())).toContain('L’adresse a été corrigée');
    expect((await latestOutboxMail(app.platform.database.db, 'yanis.benali@exemple.fr', 'award'))?.assertionId).toBe(assertionId);
  });

  test('the learner stops the emails from the footer link, then resumes them', async () => {
    const page = await openPage();
    await page.goto(app.services.unsubscribe.url('yanis.benali@exemple.fr'));
    await check(page, 'the unsubscribe page');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Arrêter les courriels' }).click()]);
    expect(normaliseText(await page.locator('main').innerText())).toContain('Insigne n’enverra plus de courriels');
    await check(page, 'emails stopped');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Recevoir de nouveau les courriels' }).click()]);
    expect(normaliseText(await page.locator('main').innerText())).toContain('vous recevrez de nouveau les courriels');
  });
});
