/**
 * The audit trail and the lists' exports in a real Chromium, as a structure
 * admin: the trail read in sentences, filtered by person and kind, its link to
 * an award followed; the CSV links of the trail and of the awarded badges
 * keep the filters; a badge never awarded deleted after its confirmation.
 * Every page is checked with axe-core (WCAG 2.1 A/AA) and at 375px.
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
import { seedStructure } from '../support/platform.ts';

const PASSWORD = 'le mot de passe de Camille, assez long';
const CLI = { kind: 'cli' } as const;

let app: BrowserApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
const ids: Record<string, string> = {};

async function openPage(): Promise<Page> {
  const context = await newContext(browser, { locale: 'fr-FR' });
  contexts.push(context);
  return context.newPage();
}

beforeAll(async () => {
  app = await startBrowserApp();
  browser = await launchBrowser();
  const s = app.services;
  const { structure, badgeClasses } = await seedStructure(s, { name: 'Mission Locale de Caen' });
  const camille = await s.users.create(
    { email: 'camille.durand@example.org', name: 'Camille Durand', password: PASSWORD, structureId: structure.id, role: 'admin' },
    CLI,
  );
  const asCamille = { kind: 'user' as const, userId: camille.id };
  await s.users.create({ email: 'region@example.org', name: 'Région Normandie', password: PASSWORD, platformAdmin: true }, CLI);
  await s.accounts.invite(structure.id, { email: 'julie.martin@example.org', role: 'advisor' }, asCamille, 'fr');
  const organiser = badgeClasses.find((b) => b.name === 'Organiser — je maîtrise')!;
  ids.organiser = organiser.id;
  ids.ines = (
    await s.awarding.award(
      { structureId: structure.id, badgeClassId: organiser.id, recipient: { email: 'ines.moreau@example.org', name: 'Inès Moreau' } },
      asCamille,
    )
  ).assertion.id;
  await s.structures.updateLogo(structure.id, { mime: 'image/png', bytes: new Uint8Array(3873) }, asCamille);
  ids.unused = badgeClasses.find((b) => b.name === 'S’adapter — je pratique')!.id;
});

afterEach(async () => {
  while (contexts.length) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the audit trail and the exports', () => {
  test('a structure admin reads the trail in sentences, filters it, follows a link, and finds the files', async () => {
    const page = await openPage();
    await signInOnPage(page, app.baseUrl, 'camille.durand@example.org', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Journal', exact: true }).first().click()]);
    expect(await text(page, 'h1')).toBe('Journal de la structure');
    const trail = await text(page, '.audit-list');
    expect(trail).toContain('Camille Durand a invité julie.martin@example.org comme conseiller ou conseillère.');
    expect(trail).toContain('Camille Durand a décerné « Organiser — je maîtrise » à Inès Moreau.');
    expect(trail).toContain('Camille Durand a changé le logo de la structure (une image PNG de 3,8 Ko).');
    for (const raw of ['auth.signed_in', 'member.invited', 'invitedBy', 'image/png', 'advisor']) expect(trail).not.toContain(raw);
    await checkPage(page, 'audit trail');

    await page.getByLabel('Personne').selectOption({ label: 'Camille Durand' });
    await page.getByLabel('Type d’événement').selectOption({ label: 'Badge délivré' });
    await submitForm(page, 'Filtrer');
    expect(await text(page, '.result-count')).toBe('1 événement — page 1 sur 1.');
    const csv = await page.getByRole('link', { name: 'Télécharger ces événements (CSV, pour Excel)' }).getAttribute('href');
    expect(csv).toContain('/espace/journal.csv?par=');
    expect(csv).toContain('action=assertion.awarded');
    await checkPage(page, 'filtered audit trail');

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Inès Moreau' }).click()]);
    expect(new URL(page.url()).pathname).toBe(`/espace/delivres/${ids.ines}`);

    await page.goto(`${app.baseUrl}/espace/journal?du=2026-03-10&au=2026-03-01`);
    expect(await text(page, '.error-summary')).toContain('La date de fin doit venir après la date de début.');
    await checkPage(page, 'audit trail with a filter error');

    await page.goto(`${app.baseUrl}/espace/delivres?etat=valid`);
    const awardsCsv = page.getByRole('link', { name: 'Télécharger cette liste (CSV, pour Excel)' });
    expect(await awardsCsv.getAttribute('href')).toBe('/espace/delivres.csv?etat=valid');
    const response = await page.request.get(`${app.baseUrl}/espace/delivres.csv?etat=valid`);
    expect(response.headers()['content-type']).toBe('text/csv; charset=utf-8');
    const body = await response.text();
    expect(body.startsWith('\uFEFFApprenant;Adresse e-mail;Badge;')).toBe(true);
    expect(body).toContain('Inès Moreau;ines.moreau@example.org;Organiser — je maîtrise;1;');
    await checkPage(page, 'awarded badges with their export');
  });

  test('a badge never awarded is deleted after its confirmation, and the trail says so', async () => {
    const page = await openPage();
    await signInOnPage(page, app.baseUrl, 'camille.durand@example.org', PASSWORD);
    await page.goto(`${app.baseUrl}/espace/badges/${ids.unused}`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Supprimer ce badge' }).click()]);
    expect(await text(page, 'h1')).toBe('Supprimer le badge « S’adapter — je pratique » ?');
    await checkPage(page, 'delete confirmation');
    await submitForm(page, 'Supprimer définitivement');
    expect(new URL(page.url()).pathname).toBe('/espace/badges');
    expect(await text(page, '.notice-success')).toBe('Le badge a été supprimé.');
    await checkPage(page, 'badges after a deletion');

    await page.goto(`${app.baseUrl}/espace/journal?action=badge_class.deleted`);
    expect(await text(page, '.audit-list')).toContain(
      'Camille Durand a supprimé le badge « S’adapter — je pratique », qui n’avait jamais été délivré.',
    );

    // An awarded badge offers no deletion; its address says why, and that archiving is the way.
    await page.goto(`${app.baseUrl}/espace/badges/${ids.organiser}`);
    expect(await page.getByRole('link', { name: 'Supprimer ce badge' }).count()).toBe(0);
    await page.goto(`${app.baseUrl}/espace/badges/${ids.organiser}/supprimer`);
    expect(await text(page, 'h1')).toBe('Ce badge ne peut pas être supprimé');
    expect(await text(page, '[role=alert]')).toContain('Archivez-le pour ne plus le proposer.');
    expect(await page.getByRole('button', { name: 'Supprimer définitivement' }).count()).toBe(0);
    await checkPage(page, 'deletion refused');
  });

  test('the Région reads the whole region’s trail, each event with its structure', async () => {
    const page = await openPage();
    await signInOnPage(page, app.baseUrl, 'region@example.org', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Journal de la région' }).first().click()]);
    expect(await text(page, 'h1')).toBe('Journal de la région');
    expect(await text(page, '.audit-list')).toContain('Badge délivré · Mission Locale de Caen');
    expect(await text(page, '.audit-list')).toContain('Camille Durand a décerné « Organiser — je maîtrise » à Inès Moreau.');
    await checkPage(page, 'region’s audit trail');
  });
});
