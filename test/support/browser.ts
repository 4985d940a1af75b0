/**
 * Real-browser helpers for the "browser" vitest project (see vitest.config.ts):
 * the app on a real listening socket, a headless Chromium driven by
 * playwright-core, axe-core for accessibility, and a narrow-screen check.
 *
 * These tests run in Node, not in the page: the page's globals are reached
 * through `globalThis` inside `page.evaluate`, because the project's tsconfig
 * has no DOM lib (and must not get one just for the tests).
 */
import { freePort } from './net.ts';
import { createRequire } from 'node:module';
import type { Result as AxeResult } from 'axe-core';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestApp } from './platform.ts';

const require = createRequire(import.meta.url);
const AXE_SCRIPT = require.resolve('axe-core/axe.min.js');

/** The WCAG 2.1 A and AA rules: what the public pages promise. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

export type BrowserApp = Awaited<ReturnType<typeof startTestApp>> & {
  /** http://127.0.0.1:<port>, also the app's PUBLIC_URL, so Open Badges ids resolve in the browser. */
  baseUrl: string;
  /** A call to the REST API over real HTTP, with the given bearer token. */
  api(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }>;
};

/**
 * The app listening on 127.0.0.1. PUBLIC_URL is set to that address before
 * the app is built, because every Open Badges id (and every link on the
 * pages) is built from it. The port is picked first, then reused; if another
 * process takes it in between, we try again with a new one.
 */
export async function startBrowserApp(options: { now?: () => Date; env?: Record<string, string> } = {}): Promise<BrowserApp> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const test = await startTestApp({ env: { ...options.env, PUBLIC_URL: baseUrl }, now: options.now });
    try {
      await test.app.listen({ port, host: '127.0.0.1' });
    } catch (error) {
      lastError = error;
      await test.close();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw error;
    }
    return {
      ...test,
      baseUrl,
      async api(token, method, path, body) {
        const response = await fetch(new URL(path, baseUrl), {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : null };
      },
    };
  }
  throw lastError;
}

/** Headless Chromium from CHROMIUM_PATH (set by the "browser" project). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath) throw new Error('CHROMIUM_PATH is not set: run these tests through the vitest "browser" project');
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu'],
  });
}

/**
 * A fresh browser context (own cookies) at desktop size.
 *
 * `bypassCSP: true` is for the test harness only: the pages send
 * `script-src 'self'`, which (rightly) blocks the inline <script> that
 * `page.addScriptTag` uses to inject axe-core. Bypassing it also means the
 * hostile-input test proves the *escaping* of the pages, not merely that the
 * CSP would have stopped an injected script; that test checks the CSP header
 * separately.
 */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  // A French-speaking browser unless a test says otherwise: pages follow Accept-Language (src/web/locale.ts).
  return browser.newContext({ bypassCSP: true, locale: 'fr-FR', viewport: { width: 1280, height: 800 }, ...options });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
}

/** Runs axe-core (WCAG 2.1 A + AA) on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (globalThis as any).axe !== 'undefined');
  if (!loaded) await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate(
    async (tags) => {
      const g = globalThis as any;
      const results = await g.axe.run(g.document, { runOnly: { type: 'tag', values: tags } });
      return (results.violations as AxeResult[]).map((v) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        helpUrl: v.helpUrl,
        targets: v.nodes.map((n) => n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' ')),
      }));
    },
    [...AXE_TAGS],
  );
}

export function formatViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `- ${v.id} [${v.impact ?? 'n/a'}] ${v.help}\n    ${v.targets.join('\n    ')}\n    ${v.helpUrl}`).join('\n');
}

/** Fails with a readable list (rule, impact, elements, help) when axe finds anything. */
export async function expectNoAxeViolations(page: Page, label = page.url()): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length) {
    expect.fail(`${violations.length} accessibility violation(s) on ${label}:\n${formatViolations(violations)}`);
  }
}

/**
 * No horizontal scrolling at the given viewport (375px: a small phone): the
 * document is no wider than the viewport. The viewport is put back after.
 */
export async function expectNoHorizontalScroll(page: Page, width = 375, height = 800): Promise<void> {
  const previous = page.viewportSize();
  await page.setViewportSize({ width, height });
  try {
    // Reading scrollWidth forces a layout at the new size.
    const measured = await page.evaluate((w) => {
      const g = globalThis as any;
      const scrollWidth = g.document.documentElement.scrollWidth as number;
      const culprits: string[] = [];
      if (scrollWidth > w) {
        // Boxes past the right edge, and boxes whose own content spills out
        // of them (a long word or URL overflowing its paragraph).
        for (const el of g.document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          const spills = el.scrollWidth > el.clientWidth + 1 && g.getComputedStyle(el).overflowX === 'visible';
          if (r.right > w + 0.5 || (spills && r.right + el.scrollWidth - el.clientWidth > w + 0.5)) {
            const classes = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '';
            culprits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes} (right edge ${Math.round(r.right)}px)`);
          }
        }
      }
      return { scrollWidth, culprits: culprits.slice(0, 10) };
    }, width);
    if (measured.scrollWidth > width) {
      expect.fail(
        `${page.url()} scrolls horizontally at ${width}px: scrollWidth is ${measured.scrollWidth}px.\n` +
          `Elements past the right edge:\n  ${measured.culprits.join('\n  ')}`,
      );
    }
  } finally {
    if (previous) await page.setViewportSize(previous);
  }
}

/** Text as a person reads it: whitespace (including no-break spaces) collapsed. */
export function normaliseText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The text of the first element matching `selector`, as a person reads it. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return normaliseText(await page.locator(selector).first().innerText());
}

/** What every page is held to: axe-core finds nothing at WCAG 2.1 AA, and nothing scrolls sideways at 375 px. */
export async function checkPage(page: Page, label: string): Promise<void> {
  await expectNoAxeViolations(page, label);
  await expectNoHorizontalScroll(page, 375);
}

/** Presses a form's button and waits for the page the form leads to. */
export async function submitForm(page: Page, button: string, options: { exact?: boolean } = {}): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: options.exact }).first().click()]);
}

/** Signs in on the sign-in page as a person does, and checks that it led to the workspace. */
export async function signInOnPage(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await submitForm(page, 'Se connecter');
  expect(new URL(page.url()).pathname, `sign-in of ${email}`).toBe('/espace');
}
