import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimQueuedAwardImport, renewAwardImportClaim } from '../../src/db/repositories/award-imports.ts';
import { claimDueMessages, enqueueMail, markSent, renewMessageClaims } from '../../src/db/repositories/outbox.ts';
import { awardImports, outboxMessages } from '../../src/db/schema.ts';
import { CLAIM_LEASE_MS } from '../../src/services/background/heartbeat.ts';
import { startSmtpServer } from '../support/mail.ts';
import { seedStructure, startTestPlatform } from '../support/platform.ts';

/**
 * The claims of background work are short leases that their holder renews
 * (its heartbeat): a claim whose holder stopped beating — its process died —
 * is taken over once the lease is past, a few seconds, not ten minutes; a
 * claim whose heartbeat is fresh is left to its holder. The clock is the
 * platform's injected one, moved by hand; "a dead runner" is a claim written
 * as a runner writes it and never renewed.
 */
let clockMs = Date.parse('2031-05-15T08:00:00.000Z');
const advance = (ms: number) => {
  clockMs += ms;
};
const now = () => new Date(clockMs);
const SECOND = 1000;

let ctx: Awaited<ReturnType<typeof startTestPlatform>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let seeded: Awaited<ReturnType<typeof seedStructure>>;
const db = () => ctx.platform.database.db;

beforeAll(async () => {
  smtp = await startSmtpServer();
  // A long poll: the dispatcher's rounds run when the test calls runOnce().
  ctx = await startTestPlatform({ now, env: { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '3600000' } });
  seeded = await seedStructure(ctx.platform.services);
});

afterAll(async () => {
  await ctx?.close();
  await smtp?.close();
});

describe('an outbox message claimed by a dispatcher that stopped beating', () => {
  it('is left alone while the heartbeat is fresh, taken over once it is stale, and sent once', async () => {
    const dispatcher = ctx.platform.mailDispatcher!;
    await dispatcher.idle();
    const [id] = await enqueueMail(
      db(),
      {
        kind: 'award',
        to: 'lease@example.org',
        subject: 'Votre badge',
        text: 'Bonjour',
        html: '<p>Bonjour</p>',
        structureId: seeded.structure.id,
      },
      { now: now() },
    );
    // A dispatcher claims it, then dies before sending (or while sending).
    const deadClaim = randomUUID();
    const [claimed] = await claimDueMessages(db(), {
      now: now(),
      claimedUntil: new Date(clockMs + CLAIM_LEASE_MS),
      claimedBy: deadClaim,
      limit: 10,
    });
    expect(claimed!.id).toBe(id);

    // Within the lease: not taken.
    advance(10 * SECOND);
    expect(await dispatcher.runOnce()).toBe(0);
    // A beat renews it (the holder is alive after all): still not taken past the first lease.
    expect(await renewMessageClaims(db(), { claimedBy: deadClaim, claimedUntil: new Date(clockMs + CLAIM_LEASE_MS) })).toBe(true);
    advance(10 * SECOND);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(smtp.received.filter((m) => m.envelope.to.includes('lease@example.org'))).toHaveLength(0);

    // No beat for longer than the lease: the next round takes it over and sends it.
    advance(6 * SECOND);
    expect(await dispatcher.runOnce()).toBe(1);
    await smtp.waitFor((m) => m.envelope.to.includes('lease@example.org'));
    const [row] = await db().select().from(outboxMessages).where(eq(outboxMessages.id, id!));
    expect(row).toMatchObject({ status: 'sent', attempts: 2, claimedBy: null });
    // The dead holder, had it come back, can record nothing on a claim that is no longer its own.
    expect(await renewMessageClaims(db(), { claimedBy: deadClaim, claimedUntil: new Date(clockMs + CLAIM_LEASE_MS) })).toBe(false);
    await markSent(db(), { ...claimed!, claimedBy: deadClaim }, new Date(clockMs + 1));
    const [after] = await db().select().from(outboxMessages).where(eq(outboxMessages.id, id!));
    expect(after!.sentAt).toEqual(row!.sentAt);
    advance(60 * SECOND);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(smtp.received.filter((m) => m.envelope.to.includes('lease@example.org'))).toHaveLength(1);
  });
});

describe('a CSV import claimed by a runner that stopped beating', () => {
  it('is left alone while the heartbeat is fresh, taken over once it is stale, and finished once', async () => {
    // The platform's own runner would take the import at once: this test plays every runner itself.
    await ctx.platform.awardImportRunner!.stop();
    const services = ctx.platform.services;
    const user = await services.users.create(
      {
        email: 'runner@example.org',
        name: 'Claire',
        password: 'un mot de passe assez long',
        structureId: seeded.structure.id,
        role: 'advisor',
      },
      { kind: 'cli' },
    );
    const actor = { kind: 'user' as const, userId: user.id };
    const csv = [
      'email;prénom;nom;badge',
      ...Array.from({ length: 5 }, (_, i) => `lease.${i}@example.org;P${i};N${i};organiser-je-pratique`),
    ];
    const upload = await services.awardImports.upload(
      { structureId: seeded.structure.id, userId: user.id, fileName: 'promo.csv', bytes: new TextEncoder().encode(csv.join('\r\n')) },
      actor,
    );
    expect((await services.awardImports.confirm(seeded.structure.id, upload.id, actor)).queued).toBe(true);
    const state = async () => (await db().select().from(awardImports).where(eq(awardImports.id, upload.id)))[0]!;

    // A runner claims it and its process dies.
    const deadClaim = randomUUID();
    const claimed = await claimQueuedAwardImport(db(), {
      now: now(),
      claimedBy: deadClaim,
      claimedUntil: new Date(clockMs + CLAIM_LEASE_MS),
    });
    expect(claimed!.id).toBe(upload.id);

    // Within the lease, and again after a beat: not taken.
    advance(10 * SECOND);
    expect(await services.awardImports.runNext()).toBe(false);
    expect(await renewAwardImportClaim(db(), upload.id, { claimedBy: deadClaim, claimedUntil: new Date(clockMs + CLAIM_LEASE_MS) })).toBe(
      true,
    );
    advance(10 * SECOND);
    expect(await services.awardImports.runNext()).toBe(false);
    expect(await state()).toMatchObject({ status: 'running', awarded: 0, claimedBy: deadClaim });

    // No beat for longer than the lease: taken over and finished.
    advance(6 * SECOND);
    expect(await services.awardImports.runNext()).toBe(true);
    expect(await state()).toMatchObject({ status: 'done', awarded: 5, failed: 0, claimedBy: null });
    // The dead run can no longer renew (nor record anything on) what is not its claim any more.
    expect(await renewAwardImportClaim(db(), upload.id, { claimedBy: deadClaim, claimedUntil: new Date(clockMs + CLAIM_LEASE_MS) })).toBe(
      false,
    );
    expect(await services.awardImports.runNext()).toBe(false);
  });
});
