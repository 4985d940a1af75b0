import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { CookieSession, secureCookies } from '../../src/web/cookie-session.ts';
import { SessionCookies } from '../../src/web/plugins/session.ts';

async function appWith(cookie: CookieSession) {
  const app = Fastify();
  await app.register(fastifyCookie);
  app.get('/read', async (request) => ({ token: cookie.read(request) ?? null }));
  app.post('/set', async (_request, reply) => {
    cookie.set(reply, 'tok');
    return {};
  });
  app.post('/clear', async (_request, reply) => {
    cookie.clear(reply);
    return {};
  });
  return app;
}

describe('the session cookies of staff and learners', () => {
  it('under https: __Host- name, HttpOnly, SameSite=Lax, Secure, Path=/, and Max-Age only when asked', async () => {
    const cookies = new SessionCookies('https://badges.example.org');
    expect([cookies.staff.name, cookies.learner.name, cookies.csrf.name]).toEqual([
      '__Host-insigne_session',
      '__Host-insigne_learner',
      '__Host-insigne_csrf',
    ]);
    const staff = await appWith(cookies.staff);
    const set = (await staff.inject({ method: 'POST', url: '/set' })).headers['set-cookie'];
    expect(set).toBe('__Host-insigne_session=tok; Path=/; HttpOnly; Secure; SameSite=Lax');
    const learner = await appWith(cookies.learner);
    expect((await learner.inject({ method: 'POST', url: '/set' })).headers['set-cookie']).toBe(
      `__Host-insigne_learner=tok; Max-Age=${30 * 86_400}; Path=/; HttpOnly; Secure; SameSite=Lax`,
    );
    const cleared = String((await learner.inject({ method: 'POST', url: '/clear' })).headers['set-cookie']);
    expect(cleared).toMatch(/^__Host-insigne_learner=; Max-Age=0; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
    const read = await learner.inject({
      method: 'GET',
      url: '/read',
      cookies: { '__Host-insigne_learner': 'abc', insigne_learner: 'other' },
    });
    expect(read.json()).toEqual({ token: 'abc' });
    await staff.close();
    await learner.close();
  });

  it('under http (development): plain names, not Secure', async () => {
    expect(secureCookies('http://localhost:3000')).toBe(false);
    const cookies = new SessionCookies('http://localhost:3000');
    const app = await appWith(cookies.staff);
    expect((await app.inject({ method: 'POST', url: '/set' })).headers['set-cookie']).toBe(
      'insigne_session=tok; Path=/; HttpOnly; SameSite=Lax',
    );
    expect((await app.inject({ method: 'GET', url: '/read' })).json()).toEqual({ token: null });
    await app.close();
  });
});
