/**
 * The public pages as people see them: a real Chromium against the app on a
 * real socket, badges awarded through the real REST API. Every page is also
 * checked with axe-core (WCAG 2.1 A/AA) and at 375px (no horizontal scroll).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { frameworkAnchors, REGIONAL_CATALOGUE } from '../../src/catalogue/regional.ts';
import { en } from '../../src/i18n/en.ts';
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

const DAY_MS = 86_400_000;
const STRUCTURE_NAME = 'Mission Locale de Caen';
const LEARNER = { name: 'Camille Martin', email: 'camille.martin@example.org' };
const EVIDENCE = {
  narrative: 'A préparé et animé seule un atelier collectif de douze personnes.',
  url: 'https://portfolio.example.org/camille-martin/atelier',
};
const NARRATIVE = 'Très bonne implication pendant toute la période de mise en situation.';

// The app's clock for awarding only: tests that need a badge issued in the
// past move it back, award, and put it back. Verification always uses real time.
let clockOffsetMs = 0;

let app: BrowserApp;
let browser: Browser;
let token: string;
let badgeClass: { id: string; name: string; description: string; criteriaNarrative: string };
let allBadgeNames: string[];
const contexts: BrowserContext[] = [];

async function award(overrides: Record<string, unknown> = {}) {
  const response = await app.api(token, 'POST', '/api/v1/assertions', {
    badgeClass: badgeClass.id,
    allowDuplicate: true,
    recipient: LEARNER,
    evidence: [EVIDENCE],
    narrative: NARRATIVE,
    ...overrides,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; url: string; issuedOn: string; expires: string | null };
}

/** A page in a fresh context (its own cookies), in a browser that asks for French (or `locale`). */
async function openPage(locale = 'fr-FR'): Promise<Page> {
  const context = await newContext(browser, { locale });
  contexts.push(context);
  return context.newPage();
}

async function goto(page: Page, url: string, expectedStatus = 200) {
  const response = await page.goto(url);
  expect(response, `no response for ${url}`).not.toBeNull();
  expect(response!.status(), `status of ${url}`).toBe(expectedStatus);
  expect(response!.headers()['content-type']).toMatch(/^text\/html/);
  return response!;
}

const text = async (page: Page, selector: string) => normaliseText(await page.locator(selector).innerText());

beforeAll(async () => {
  app = await startBrowserApp({ now: () => new Date(Date.now() - clockOffsetMs) });
  const seeded = await seedStructure(app.services, { name: STRUCTURE_NAME });
  token = seeded.token;
  const chosen = seeded.badgeClasses.find((b) => b.catalogueKey === 'communiquer-je-pratique');
  if (!chosen) throw new Error('the catalogue badge communiquer-je-pratique was not seeded');
  badgeClass = chosen;
  allBadgeNames = seeded.badgeClasses.map((b) => b.name);
  browser = await launchBrowser();
});

