/**
 * The Région runs its structures, as it does it: a real Chromium against the
 * app on a real socket, with a real SMTP server receiving the emails. It
 * opens a structure whose name another already has (warned, then confirmed),
 * with a mistyped administrator address; sees the pending invitation on the
 * structure's page, cancels it and invites the right address; the new admin
 * accepts from the email the SMTP server received, and signs in again later.
 * Then the Région closes the structure (its admin sees a plain page saying
 * so) and reopens it. Every new page is checked with axe-core (WCAG 2.1
 * A/AA) and at 375px, with its errors too.
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
  textOf as text,
} from '../support/browser.ts';
import { linkIn, startSmtpServer } from '../support/mail.ts';
import { seedStructure } from '../support/platform.ts';

const REGION = { name: 'Marie Lefèvre', email: 'marie.lefevre@normandie.example.org', password: 'trois pommes vertes et un kiwi' };
const WRONG = 'sarah.dupond@exmple.org';
const RIGHT = 'sarah.dupont@example.org';
const ADMIN_PASSWORD = 'la phrase de passe de Sarah';

let app: BrowserApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function openPage(): Promise<Page> {
  const context = await newContext(browser, { locale: 'fr-FR' });
  contexts.push(context);
  return context.newPage();
}

const submit = (page: Page, button: string) => submitForm(page, button, { exact: true });

/** The invitation link of the newest email the SMTP server received for this address. */
async function invitationFromSmtp(to: string): Promise<string> {
  const mail = await smtp.waitFor((m) => m.envelope.to.includes(to) && (m.parsed.subject ?? '').startsWith('Invitation'));
  return linkIn(mail.parsed.text ?? '', `${app.baseUrl}/invitation/`);
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startBrowserApp({ env: { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '200' } });
  await app.services.auth.setup(REGION, { ip: '127.0.0.1' });
  await seedStructure(app.services, { name: 'Mission Locale', url: 'https://www.ml-lisieux.example.org' });
  browser = await launchBrowser();
});

afterEach(async () => {
  while (contexts.length) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smtp?.close();
});

