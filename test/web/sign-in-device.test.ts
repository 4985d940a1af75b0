import { count, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAttempts } from '../../src/db/schema.ts';
import { csrfOf } from '../support/inject-browser.ts';
import { startTestApp } from '../support/platform.ts';
import { clockFrom } from '../support/clock.ts';

/**
 * OWASP's device cookie, over real HTTP (a listening server, fetch, cookies
 * as a browser keeps them): a stranger hammering an account from many
 * addresses locks out browsers the account does not know, never its owner's
 * usual browser; that browser's own mistakes slow down that browser only;
 * and a device cookie made for one account is worth nothing for another.
 */
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let base: string;
const PASSWORD = 'le mot de passe de l’équipe';
const OWNER = 'region@normandie.example.org';
const OTHER = 'yann@ml-caen.example.org';
let addressCounter = 0;
// PUBLIC_URL is https in tests: the cookie has the __Host- prefix.
const DEVICE_COOKIE = '__Host-insigne_device';

/** A browser: its cookie jar, and the address it comes from (X-Forwarded-For, with TRUST_PROXY). */
class HttpBrowser {
  readonly cookies = new Map<string, string>();
  constructor(public ip = `203.0.113.${++addressCounter}`) {}

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = { accept: 'text/html', 'x-forwarded-for': this.ip };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, body: await response.text(), headers: response.headers };
  }

  async signIn(email: string, password: string) {
    const page = await this.request('GET', '/connexion');
    const response = await this.request('POST', '/connexion', { _csrf: csrfOf(page.body), email, password });
    // A new session each time: the next attempt starts signed out, like a new visit.
    this.cookies.delete('__Host-insigne_session');
    return response.status;
  }
}

beforeAll(async () => {
  ctx = await startTestApp({ env: { TRUST_PROXY: 'true' }, now: clockFrom('2026-03-10T09:00:00Z') });
  await ctx.services.users.create({ email: OWNER, name: 'Région', password: PASSWORD, platformAdmin: true }, { kind: 'cli' });
  await ctx.services.users.create({ email: OTHER, name: 'Yann', password: PASSWORD, platformAdmin: true }, { kind: 'cli' });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const address = ctx.app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server did not listen');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await ctx?.close();
});

describe('signing in while a stranger hammers the account', () => {
  it('lets the owner in from their usual browser, while unknown browsers wait', async () => {
    const usual = new HttpBrowser('198.51.100.10');
    expect(await usual.signIn(OWNER, PASSWORD)).toBe(303);
    expect(usual.cookies.get(DEVICE_COOKIE)).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);

    // The attacker: a new address and no cookie for every guess.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await new HttpBrowser().signIn(OWNER, `devinette ${i}`));
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);

    // A browser the account does not know is held back, even with the right password…
    expect(await new HttpBrowser().signIn(OWNER, PASSWORD)).toBe(429);
    // …the owner's usual browser is not, from wherever it comes today.
    usual.ip = '192.0.2.200';
    expect(await usual.signIn(OWNER, PASSWORD)).toBe(303);
    expect(await usual.signIn(OWNER, PASSWORD)).toBe(303);
    // And the owner signing in forgets nothing of the stranger's guesses.
    expect(await new HttpBrowser().signIn(OWNER, PASSWORD)).toBe(429);

    const [known] = await ctx.platform.database.db.select({ n: count() }).from(signInAttempts).where(isNotNull(signInAttempts.device));
    expect(Number(known!.n)).toBe(2);
  });

  it('slows down the usual browser’s own wrong guesses, and only that browser', async () => {
    const laptop = new HttpBrowser('198.51.100.20');
    const phone = new HttpBrowser('198.51.100.21');
    expect(await laptop.signIn(OTHER, PASSWORD)).toBe(303);
    expect(await phone.signIn(OTHER, PASSWORD)).toBe(303);
    for (let i = 0; i < 5; i++) expect(await laptop.signIn(OTHER, `faute de frappe ${i}`)).toBe(401);
    expect(await laptop.signIn(OTHER, PASSWORD)).toBe(429);
    expect(await phone.signIn(OTHER, PASSWORD)).toBe(303);
  });

  it('gives nothing to a device cookie made for another account, nor to a forged one', async () => {
    // The attacker signs in to an account of their own, then tries that browser's cookie on the hammered one.
    const attacker = new HttpBrowser('203.0.113.250');
    expect(await attacker.signIn(OTHER, PASSWORD)).toBe(303);
    expect(await attacker.signIn(OWNER, PASSWORD)).toBe(429);
    const forged = new HttpBrowser('203.0.113.251');
    forged.cookies.set(DEVICE_COOKIE, `${'A'.repeat(22)}.${'B'.repeat(22)}`);
    expect(await forged.signIn(OWNER, PASSWORD)).toBe(429);
    // Its guesses count with the unknown browsers'.
    expect(await forged.signIn(OTHER, 'pas le bon')).toBe(401);
    const rows = await ctx.platform.database.db.select().from(signInAttempts).where(eq(signInAttempts.ip, '203.0.113.251'));
    expect(rows.map((r) => r.device)).toEqual([null]);
  });
});
