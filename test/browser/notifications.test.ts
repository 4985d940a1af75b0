/**
 * A notification as people meet it, in a real Chromium and through a real
 * SMTP server: an advisor revokes a badge from its page; the learner's email
 * arrives, says why, carries the one-click unsubscribe headers, and its link
 * opens the learner's space where the badge shows revoked. The structure's
 * admin reads the Région's refusal of a catalogue proposal on the badge's
 * page. Every page axe-clean and readable at 375 px.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  type BrowserApp,
  checkPage,
  launchBrowser,
  newContext,
  normaliseText,
  signInOnPage,
  startBrowserApp,
  submitForm,
} from '../support/browser.ts';
import { linkIn, startSmtpServer } from '../support/mail.ts';
import { seedStructure } from '../support/platform.ts';

const ADVISOR = { email: 'camille@ml-caen.example.org', password: 'la phrase de passe de Camille, longue' };
const ADMIN = { email: 'marc@ml-caen.example.org', password: 'la phrase de passe de Marc, longue' };
const REGION = { email: 'region@normandie.example.org', password: 'la phrase de passe de la Région' };
const LEARNER = { email: 'ines.durand@example.org', name: 'Inès Durand' };
const REASON = 'Délivré par erreur : l’atelier n’a pas eu lieu.';

let app: BrowserApp;
let browser: Browser;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let seeded: Awaited<ReturnType<typeof seedStructure>>;
let assertionId: string;
const contexts: BrowserContext[] = [];

async function openPage(): Promise<Page> {
  const context = await newContext(browser, { locale: 'fr-FR' });
  contexts.push(context);
  return context.newPage();
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startBrowserApp({ env: { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '200' } });
  browser = await launchBrowser();
  seeded = await seedStructure(app.services, { name: 'Mission Locale de Caen' });
  await app.services.users.create(
    { email: ADVISOR.email, name: 'Camille Martin', password: ADVISOR.password, structureId: seeded.structure.id, role: 'advisor' },
    { kind: 'cli' },
  );
  await app.services.users.create(
    { email: ADMIN.email, name: 'Marc Lefèvre', password: ADMIN.password, structureId: seeded.structure.id, role: 'admin' },
    { kind: 'cli' },
  );
  await app.services.users.create(
    { email: REGION.email, name: 'Claire Région', password: REGION.password, platformAdmin: true },
    { kind: 'cli' },
  );
  const award = await app.api(seeded.token, 'POST', '/api/v1/assertions', { badgeClass: seeded.badgeClasses[0]!.id, recipient: LEARNER });
  expect(award.status).toBe(201);
  assertionId = award.body.id;
  await smtp.waitFor((m) => m.envelope.to.includes(LEARNER.email) && m.parsed.subject!.includes('Vous avez reçu'));
});

afterEach(async () => {
  while (contexts.length) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smtp?.close();
});

describe('a revocation reaches the learner', () => {
  test('the advisor revokes from the badge’s page; the email arrives with the reason; its link opens the learner’s space', async () => {
    const page = await openPage();
    await signInOnPage(page, app.baseUrl, ADVISOR.email, ADVISOR.password);
    await page.goto(`${app.baseUrl}/espace/delivres/${assertionId}/revoquer`);
    expect(normaliseText(await page.locator('main').innerText())).toContain('La personne en est prévenue par courriel, avec ce motif');
    await checkPage(page, 'the revocation form');
    await page.getByLabel('Motif de la révocation').fill(REASON);
    await submitForm(page, 'Révoquer définitivement');
    expect(new URL(page.url()).pathname).toBe(`/espace/delivres/${assertionId}`);

    const mail = await smtp.waitFor((m) => m.envelope.to.includes(LEARNER.email) && m.parsed.subject!.includes('révoqué'));
    const badge = seeded.badgeClasses[0]!.name;
    expect(mail.parsed.subject).toBe(`Votre badge « ${badge} » a été révoqué`);
    expect(mail.parsed.text).toContain(`> ${REASON}`);
    expect(mail.parsed.text).toContain('Mission Locale de Caen a révoqué le badge');
    expect(mail.parsed.html).toContain('l’atelier n’a pas eu lieu.');
    // Like the award email: a mail client's own « unsubscribe » posts to the footer's link.
    const unsubscribe = app.services.unsubscribe.url(LEARNER.email);
    const header = (name: string) => mail.parsed.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n[ \t]+/g, ' ');
    expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${unsubscribe}>`);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.parsed.text).toContain(unsubscribe);

    // The learner, in a browser of their own, follows the link.
    const learner = await openPage();
    await learner.goto(linkIn(mail.parsed.text!, `${app.baseUrl}/mon-espace/lien/`));
    await submitForm(learner, 'Ouvrir mon espace');
    expect(new URL(learner.url()).pathname).toBe('/mon-espace');
    const space = normaliseText(await learner.locator('main').innerText());
    expect(space).toContain(badge);
    expect(space).toMatch(/[Rr]évoqué/);
    await checkPage(learner, 'the learner’s space after the revocation');

    // The structure's outbox shows it sent, named in words.
    await page.goto(`${app.baseUrl}/espace/courriels`);
    const outbox = normaliseText(await page.locator('main').innerText());
    expect(outbox).toContain('Badge révoqué');
    await checkPage(page, 'the structure’s outbox');
  });
});

describe('the Région’s answer reaches the structure', () => {
  test('a refused proposal: the Région is emailed, then the structure reads the reason on the badge’s page', async () => {
    const own = await app.services.badgeClasses.create(
      seeded.structure.id,
      {
        name: 'Accueillir le public',
        description: 'La personne accueille le public avec courtoisie.',
        criteriaNarrative: 'Observé à l’accueil.',
        tags: [],
        alignment: [],
        validityDays: null,
      },
      { png: seeded.badgeClasses[0]!.imagePng, svg: null },
      { kind: 'cli' },
    );
    const admin = await openPage();
    await signInOnPage(admin, app.baseUrl, ADMIN.email, ADMIN.password);
    await admin.goto(`${app.baseUrl}/espace/badges/${own.id}`);
    await submitForm(admin, 'Proposer au catalogue');
    const proposal = await smtp.waitFor((m) => m.envelope.to.includes(REGION.email));
    expect(proposal.parsed.subject).toBe('Proposition au catalogue : « Accueillir le public » de Mission Locale de Caen');

    const region = await openPage();
    await signInOnPage(region, app.baseUrl, REGION.email, REGION.password);
    await region.goto(linkIn(proposal.parsed.text!, `${app.baseUrl}/espace/plateforme/catalogue`));
    await region.getByLabel(/Motif/).first().fill('Trop proche de « Communiquer ». Proposez une variante.');
    await submitForm(region, 'Refuser');

    const answer = await smtp.waitFor((m) => m.envelope.to.includes(ADMIN.email));
    expect(answer.parsed.subject).toBe('Votre badge « Accueillir le public » n’est pas retenu pour le catalogue');
    expect(answer.parsed.text).toContain('> Trop proche de « Communiquer ». Proposez une variante.');
    await admin.goto(linkIn(answer.parsed.text!, `${app.baseUrl}/espace/badges/`));
    const text = normaliseText(await admin.locator('main').innerText());
    expect(text).toContain('Refusé pour le catalogue par la Région le');
    expect(text).toContain('Motif de la Région : Trop proche de « Communiquer ». Proposez une variante.');
    await checkPage(admin, 'the refused badge’s page');
    await admin.goto(`${app.baseUrl}/espace/badges`);
    expect(normaliseText(await admin.locator('main').innerText())).toContain('Vos propositions au catalogue');
    await checkPage(admin, 'the badge list with the Région’s answer');
  });
});
