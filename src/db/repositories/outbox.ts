import { and, count, desc, eq, inArray, not, notInArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../database.ts';
import { learnerPreferences, type MailKind, outboxMessages, structures } from '../schema.ts';

export type OutboxMessageRow = typeof outboxMessages.$inferSelect;
export type OutboxStatus = OutboxMessageRow['status'];
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['failed', 'held', 'pending', 'sending', 'sent', 'suppressed'];

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
 * the structure sees why the learner was not told. The catalogue's messages
 * are staff work, not a learner's notifications: a staff address that also
 * holds badges and stopped their emails still gets them.
 */
const SENT_EVEN_WHEN_STOPPED: ReadonlySet<MailKind> = new Set([
  'learner-sign-in',
  'password-reset',
  'invitation',
  'catalogue-proposal',
  'catalogue-decision',
]);

/** Rows per insert statement: PostgreSQL takes at most 65,535 parameters in one. */
const INSERT_CHUNK = 2000;

/**
 * Records messages in the outbox. Call it with the transaction of the change
 * that causes it: the dispatcher (src/services/mail/) sends them afterwards.
 * `now` (the caller's clock) dates the messages and makes them due.
 */
export async function enqueueMail(db: Database, mails: OutgoingMail | OutgoingMail[], options: { now: Date }): Promise<string[]> {
  const list = Array.isArray(mails) ? mails : [mails];
  if (list.length === 0) return [];
  const stopped = new Set<string>();
  // One look-up for the whole batch: a 10,000-learner award stays one query.
  const addresses = [...new Set(list.filter((m) => !SENT_EVEN_WHEN_STOPPED.has(m.kind)).map((m) => m.to))];
  for (let start = 0; start < addresses.length; start += INSERT_CHUNK) {
    const rows = await db
      .select({ email: learnerPreferences.email })
      .from(learnerPreferences)
      .where(
        and(
          inArray(learnerPreferences.email, addresses.slice(start, start + INSERT_CHUNK)),
          sql`${learnerPreferences.emailsStoppedAt} is not null`,
        ),
      );
    for (const r of rows) stopped.add(r.email);
  }
  const ids: string[] = [];
  for (let start = 0; start < list.length; start += INSERT_CHUNK) {
    const rows = await db
      .insert(outboxMessages)
      .values(
        list.slice(start, start + INSERT_CHUNK).map((m) => ({
          kind: m.kind,
          toAddress: m.to,
          subject: m.subject,
          textBody: m.text,
          htmlBody: m.html,
          structureId: m.structureId ?? null,
          assertionId: m.assertionId ?? null,
          createdByUserId: m.createdByUserId ?? null,
          status: !SENT_EVEN_WHEN_STOPPED.has(m.kind) && stopped.has(m.to) ? ('suppressed' as const) : ('pending' as const),
          createdAt: options.now,
          nextAttemptAt: options.now,
        })),
      )
      .returning({ id: outboxMessages.id });
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** What the dispatcher needs of a claimed message. */
export interface ClaimedMessage {
  id: string;
  kind: MailKind;
  toAddress: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  attempts: number;
  /** The claim of the round that holds it (see claimDueMessages). */
  claimedBy: string;
}

/**
 * Takes up to `limit` messages that are due (pending and past their
 * next_attempt_at, or `sending` under a lease that lapsed: its instance died
 * mid-send) and marks them `sending` for the claim `claimedBy` until
 * `claimedUntil`, in one statement. The dispatcher renews that lease while
 * it sends (renewMessageClaims). `for update skip locked` lets several
 * instances claim at once without ever taking the same row; the attempt is
 * counted at the claim, so a message that crashes its sender still runs out
 * of attempts.
 */
export async function claimDueMessages(
  db: Database,
  options: { now: Date; claimedUntil: Date; claimedBy: string; limit: number },
): Promise<ClaimedMessage[]> {
  const result = await db.execute(sql`
    update outbox_messages
       set status = 'sending', claimed_until = ${options.claimedUntil}, claimed_by = ${options.claimedBy}, attempts = attempts + 1
     where id in (
       select id from outbox_messages
        where (status = 'pending' and next_attempt_at <= ${options.now})
           or (status = 'sending' and (claimed_until is null or claimed_until < ${options.now}))
        order by next_attempt_at
        limit ${options.limit}
        for update skip locked)
    returning id, kind, to_address, subject, text_body, html_body, attempts`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: String(r.id),
    kind: r.kind as MailKind,
    toAddress: String(r.to_address),
    subject: String(r.subject),
    textBody: String(r.text_body),
    htmlBody: String(r.html_body),
    attempts: Number(r.attempts),
    claimedBy: options.claimedBy,
  }));
}

/** The dispatcher's heartbeat: the lease of the claim's messages still being sent moves on; false when none is left. */
export async function renewMessageClaims(db: Database, claim: { claimedBy: string; claimedUntil: Date }): Promise<boolean> {
  const rows = await db
    .update(outboxMessages)
    .set({ claimedUntil: claim.claimedUntil })
    .where(and(eq(outboxMessages.status, 'sending'), eq(outboxMessages.claimedBy, claim.claimedBy)))
    .returning({ id: outboxMessages.id });
  return rows.length > 0;
}

/** Only the holder of the claim records the outcome: a claim that lapsed and was taken over is no longer ours. */
const ourClaim = (message: Pick<ClaimedMessage, 'id' | 'claimedBy'>) =>
  and(eq(outboxMessages.id, message.id), eq(outboxMessages.status, 'sending'), eq(outboxMessages.claimedBy, message.claimedBy));

export async function markSent(db: Database, message: ClaimedMessage, at: Date): Promise<void> {
  await db
    .update(outboxMessages)
    .set({ status: 'sent', sentAt: at, claimedUntil: null, claimedBy: null, lastError: null })
    .where(ourClaim(message));
}

/** A failed attempt: tried again at `retryAt`, or given up (`failed`) when there is none. */
export async function markAttemptFailed(
  db: Database,
  message: ClaimedMessage,
  outcome: { error: string; retryAt: Date | null },
): Promise<void> {
  await db
    .update(outboxMessages)
    .set(
      outcome.retryAt
        ? { status: 'pending', nextAttemptAt: outcome.retryAt, claimedUntil: null, claimedBy: null, lastError: outcome.error }
        : { status: 'failed', claimedUntil: null, claimedBy: null, lastError: outcome.error },
    )
    .where(ourClaim(message));
}

/**
 * With no SMTP server configured, due messages are kept as `held` for the
 * platform administrator to read, instead of waiting unseen.
 */
export async function holdDueMessages(db: Database, now: Date): Promise<number> {
  const rows = await db
    .update(outboxMessages)
    .set({ status: 'held', claimedUntil: null })
    .where(
      or(
        and(eq(outboxMessages.status, 'pending'), sql`${outboxMessages.nextAttemptAt} <= ${now}`),
        and(eq(outboxMessages.status, 'sending'), sql`${outboxMessages.claimedUntil} < ${now}`),
      ),
    )
    .returning({ id: outboxMessages.id });
  return rows.length;
}

/** Puts a held or failed message back in the queue, due now, with a fresh count of attempts. */
export async function requeueMessage(db: Database, id: string, now: Date): Promise<OutboxMessageRow | undefined> {
  const [row] = await db
    .update(outboxMessages)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now, claimedUntil: null })
    .where(and(eq(outboxMessages.id, id), inArray(outboxMessages.status, ['held', 'failed'])))
    .returning();
  return row;
}

