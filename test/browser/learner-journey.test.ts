/**
 * Issue 4's promise, end to end in a real Chromium: a badge awarded through
 * the REST API reaches a real SMTP server as an email; the learner follows
 * its link, opens their space, downloads the signed PNG, and that very file
 * verifies on « Vérifier un badge » as genuine and theirs. The same page
 * refuses a tampered copy, the badge once revoked, and a URL pointing at a
 * private address, each with its reason. Then the learner hides their name,
 * exports their data and asks for erasure.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bakePng, unbakePng } from '../../src/openbadges/index.ts';
import { type BrowserApp, expectNoAxeViolations, launchBrowser, newContext, normaliseText, startBrowserApp } from '../support/browser.ts';
import { linkIn, startSmtpServer } from '../support/mail.ts';
import { seedStructure } from '../support/platform.ts';

const LEARNER = { name: 'Inès Lefèvre', email: 'ines.lefevre@example.org' };

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let app: BrowserApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let seeded: Awaited<ReturnType<typeof seedStructure>>;
let awarded: { id: string; url: string };
let downloaded: string;

async function verifyOnPage(input: { file?: string; text?: string; email?: string }) {
  await page.goto(`${app.baseUrl}/verifier`);
  if (input.file) await page.getByLabel('Le fichier du badge (image PNG ou SVG)').setInputFiles(input.file);
  if (input.text) await page.getByLabel('L’adresse web du badge, ou son texte').fill(input.text);
  if (input.email) await page.getByLabel('L’adresse e-mail du candidat (facultatif)').fill(input.email);
  await page.getByRole('button', { name: 'Vérifier le badge' }).click();
  await page.waitForLoadState();
  return normaliseText(await page.locator('main').innerText());
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startBrowserApp({ env: { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '200' } });
  seeded = await seedStructure(app.services, { name: 'Mission Locale de Caen' });
  browser = await launchBrowser();
  context = await newContext(browser, { acceptDownloads: true });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
  await smtp?.close();
});

describe('from the API to the recruiter’s check', () => {
  test('an award made through the API arrives as an email at the SMTP server', async () => {
    const response = await app.api(seeded.token, 'POST', '/api/v1/assertions', {
      badgeClass: seeded.badgeClasses[0]!.id,
      allowDuplicate: true,
      recipient: LEARNER,
      message: 'Bravo pour votre implication dans l’atelier !',
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    awarded = response.body;
    const mail = await smtp.waitFor((m) => m.envelope.to.includes(LEARNER.email));
    expect(mail.parsed.subject).toContain(seeded.badgeClasses[0]!.name);
    expect(mail.parsed.text).toContain('Mission Locale de Caen');
    expect(mail.parsed.text).toContain('Bravo pour votre implication dans l’atelier !');
    expect(mail.parsed.html).toBeTruthy();
  });

  test('the learner follows the email’s link and downloads the signed PNG', async () => {
    const mail = smtp.received.find((m) => m.envelope.to.includes(LEARNER.email))!;
    const link = linkIn(mail.parsed.text!, `${app.baseUrl}/mon-espace/lien/`);
    await page.goto(link);
    await page.getByRole('button', { name: 'Ouvrir mon espace' }).click();
    await page.waitForURL(/\/mon-espace/);
    await page.goto(`${app.baseUrl}/mon-espace/badges/${awarded.id}`);
    await expectNoAxeViolations(page, 'the badge in the learner’s space');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger le badge (image PNG signée)' }).click(),
    ]);
    downloaded = path.join(tmpdir(), `insigne-${awarded.id}.png`);
    await download.saveAs(downloaded);
  });

  test('« Vérifier un badge » finds that file genuine and belonging to the learner’s email', async () => {
    const text = await verifyOnPage({ file: downloaded, email: LEARNER.email });
    expect(text).toContain('Badge authentique et valide');
    expect(text).toContain('Ce badge a bien été délivré à l’adresse e-mail que vous avez indiquée.');
    await expectNoAxeViolations(page, 'a genuine badge’s report');
  });

  test('it refuses a tampered copy of the file, with the reason', async () => {
    const bytes = new Uint8Array(await readFile(downloaded));
    const [header, payload, signature] = unbakePng(bytes)!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    claims.expires = '2099-12-31T23:59:59Z';
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const tampered = path.join(tmpdir(), `insigne-${awarded.id}-tampered.png`);
    await writeFile(tampered, bakePng(bytes, forged));
    const text = await verifyOnPage({ file: tampered });
    expect(text).toContain('Badge non authentique');
    expect(text).not.toContain('Badge authentique et valide');
  });

  test('it refuses a URL that points at a private address', async () => {
    const text = await verifyOnPage({ text: 'http://169.254.169.254/latest/meta-data/badge.json' });
    expect(text).not.toContain('Badge authentique');
    expect(text.toLowerCase()).toContain('adresse privée');
  });

  test('it shows the badge revoked, with the reason, once the structure revokes it', async () => {
    const revoked = await app.api(seeded.token, 'POST', `/api/v1/assertions/${awarded.id}/revoke`, {
      reason: 'Délivré par erreur',
    });
    expect(revoked.status).toBe(200);
    const text = await verifyOnPage({ file: downloaded });
    expect(text).toContain('Badge révoqué');
    expect(text).toContain('Délivré par erreur');
  });
});

describe('the learner’s privacy', () => {
  test('hides their name, exports their data and asks for erasure', async () => {
    await page.goto(`${app.baseUrl}/mon-espace`);
    await page.getByRole('link', { name: 'Mes données' }).first().click();
    await page.getByRole('button', { name: 'Masquer mon nom' }).click();
    await expect.poll(() => page.locator('.notice-success').innerText()).toContain('votre nom n’apparaît plus');

    const [exported] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('link', { name: 'Télécharger mes données (JSON)' })
        .or(page.getByRole('button', { name: 'Télécharger mes données (JSON)' }))
        .click(),
    ]);
    const data = JSON.parse(await readFile((await exported.path())!, 'utf8'));
    expect(JSON.stringify(data)).toContain(LEARNER.email);

    await page.getByRole('link', { name: 'Demander l’effacement' }).click();
    await page.getByLabel('Je comprends que mes badges seront révoqués et que c’est définitif').check();
    await page.getByRole('button', { name: 'Effacer mes données' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('Vos données ont été effacées');
    const hosted = await fetch(awarded.url, { headers: { accept: 'application/ld+json' } });
    expect(hosted.status).toBe(410);
  });
});
