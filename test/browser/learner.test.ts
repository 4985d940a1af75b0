/**
 * The learner's path in a real Chromium against the app on a real socket: a
 * badge awarded through the REST API, a sign-in link asked for on the page
 * and followed from the email in the outbox, the space, the signed PNG
 * downloaded as a person would and checked with our verifier over HTTP, and
 * every page of the space checked with axe-core and at 375 px.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { detectBadgeInput, verifyBadge } from '../../src/openbadges/verify.ts';
import {
  type BrowserApp,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  launchBrowser,
  newContext,
  normaliseText,
  startBrowserApp,
} from '../support/browser.ts';
import { latestOutboxMail, linkIn } from '../support/mail.ts';
import { seedStructure } from '../support/platform.ts';

const LEARNER = { name: 'Camille Martin', email: 'camille.martin@example.org' };

let app: BrowserApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const awarded: { id: string; url: string }[] = [];

/** Checks a page the way every learner page is held to: axe clean, no sideways scroll at 375 px. */
async function checkPage(label: string) {
  await expectNoAxeViolations(page, label);
  await expectNoHorizontalScroll(page, 375);
}

async function goto(path: string, status = 200) {
  const response = await page.goto(new URL(path, app.baseUrl).toString());
  expect(response?.status(), path).toBe(status);
}

