import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * The language switch links to the page being read, in the other language:
 * from whatever path was asked for, it is a path of this site, never a
 * protocol-relative (`//evil.com`) or absolute URL. Over real HTTP: the
 * request line's path reaches the server as sent (app.inject would
 * normalise it first, and hide the very paths that mattered).
 */

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let port: number;
beforeAll(async () => {
  ctx = await startTestApp();
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  port = (ctx.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await ctx?.close();
});

const unescape = (html: string) =>
  html
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');

/** One GET with this exact request-target, as a hostile client would send it. */
function get(path: string, headers: Record<string, string>): Promise<{ statusCode: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** The href of the switch to `target` on the page answered for `url`. */
async function switchHref(url: string, target: 'en' | 'fr'): Promise<string> {
  // The page is in the other language when the remembered choice says so.
  const cookie = `lang=${target === 'en' ? 'fr' : 'en'}`;
  const response = await get(url, { accept: 'text/html', cookie });
  expect(response.statusCode, url).toBeLessThan(500);
  const match = new RegExp(`<a href="([^"]*)" lang="${target}" hreflang="${target}">`).exec(response.body);
  expect(match, `${url}: no language switch on the page`).not.toBeNull();
  return unescape(match![1]!);
}

const HOSTILE = [
  '/.//evil.com',
  '//evil.com',
  '///evil.com',
  '/.///evil.com/badge',
  '/..//evil.com',
  '/%2e//evil.com',
  '/%2E%2E//evil.com?x=1',
  '/./\\evil.com',
  '/\\\\evil.com',
  '/\\/evil.com',
  '/.\\/evil.com',
  '/referentiel/..//evil.com',
  '/a/../..//evil.com',
  '/.//evil.com?lang=fr',
  '/.//evil.com?lang=en',
  '/./%2F%2Fevil.com',
  '/.//evil.com/?next=//evil.com',
];

describe('the language switch', () => {
  it.each(HOSTILE)('stays on this site when %s is asked for', async (url) => {
    // A lang= in the URL chooses the page's language: then only the switch to the other one is there.
    const chosen = /[?&]lang=(en|fr)/.exec(url)?.[1];
    const targets = chosen ? [chosen === 'en' ? ('fr' as const) : ('en' as const)] : (['en', 'fr'] as const);
    for (const target of targets) {
      const asked = url;
      const href = await switchHref(url, target);
      // A path of this site: one slash, then anything but a slash or backslash.
      expect(href, asked).toMatch(/^\/(?![/\\])/);
      expect(href, asked).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
      const resolved = new URL(href, `${TEST_PUBLIC_URL}/some/page`);
      expect(resolved.origin, asked).toBe(TEST_PUBLIC_URL);
      expect(resolved.searchParams.get('lang'), asked).toBe(target);
    }
  });

  it('keeps the page and its other parameters', async () => {
    expect(await switchHref('/referentiel', 'en')).toBe('/referentiel?lang=en');
    expect(await switchHref('/verifier?x=1', 'en')).toBe('/verifier?x=1&lang=en');
    expect(await switchHref('/referentiel', 'fr')).toBe('/referentiel?lang=fr');
  });
});
