import { eq } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { learnerPreferences, type MailKind, outboxMessages } from '../schema.ts';

export interface OutgoingMail {
  kind: MailKind;
  /** Lower-cased recipient address. */
  to: string;
  subject: string;
  text: string;
  html: string;
  structureId?: string | null;
  assertionId?: string | null;
  createdByUserId?: string | null;
}

/**
 * Learners who asked to receive nothing more still get what they ask for
 * themselves (a sign-in link); everything else is recorded as suppressed, so
 * the structure sees why the learner was not told.
 */
const SENT_EVEN_WHEN_STOPPED: ReadonlySet<MailKind> = new Set(['learner-sign-in', 'password-reset', 'invitation']);

/**
 * Records messages in the outbox. Call it with the transaction of the change
 * that causes them: the dispatcher (src/services/mail/) sends them afterwards.
 */
export async function enqueueMail(db: Database, mails: OutgoingMail | OutgoingMail[]): Promise<string[]> {
  const list = Array.isArray(mails) ? mails : [mails];
  if (list.length === 0) return [];
  const stopped = new Set<string>();
  for (const to of new Set(list.filter((m) => !SENT_EVEN_WHEN_STOPPED.has(m.kind)).map((m) => m.to))) {
    const [pref] = await db
      .select({ stoppedAt: learnerPreferences.emailsStoppedAt })
      .from(learnerPreferences)
      .where(eq(learnerPreferences.email, to));
    if (pref?.stoppedAt) stopped.add(to);
  }
  const rows = await db
    .insert(outboxMessages)
    .values(
      list.map((m) => ({
        kind: m.kind,
        toAddress: m.to,
        subject: m.subject,
        textBody: m.text,
        htmlBody: m.html,
        structureId: m.structureId ?? null,
        assertionId: m.assertionId ?? null,
        createdByUserId: m.createdByUserId ?? null,
        status: !SENT_EVEN_WHEN_STOPPED.has(m.kind) && stopped.has(m.to) ? ('suppressed' as const) : ('pending' as const),
      })),
    )
    .returning({ id: outboxMessages.id });
  return rows.map((r) => r.id);
}