beforeAll(async () => {
  app = await startBrowserApp();
  const a = await seedStructure(app.services, { name: 'Mission Locale de Caen' });
  const b = await seedStructure(app.services, { name: 'Centre de formation de Rouen', email: 'accueil@cfa-rouen.example.org' });
  for (const [seeded, extra] of [
    [a, { evidence: [{ narrative: 'A animé un atelier collectif.', url: 'https://portfolio.example.org/camille-martin/atelier' }] }],
    [b, {}],
  ] as const) {
    const response = await app.api(seeded.token, 'POST', '/api/v1/assertions', {
      badgeClass: seeded.badgeClasses[0]!.id,
      allowDuplicate: true,
      recipient: LEARNER,
      ...extra,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    awarded.push(response.body);
  }
  browser = await launchBrowser();
  context = await newContext(browser, { acceptDownloads: true });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
});

describe('the learner’s path', () => {
  test('asks for a link on the page', async () => {
    await goto('/mon-espace');
    expect(normaliseText(await page.locator('h1').innerText())).toBe('Mon espace badges');
    await checkPage('the page asking for a link');

    // A mistake first: the message is tied to the field.
    await page.getByLabel('Votre adresse e-mail').fill('camille<b>@');
    await page.getByRole('button', { name: 'Recevoir mon lien' }).click();
    await expect.poll(() => page.locator('.error-summary').count()).toBe(1);
    expect(await page.locator('#email').getAttribute('aria-invalid')).toBe('true');
    await checkPage('the link form with an error');

    await page.getByLabel('Votre adresse e-mail').fill(LEARNER.email);
    await page.getByRole('button', { name: 'Recevoir mon lien' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('Regardez votre boîte e-mail');
    await checkPage('the link-sent page');
  });

  test('follows the link from the email and opens the space with the button', async () => {
    // The link is sent in the background (LinkRequests).
    await app.platform.linkRequestRunner!.drain();
    const mail = await latestOutboxMail(app.platform.database.db, LEARNER.email, 'learner-sign-in');
    expect(mail).toBeDefined();
    const link = linkIn(mail!.textBody, `${app.baseUrl}/mon-espace/lien/`);
    await page.goto(link);
    expect(normaliseText(await page.locator('h1').innerText())).toBe('Ouvrir mon espace badges');
    await checkPage('the link page');
    await page.getByRole('button', { name: 'Ouvrir mon espace' }).click();
    await page.waitForURL(`${app.baseUrl}/mon-espace`);
    expect(normaliseText(await page.locator('h1').innerText())).toBe('Mes badges');
    const cards = page.locator('.learner-badge-card');
    expect(await cards.count()).toBe(2);
    expect(normaliseText(await page.locator('.learner-badges').innerText())).toContain('Centre de formation de Rouen');
    await checkPage('the list of badges');

    // The same link again: used, it offers a fresh one with the address filled in.
    await goto(link, 410);
    expect(normaliseText(await page.locator('h1').innerText())).toBe('Ce lien a déjà servi');
    expect(await page.getByLabel('Votre adresse e-mail').inputValue()).toBe(LEARNER.email);
    await checkPage('a used link');
    await goto('/mon-espace');
  });

  test('opens a badge, downloads the signed PNG, and that file verifies as genuine and theirs', async () => {
    await page.locator('.learner-badge-card a').filter({ hasText: /./ }).last().click();
    await page.waitForURL(/\/mon-espace\/badges\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    expect(awarded.map((a) => a.id)).toContain(id);
    await checkPage('a badge page');

    // The copy button appears with the script, and copies the link.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });
    const copy = page.getByRole('button', { name: 'Copier le lien' });
    await expect.poll(() => copy.isVisible()).toBe(true);
    await copy.click();
    await expect.poll(() => page.locator('#copy-status').innerText()).toBe('Lien copié.');
    expect(await page.locator('#verification-link').inputValue()).toBe(`${app.baseUrl}/assertions/${id}`);
    // The QR code image loads.
    expect(await page.locator('img.learner-qr').evaluate((img: any) => img.naturalWidth > 0)).toBe(true);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger le badge (image PNG signée)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^badge-signe-[0-9a-f]{8}\.png$/);
    const bytes = new Uint8Array(await readFile((await download.path())!));

    // Our verifier, fed over HTTP like any outside party.
    const loader = {
      fetchJson: async (url: string) => {
        const response = await fetch(url, { headers: { accept: 'application/ld+json, application/json' } });
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : null };
      },
    };
    const report = await verifyBadge(detectBadgeInput(bytes), { loader, recipientEmail: LEARNER.email, now: new Date() });
    expect(report.verificationType).toBe('SignedBadge');
    expect(report.status).toBe('valid');
    expect(report.valid).toBe(true);
    expect(report.recipientMatches).toBe(true);
    const other = await verifyBadge(detectBadgeInput(bytes), { loader, recipientEmail: 'quelquun@example.org', now: new Date() });
    expect(other.valid).toBe(false);
  });

  test('the Open Badge Passport guide, the privacy page and the erasure confirmation pass axe and read at 375 px', async () => {
    await page.getByRole('link', { name: 'Ajouter à Open Badge Passport' }).click();
    await page.waitForURL(/open-badge-passport$/);
    expect(normaliseText(await page.locator('.learner-warning').innerText())).toContain(LEARNER.email);
    for (const img of await page.locator('.learner-steps img').all()) {
      expect(await img.evaluate((el: any) => el.complete && el.naturalWidth > 0)).toBe(true);
      expect((await img.getAttribute('alt'))!.length).toBeGreaterThan(20);
    }
    await checkPage('the Open Badge Passport guide');

    await page.getByRole('link', { name: 'Mes données' }).click();
    await page.waitForURL(/\/mon-espace\/mes-donnees$/);
    await checkPage('the privacy page');
    await page.getByRole('button', { name: 'Masquer mon nom' }).click();
    await expect.poll(() => page.locator('.notice-success').innerText()).toContain('votre nom n’apparaît plus');
    await checkPage('the privacy page after a change');
    const recruiter = await context.newPage();
    await recruiter.goto(awarded[0]!.url);
    expect(await recruiter.locator('.badge-summary').innerText()).not.toContain(LEARNER.name);
    await recruiter.close();

    await page.getByRole('link', { name: 'Demander l’effacement' }).click();
    await page.waitForURL(/effacer$/);
    await checkPage('the erasure confirmation');
    await page.getByRole('button', { name: 'Effacer mes données' }).click();
    await expect.poll(() => page.locator('.error-summary').count()).toBe(1);
    await checkPage('the erasure confirmation with an error');
    await page.getByLabel('Je comprends que mes badges seront révoqués et que c’est définitif').check();
    await page.getByRole('button', { name: 'Effacer mes données' }).click();
    await page.waitForURL(/donnees-effacees$/);
    expect(normaliseText(await page.locator('h1').innerText())).toBe('Vos données ont été effacées');
    await checkPage('the page after erasure');

    // The downloaded badge no longer verifies: its hosted URL answers 410.
    const gone = await fetch(awarded[0]!.url, { headers: { accept: 'application/ld+json' } });
    expect(gone.status).toBe(410);
  });

  test('an unknown link offers a fresh one, and that page passes axe too', async () => {
    const mail = await latestOutboxMail(app.platform.database.db, LEARNER.email, 'learner-sign-in');
    // Erasure scrubbed the email itself: the link is gone with it.
    expect(mail).toBeUndefined();
    await goto(`/mon-espace/lien/${'a'.repeat(43)}`, 404);
    expect(normaliseText(await page.locator('h1').innerText())).toBe('Ce lien ne fonctionne pas');
    await checkPage('an unknown link');
  });
});
