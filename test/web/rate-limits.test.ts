import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_LIMIT, PAGE_LIMIT } from '../../src/web/plugins/rate-limits.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let assertionId: string;
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

beforeAll(async () => {
  ctx = await startTestApp();
  const seeded = await seedStructure(ctx.services);
  const { assertion } = await ctx.services.awarding.award(
    {
      allowDuplicate: true,
      structureId: seeded.structure.id,
      badgeClassId: seeded.badgeClasses[0]!.id,
      recipient: { email: 'camille@example.org', name: 'Camille' },
    },
    { kind: 'cli' },
  );
  assertionId = assertion.id;
});

afterAll(async () => {
  await ctx?.close();
});

describe('rate limits', () => {
  it('let a person check recipients a few times, then slow a script down with a 429 in their language', async () => {
    const check = (ip: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/assertions/${assertionId}/recipient-check`,
        remoteAddress: ip,
        headers: { accept: BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'email=quelqu.un%40example.org',
      });
    for (let i = 0; i < FORM_LIMIT.max; i++) expect((await check('198.51.100.7')).statusCode).toBe(200);
    const limited = await check('198.51.100.7');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.body).toContain('Trop de requêtes');
    // Another address is not affected.
    expect((await check('198.51.100.8')).statusCode).toBe(200);
  });

  it('limit the verification page for people but never the JSON verifiers fetch', async () => {
    const get = (accept: string) =>
      ctx.app.inject({ url: `/assertions/${assertionId}`, remoteAddress: '203.0.113.9', headers: { accept } });
    for (let i = 0; i < PAGE_LIMIT.max + 5; i++) {
      expect((await get('application/ld+json')).statusCode).toBe(200);
    }
    let status = 200;
    for (let i = 0; i <= PAGE_LIMIT.max && status === 200; i++) status = (await get(BROWSER)).statusCode;
    expect(status).toBe(429);
    expect((await get('application/ld+json')).statusCode).toBe(200);
  });
});
