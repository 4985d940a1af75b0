import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { assertions, awardImports, idempotencyKeys } from '../../src/db/schema.ts';
import { seedStructure, startTestApp } from '../support/platform.ts';
import { startOwnPostgres } from '../support/postgres-server.ts';

/**
 * PostgreSQL restarted while awards keep coming: requests caught by the
 * outage fail cleanly (503, Retry-After, no stack trace), the platform
 * reconnects by itself, and once every client has retried with its
 * Idempotency-Key, every award exists exactly once.
 */
let server: Awaited<ReturnType<typeof startOwnPostgres>>;
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let token: string;
let badgeClassId: string;
let seeded: Awaited<ReturnType<typeof seedStructure>>;

beforeAll(async () => {
  server = await startOwnPostgres();
  ctx = await startTestApp({ adminDatabaseUrl: server.url });
  seeded = await seedStructure(ctx.services);
  token = seeded.token;
  badgeClassId = seeded.badgeClasses[0]!.id;
});

afterAll(async () => {
  await ctx?.close().catch(() => {});
  server?.stop();
});

describe('a PostgreSQL restart under load', () => {
  it('answers 503 with a retry hint during the outage, reconnects, and loses or doubles no award', async () => {
    const award = (i: number) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/assertions',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': `restart-${i}` },
        payload: { badgeClass: badgeClassId, recipient: { email: `learner.${i}@example.org`, name: `Learner ${i}` } },
      });
    const total = 120;
    const answers = new Map<number, { status: number; id?: string }>();
    const statuses: number[] = [];
    let restarted = false;

    // Eight clients award in a loop; the server restarts after the first few.
    let next = 0;
    const clients = Array.from({ length: 8 }, async () => {
      while (next < total) {
        const i = next++;
        if (i === 30 && !restarted) {
          restarted = true;
          setImmediate(() => server.restart());
        }
        const response = await award(i);
        statuses.push(response.statusCode);
        expect(response.statusCode, response.body).not.toBe(500);
        if (response.statusCode === 503) {
          expect(response.headers['retry-after']).toBeDefined();
          expect(response.json().error.code).toBe('unavailable');
          expect(response.body).not.toMatch(/at .*\.ts:\d+/);
        } else {
          expect(response.statusCode).toBe(201);
          answers.set(i, { status: 201, id: response.json().id });
        }
      }
    });
    await Promise.all(clients);
    expect(restarted).toBe(true);

    // Clients retry what failed, with the same key, until the platform answers.
    for (let i = 0; i < total; i++) {
      if (answers.has(i)) continue;
      for (let attempt = 0; attempt < 60; attempt++) {
        const response = await award(i);
        if (response.statusCode === 201 || response.statusCode === 200) {
          answers.set(i, { status: response.statusCode, id: response.json().id });
          break;
        }
        expect(response.statusCode).toBe(503);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    expect(answers.size).toBe(total);

    // A retry that finds the first award answers 200 with its id: one assertion per key, none lost.
    const db = ctx.platform.database.db;
    const [stored] = await db.select({ n: count() }).from(assertions);
    const [keys] = await db.select({ n: count() }).from(idempotencyKeys);
    expect(Number(stored!.n)).toBe(total);
    expect(Number(keys!.n)).toBe(total);
    const ids = new Set([...answers.values()].map((a) => a.id));
    expect(ids.size).toBe(total);
    for (const id of ids) {
      expect((await ctx.app.inject({ url: `/assertions/${id}` })).statusCode).toBe(200);
    }
    // The outage was real: some requests did meet it.
    expect(statuses.some((s) => s === 503)).toBe(true);
  });

  it('finishes a CSV import that the restart interrupted, awarding each row once', async () => {
    const user = await ctx.services.users.create(
      { email: 'import@example.org', name: 'Import', password: 'une phrase de passe assez longue', structureId: seeded.structure.id, role: 'advisor' },
      { kind: 'cli' },
    );
    const total = 1500;
    const csv = ['email;prénom;nom;badge', ...Array.from({ length: total }, (_, i) => `csv.${i}@example.org;Prénom${i};Nom${i};organiser-je-pratique`)].join('\r\n');
    const actor = { kind: 'user' as const, userId: user.id };
    const upload = await ctx.services.awardImports.upload(
      { structureId: seeded.structure.id, userId: user.id, fileName: 'promotion.csv', bytes: Buffer.from(csv, 'utf8') },
      actor,
    );
    const db = ctx.platform.database.db;
    const state = async () => (await db.select().from(awardImports).where(eq(awardImports.id, upload.id)))[0]!;
    expect((await ctx.services.awardImports.confirm(seeded.structure.id, upload.id, actor)).queued).toBe(true);

    // The database restarts while the runner is between (or inside) its batches.
    for (let i = 0; i < 400 && (await state()).status === 'queued'; i++) await new Promise((r) => setTimeout(r, 25));
    server.restart();

    let finished: Awaited<ReturnType<typeof state>> | undefined;
    for (let i = 0; i < 240; i++) {
      const current = await state().catch(() => undefined);
      if (current?.status === 'done') {
        finished = current;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(finished?.awarded).toBe(total);
    const rows = await db.select({ email: assertions.recipientEmail }).from(assertions).where(like(assertions.recipientEmail, 'csv.%'));
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.email)).size).toBe(total);
  }, 180_000);
});
