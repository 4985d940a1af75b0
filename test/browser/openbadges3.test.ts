/**
 * Open Badges 3.0 in a real Chromium against the app on a real socket: the
 * learner signs in from the emailed link, downloads the 3.0 credential and
 * the PNG that carries it from their badge page, and both verify with the
 * DCC verifier (not ours) fetching the issuer, key and status list over
 * HTTP; after a revocation, the same file is refused through its status.
 * (« Vérifier un badge » does not read 3.0 yet: see issue 13.)
 */
import { readFile } from 'node:fs/promises';
import extractChunks from 'png-chunks-extract';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { schemaErrors, verifyIndependently } from '../openbadges/v3/independent.ts';
import { type BrowserApp, expectNoAxeViolations, launchBrowser, newContext, normaliseText, startBrowserApp } from '../support/browser.ts';
import { latestOutboxMail, linkIn } from '../support/mail.ts';
import { seedStructure } from '../support/platform.ts';

const LEARNER = { name: 'Camille Martin', email: 'camille.martin@example.org' };

let app: BrowserApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let seeded: Awaited<ReturnType<typeof seedStructure>>;
let award: { id: string };

const overHttp = async (url: string): Promise<unknown> => {
  if (!url.startsWith(`${app.baseUrl}/`)) return undefined;
  const response = await fetch(url, { headers: { accept: 'application/ld+json, application/json' } });
  return response.ok ? ((await response.json()) as unknown) : undefined;
};

beforeAll(async () => {
  app = await startBrowserApp();
  seeded = await seedStructure(app.services, { name: 'Mission Locale de Caen' });
  const response = await app.api(seeded.token, 'POST', '/api/v1/assertions', {
    badgeClass: seeded.badgeClasses[0]!.id,
    recipient: LEARNER,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  award = response.body;
  browser = await launchBrowser();
  context = await newContext(browser, { acceptDownloads: true });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
});

async function download(linkName: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName }).click()]);
  return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
}

describe('the learner’s Open Badges 3.0 files', () => {
  test('signs in and opens the badge page, which offers the 3.0 files and passes axe', async () => {
    await page.goto(`${app.baseUrl}/mon-espace`);
    await page.getByLabel('Votre adresse e-mail').fill(LEARNER.email);
    await page.getByRole('button', { name: 'Recevoir mon lien' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('Regardez votre boîte e-mail');
    await app.platform.linkRequestRunner!.drain();
    const mail = await latestOutboxMail(app.platform.database.db, LEARNER.email, 'learner-sign-in');
    await page.goto(linkIn(mail!.textBody, `${app.baseUrl}/mon-espace/lien/`));
    await page.getByRole('button', { name: 'Ouvrir mon espace' }).click();
    await page.waitForURL(`${app.baseUrl}/mon-espace`);
    await page.goto(`${app.baseUrl}/mon-espace/badges/${award.id}`);
    expect(normaliseText(await page.locator('#ob3-files-title').innerText())).toBe('Open Badges 3.0');
    await expectNoAxeViolations(page, 'the badge page with its 3.0 files');
  });

  test('the downloaded credential and PNG verify with the DCC verifier over HTTP, then are refused once revoked', async () => {
    const json = await download('Badge 3.0 signé (.json)');
    expect(json.name).toMatch(/^badge-ob3-[0-9a-f]{8}\.json$/);
    const credential = JSON.parse(json.bytes.toString('utf8')) as Record<string, unknown>;
    expect(schemaErrors(credential)).toEqual([]);
    expect((await verifyIndependently(credential, overHttp)).verified).toBe(true);

    const png = await download('Image PNG avec le badge 3.0');
    const chunk = extractChunks(png.bytes).find((c) => c.name === 'iTXt')!;
    const data = Buffer.from(chunk.data);
    expect(data.subarray(0, data.indexOf(0)).toString('latin1')).toBe('openbadgecredential');
    const baked = JSON.parse(data.subarray(data.indexOf(0) + 5).toString('utf8')) as Record<string, unknown>;
    expect(baked).toEqual(credential);

    const revoked = await app.api(seeded.token, 'POST', `/api/v1/assertions/${award.id}/revoke`, { reason: 'Attribué par erreur' });
    expect(revoked.status).toBe(200);
    expect((await verifyIndependently(credential, overHttp)).verified).toBe(false);
  });
});
