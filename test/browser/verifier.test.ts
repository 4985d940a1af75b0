/**
 * « Vérifier un badge » in a real Chromium: a recruiter chooses the baked PNG
 * a learner sent, types the learner's email, and reads the verdict. Each state
 * of the page (empty, refused input, result) is checked with axe-core
 * (WCAG 2.1 A/AA) and at 375 px.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type BrowserApp,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  launchBrowser,
  newContext,
  normaliseText,
  startBrowserApp,
} from '../support/browser.ts';
import { seedStructure } from '../support/platform.ts';

const LEARNER = { name: 'Camille Martin', email: 'camille.martin@example.org' };

let app: BrowserApp;
let browser: Browser;
let context: BrowserContext;
let dir: string;
let signedPng: string;
let notABadge: string;

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function openVerifier(): Promise<Page> {
  const page = await context.newPage();
  const response = await page.goto(`${app.baseUrl}/verifier`);
  expect(response!.status()).toBe(200);
  return page;
}

async function submit(page: Page, expectedStatus: number) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/verifier') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Vérifier le badge' }).click(),
  ]);
  expect(response.status()).toBe(expectedStatus);
  await page.waitForLoadState('load');
}

beforeAll(async () => {
  app = await startBrowserApp();
  const seeded = await seedStructure(app.services);
  const awarded = await app.api(seeded.token, 'POST', '/api/v1/assertions', {
    badgeClass: seeded.badgeClasses[0]!.id,
    allowDuplicate: true,
    recipient: LEARNER,
  });
  expect(awarded.status, JSON.stringify(awarded.body)).toBe(201);
  dir = mkdtempSync(join(tmpdir(), 'insigne-verifier-'));
  signedPng = join(dir, 'badge-signe.png');
  writeFileSync(signedPng, await download(awarded.body.images.signedPng));
  // The badge class's own picture: a PNG, but no badge baked in it.
  notABadge = join(dir, 'image.png');
  writeFileSync(notABadge, await download(`${app.baseUrl}/badges/${seeded.badgeClasses[0]!.id}/image.png`));
  browser = await launchBrowser();
  context = await newContext(browser);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('« Vérifier un badge » in a browser', () => {
  test('the empty page is accessible and fits a phone', async () => {
    const page = await openVerifier();
    expect(normaliseText(await page.locator('h1').innerText())).toBe('Vérifier un badge');
    await expectNoAxeViolations(page, 'empty verifier page');
    await expectNoHorizontalScroll(page);
    await page.close();
  });

  test('a baked PNG chosen through the file input verifies as genuine and as the learner’s', async () => {
    const page = await openVerifier();
    await page.getByLabel('Le fichier du badge (image PNG ou SVG)').setInputFiles(signedPng);
    await page.getByLabel('L’adresse e-mail du candidat (facultatif)').fill(LEARNER.email);
    await submit(page, 200);

    expect(normaliseText(await page.locator('#verdict-title').innerText())).toBe('Badge authentique et valide');
    const verdict = normaliseText(await page.locator('.verifier-verdict').innerText());
    expect(verdict).toContain(
      `Ce badge a bien été délivré par l’émetteur publié sur le site ${new URL(app.baseUrl).host}, qui se présente sous le nom Mission Locale de Caen`,
    );
    expect(verdict).toContain('Ce nom est la déclaration de l’émetteur lui-même');
    // The host that published the issuer's profile is shown with the issuer's facts.
    const issuer = normaliseText(await page.locator('.verifier-host').innerText());
    expect(issuer).toContain(`Profil publié par le site ${new URL(app.baseUrl).host}`);
    expect(verdict).toContain('Ce badge a bien été délivré à l’adresse e-mail que vous avez indiquée.');
    // The badge's picture is ours and loads.
    const loaded = await page.locator('.badge-image').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    expect(loaded).toBeGreaterThan(0);
    // The address typed is not written back anywhere.
    expect(await page.getByLabel('L’adresse e-mail du candidat (facultatif)').inputValue()).toBe('');
    expect(await page.content()).not.toContain(LEARNER.email);

    await expectNoAxeViolations(page, 'verifier result (valid)');
    await expectNoHorizontalScroll(page);
    await page.close();
  });

  test('a genuine badge checked against another email is not under the green headline, and stays accessible', async () => {
    const page = await openVerifier();
    await page.getByLabel('Le fichier du badge (image PNG ou SVG)').setInputFiles(signedPng);
    await page.getByLabel('L’adresse e-mail du candidat (facultatif)').fill('quelquun.dautre@example.org');
    await submit(page, 200);
    expect(normaliseText(await page.locator('#verdict-title').innerText())).toBe(
      'Badge authentique, mais pas délivré à cette adresse e-mail',
    );
    expect(await page.locator('.verifier-verdict').getAttribute('class')).toContain('status-expired');
    await expectNoAxeViolations(page, 'verifier result (genuine, another recipient)');
    await expectNoHorizontalScroll(page);
    await page.close();
  });

  test('a plain image is told apart from a badge, and the page stays accessible', async () => {
    const page = await openVerifier();
    await page.getByLabel('Le fichier du badge (image PNG ou SVG)').setInputFiles(notABadge);
    await submit(page, 200);
    expect(normaliseText(await page.locator('#verdict-title').innerText())).toBe('Badge non authentique');
    expect(normaliseText(await page.locator('.verifier-verdict').innerText())).toContain('Cette image ne contient pas de badge');
    await expectNoAxeViolations(page, 'verifier result (invalid)');
    await expectNoHorizontalScroll(page);
    await page.close();
  });

  test('an empty submission gets the form again, with an accessible error', async () => {
    const page = await openVerifier();
    await submit(page, 400);
    const summary = normaliseText(await page.locator('.error-summary').innerText());
    expect(summary).toContain('Choisissez le fichier du badge, ou collez son adresse web ou son texte.');
    expect(await page.locator('#verifier-file').getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page, 'verifier refused input');
    await expectNoHorizontalScroll(page);
    await page.close();
  });
});
