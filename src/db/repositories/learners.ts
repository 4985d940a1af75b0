import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { eraseOb3Credential } from './open-badges-v3.ts';
import {
  assertions,
  awardImports,
  badgeClasses,
  learnerPreferences,
  learnerSessions,
  oneTimeTokens,
  outboxMessages,
  structures,
} from '../schema.ts';

/**
 * What a learner, known only by their email address, sees and controls: their
 * sessions, their badges from every structure, their preferences, and the
 * erasure of their personal data.
 */

export type LearnerSessionRow = typeof learnerSessions.$inferSelect;

export async function insertLearnerSession(db: Database, values: typeof learnerSessions.$inferInsert): Promise<void> {
  await db.insert(learnerSessions).values(values);
}

export async function findLearnerSession(db: Database, idHash: string): Promise<LearnerSessionRow | undefined> {
  const [row] = await db.select().from(learnerSessions).where(eq(learnerSessions.idHash, idHash));
  return row;
}

export async function touchLearnerSession(db: Database, idHash: string, at: Date): Promise<void> {
  await db.update(learnerSessions).set({ lastSeenAt: at }).where(eq(learnerSessions.idHash, idHash));
}

export async function deleteLearnerSession(db: Database, idHash: string): Promise<void> {
  await db.delete(learnerSessions).where(eq(learnerSessions.idHash, idHash));
}

export async function deleteLearnerSessionsOf(db: Database, email: string): Promise<void> {
  await db.delete(learnerSessions).where(eq(learnerSessions.email, email));
}

export async function deleteEndedLearnerSessions(db: Database, now: Date, idleBefore: Date): Promise<void> {
  await db.delete(learnerSessions).where(or(lt(learnerSessions.expiresAt, now), lt(learnerSessions.lastSeenAt, idleBefore)));
}

/** A sign-in link's row whatever its state (used, expired), to tell the person what happened to it. */
export async function findSignInLink(db: Database, tokenHash: string) {
  const [row] = await db
    .select({ email: oneTimeTokens.email, usedAt: oneTimeTokens.usedAt, expiresAt: oneTimeTokens.expiresAt })
    .from(oneTimeTokens)
    .where(and(eq(oneTimeTokens.tokenHash, tokenHash), eq(oneTimeTokens.purpose, 'learner-sign-in')));
  return row;
}

/**
 * How many one-hour sign-in links this address was sent recently: those
 * expiring within (from, to]. Reading the expiry (set from the application's
 * clock) rather than the creation time keeps the count on one clock, and
 * leaves out the long-lived links of award emails.
 */
export async function countSignInLinksExpiringBetween(db: Database, email: string, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(oneTimeTokens)
    .where(
      and(
        eq(oneTimeTokens.email, email),
        eq(oneTimeTokens.purpose, 'learner-sign-in'),
        gt(oneTimeTokens.expiresAt, from),
        lte(oneTimeTokens.expiresAt, to),
      ),
    );
  return Number(row?.n ?? 0);
}

export async function hasBadges(db: Database, email: string): Promise<boolean> {
  const [row] = await db
    .select({ id: assertions.id })
    .from(assertions)
    .where(and(eq(assertions.recipientEmail, email), isNull(assertions.erasedAt)))
    .limit(1);
  return !!row;
}

const learnerBadgeColumns = {
  id: assertions.id,
  structureId: assertions.structureId,
  badgeClassId: assertions.badgeClassId,
  recipientEmail: assertions.recipientEmail,
  recipientName: assertions.recipientName,
  issuedOn: assertions.issuedOn,
  expires: assertions.expires,
  evidence: assertions.evidence,
  narrative: assertions.narrative,
  revokedAt: assertions.revokedAt,
  revocationReason: assertions.revocationReason,
  createdAt: assertions.createdAt,
  badgeName: badgeClasses.name,
  badgeDescription: badgeClasses.description,
  criteriaNarrative: badgeClasses.criteriaNarrative,
  structureName: structures.name,
  structureUrl: structures.url,
  structureEmail: structures.email,
};

