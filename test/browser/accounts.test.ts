/**
 * Getting people in, as they do it: a real Chromium against the app on a real
 * socket. The Région sets up the platform, opens a structure and invites its
 * first admin; the admin accepts from the link in the email (read from the
 * outbox), fills in the structure's profile and invites an advisor, who
 * accepts too; then someone who forgot their password gets back in. Every page
 * on the way is checked with axe-core (WCAG 2.1 A/AA) and at 375px, with its
 * errors too.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  type BrowserApp,
  checkPage,
  launchBrowser,
  newContext,
  normaliseText,
  startBrowserApp,
  submitForm,
  textOf as text,
  signInOnPage,
} from '../support/browser.ts';
import { latestOutboxMail, linkIn } from '../support/mail.ts';

const REGION = {
  name: 'Marie Lefèvre, Région Normandie',
  email: 'marie.lefevre@normandie.example.org',
  password: 'trois pommes vertes et un kiwi',
};
const ADMIN = { name: 'Sarah Dupont', email: 'sarah.dupont@example.org', password: 'la phrase de passe de Sarah' };
const ADVISOR = { name: 'Hugo Petit', email: 'hugo.petit@example.org', password: 'le mot de passe de Hugo, assez long' };
const STRUCTURE = 'Association régionale pour l’insertion professionnelle et la formation continue des jeunes du Calvados';

let app: BrowserApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function openPage(): Promise<Page> {
  const context = await newContext(browser, { locale: 'fr-FR' });
  contexts.push(context);
  return context.newPage();
}

const submit = (page: Page, button: string) => submitForm(page, button, { exact: true });

async function mailedLink(to: string, kind: 'invitation' | 'password-reset', path: string) {
  // A reset link is sent in the background (LinkRequests).
  await app.platform.linkRequestRunner!.drain();
  const mail = await latestOutboxMail(app.platform.database.db, to, kind);
  if (!mail) throw new Error(`no ${kind} email to ${to}`);
  return linkIn(mail.textBody, `${app.baseUrl}${path}`);
}

function signIn(page: Page, email: string, password: string) {
  return signInOnPage(page, app.baseUrl, email, password);
}

beforeAll(async () => {
  app = await startBrowserApp();
  browser = await launchBrowser();
});

afterEach(async () => {
  while (contexts.length) await contexts.pop()!.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('from the first start to a structure with its team', () => {
  test('setup → open a structure and invite its admin → accept → profile → invite an advisor → accept → the advisor awards one badge, a 200-row CSV with bad rows, and revokes one', async () => {
    // The Région sets up the platform and signs in.
    const region = await openPage();
    await region.goto(`${app.baseUrl}/setup`);
    await region.getByLabel('Votre nom').fill(REGION.name);
    await region.getByLabel('Adresse e-mail').fill(REGION.email);
    await region.getByLabel('Mot de passe', { exact: true }).fill(REGION.password);
    await region.getByLabel('Confirmez le mot de passe').fill(REGION.password);
    await submit(region, 'Créer le compte administrateur');
    await signIn(region, REGION.email, REGION.password);

    // Structures: the page explains how to open one.
    await Promise.all([region.waitForURL(/\/espace\/structures$/), region.getByRole('link', { name: 'Structures', exact: true }).click()]);
    expect(await text(region, 'main')).toContain('Ouvrir une structure');
    await checkPage(region, 'structures page with the form to open one');

    // Sent with mistakes: each is named, markup stays text.
    await region.getByLabel('Nom de la structure').fill('<b>Mission</b>');
    await region.getByLabel('Site web').fill('javascript:alert(1)');
    await submit(region, 'Ouvrir la structure et inviter son administrateur');
    const summary = (await region.locator('.error-summary a').allInnerTexts()).map(normaliseText);
    expect(summary).toEqual([
      'Site web : Saisissez une adresse web complète, commençant par https://',
      'Adresse e-mail de contact : Ce champ est obligatoire.',
      'Adresse e-mail de son administrateur : Ce champ est obligatoire.',
    ]);
    expect(await region.getByLabel('Nom de la structure').inputValue()).toBe('<b>Mission</b>');
    expect(await region.locator('main b').count()).toBe(0);
    await checkPage(region, 'structures page with errors');

    await region.getByLabel('Nom de la structure').fill(STRUCTURE);
    await region.getByLabel('Site web').fill('https://www.arip-calvados.example.org');
    await region.getByLabel('Adresse e-mail de contact').fill('contact@arip-calvados.example.org');
    await region.getByLabel('Présentation (facultatif)').fill('Accompagnement vers l’emploi.\nFormation continue.');
    await region.getByLabel('Adresse e-mail de son administrateur').fill(ADMIN.email);
    await submit(region, 'Ouvrir la structure et inviter son administrateur');
    // No SMTP here: the invitation is held, and the notice says so.
    expect(await text(region, '[role="status"]')).toContain(`L’invitation de son administrateur (${ADMIN.email}) n’est pas envoyée`);
    expect(await text(region, 'table')).toContain(STRUCTURE);
    await checkPage(region, 'structures page after opening one');

    // The admin follows the link of the email and creates an account.
    const admin = await openPage();
    await admin.goto(await mailedLink(ADMIN.email, 'invitation', '/invitation/'));
    expect(await text(admin, 'h1')).toBe(`Rejoindre ${STRUCTURE}`);
    expect(await text(admin, 'main')).toContain('Votre rôle : administrateur ou administratrice de la structure.');
    await checkPage(admin, 'invitation page (new account)');
    await admin.getByLabel('Votre nom').fill(ADMIN.name);
    await admin.getByLabel('Nouveau mot de passe', { exact: true }).fill('court');
    await submit(admin, 'Créer mon compte et rejoindre la structure');
    expect(await text(admin, '.error-summary')).toContain('Saisissez au moins 12 caractères.');
    await checkPage(admin, 'invitation page with errors');
    await admin.getByLabel('Nouveau mot de passe', { exact: true }).fill(ADMIN.password);
    await admin.getByLabel('Confirmez le nouveau mot de passe').fill(ADMIN.password);
    await submit(admin, 'Créer mon compte et rejoindre la structure');
    expect(new URL(admin.url()).pathname).toBe('/espace');
    expect(await text(admin, 'main')).toContain(`Vous travaillez pour ${STRUCTURE}.`);

    // The structure's public profile.
    await Promise.all([admin.waitForURL(/\/espace\/structure$/), admin.getByRole('link', { name: 'Profil de la structure' }).click()]);
    expect(await text(admin, 'h1')).toBe('Le profil public de la structure');
    await checkPage(admin, 'profile page');
    await admin.getByLabel('Téléphone (facultatif)').fill('pas un numéro');
    await submit(admin, 'Enregistrer le profil');
    expect(await text(admin, '.error-summary')).toContain('Saisissez un numéro de téléphone');
    await checkPage(admin, 'profile page with an error');
    await admin.getByLabel('Téléphone (facultatif)').fill('02 31 00 00 00');
    await submit(admin, 'Enregistrer le profil');
    expect(await text(admin, '[role="status"]')).toContain('Profil enregistré');
    const structureId = (await app.services.structures.list()).find((s) => s.name === STRUCTURE)!.id;
    const issuer = await (await fetch(`${app.baseUrl}/issuers/${structureId}`, { headers: { accept: 'application/ld+json' } })).json();
    expect(issuer.telephone).toBe('02 31 00 00 00');
    // A logo far over the limit: the profile again, saying why, not a bare « Erreur 413 » page.
    await admin
      .getByLabel('Fichier du logo (PNG ou SVG)')
      .setInputFiles({ name: 'énorme.png', mimeType: 'image/png', buffer: Buffer.alloc(2 * 1024 * 1024) });
    await submit(admin, 'Publier ce logo');
    expect(await text(admin, '.error-summary')).toContain('Ce fichier est trop lourd : 512 Ko au maximum.');
    expect(await text(admin, 'h1')).toBe('Le profil public de la structure');
    await checkPage(admin, 'profile page after a logo too large');

    // Invite an advisor.
    await Promise.all([admin.waitForURL(/\/espace\/membres$/), admin.getByRole('link', { name: 'Membres', exact: true }).click()]);
    await checkPage(admin, 'members page');
    await admin.getByLabel('Adresse e-mail de la personne').fill('pas une adresse');
    await submit(admin, 'Envoyer l’invitation');
    expect(await text(admin, '.error-summary')).toContain('Saisissez une adresse e-mail complète');
    await checkPage(admin, 'members page with an error');
    await admin.getByLabel('Adresse e-mail de la personne').fill(ADVISOR.email);
    await admin.getByLabel('conseiller ou conseillère').check();
    await submit(admin, 'Envoyer l’invitation');
    expect(await text(admin, '[role="status"]')).toContain(`Invitation enregistrée pour ${ADVISOR.email}, mais pas envoyée`);
    expect(await text(admin, 'main')).toContain('Invitations en attente');
    await checkPage(admin, 'members page with a pending invitation');

    const advisor = await openPage();
    await advisor.setViewportSize({ width: 375, height: 800 });
    await advisor.goto(await mailedLink(ADVISOR.email, 'invitation', '/invitation/'));
    expect(await text(advisor, 'main')).toContain(`${ADMIN.name} vous invite à rejoindre l’espace d’${STRUCTURE}`);
    await advisor.getByLabel('Votre nom').fill(ADVISOR.name);
    await advisor.getByLabel('Nouveau mot de passe', { exact: true }).fill(ADVISOR.password);
    await advisor.getByLabel('Confirmez le nouveau mot de passe').fill(ADVISOR.password);
    await submit(advisor, 'Créer mon compte et rejoindre la structure');
    expect(await text(advisor, 'main')).toContain('Votre rôle : conseiller ou conseillère.');

    await admin.reload();
    expect(await text(admin, 'main')).toContain('Aucune invitation en attente.');
    expect(await text(admin, 'main')).toContain(ADVISOR.name);
    await checkPage(admin, 'members page with two members');

    // Issue 3's "done when": the advisor just invited awards a single badge,
    // then a 200-row CSV with a few bad rows, then revokes one badge, all in the browser.
    await advisor.setViewportSize({ width: 1280, height: 900 });
    await Promise.all([advisor.waitForURL(/\/espace\/delivrer$/), advisor.getByRole('link', { name: 'Délivrer', exact: true }).click()]);
    await advisor.getByLabel('Adresse e-mail de la personne').fill('lina.haddad@example.org');
    await advisor.getByLabel('Prénom').fill('Lina');
    await advisor.getByLabel('Nom', { exact: true }).fill('Haddad');
    await advisor.getByLabel('S’adapter — je pratique').check();
    await submit(advisor, 'Vérifier avant de délivrer');
    expect(await text(advisor, 'h1')).toBe('Vérifiez avant de délivrer');
    await submit(advisor, 'Confirmer et délivrer le badge');
    expect(await text(advisor, 'h1')).toBe('Le badge est délivré');

    await advisor.goto(`${app.baseUrl}/espace/delivrer/csv`);
    const rows = Array.from(
      { length: 200 },
      (_, i) => `apprenant.${i}@example.org;Prénom${i};Nom${i};organiser-je-pratique;Atelier ${i};;`,
    );
    rows[5] = 'pas-une-adresse;Jean;Bon;organiser-je-pratique;;;';
    rows[50] = 'eve@example.org;Ève;Martin;un badge qui n’existe pas;;;';
    rows[150] = 'paul@example.org;Paul;Roux;organiser-je-pratique;;;31/02/2027';
    const csv = ['email;prénom;nom;badge;preuve;lien;expiration', ...rows].join('\r\n');
    await advisor
      .getByLabel('Fichier CSV')
      .setInputFiles({ name: 'promotion.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await submit(advisor, 'Envoyer et vérifier le fichier');
    expect(await text(advisor, 'h1')).toBe('Vérifiez le fichier');
    const preview = await text(advisor, 'main');
    expect(preview).toContain('ligne 7, colonne « Adresse e-mail »');
    expect(preview).toContain('ligne 52, colonne « Badge »');
    expect(preview).toContain('ligne 152, colonne « Date d’expiration »');
    await submit(advisor, 'Délivrer 197 badges');
    await advisor.waitForSelector('h1:text("Résultat de la délivrance")', { timeout: 60_000 });
    expect(await text(advisor, 'main')).toMatch(/Délivrés 197/);

    await advisor.goto(`${app.baseUrl}/espace/delivres?q=lina.haddad`);
    await Promise.all([
      advisor.waitForNavigation(),
      advisor
        .getByRole('link', { name: /Lina Haddad/ })
        .first()
        .click(),
    ]);
    await Promise.all([advisor.waitForNavigation(), advisor.getByRole('link', { name: 'Révoquer ce badge…' }).click()]);
    await advisor.getByLabel('Motif de la révocation').fill('Délivré par erreur');
    await submit(advisor, 'Révoquer définitivement');
    expect(await text(advisor, '.notice-success')).toContain('Le badge est révoqué.');
    const revoked = await app.services.awarding.list({ structureId, recipientEmail: 'lina.haddad@example.org', page: 1, perPage: 10 });
    expect(revoked.rows.map((a) => a.revokedAt !== null)).toEqual([true]);
  }, 240_000);

  test('a forgotten password: from the sign-in page to the workspace, and the link works once', async () => {
    const page = await openPage();
    await page.goto(`${app.baseUrl}/connexion`);
    await Promise.all([
      page.waitForURL(/\/mot-de-passe-oublie$/),
      page.getByRole('link', { name: 'Recevoir un lien pour en choisir un nouveau' }).click(),
    ]);
    expect(await text(page, 'h1')).toBe('Mot de passe oublié');
    await checkPage(page, 'forgotten password page');
    await submit(page, 'Recevoir le lien');
    expect(await text(page, '.error-summary')).toContain('Ce champ est obligatoire.');
    await checkPage(page, 'forgotten password page with an error');
    await page.getByLabel('Adresse e-mail').fill(ADVISOR.email);
    await submit(page, 'Recevoir le lien');
    expect(await text(page, 'h1')).toBe('Vérifiez votre messagerie');
    await checkPage(page, 'forgotten password: email sent');

    const link = await mailedLink(ADVISOR.email, 'password-reset', '/mot-de-passe/');
    await page.goto(link);
    expect(await text(page, 'h1')).toBe('Choisir un nouveau mot de passe');
    await checkPage(page, 'new password page');
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('un nouveau mot de passe pour Hugo');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('un autre mot de passe pour Hugo');
    await submit(page, 'Enregistrer et me connecter');
    expect(await text(page, '.error-summary')).toContain('Les deux mots de passe ne sont pas identiques.');
    await checkPage(page, 'new password page with an error');
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('un nouveau mot de passe pour Hugo');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('un nouveau mot de passe pour Hugo');
    await submit(page, 'Enregistrer et me connecter');
    expect(new URL(page.url()).pathname).toBe('/espace');
    expect(await text(page, 'main')).toContain(`Bonjour ${ADVISOR.name}`);

    const again = await openPage();
    const response = await again.goto(link);
    expect(response!.status()).toBe(410);
    expect(await text(again, 'h1')).toBe('Ce lien ne fonctionne plus');
    await checkPage(again, 'used link page');
    await Promise.all([again.waitForURL(/\/mot-de-passe-oublie$/), again.getByRole('link', { name: 'Recevoir un nouveau lien' }).click()]);
  });
});
