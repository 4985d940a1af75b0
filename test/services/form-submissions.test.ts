import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formSubmissions } from '../../src/db/schema.ts';
import { SESSION_ABSOLUTE_MS } from '../../src/services/staff-sign-in.ts';
import { seedStructure, startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * A form's one-time key: the first post with it is done, a repeat is not;
 * each person's keys are their own; keys older than any session are forgotten.
 */
let ctx: TestPlatform;
let clock = new Date('2026-03-02T08:00:00Z');
const forms = () => ctx.platform.services.formSubmissions;
let lea: string;
let hugo: string;

beforeAll(async () => {
  ctx = await startTestPlatform({ now: () => clock });
  const seeded = await seedStructure(ctx.platform.services, { name: 'Mission Locale de Caen' });
  const create = (email: string) =>
    ctx.platform.services.users.create(
      { email, name: email, password: 'un mot de passe assez long', structureId: seeded.structure.id, role: 'admin' },
      { kind: 'cli' },
    );
  lea = (await create('lea@caen.example.org')).id;
  hugo = (await create('hugo@caen.example.org')).id;
});

afterAll(async () => {
  await ctx?.close();
});

const keysOf = async (userId: string) =>
  Number((await ctx.platform.database.db.select({ n: count() }).from(formSubmissions).where(eq(formSubmissions.userId, userId)))[0]!.n);

describe('a form’s one-time key', () => {
  it('is claimed once, per person; a post without a real key is never a repeat', async () => {
    const key = randomUUID();
    expect(await forms().first(lea, key)).toBe(true);
    expect(await forms().first(lea, key)).toBe(false);
    expect(await forms().first(lea, key.toUpperCase())).toBe(false);
    expect(await forms().first(hugo, key)).toBe(true);
    for (const none of [undefined, '', 'pas-une-clé', ['a', 'b']]) expect(await forms().first(lea, none)).toBe(true);
  });

  it('forgets keys older than any session, when the person sends a form again', async () => {
    const old = randomUUID();
    expect(await forms().first(lea, old)).toBe(true);
    const before = await keysOf(lea);
    clock = new Date(clock.getTime() + SESSION_ABSOLUTE_MS + 60_000);
    expect(await forms().first(lea, randomUUID())).toBe(true);
    expect(await keysOf(lea)).toBe(1);
    expect(before).toBeGreaterThan(1);
  });
});