/** Every badge awarded to this address, by any structure, newest first; erased ones are no one's any more. */
export async function listBadgesOfRecipient(db: Database, email: string) {
  return db
    .select(learnerBadgeColumns)
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .innerJoin(structures, eq(structures.id, assertions.structureId))
    .where(and(eq(assertions.recipientEmail, email), isNull(assertions.erasedAt)))
    .orderBy(desc(assertions.issuedOn), desc(assertions.id));
}

export type LearnerBadgeRow = Awaited<ReturnType<typeof listBadgesOfRecipient>>[number];

/** One badge of this address: another person's id finds nothing. */
export async function findBadgeOfRecipient(db: Database, email: string, id: string): Promise<LearnerBadgeRow | undefined> {
  const [row] = await db
    .select(learnerBadgeColumns)
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .innerJoin(structures, eq(structures.id, assertions.structureId))
    .where(and(eq(assertions.id, id), eq(assertions.recipientEmail, email), isNull(assertions.erasedAt)));
  return row;
}

export type LearnerPreferencesRow = typeof learnerPreferences.$inferSelect;

export async function findLearnerPreferences(db: Database, email: string): Promise<LearnerPreferencesRow | undefined> {
  const [row] = await db.select().from(learnerPreferences).where(eq(learnerPreferences.email, email));
  return row;
}

/**
 * Records the choice for future badges (the preference) and present ones
 * (each assertion's flag, which advisors' lists read without a join).
 */
export async function setNameHidden(db: Database, email: string, hide: boolean, now: Date): Promise<string[]> {
  await db
    .insert(learnerPreferences)
    .values({ email, hideName: hide, updatedAt: now })
    .onConflictDoUpdate({ target: learnerPreferences.email, set: { hideName: hide, updatedAt: now } });
  const rows = await db
    .update(assertions)
    .set({ recipientNameHidden: hide })
    .where(and(eq(assertions.recipientEmail, email), isNull(assertions.erasedAt)))
    .returning({ structureId: assertions.structureId });
  return [...new Set(rows.map((r) => r.structureId))];
}

/** The emails the platform recorded for this address: what they were about and when, not their bodies. */
export async function listMailsTo(db: Database, email: string) {
  return db
    .select({
      kind: outboxMessages.kind,
      subject: outboxMessages.subject,
      status: outboxMessages.status,
      createdAt: outboxMessages.createdAt,
      sentAt: outboxMessages.sentAt,
    })
    .from(outboxMessages)
    .where(eq(outboxMessages.toAddress, email))
    .orderBy(asc(outboxMessages.createdAt));
}

/** The assertions of this address, locked until the end of the transaction (the erasure). */
export async function lockAssertionsOfRecipient(db: Database, email: string) {
  return db
    .select({
      id: assertions.id,
      structureId: assertions.structureId,
      revokedAt: assertions.revokedAt,
      issuedOn: assertions.issuedOn,
      badgeName: badgeClasses.name,
    })
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .where(and(eq(assertions.recipientEmail, email), isNull(assertions.erasedAt)))
    .orderBy(asc(assertions.issuedOn))
    .for('update', { of: assertions });
}

/**
 * Erases one assertion's personal data and revokes it if it was not already:
 * the name emptied, the address replaced by a placeholder that is not an
 * address (unique, so the index and the hash of it say nothing), the signed
 * copy dropped. The row stays, so its URL answers 410 like any revocation.
 */
export async function eraseAssertion(db: Database, id: string, reason: string, now: Date): Promise<void> {
  await db
    .update(assertions)
    .set({
      recipientName: '',
      recipientEmail: `erased:${id}`,
      recipientNameHidden: true,
      jws: null,
      erasedAt: now,
      revokedAt: sql`coalesce(${assertions.revokedAt}, ${now.toISOString()}::timestamptz)`,
      // The reason says why the badge no longer certifies anything; an earlier revocation keeps its own.
      revocationReason: sql`case when ${assertions.revokedAt} is null then ${reason}::text else ${assertions.revocationReason} end`,
    })
    .where(eq(assertions.id, id));
  await eraseOb3Credential(db, id);
}