afterEach(async () => {
  clockOffsetMs = 0;
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the verification page (an assertion URL opened in a browser)', () => {
  test('states in French that the badge is genuine, with who, what, why and the evidence', async () => {
    const assertion = await award();
    expect(assertion.url).toBe(`${app.baseUrl}/assertions/${assertion.id}`);
    const page = await openPage();
    await goto(page, assertion.url);

    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await text(page, 'h1')).toBe('Badge authentique et valide');
    expect(await page.locator('.status').getAttribute('class')).toContain('status-valid');

    const facts = await text(page, '.badge-summary');
    expect(facts).toContain(badgeClass.name);
    expect(facts).toContain(normaliseText(badgeClass.description));
    expect(facts).toContain(`Délivré à ${LEARNER.name}`);
    expect(facts).toContain(`Délivré par ${STRUCTURE_NAME}`);
    expect(await text(page, 'h2.badge-name')).toBe(badgeClass.name);
    // The issuer link leads to the issuer's Open Badges id.
    expect(await page.getByRole('link', { name: STRUCTURE_NAME }).first().getAttribute('href')).toMatch(
      new RegExp(`^${app.baseUrl}/issuers/[0-9a-f-]{36}$`),
    );

    // Criteria: every paragraph of the badge class's narrative is on the page.
    const criteria = await text(page, 'section[aria-labelledby="criteria-title"]');
    expect(criteria).toContain('Ce que ce badge certifie');
    for (const block of badgeClass.criteriaNarrative.split('\n\n')) {
      for (const line of block.split('\n')) expect(criteria).toContain(normaliseText(line.replace(/^- /, '')));
    }

    // Evidence: the narrative as text, and a link to the URL.
    const evidence = page.locator('section[aria-labelledby="evidence-title"]');
    expect(normaliseText(await evidence.innerText())).toContain(EVIDENCE.narrative);
    expect(await evidence.getByRole('link', { name: /Voir la preuve/ }).getAttribute('href')).toBe(EVIDENCE.url);
    expect(await text(page, 'section[aria-labelledby="narrative-title"]')).toContain(NARRATIVE);

    // The technical checks all passed.
    expect(await page.locator('.check-failed').count()).toBe(0);
    expect(await page.locator('.check-ok').count()).toBeGreaterThan(3);
  });

  test('carries OpenGraph tags whose image is an absolute URL serving a PNG', async () => {
    const assertion = await award();
    const page = await openPage();
    await goto(page, assertion.url);

    const og = async (property: string) => page.locator(`meta[property="${property}"]`).getAttribute('content');
    // Each outside name isolated (FSI…PDI), so that a right-to-left one cannot reorder the preview.
    expect(await og('og:title')).toBe(`\u2068${badgeClass.name}\u2069 — \u2068${LEARNER.name}\u2069`);
    expect(await og('og:url')).toBe(assertion.url);
    const image = await og('og:image');
    expect(image).toBeTruthy();
    const imageUrl = new URL(image!); // throws on a relative URL
    expect(imageUrl.origin).toBe(app.baseUrl);

    const response = await page.request.get(imageUrl.toString());
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('image/png');
    const bytes = await response.body();
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // …and the browser actually decodes it as the visible badge image.
    const decoded = await page.locator('img.badge-image').evaluate((img: any) => img.complete && img.naturalWidth);
    expect(decoded).toBeGreaterThan(0);
  });

  test('has no accessibility violation and no horizontal scroll at 375px nor at 1280px', async () => {
    const assertion = await award();
    const page = await openPage();
    await goto(page, assertion.url);
    await expectNoAxeViolations(page, 'verification page');
    await expectNoHorizontalScroll(page, 375);
    await expectNoHorizontalScroll(page, 1280);
  });

  test('long unbroken text (a URL in a narrative, a long reason) never makes it scroll sideways at 375px', async () => {
    const longUrl = 'https://drive.example.org/partage/dossier/0123456789abcdefghijklmnopqrstuvwxyz/compte_rendu_atelier.pdf';
    const assertion = await award({
      evidence: [{ narrative: `Compte rendu : ${longUrl}`, url: longUrl }],
      narrative: `Voir aussi ${longUrl}`,
    });
    const page = await openPage();
    await goto(page, assertion.url);
    expect(await text(page, 'section[aria-labelledby="evidence-title"]')).toContain(longUrl);
    await expectNoHorizontalScroll(page, 375);

    const revoked = await app.api(token, 'POST', `/api/v1/assertions/${assertion.id}/revoke`, { reason: `Doublon de ${longUrl}` });
    expect(revoked.status).toBe(200);
    await goto(page, assertion.url, 410);
    expect(await text(page, '.status')).toContain(longUrl);
    await expectNoHorizontalScroll(page, 375);
  });

  test('checks the recipient email, never showing the recipient’s; a « Non » repeats the address checked', async () => {
    const assertion = await award();
    const page = await openPage();
    await goto(page, assertion.url);

    // Other case, spaces around it: still the recipient.
    const typed = '  Camille.MARTIN@Example.org  ';
    await page.getByLabel('Adresse e-mail').fill(typed);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/recipient-check') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Vérifier' }).click(),
    ]);
    expect(response.status()).toBe(200);
    await page.waitForLoadState();
    const notice = page.locator('.recipient-check [role="status"]');
    expect(normaliseText(await notice.innerText())).toBe('Oui : ce badge a été délivré à cette adresse e-mail.');
    expect(await notice.getAttribute('class')).toContain('notice-success');
    const html = (await page.content()).toLowerCase();
    expect(html).not.toContain('camille.martin@example.org');
    expect(html).not.toContain('camille.martin');
    // A POST: no address in the URL; the page comes back to its answer.
    expect(page.url()).toBe(`${assertion.url}/recipient-check#verifier-adresse`);
    expect(page.url()).not.toContain('@');
    await expectNoAxeViolations(page, 'recipient check (match)');
    await expectNoHorizontalScroll(page, 375);

    // A wrong address: "no".
    await page.getByLabel('Adresse e-mail').fill('someone.else@example.org');
    await Promise.all([page.waitForURL(/recipient-check#verifier-adresse$/), page.getByRole('button', { name: 'Vérifier' }).click()]);
    await page.waitForLoadState();
    const noMatch = page.locator('.recipient-check [role="status"]');
    expect(normaliseText(await noMatch.innerText())).toBe('Non : ce badge n’a pas été délivré à l’adresse someone.else@example.org.');
    expect(await noMatch.getAttribute('class')).toContain('notice-error');
    // Kept in the field, to be corrected; still never the recipient's own address.
    expect(await page.getByLabel('Adresse e-mail').inputValue()).toBe('someone.else@example.org');
    expect((await page.content()).toLowerCase()).not.toContain('camille.martin');
    await expectNoAxeViolations(page, 'recipient check (no match)');
  });

  test('the server itself trims and ignores case (a form post that skipped the browser’s clean-up)', async () => {
    const assertion = await award();
    const page = await openPage();
    // Chromium strips the spaces of an type=email field; a plain form post does not.
    const response = await page.request.post(`${assertion.url}/recipient-check`, {
      form: { email: '   CAMILLE.martin@EXAMPLE.ORG   ' },
      headers: { accept: 'text/html' },
    });
    expect(response.status()).toBe(200);
    const html = await response.text();
    expect(html).toContain('Oui : ce badge a été délivré à cette adresse e-mail.');
    expect(html.toLowerCase()).not.toContain('camille.martin');
  });

  test('after revocation through the API: « Badge révoqué », the reason, and HTTP 410', async () => {
    const assertion = await award();
    const reason = 'Badge attribué par erreur à la mauvaise personne.';
    const revoked = await app.api(token, 'POST', `/api/v1/assertions/${assertion.id}/revoke`, { reason });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);

    const page = await openPage();
    await goto(page, assertion.url, 410);
    expect(await text(page, 'h1')).toBe('Badge révoqué');
    expect(await page.locator('.status').getAttribute('class')).toContain('status-revoked');
    expect(await text(page, '.status')).toContain(`Motif de la révocation : ${reason}`);
    expect(await page.locator('.check-failed').count()).toBeGreaterThan(0);
    // No link to a signed file that would no longer be served.
    expect(await page.locator('a[href$="/signed.jws"]').count()).toBe(0);
    await expectNoAxeViolations(page, 'revoked badge');
    await expectNoHorizontalScroll(page, 375);
  });

  test('a badge past its expiry date: « Badge authentique, mais expiré »', async () => {
    // Awarded 400 days ago, valid for 30 days: the API refuses an expiry in
    // the past, so the award itself happens on a clock set back.
    clockOffsetMs = 400 * DAY_MS;
    const issuedOn = new Date(Date.now() - clockOffsetMs);
    const expires = new Date(issuedOn.getTime() + 30 * DAY_MS);
    const assertion = await award({ expires: expires.toISOString() });
    clockOffsetMs = 0;
    expect(new Date(assertion.issuedOn).getTime()).toBeLessThan(Date.now() - 399 * DAY_MS);

    const page = await openPage();
    await goto(page, assertion.url);
    expect(await text(page, 'h1')).toBe('Badge authentique, mais expiré');
    expect(await page.locator('.status').getAttribute('class')).toContain('status-expired');
    const expiryDate = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(expires);
    expect(await text(page, '.status')).toContain(normaliseText(`il a expiré le ${expiryDate}`));
    await expectNoAxeViolations(page, 'expired badge');
    await expectNoHorizontalScroll(page, 375);
  });

  test('the language switch shows English and the choice is remembered', async () => {
    const assertion = await award();
    const page = await openPage();
    await goto(page, assertion.url);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');

    await Promise.all([page.waitForURL(/[?&]lang=en/), page.getByRole('link', { name: 'English' }).click()]);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await text(page, 'h1')).toBe(en['assertion.status.valid']);
    expect(en['assertion.status.valid']).not.toBe('Badge authentique et valide');
    expect(await page.getByRole('link', { name: 'Français' }).count()).toBe(1);
    await expectNoAxeViolations(page, 'verification page in English');

    // Next load, no query string: still English, from the cookie.
    const cookies = await page.context().cookies(app.baseUrl);
    expect(cookies.find((c) => c.name === 'lang')?.value).toBe('en');
    await goto(page, assertion.url);
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await text(page, 'h1')).toBe(en['assertion.status.valid']);
    await goto(page, `${app.baseUrl}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await text(page, 'h1')).toBe(en['home.title']);
  });

  test('a browser that asks for English gets English at once; a choice of French is remembered over it', async () => {
    const assertion = await award();
    const page = await openPage('en-GB');
    await goto(page, assertion.url);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await text(page, 'h1')).toBe(en['assertion.status.valid']);
    // The badge's own words stay French, and say so.
    expect(await page.locator('[lang="fr"]', { hasText: badgeClass.name }).count()).toBeGreaterThan(0);
    await expectNoAxeViolations(page, 'verification page in English, from Accept-Language');

    await Promise.all([page.waitForURL(/[?&]lang=fr/), page.getByRole('link', { name: 'Français' }).click()]);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await goto(page, assertion.url);
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
  });

  test('hostile input is shown as text and never runs', async () => {
    const hostileName = '<img src=x onerror="window.__pwned=1">';
    const hostileEvidence = '<script>window.__pwned=1</script>';
    const assertion = await award({
      recipient: { email: LEARNER.email, name: hostileName },
      evidence: [{ narrative: hostileEvidence }],
      narrative: '<b onmouseover="window.__pwned=1">**gras**</b>',
    });

    const page = await openPage(); // CSP bypassed: this proves the escaping itself
    const response = await goto(page, assertion.url);
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");

    expect(await page.evaluate(() => (globalThis as any).__pwned)).toBeUndefined();
    expect(await text(page, '.badge-summary')).toContain(`Délivré à ${hostileName}`);
    expect(await text(page, 'section[aria-labelledby="evidence-title"]')).toContain(hostileEvidence);
    // None of it became an element.
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    expect(await page.locator('main b[onmouseover]').count()).toBe(0);
    // The OpenGraph title carries the name as an attribute value, not markup.
    expect(await page.locator('meta[property="og:title"]').getAttribute('content')).toBe(
      `\u2068${badgeClass.name}\u2069 — \u2068${hostileName}\u2069`,
    );
    await page.locator('section[aria-labelledby="narrative-title"]').hover();
    expect(await page.evaluate(() => (globalThis as any).__pwned)).toBeUndefined();
  });
});

describe('the other public pages', () => {
  test('home page', async () => {
    const page = await openPage();
    await goto(page, `${app.baseUrl}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await text(page, 'h1')).toBe('Des compétences reconnues, vérifiables par tous');
    expect(await page.getByRole('link', { name: 'Lire le référentiel' }).getAttribute('href')).toBe('/referentiel');
    await expectNoAxeViolations(page, 'home page');
    await expectNoHorizontalScroll(page, 375);
  });

  test('framework page: every anchor exists and the nine catalogue badges are listed', async () => {
    const page = await openPage();
    await goto(page, `${app.baseUrl}/referentiel`);
    expect(await text(page, 'h1')).toBe(normaliseText('Référentiel régional des compétences transversales'));

    for (const anchor of ['organiser', 'communiquer', 's-adapter', 's-integrer', 'badge-general']) {
      expect(await page.locator(`section[id="${anchor}"]`).count(), `#${anchor}`).toBe(1);
    }
    // Every anchor the alignments may point to, and every link of the table of contents, resolves.
    for (const anchor of frameworkAnchors()) expect(await page.locator(`[id="${anchor}"]`).count(), `#${anchor}`).toBe(1);
    const tocTargets = await page.locator('.toc a').evaluateAll((links: any[]) => links.map((a) => a.getAttribute('href')));
    expect(tocTargets.length).toBeGreaterThanOrEqual(7);
    for (const href of tocTargets) expect(await page.locator(`[id="${href.slice(1)}"]`).count(), href).toBe(1);

    const listed = await page.locator('section[aria-labelledby="catalogue-title"] li strong').allInnerTexts();
    expect(listed.map(normaliseText)).toEqual(REGIONAL_CATALOGUE.map((b) => normaliseText(b.name)));
    expect(listed).toHaveLength(9);
    // The images of the catalogue load.
    const broken = await page
      .locator('section[aria-labelledby="catalogue-title"] img')
      .evaluateAll((imgs: any[]) => imgs.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src));
    expect(broken).toEqual([]);

    await expectNoAxeViolations(page, 'framework page');
    await expectNoHorizontalScroll(page, 375);

    // In English the framework text stays French and says so; the interface heading is English and says so too.
    await goto(page, `${app.baseUrl}/referentiel?lang=en`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('article.prose').getAttribute('lang')).toBe('fr');
    const heading = page.locator('#catalogue-title');
    expect(await heading.innerText()).toBe(en['framework.catalogue']);
    expect(await heading.evaluate((h: any) => h.closest('[lang]').getAttribute('lang'))).toBe('en');
    await expectNoAxeViolations(page, 'framework page in English');
  });

  test('badge class page (the BadgeClass id in a browser)', async () => {
    const page = await openPage();
    await goto(page, `${app.baseUrl}/badges/${badgeClass.id}`);
    expect(await text(page, 'h1')).toBe(badgeClass.name);
    expect(await text(page, 'main')).toContain(`Proposé par ${STRUCTURE_NAME}`);
    expect(await text(page, 'section[aria-labelledby="criteria-title"]')).toContain(
      normaliseText(badgeClass.criteriaNarrative.split('\n\n')[0]!),
    );
    expect(await page.locator('meta[property="og:url"]').getAttribute('content')).toBe(`${app.baseUrl}/badges/${badgeClass.id}`);
    await expectNoAxeViolations(page, 'badge class page');
    await expectNoHorizontalScroll(page, 375);
  });

  test('issuer page (the Issuer id in a browser)', async () => {
    const assertion = await award();
    const page = await openPage();
    await goto(page, assertion.url);
    const issuerUrl = await page.getByRole('link', { name: STRUCTURE_NAME }).first().getAttribute('href');
    await goto(page, issuerUrl!);
    expect(await text(page, 'h1')).toBe(STRUCTURE_NAME);
    const listed = await page.locator('section[aria-labelledby="badges-title"] li strong').allInnerTexts();
    expect(listed.map(normaliseText).sort()).toEqual(allBadgeNames.map(normaliseText).sort());
    expect(listed).toHaveLength(9);
    await expectNoAxeViolations(page, 'issuer page');
    await expectNoHorizontalScroll(page, 375);
  });

  test('personal data page, linked from every page’s footer', async () => {
    const page = await openPage();
    await goto(page, `${app.baseUrl}/`);
    await Promise.all([page.waitForURL(/\/donnees-personnelles$/), page.getByRole('link', { name: 'Données personnelles' }).click()]);
    expect(await text(page, 'h1')).toBe('Données personnelles');
    expect(await page.getByRole('link', { name: 'Ouvrir mon espace badges' }).getAttribute('href')).toBe('/mon-espace');
    await expectNoAxeViolations(page, 'personal data page');
    await expectNoHorizontalScroll(page, 375);
  });

  test('404 page', async () => {
    const page = await openPage();
    await goto(page, `${app.baseUrl}/cette-page-n-existe-pas`, 404);
    expect(await text(page, 'h1')).toBe('Erreur 404');
    expect(await text(page, 'main')).toContain('Cette page n’existe pas.');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await expectNoAxeViolations(page, '404 page');
    await expectNoHorizontalScroll(page, 375);
  });
});
