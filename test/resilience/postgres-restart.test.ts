import { count, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMail } from '../../src/db/repositories/outbox.ts';
import { assertions, awardImports, idempotencyKeys, outboxMessages } from '../../src/db/schema.ts';
import { IMPORT_BATCH } from '../../src/services/award-imports/service.ts';
import { startSmtpServer } from '../support/mail.ts';
import { seedStructure, startTestApp, startTestPlatform } from '../support/platform.ts';
import { startOwnPostgres } from '../support/postgres-server.ts';
import { waitFor } from '../support/wait.ts';

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

  it('finishes a CSV import that the outage interrupted, awarding each row once', async () => {
    const user = await ctx.services.users.create(
      {
        email: 'import@example.org',
        name: 'Import',
        password: 'une phrase de passe assez longue',
        structureId: seeded.structure.id,
        role: 'advisor',
      },
      { kind: 'cli' },
    );
    // Six batches of IMPORT_BATCH rows: several seconds of work, so the outage
    // can only fall in the middle of it.
    const total = 6 * IMPORT_BATCH;
    const csv = [
      'email;prénom;nom;badge',
      ...Array.from({ length: total }, (_, i) => `csv.${i}@example.org;Prénom${i};Nom${i};organiser-je-pratique`),
    ].join('\r\n');
    const actor = { kind: 'user' as const, userId: user.id };
    const upload = await ctx.services.awardImports.upload(
      { structureId: seeded.structure.id, userId: user.id, fileName: 'promotion.csv', bytes: Buffer.from(csv, 'utf8') },
      actor,
    );
    const db = ctx.platform.database.db;
    const state = async () => (await db.select().from(awardImports).where(eq(awardImports.id, upload.id)))[0]!;
    expect((await ctx.services.awardImports.confirm(seeded.structure.id, upload.id, actor)).queued).toBe(true);

    // PostgreSQL goes down once the runner has recorded a first batch and
    // before it has the last: the import is caught in the middle.
    const caught = await waitFor(
      async () => {
        const current = await state();
        return current.status === 'running' && current.awarded > 0 && current.awarded < total && current;
      },
      {
        message: 'the import was never seen running with some rows awarded (did it finish before the outage?)',
        interval: 10,
        timeout: 30_000,
      },
    );
    await server.shutDown();
    expect(caught).toMatchObject({ status: 'running' });
    expect(caught.awarded).toBeGreaterThan(0);
    expect(caught.awarded).toBeLessThan(total);
    // Down long enough that the runner's next query meets the outage (a batch takes well under this).
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await server.start();

    const finished = await waitFor(
      async () => {
        const current = await state();
        return current.status === 'done' && current;
      },
      {
        message: (last) => `the import did not finish after the outage (last seen: ${last ? JSON.stringify(last) : 'nothing'})`,
        timeout: 120_000,
        interval: 250,
        retryOnError: true,
      },
    );
    expect(finished.awarded).toBe(total);
    // The run was cut, and a second one took the import again from the start:
    // the rows awarded before the outage were found again by their keys, not awarded twice.
    const replayed = finished.rows.filter((row) => row.replayed).length;
    expect(replayed).toBeGreaterThanOrEqual(caught.awarded);
    expect(replayed).toBeLessThan(total);
    const rows = await db.select({ email: assertions.recipientEmail }).from(assertions).where(like(assertions.recipientEmail, 'csv.%'));
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.email)).size).toBe(total);
  }, 180_000);

  it('delivers every email exactly once through an outage: a message sent while the database is away is marked sent when it is back', async () => {
    const smtp = await startSmtpServer();
    // An instance of its own, sending: the outbox drains while PostgreSQL goes down and comes back.
    const mailer = await startTestPlatform({ adminDatabaseUrl: server.url, env: { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '50' } });
    try {
      const db = mailer.platform.database.db;
      const { structure } = await seedStructure(mailer.platform.services);
      const total = 1500;
      await db.transaction((tx) =>
        enqueueMail(
          tx,
          Array.from({ length: total }, (_, i) => ({
            kind: 'award' as const,
            to: `restart.${i}@example.org`,
            subject: `Message ${i}`,
            text: `Bonjour ${i}`,
            html: `<p>Bonjour ${i}</p>`,
            structureId: structure.id,
          })),
          { now: mailer.platform.services.clock() },
        ),
      );
      mailer.platform.services.mailSignal.notify();

      // Down once some have gone and most have not: sends then end while it is away.
      await waitFor(() => smtp.received.length >= 150, { message: 'the dispatcher did not start sending', timeout: 60_000, interval: 5 });
      await server.shutDown();
      const receivedAtOutage = smtp.received.length;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await server.start();
      expect(receivedAtOutage).toBeLessThan(total);

      const state = async () => {
        const rows = await db.select({ status: outboxMessages.status, n: count() }).from(outboxMessages).groupBy(outboxMessages.status);
        return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      };
      // Every message ends sent, well within the lease: none waits in 'sending' for a claim to lapse.
      let last: Record<string, number> = {};
      await waitFor(async () => (last = await state()).sent === total, {
        message: () => `not every message was marked sent (${JSON.stringify(last)})`,
        timeout: 60_000,
        interval: 100,
        retryOnError: true,
      });
      await mailer.platform.mailDispatcher!.idle();
      // Each message reached the SMTP server exactly once, and was claimed once.
      const perMessage = new Map<string, number>();
      for (const mail of smtp.received) perMessage.set(mail.parsed.messageId!, (perMessage.get(mail.parsed.messageId!) ?? 0) + 1);
      expect(perMessage.size).toBe(total);
      expect([...perMessage.values()].filter((n) => n > 1)).toEqual([]);
      expect(smtp.received).toHaveLength(total);
      const attempts = await db.select({ attempts: outboxMessages.attempts }).from(outboxMessages);
      expect(attempts.every((r) => r.attempts === 1)).toBe(true);
    } finally {
      await mailer.close().catch(() => {});
      await smtp.close();
    }
  }, 180_000);
});
