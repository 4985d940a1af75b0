import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { claimExpiringAwards, markExpiryReminded } from '../db/repositories/notifications.ts';
import { Poller } from './background/poller.ts';
import type { NotificationMails } from './mail/notifications.ts';

const DAY_MS = 86_400_000;
/** A learner is reminded this long before a badge expires. */
export const EXPIRY_REMINDER_DAYS = 30;
/**
 * Never in the first week after the award: a badge valid a few weeks would
 * otherwise be "expiring soon" the day its award email arrives. A badge
 * valid less than this is never reminded (it expires before).
 */
export const REMINDER_MIN_AGE_DAYS = 7;
/** Awards reminded per transaction. */
const BATCH = 100;

/**
 * Tells learners, 30 days before, that a badge expires. Each round claims
 * the awards due (`for update skip locked`: instances share them, never the
 * same one), writes their emails to the outbox and marks them reminded, in
 * one transaction: the row locks are the claim's lease, released by the
 * commit or by the death of the instance (its transaction rolls back), so an
 * award is reminded once, and never forgotten. Revoked and erased awards are
 * not reminded; learners who stopped the platform's emails get nothing (the
 * outbox records the reminder as suppressed).
 */
export class ExpiryReminders {
  constructor(
    private readonly db: Database,
    private readonly mails: NotificationMails,
    private readonly now: Clock,
  ) {}

  /** One batch: how many awards were reminded (0 when none was due). */
  async runOnce(): Promise<number> {
    const reminded = await this.db.transaction(async (tx) => {
      const now = this.now();
      const awards = await claimExpiringAwards(tx, {
        now,
        remindFrom: new Date(now.getTime() + EXPIRY_REMINDER_DAYS * DAY_MS),
        issuedBefore: new Date(now.getTime() - REMINDER_MIN_AGE_DAYS * DAY_MS),
        limit: BATCH,
      });
      await this.mails.expiryReminders(tx, awards, now);
      await markExpiryReminded(
        tx,
        awards.map((a) => a.id),
        now,
      );
      return awards.length;
    });
    if (reminded > 0) this.mails.notify();
    return reminded;
  }
}

/**
 * Runs the expiry reminders in the background of every server (src/platform.ts
 * starts and stops it): a round every `intervalMs`, batch after batch while
 * some are due.
 */
export class ExpiryReminderRunner {
  private readonly poller: Poller;

  constructor(
    private readonly reminders: ExpiryReminders,
    options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {
    this.poller = new Poller({
      name: 'Expiry reminders',
      warningType: 'InsigneMailWarning',
      intervalMs: options.intervalMs ?? 15 * 60_000,
      round: async () => (await this.reminders.runOnce()) > 0,
      onError: options.onError,
    });
  }

  start(): void {
    this.poller.start();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Resolves once no round is running (tests wait for it before looking). */
  idle(): Promise<void> {
    return this.poller.idle();
  }
}
