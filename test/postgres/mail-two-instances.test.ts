import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMail } from '../../src/db/repositories/outbox.ts';
import { outboxMessages } from '../../src/db/schema.ts';
import { MasterKey } from '../../src/services/master-key.ts';
import { startSmtpServer } from '../support/mail.ts';
import { freshDatabase, seedStructure, startTestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Two app instances on one PostgreSQL, both sending the outbox at once: the
 * SMTP server receives every message exactly once (claims use FOR UPDATE
 * SKIP LOCKED), and every message ends `sent`.
 */
const MESSAGES = 200;
let database: Awaited<ReturnType<typeof freshDatabase>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let a: Awaited<ReturnType<typeof startTestPlatform>>;
let b: Awaited<ReturnType<typeof startTestPlatform>>;
const masterKey = MasterKey.random();

beforeAll(async () => {
  database = await freshDatabase();
  smtp = await startSmtpServer();
  const env = { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '50' };
  a = await startTestPlatform({ database: database.options, masterKey, env });
  b = await startTestPlatform({ database: database.options, masterKey, env });
});

afterAll(async () => {
  await a?.platform.close();
  await b?.platform.close();
  await smtp?.close();
  await database?.drop();
});

describe('the outbox sent by two instances', () => {
  it('delivers each of 200 messages exactly once', async () => {
    const { structure } = await seedStructure(a.platform.services);
    const addresses = Array.from({ length: MESSAGES }, (_, i) => `learner.${i}@example.org`);
    await a.platform.database.db.transaction((tx) =>
      enqueueMail(
        tx,
        addresses.map((to, i) => ({
          kind: 'award' as const,
          to,
          subject: `Message ${i}`,
          text: `Bonjour ${i}`,
          html: `<p>Bonjour ${i}</p>`,
          structureId: structure.id,
        })),
        { now: a.platform.services.clock() },
      ),
    );
    // Both wake at once and compete for the same rows.
    a.platform.services.mailSignal.notify();
    b.platform.services.mailSignal.notify();

    const db = a.platform.database.db;
    const sentCount = async () =>
      Number((await db.select({ n: count() }).from(outboxMessages).where(eq(outboxMessages.status, 'sent')))[0]!.n);
    await waitFor(async () => (await sentCount()) >= MESSAGES, {
      message: `the two instances did not send the ${MESSAGES} messages`,
      timeout: 30_000,
    });
    expect(await sentCount()).toBe(MESSAGES);
    // A few more polls on both sides: nothing is sent again.
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all([a.platform.mailDispatcher!.idle(), b.platform.mailDispatcher!.idle()]);

    const received = smtp.received.flatMap((m) => m.envelope.to);
    expect(received).toHaveLength(MESSAGES);
    expect(new Set(received)).toEqual(new Set(addresses));
    const messageIds = smtp.received.map((m) => m.parsed.messageId);
    expect(new Set(messageIds).size).toBe(MESSAGES);
    const rows = await db.select({ attempts: outboxMessages.attempts }).from(outboxMessages);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
  });
});
