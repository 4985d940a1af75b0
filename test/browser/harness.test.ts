/**
 * The checks of test/support/browser.ts can fail: a page that passes them
 * passes because it is right, not because the check looked at nothing.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, expectNoAxeViolations, expectNoHorizontalScroll, launchBrowser, newContext } from '../support/browser.ts';

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

const shell = (body: string, lang = 'fr') =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title></head><body><main><h1>Titre</h1>${body}</main></body></html>`;

describe('the axe-core check', () => {
  test('passes a clean page', async () => {
    await page.setContent(shell('<p>Bonjour.</p>'));
    await expectNoAxeViolations(page);
  });

  test('reports rule, impact, element and help for each violation', async () => {
    await page.setContent(
      shell(
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt">' +
          '<p id="pale" style="color:#bbb;background:#fff">Texte trop pâle.</p>' +
          '<input id="unlabelled" type="email">',
      ),
    );
    const violations = await axeViolations(page);
    const ids = violations.map((v) => v.id).sort();
    expect(ids).toEqual(expect.arrayContaining(['color-contrast', 'image-alt', 'label']));
    expect(violations.find((v) => v.id === 'image-alt')?.targets).toEqual(['#no-alt']);

    const failure = await expectNoAxeViolations(page, 'the broken page').then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure).toContain('on the broken page');
    expect(failure).toMatch(/- image-alt \[critical\] .*\n\s+#no-alt/);
    expect(failure).toContain('#pale');
    expect(failure).toContain('https://dequeuniversity.com/');
  });

  test('sees a missing or wrong page language', async () => {
    await page.setContent('<!doctype html><html><head><title>t</title></head><body><main><h1>x</h1></main></body></html>');
    expect((await axeViolations(page)).map((v) => v.id)).toContain('html-has-lang');
  });
});

describe('the 375px check', () => {
  test('passes a page that fits', async () => {
    await page.setContent(shell('<p>Un texte qui passe à la ligne sans difficulté sur un petit écran.</p>'));
    await expectNoHorizontalScroll(page, 375);
  });

  test('fails on a page wider than the phone, naming the culprit, and restores the viewport', async () => {
    await page.setContent(shell('<div id="too-wide" style="width:500px">large</div>'));
    const failure = await expectNoHorizontalScroll(page, 375).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure).toContain('scrolls horizontally at 375px');
    expect(failure).toContain('div#too-wide');
    expect(page.viewportSize()).toEqual({ width: 1280, height: 800 });
    // The same page fits the desktop.
    await expectNoHorizontalScroll(page, 1280);
  });

  test('fails on an unbreakable word', async () => {
    await page.setContent(shell(`<p>${'x'.repeat(120)}</p>`));
    await expect(expectNoHorizontalScroll(page, 375)).rejects.toThrow(/scrolls horizontally/);
  });
});

test('without the pages’ escaping, the hostile-input probe would fire (the harness bypasses CSP)', async () => {
  await page.setContent(shell('<img src="x" alt="" onerror="window.__pwned=1">'));
  await page.waitForFunction(() => (globalThis as any).__pwned === 1, undefined, { timeout: 5000 });
});
