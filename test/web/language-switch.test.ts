import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStructure, startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * The language switch links to the page being read, in the other language:
 * from whatever path was asked for, it is a path of this site, never a
 * protocol-relative (`//evil.com`) or absolute URL. Over real HTTP: the
 * request line's path reaches the server as sent (app.inject would
 * normalise it first, and hide the very paths that mattered).
 */

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let port: number;
let badge: { id: string; name: string };
beforeAll(async () => {
  ctx = await startTestApp();
  const seeded = await seedStructure(ctx.services);
  badge = seededBadge(seeded.badgeClasses);
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
function seededBadge(badges: { id: string; name: string; alignment?: unknown }[]) {
  const withAlignment = badges.find((b) => Array.isArray(b.alignment) && b.alignment.length);
  return withAlignment ?? badges[0]!;
}

function get(
  path: string,
  headers: Record<string, string>,
): Promise<{ statusCode: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }),
      );
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

const pageLang = (body: string) => /<html lang="(\w+)"/.exec(body)?.[1];

describe('the language of a page', () => {
  it('follows Accept-Language on the first visit: English when the browser prefers it, French otherwise', async () => {
    const cases: [string | undefined, string][] = [
      ['en', 'en'],
      ['en-GB,en;q=0.9', 'en'],
      ['en-US,en;q=0.9,fr;q=0.5', 'en'],
      ['fr-FR,fr;q=0.9,en;q=0.8', 'fr'],
      ['de-DE,de;q=0.9', 'fr'],
      [undefined, 'fr'],
    ];
    for (const [acceptLanguage, expected] of cases) {
      const headers: Record<string, string> = { accept: 'text/html' };
      if (acceptLanguage) headers['accept-language'] = acceptLanguage;
      const response = await get('/referentiel', headers);
      expect(response.statusCode).toBe(200);
      expect(pageLang(response.body), String(acceptLanguage)).toBe(expected);
    }
  });

  it('remembers the choice made with the switch, over Accept-Language', async () => {
    const chosen = await get('/referentiel?lang=fr', { accept: 'text/html', 'accept-language': 'en' });
    expect(pageLang(chosen.body)).toBe('fr');
    const cookie = String(chosen.headers['set-cookie']);
    expect(cookie).toMatch(/^lang=fr;/);
    // The next page, without ?lang, keeps the choice though the browser still asks for English.
    const next = await get('/', { accept: 'text/html', 'accept-language': 'en', cookie: 'lang=fr' });
    expect(pageLang(next.body)).toBe('fr');
    const english = await get('/', { accept: 'text/html', 'accept-language': 'fr', cookie: 'lang=en' });
    expect(pageLang(english.body)).toBe('en');
    // A cache keeps the languages apart.
    const badgePage = await get(`/badges/${badge.id}`, { accept: 'text/html' });
    expect(String(badgePage.headers.vary)).toMatch(/(^|,\s*)Accept(\s*,|$)/);
    expect(String(badgePage.headers.vary)).toContain('Accept-Language');
    expect(String(badgePage.headers.vary)).toContain('Cookie');
  });

  it('marks the badge’s French words lang="fr" on an English page, and writes English colons without a space', async () => {
    const english = await get(`/badges/${badge.id}`, { accept: 'text/html', 'accept-language': 'en' });
    expect(english.statusCode).toBe(200);
    expect(pageLang(english.body)).toBe('en');
    expect(english.body).toMatch(/<h1 class="badge-name"><bdi lang="fr">/);
    expect(english.body).toMatch(/<div class="prose narrative" lang="fr">/);
    expect(english.body).not.toMatch(/Framework\s+:/);
    const french = await get(`/badges/${badge.id}`, { accept: 'text/html', 'accept-language': 'fr' });
    expect(pageLang(french.body)).toBe('fr');
    expect(french.body).toMatch(/<h1 class="badge-name"><bdi>/);
  });
});