/**
 * Scrubs the emails sent (or still to send) to this address: the address,
 * subject and bodies go; what remains tells the structure a message existed.
 * Those not sent yet are never sent.
 */
export async function scrubMailsTo(db: Database, email: string, placeholder: string): Promise<number> {
  const rows = await db
    .update(outboxMessages)
    .set({
      toAddress: placeholder,
      subject: '—',
      textBody: '',
      htmlBody: '',
      lastError: null,
      status: sql`case when ${outboxMessages.status} = 'sent' then 'sent' else 'suppressed' end`,
    })
    .where(eq(outboxMessages.toAddress, email))
    .returning({ id: outboxMessages.id });
  return rows.length;
}

/**
 * Scrubs the emails to staff that name this learner (today: the general
 * badge's eligibility notice to a structure, whose body gives the learner's
 * name and address), as scrubMailsTo does for the learner's own: an erasure
 * leaves no copy of them in the outbox, and those not sent yet are never sent.
 */
export async function scrubStaffMailsNaming(db: Database, email: string): Promise<number> {
  const rows = await db
    .update(outboxMessages)
    .set({
      subject: '—',
      textBody: '',
      htmlBody: '',
      lastError: null,
      status: sql`case when ${outboxMessages.status} = 'sent' then 'sent' else 'suppressed' end`,
    })
    .where(and(eq(outboxMessages.kind, 'general-badge-eligible'), sql`strpos(${outboxMessages.textBody}, ${email}) > 0`))
    .returning({ id: outboxMessages.id });
  return rows.length;
}

/** Sign-in links of this address, used or not. */
export async function deleteSignInLinksOf(db: Database, email: string): Promise<void> {
  await db.delete(oneTimeTokens).where(and(eq(oneTimeTokens.email, email), eq(oneTimeTokens.purpose, 'learner-sign-in')));
}

/**
 * After an erasure the preferences row stays only when it still has a job:
 * remembering that this address asked for no more emails. Otherwise it goes.
 */
export async function trimPreferencesAfterErasure(db: Database, email: string, now: Date): Promise<void> {
  const [row] = await db
    .select({ stopped: learnerPreferences.emailsStoppedAt })
    .from(learnerPreferences)
    .where(eq(learnerPreferences.email, email));
  if (!row) return;
  if (row.stopped) {
    await db.update(learnerPreferences).set({ hideName: false, lang: null, updatedAt: now }).where(eq(learnerPreferences.email, email));
  } else {
    await db.delete(learnerPreferences).where(eq(learnerPreferences.email, email));
  }
}

export async function findStructuresByIds(db: Database, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: structures.id, name: structures.name, email: structures.email })
    .from(structures)
    .where(inArray(structures.id, ids));
}

/**
 * CSV imports keep each row's values (the learner's address and name among
 * them) for the structure to review: the rows of this person are emptied,
 * matched by the assertion they produced or by the address itself.
 */
export async function scrubImportRows(db: Database, structureIds: string[], assertionIds: string[], email: string): Promise<void> {
  if (structureIds.length === 0) return;
  const ids = new Set(assertionIds);
  const imports = await db
    .select({ id: awardImports.id, rows: awardImports.rows })
    .from(awardImports)
    .where(inArray(awardImports.structureId, structureIds));
  for (const item of imports) {
    let changed = false;
    const rows = item.rows.map((row) => {
      const concerned =
        (row.assertionId && ids.has(row.assertionId)) ||
        Object.values(row.values ?? {}).some((v) => typeof v === 'string' && v.trim().toLowerCase() === email);
      if (!concerned) return row;
      changed = true;
      return { ...row, values: Object.fromEntries(Object.keys(row.values ?? {}).map((k) => [k, ''])), errors: [] };
    });
    if (changed) await db.update(awardImports).set({ rows }).where(eq(awardImports.id, item.id));
  }
}