describe('the Région manages a structure whose first invitation was mistyped', () => {
  test('open (a likely duplicate, confirmed) → structure page → cancel the wrong address → invite the right one → accepted from the email → signed in → closed → reopened', async () => {
    const region = await openPage();
    await signInOnPage(region, app.baseUrl, REGION.email, REGION.password);
    await Promise.all([region.waitForURL(/\/espace\/structures$/), region.getByRole('link', { name: 'Structures', exact: true }).click()]);

    // Same name as the structure of Lisieux, another site: the form asks first.
    await region.getByLabel('Nom de la structure').fill('MISSION LOCALE');
    await region.getByLabel('Site web').fill('https://ml-bayeux.example.org');
    await region.getByLabel('Adresse e-mail de contact').fill('contact@ml-bayeux.example.org');
    await region.getByLabel('Adresse e-mail de son administrateur').fill(WRONG);
    await submit(region, 'Ouvrir la structure et inviter son administrateur');
    const warning = normaliseText(await text(region, '.structures-duplicates'));
    expect(warning).toContain('Une structure ressemble à celle-ci');
    expect(warning).toContain('Mission Locale — https://www.ml-lisieux.example.org : même nom');
    expect(await region.getByLabel('Nom de la structure').inputValue()).toBe('MISSION LOCALE');
    expect(await app.services.structures.list()).toHaveLength(1);
    await checkPage(region, 'structures page warning of a likely duplicate');
    await region.getByLabel('C’est une autre structure : l’ouvrir quand même').check();
    await submit(region, 'Ouvrir la structure et inviter son administrateur');
    expect(await text(region, '[role="status"]')).toContain(`l’invitation de son administrateur est envoyée à ${WRONG}`);
    const wrongMail = await smtp.waitFor((m) => m.envelope.to.includes(WRONG));
    expect(wrongMail.parsed.subject).toBe('Invitation à rejoindre MISSION LOCALE sur Insigne');

    // Its page, from the notice (and from the list): the invitation waits, nobody is admin yet.
    await Promise.all([
      region.waitForURL(/\/espace\/structures\/[0-9a-f-]{36}$/),
      region.getByRole('link', { name: 'Voir la page de MISSION LOCALE' }).click(),
    ]);
    expect(await text(region, 'h1')).toBe('MISSION LOCALE');
    const page = normaliseText(await text(region, 'main'));
    expect(page).toContain('Cette structure n’a pas encore d’administrateur');
    expect(page).toContain(WRONG);
    expect(page).toContain('Badges proposés 9');
    await checkPage(region, 'structure page with its pending invitation');

    // The wrong address is cancelled: its link stops working.
    const wrongLink = linkIn(wrongMail.parsed.text ?? '', `${app.baseUrl}/invitation/`);
    await submit(region, `Annuler (${WRONG})`);
    expect(await text(region, '[role="status"]')).toContain(`L’invitation de ${WRONG} est annulée`);
    expect(await text(region, 'main')).toContain('Aucune invitation en attente.');
    await checkPage(region, 'structure page after cancelling');
    const stale = await openPage();
    await stale.goto(wrongLink);
    expect(await text(stale, 'h1')).toContain('Cette invitation n’est plus valable');

    // The right one, after a slip in the field.
    await region.getByLabel('Adresse e-mail de l’administrateur').fill('sarah.dupont@');
    await submit(region, 'Envoyer l’invitation');
    expect(await text(region, '.error-summary')).toContain('Saisissez une adresse e-mail complète');
    await checkPage(region, 'structure page with an error in the invitation');
    await region.getByLabel('Adresse e-mail de l’administrateur').fill(RIGHT);
    await submit(region, 'Envoyer l’invitation');
    expect(await text(region, '[role="status"]')).toContain(`L’invitation est envoyée à ${RIGHT}.`);

    // Sarah accepts from the email the SMTP server received.
    const admin = await openPage();
    await admin.goto(await invitationFromSmtp(RIGHT));
    expect(await text(admin, 'h1')).toBe('Rejoindre MISSION LOCALE');
    await admin.getByLabel('Votre nom').fill('Sarah Dupont');
    await admin.getByLabel('Nouveau mot de passe', { exact: true }).fill(ADMIN_PASSWORD);
    await admin.getByLabel('Confirmez le nouveau mot de passe').fill(ADMIN_PASSWORD);
    await submit(admin, 'Créer mon compte et rejoindre la structure');
    expect(new URL(admin.url()).pathname).toBe('/espace');
    expect(await text(admin, 'main')).toContain('Vous travaillez pour MISSION LOCALE.');
    await submit(admin, 'Se déconnecter');
    await signInOnPage(admin, app.baseUrl, RIGHT, ADMIN_PASSWORD);
    expect(await text(admin, 'main')).toContain('Votre rôle : administrateur ou administratrice de la structure.');

    // The Région sees her as its admin.
    await region.reload();
    expect(normaliseText(await text(region, 'main'))).toContain(`Sarah Dupont ${RIGHT} administrateur ou administratrice de la structure`);
    expect(await text(region, 'main')).not.toContain('pas encore d’administrateur');

    // Closing asks for the box; then her workspace is a plain page saying so.
    await submit(region, 'Fermer la structure');
    expect(await text(region, '.error-summary')).toContain('Cochez la case pour confirmer la fermeture.');
    await checkPage(region, 'structure page with the closing unconfirmed');
    await region.getByLabel('Je confirme la fermeture de MISSION LOCALE').check();
    await submit(region, 'Fermer la structure');
    expect(await text(region, '[role="status"]')).toContain('La structure MISSION LOCALE est fermée.');
    await checkPage(region, 'structure page of a closed structure');
    await admin.reload();
    expect(await text(admin, 'h1')).toBe('Structure fermée');
    expect(await text(admin, 'main')).toContain('La structure MISSION LOCALE est fermée : son espace n’est plus accessible.');
    await checkPage(admin, 'the page of a member of a closed structure');
    await admin.goto(`${app.baseUrl}/espace/delivrer`);
    expect(await text(admin, 'main')).toContain('La structure MISSION LOCALE est fermée');

    // Reopened: her workspace is back.
    await submit(region, 'Rouvrir la structure');
    expect(await text(region, '[role="status"]')).toContain('est rouverte');
    await admin.goto(`${app.baseUrl}/espace`);
    expect(await text(admin, 'main')).toContain('Vous travaillez pour MISSION LOCALE.');
  });
});
