import type { Database } from '../../db/database.ts';
import {
  countOutboxByStatus,
  emailsStoppedAt,
  findOutboxMessage,
  listOutbox,
  type OutboxStatus,
  requeueMessage,
  resumeEmailsTo,
  stopEmailsTo,
  suppressQueuedMail,
} from '../../db/repositories/outbox.ts';
import { type Actor, recordAudit } from '../audit.ts';
import { DomainError } from '../errors.ts';
import { handOverReason } from '../inputs.ts';
import { redactSecretLinks } from '../urls.ts';
import { normaliseEmail } from '../../openbadges/index.ts';
import type { Clock } from '../../clock.ts';

/** A message that has not left, nor been given up: without SMTP it stays (or becomes) held. */
const UNSENT: ReadonlySet<OutboxStatus> = new Set(['pending', 'held', 'failed']);

/**
 * The outbox as people see it: a structure's messages and their fate, the
 * platform administrator's view of what is held or failed everywhere, and
 * the learner's choice to receive no more emails.
 */
export class MailService {
  private readonly now: Clock;
  /** Whether SMTP_URL is set: without it, every message is held. */
  readonly configured: boolean;

  constructor(
    private readonly db: Database,
    options: { configured: boolean; now: Clock },
  ) {
    this.configured = options.configured;
    this.now = options.now;
  }

  /**
   * A page of one structure's outbox (structureId) or of the platform's (null), problems first.
   * `hideResolved` (the Région's list of what to act on) leaves out a failed or held email
   * of an award whose learner got a later one (after a corrected address, a re-send).
   */
  async outbox(filter: { structureId: string | null; statuses?: OutboxStatus[]; page: number; perPage: number; hideResolved?: boolean }) {
    const [{ rows, total }, counts] = await Promise.all([
      listOutbox(this.db, {
        structureId: filter.structureId,
        statuses: filter.statuses,
        limit: filter.perPage,
        offset: (filter.page - 1) * filter.perPage,
        hideResolved: filter.hideResolved,
      }),
      countOutboxByStatus(this.db, filter.structureId, { hideResolved: filter.hideResolved }),
    ]);
    return { rows, total, counts };
  }

  /**
   * One message as the platform administrator sees it: bodies included, but
   * every link that carries a secret (SECRET_LINKS) redacted, in the text and
   * the HTML alike, sent or not: such a link works for whoever holds it, and
   * nobody but its addressee may hold a live one.
   */
  async message(id: string) {
    const message = await findOutboxMessage(this.db, id);
    if (!message) throw new DomainError('not_found', 404);
    return { ...message, textBody: redactSecretLinks(message.textBody), htmlBody: redactSecretLinks(message.htmlBody) };
  }

  /**
   * Whether the Région may reveal this message's links to hand it on itself
   * (revealLinks), or why not: only while no SMTP server can send it (not
   * sent, and no SMTP_URL), and never a password reset of someone
   * else's account: that link is the account itself.
   */
  revealRefusal(message: { kind: string; status: OutboxStatus; toAddress: string }, viewer: { email: string }) {
    if (message.kind === 'password-reset' && message.toAddress !== normaliseEmail(viewer.email)) return 'password_reset' as const;
    if (this.configured || !UNSENT.has(message.status)) return 'not_needed' as const;
    return null;
  }

  /**
   * The message's text body with its links live, for the platform
   * administrator to pass on by other means, with the reason recorded in the
   * audit trail in the same transaction: the trail says who held which link.
   */
  async revealLinks(id: string, viewer: { userId: string; email: string }, reason: string): Promise<{ textBody: string }> {
    const parsed = handOverReason.safeParse(reason);
    if (!parsed.success) throw new DomainError('validation_failed', 400);
    return this.db.transaction(async (tx) => {
      const message = await findOutboxMessage(tx, id);
      if (!message) throw new DomainError('not_found', 404);
      const refusal = this.revealRefusal(message, viewer);
      if (refusal === 'password_reset') throw new DomainError('reveal_password_reset', 403);
      if (refusal) throw new DomainError('reveal_not_needed', 409);
      await recordAudit(
        tx,
        { kind: 'user', userId: viewer.userId },
        {
          at: this.now(),
          structureId: message.structureId,
          action: 'mail.links_revealed',
          targetType: 'outbox_message',
          targetId: message.id,
          details: { kind: message.kind, reason: parsed.data },
        },
      );
      return { textBody: message.textBody };
    });
  }

  /** Puts a held or failed message back in the queue (once SMTP works again). */
  async requeue(id: string, actor: Actor): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const now = this.now();
      const row = await requeueMessage(tx, id, now);
      if (!row) return false;
      await recordAudit(tx, actor, {
        at: now,
        structureId: row.structureId,
        action: 'mail.requeued',
        targetType: 'outbox_message',
        targetId: row.id,
      });
      return true;
    });
  }

  /** When the learner stopped the platform's emails, or null. */
  stoppedAt(email: string): Promise<Date | null> {
    return emailsStoppedAt(this.db, email);
  }

  /** The learner receives nothing more but what they ask for themselves (a sign-in link). */
  async stopEmails(email: string): Promise<void> {
    await stopEmailsTo(this.db, email, this.now());
    // What is still waiting to go (or to be retried) stops too: only links
    // the person asks for themselves are still sent (see outbox.ts).
    await suppressQueuedMail(this.db, email);
  }

  async resumeEmails(email: string): Promise<void> {
    await resumeEmailsTo(this.db, email, this.now());
  }
}

/** The outbox's statuses, for the pages' filters (web code reads them here, not from the data layer). */
export { OUTBOX_STATUSES, type OutboxStatus } from '../../db/repositories/outbox.ts';
