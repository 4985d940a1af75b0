import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InjectBrowser } from '../support/inject-browser.ts';
import { latestOutboxMail } from '../support/mail.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';

/**
 * The forgotten-password and learner-link forms must not tell, by the time
 * they take, whether an address has an account or badges. Time is not
 * asserted (it belongs to `npm run bench`); what takes it is: the database
 * writes of the request. For a known and an unknown address, every table
 * must change by exactly the same rows when the answer comes (one queued
 * request); the link goes out afterwards, in the background.
 */
let ctx: Awaited<ReturnType<typeof startTestApp>>;
const db = () => ctx.platform.database.db;
const STAFF = 'camille@ml-caen.example.org';
const LEARNER = 'lea.martin@example.org';

/** How many rows each table of ours holds. */
async function rowCounts(): Promise<Record<string, number>> {
  const rowsOf = (result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
  const tables = rowsOf(
    await db().execute(
      sql`select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`,
    ),
  ).map((r) => String(r.table_name));
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = Number(rowsOf(await db().execute(sql`select count(*) as n from ${sql.identifier(table)}`))[0]!.n);
  }
  return counts;
}

/** The tables a request changed, and by how many rows. */
async function writesOf(request: () => Promise<{ statusCode: number }>) {
  const before = await rowCounts();
  expect((await request()).statusCode).toBe(200);
  const after = await rowCounts();
  return Object.fromEntries(Object.keys(after).flatMap((t) => (after[t] !== before[t] ? [[t, after[t]! - (before[t] ?? 0)]] : [])));
}

beforeAll(async () => {
  ctx = await startTestApp({ env: { MAIL_POLL_INTERVAL_MS: '3600000' } });
  const A = await seedStructure(ctx.services);
  await ctx.services.users.create(
    { email: STAFF, name: 'Camille', password: 'le mot de passe de l’équipe', structureId: A.structure.id, role: 'advisor' },
    { kind: 'cli' },
  );
  await ctx.services.awarding.award(
    {
      allowDuplicate: true,
      structureId: A.structure.id,
      badgeClassId: A.badgeClasses[0]!.id,
      recipient: { email: LEARNER, name: 'Léa Martin' },
    },
    { kind: 'cli' },
  );
  // The background work waits for the test, so that what the request itself wrote can be seen alone.
  await ctx.platform.linkRequestRunner?.stop();
  await ctx.platform.mailDispatcher!.stop();
});

afterAll(async () => {
  await ctx?.close();
});

describe('asking for a link', () => {
  it('writes the same for an address with an account as for one without, on the forgotten-password form', async () => {
    const ask = (email: string) => () => new InjectBrowser(() => ctx.app).submit('/mot-de-passe-oublie', '/mot-de-passe-oublie', { email });
    const known = await writesOf(ask(STAFF));
    const unknown = await writesOf(ask('personne@example.org'));
    expect(known).toEqual(unknown);
    expect(known).toEqual({ link_requests: 1 });

    await ctx.platform.linkRequestRunner?.drain();
    expect((await latestOutboxMail(db(), STAFF, 'password-reset'))?.textBody).toContain('/mot-de-passe/');
    expect(await latestOutboxMail(db(), 'personne@example.org')).toBeUndefined();
    expect((await rowCounts()).link_requests).toBe(0);
  });

  it('writes the same for an address with badges as for one without, on the learner-link form', async () => {
    const ask = (email: string) => () => new InjectBrowser(() => ctx.app).submit('/mon-espace', '/mon-espace/lien', { email });
    const known = await writesOf(ask(LEARNER));
    const unknown = await writesOf(ask('inconnue@example.org'));
    expect(known).toEqual(unknown);
    expect(known).toEqual({ link_requests: 1 });

    await ctx.platform.linkRequestRunner?.drain();
    expect((await latestOutboxMail(db(), LEARNER, 'learner-sign-in'))?.textBody).toContain('/mon-espace/lien/');
    expect(await latestOutboxMail(db(), 'inconnue@example.org')).toBeUndefined();
    expect((await rowCounts()).link_requests).toBe(0);
  });
});
