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
import type { Clock } from '../../clock.ts';

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

  /** A page of one structure's outbox (structureId) or of the platform's (null), problems first. */
  async outbox(filter: { structureId: string | null; statuses?: OutboxStatus[]; page: number; perPage: number }) {
    const [{ rows, total }, counts] = await Promise.all([
      listOutbox(this.db, {
        structureId: filter.structureId,
        statuses: filter.statuses,
        limit: filter.perPage,
        offset: (filter.page - 1) * filter.perPage,
      }),
      countOutboxByStatus(this.db, filter.structureId),
    ]);
    return { rows, total, counts };
  }

  /** One message, bodies included: for the platform administrator only. */
  async message(id: string) {
    const message = await findOutboxMessage(this.db, id);
    if (!message) throw new DomainError('not_found', 404);
    return message;
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
