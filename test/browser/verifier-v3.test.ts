/**
 * « Vérifier un badge » in a real Chromium, reading Open Badges 3.0: the
 * learner's signed .json file chosen through the file input says genuine,
 * with the 3.0 checks listed; once the award is revoked, the same file says
 * revoked. Each result is checked with axe-core and at 375 px.
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
const FILE_LABEL = 'Le fichier du badge (image PNG ou SVG)';

let app: BrowserApp;
let browser: Browser;
let context: BrowserContext;
let dir: string;
let credentialFile: string;
let structureId: string;
let assertionId: string;

async function openVerifier(): Promise<Page> {
  const page = await context.newPage();
  const response = await page.goto(`${app.baseUrl}/verifier`);
  expect(response!.status()).toBe(200);
  return page;
}

async function verifyFile(page: Page, file: string) {
  await page.getByLabel(FILE_LABEL).setInputFiles(file);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/verifier') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Vérifier le badge' }).click(),
  ]);
  expect(response.status()).toBe(200);
  await page.waitForLoadState('load');
}

beforeAll(async () => {
  app = await startBrowserApp();
  const seeded = await seedStructure(app.services);
  structureId = seeded.structure.id;
  const awarded = await app.api(seeded.token, 'POST', '/api/v1/assertions', {
    badgeClass: seeded.badgeClasses[0]!.id,
    allowDuplicate: true,
    recipient: LEARNER,
  });
  expect(awarded.status, JSON.stringify(awarded.body)).toBe(201);
  assertionId = awarded.body.id as string;
  const response = await fetch(`${app.baseUrl}/assertions/${assertionId}/credential.json`);
  expect(response.status).toBe(200);
  dir = mkdtempSync(join(tmpdir(), 'insigne-verifier-v3-'));
  credentialFile = join(dir, 'badge-ob3.json');
  writeFileSync(credentialFile, Buffer.from(await response.arrayBuffer()));
  browser = await launchBrowser();
  context = await newContext(browser);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('« Vérifier un badge » reads the learner’s Open Badges 3.0 file', () => {
  test('genuine, with the 3.0 checks; after revocation, revoked', async () => {
    const page = await openVerifier();
    await verifyFile(page, credentialFile);
    expect(normaliseText(await page.locator('#verdict-title').innerText())).toBe('Badge authentique et valide');
    const checks = normaliseText(
      await page
        .locator('[data-check]')
        .allInnerTexts()
        .then((t) => t.join(' | ')),
    );
    expect(checks).toContain('schéma Open Badges 3.0');
    expect(checks).toContain('assertionMethod');
    expect(checks).toContain('n’a pas été modifiée depuis sa délivrance');
    await expectNoAxeViolations(page, 'verifier result (3.0, valid)');
    await expectNoHorizontalScroll(page);

    await app.services.awarding.revoke(structureId, assertionId, 'Erreur de saisie', { kind: 'cli' });
    const again = await openVerifier();
    await verifyFile(again, credentialFile);
    expect(normaliseText(await again.locator('#verdict-title').innerText())).toBe('Badge révoqué');
    expect(normaliseText(await again.locator('[data-check="revocation"]').innerText())).toContain('L’émetteur a révoqué ce badge.');
    await expectNoAxeViolations(again, 'verifier result (3.0, revoked)');
    await expectNoHorizontalScroll(again);
    await page.close();
    await again.close();
  });
});