/** Messages for one assertion that are still waiting to go (replaced by a new message to a corrected address). */
export async function supersedeWaitingMessages(db: Database, assertionId: string, reason: string): Promise<void> {
  await db
    .update(outboxMessages)
    .set({ status: 'failed', lastError: reason, claimedUntil: null })
    .where(and(eq(outboxMessages.assertionId, assertionId), inArray(outboxMessages.status, ['pending', 'held'])));
}

/** How the award emails of an assertion fared: which statuses occurred. */
export async function statusesForAssertion(db: Database, assertionId: string, kind: MailKind): Promise<OutboxStatus[]> {
  const rows = await db
    .selectDistinct({ status: outboxMessages.status })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.assertionId, assertionId), eq(outboxMessages.kind, kind)));
  return rows.map((r) => r.status);
}

/** A message as the outbox pages list it (no bodies). */
export interface OutboxListItem {
  id: string;
  kind: MailKind;
  toAddress: string;
  subject: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  sentAt: Date | null;
  createdAt: Date;
  assertionId: string | null;
  structureId: string | null;
  structureName: string | null;
}

const listColumns = {
  id: outboxMessages.id,
  kind: outboxMessages.kind,
  toAddress: outboxMessages.toAddress,
  subject: outboxMessages.subject,
  status: outboxMessages.status,
  attempts: outboxMessages.attempts,
  lastError: outboxMessages.lastError,
  nextAttemptAt: outboxMessages.nextAttemptAt,
  sentAt: outboxMessages.sentAt,
  createdAt: outboxMessages.createdAt,
  assertionId: outboxMessages.assertionId,
  structureId: outboxMessages.structureId,
  structureName: structures.name,
};

/** Problems first (failed, then held), then the newest. */
const problemsFirst = sql`case ${outboxMessages.status} when 'failed' then 0 when 'held' then 1 else 2 end`;

const later = alias(outboxMessages, 'later');

/**
 * A failed or held email of an award that reached its learner since (the
 * address was corrected, or the award mailed again, and that email was
 * delivered): no longer a problem anyone has to act on.
 */
