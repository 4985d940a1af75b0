import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PUBLIC_URL } from '../support/platform.ts';

/**
 * What an https PUBLIC_URL commits the browser to: HSTS on every answer,
 * and the language cookie Secure like the session cookies. On an http
 * PUBLIC_URL (a local install) neither, or nothing would work.
 */

type App = Awaited<ReturnType<typeof startTestApp>>;

const PAGES = ['/', '/referentiel', '/connexion', '/verifier', '/static/favicon.svg', '/nulle-part', '/healthz', '/api/v1/assertions'];

function langCookie(response: { headers: Record<string, unknown> }): string {
  const cookies = [response.headers['set-cookie'] ?? []].flat() as string[];
  const lang = cookies.find((c) => c.startsWith('lang='));
  expect(lang).toBeDefined();
  return lang!;
}

describe.each([
  ['https', TEST_PUBLIC_URL, true],
  ['http', 'http://localhost:3000', false],
] as const)('with an %s PUBLIC_URL', (_scheme, publicUrl, https) => {
  let ctx: App;
  beforeAll(async () => {
    ctx = await startTestApp({ env: { PUBLIC_URL: publicUrl } });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it(https ? 'sends HSTS for a year on every answer' : 'sends no HSTS', async () => {
    for (const url of PAGES) {
      const response = await ctx.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBeLessThan(500);
      expect(response.headers['strict-transport-security'], url).toBe(https ? 'max-age=31536000' : undefined);
    }
  });

  it(https ? 'sets the language cookie Secure' : 'sets the language cookie without Secure', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/?lang=en' });
    expect(response.statusCode).toBe(200);
    const cookie = langCookie(response);
    expect(cookie).toMatch(/^lang=en;/);
    expect(/;\s*Secure\b/i.test(cookie)).toBe(https);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });
});