const resolvedSince = sql`exists (select 1 from ${outboxMessages} ${later} where ${later.assertionId} = ${outboxMessages.assertionId} and ${later.kind} = ${outboxMessages.kind} and ${later.status} = 'sent' and ${later.createdAt} >= ${outboxMessages.createdAt} and ${later.id} <> ${outboxMessages.id})`;

const unresolvedProblem = or(notInArray(outboxMessages.status, ['failed', 'held']), not(resolvedSince));

/**
 * A page of the outbox: one structure's messages, or (structureId null) the
 * whole platform's. Filtered by statuses when given; `hideResolved` leaves
 * out the failures and held emails of an award delivered since.
 */
export async function listOutbox(
  db: Database,
  filter: { structureId: string | null; statuses?: OutboxStatus[]; limit: number; offset: number; hideResolved?: boolean },
): Promise<{ rows: OutboxListItem[]; total: number }> {
  const where = and(
    filter.structureId ? eq(outboxMessages.structureId, filter.structureId) : undefined,
    filter.statuses?.length ? inArray(outboxMessages.status, filter.statuses) : undefined,
    filter.hideResolved ? unresolvedProblem : undefined,
  );
  const [rows, [totalRow]] = await Promise.all([
    db
      .select(listColumns)
      .from(outboxMessages)
      .leftJoin(structures, eq(structures.id, outboxMessages.structureId))
      .where(where)
      .orderBy(problemsFirst, desc(outboxMessages.createdAt), desc(outboxMessages.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ total: count() }).from(outboxMessages).where(where),
  ]);
  return { rows, total: Number(totalRow?.total ?? 0) };
}

/** How many messages of each status (one structure's, or the platform's), the resolved problems left out if asked. */
export async function countOutboxByStatus(
  db: Database,
  structureId: string | null,
  options: { hideResolved?: boolean } = {},
): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .select({ status: outboxMessages.status, n: count() })
    .from(outboxMessages)
    .where(and(structureId ? eq(outboxMessages.structureId, structureId) : undefined, options.hideResolved ? unresolvedProblem : undefined))
    .groupBy(outboxMessages.status);
  const counts = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as Record<OutboxStatus, number>;
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

export async function findOutboxMessage(
  db: Database,
  id: string,
): Promise<(OutboxMessageRow & { structureName: string | null }) | undefined> {
  const [row] = await db
    .select({ message: outboxMessages, structureName: structures.name })
    .from(outboxMessages)
    .leftJoin(structures, eq(structures.id, outboxMessages.structureId))
    .where(eq(outboxMessages.id, id));
  return row ? { ...row.message, structureName: row.structureName } : undefined;
}

/** Once a person stops the platform's emails, what was still queued for them (links they ask for aside) is not sent. */
export async function suppressQueuedMail(db: Database, to: string): Promise<number> {
  const rows = await db
    .update(outboxMessages)
    .set({ status: 'suppressed', claimedUntil: null })
    .where(
      and(
        eq(outboxMessages.toAddress, to),
        inArray(outboxMessages.status, ['pending', 'held']),
        notInArray(outboxMessages.kind, [...SENT_EVEN_WHEN_STOPPED]),
      ),
    )
    .returning({ id: outboxMessages.id });
  return rows.length;
}

/** A revoked badge's award email that has not gone yet must not announce it: it is suppressed. */
export async function suppressUnsentAwardMail(db: Database, assertionId: string): Promise<number> {
  const rows = await db
    .update(outboxMessages)
    .set({ status: 'suppressed', claimedUntil: null })
    .where(
      and(
        eq(outboxMessages.assertionId, assertionId),
        eq(outboxMessages.kind, 'award'),
        inArray(outboxMessages.status, ['pending', 'held', 'failed']),
      ),
    )
    .returning({ id: outboxMessages.id });
  return rows.length;
}

/** The learner stops the platform's emails (a second stop keeps the first date). */
export async function stopEmailsTo(db: Database, email: string, now: Date): Promise<void> {
  await db
    .insert(learnerPreferences)
    .values({ email, emailsStoppedAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: learnerPreferences.email,
      set: { emailsStoppedAt: sql`coalesce(${learnerPreferences.emailsStoppedAt}, excluded.emails_stopped_at)`, updatedAt: now },
    });
}

export async function resumeEmailsTo(db: Database, email: string, now: Date): Promise<void> {
  await db.update(learnerPreferences).set({ emailsStoppedAt: null, updatedAt: now }).where(eq(learnerPreferences.email, email));
}

/** When the learner stopped the platform's emails, or null. */
export async function emailsStoppedAt(db: Database, email: string): Promise<Date | null> {
  const [row] = await db
    .select({ stoppedAt: learnerPreferences.emailsStoppedAt })
    .from(learnerPreferences)
    .where(eq(learnerPreferences.email, email));
  return row?.stoppedAt ?? null;
}
