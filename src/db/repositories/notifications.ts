import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { assertions, badgeClasses, learnerPreferences, memberships, structures, users } from '../schema.ts';

/**
 * What the notification emails need to know (src/services/mail/notifications.ts):
 * who is told, in which language, and the awards whose expiry is near.
 */

/** The platform administrators' names and addresses: the Région, told of every catalogue proposal. */
export async function listPlatformAdmins(db: Database): Promise<{ name: string; email: string }[]> {
  return db.select({ name: users.name, email: users.email }).from(users).where(eq(users.isPlatformAdmin, true)).orderBy(users.email);
}

/** A user's name and address, if they still belong to this structure. */
export async function findMemberOfStructure(
  db: Database,
  structureId: string,
  userId: string,
): Promise<{ name: string; email: string } | undefined> {
  const [row] = await db
    .select({ name: users.name, email: users.email })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.structureId, structureId)))
    .where(eq(users.id, userId));
  return row;
}

/** The language of each of these learners that has one recorded. */
export async function findLearnerLanguages(db: Database, emails: string[]): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .select({ email: learnerPreferences.email, lang: learnerPreferences.lang })
    .from(learnerPreferences)
    .where(and(inArray(learnerPreferences.email, emails), sql`${learnerPreferences.lang} is not null`));
  return new Map(rows.map((r) => [r.email, r.lang!]));
}

/** Remembers the learner's language (the row is made if the learner had none). */
export async function setLearnerLanguage(db: Database, email: string, lang: string, now: Date): Promise<void> {
  await db
    .insert(learnerPreferences)
    .values({ email, lang, updatedAt: now })
    .onConflictDoUpdate({ target: learnerPreferences.email, set: { lang, updatedAt: now } });
}

/** An award whose expiry is near, with what its reminder says. */
export interface ExpiringAward {
  id: string;
  structureId: string;
  recipientEmail: string;
  recipientName: string;
  expires: Date;
  badgeName: string;
  structureName: string;
  structureEmail: string;
}

/**
 * Takes up to `limit` awards that need their expiry reminder now: valid (not
 * revoked), expiring after `now` and no later than `remindFrom`, issued no
 * later than `issuedBefore`, never reminded. The rows stay locked until the
 * caller's transaction ends (`for update skip locked`: another instance
 * takes other rows, never these), which must mark them reminded
 * (markExpiryReminded) in the same transaction: the reminder and its mark
 * commit together, or neither does.
 */
export async function claimExpiringAwards(
  tx: Database,
  options: { now: Date; remindFrom: Date; issuedBefore: Date; limit: number },
): Promise<ExpiringAward[]> {
  const result = await tx.execute(sql`
    select id from assertions
     where expires is not null and expiry_reminded_at is null and revoked_at is null
       and expires > ${options.now} and expires <= ${options.remindFrom}
       and issued_on <= ${options.issuedBefore}
     order by expires, id
     limit ${options.limit}
     for update skip locked`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { id: string }[];
  if (rows.length === 0) return [];
  const found = await tx
    .select({
      id: assertions.id,
      structureId: assertions.structureId,
      recipientEmail: assertions.recipientEmail,
      recipientName: assertions.recipientName,
      expires: assertions.expires,
      badgeName: badgeClasses.name,
      structureName: structures.name,
      structureEmail: structures.email,
    })
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .innerJoin(structures, eq(structures.id, assertions.structureId))
    .where(
      inArray(
        assertions.id,
        rows.map((r) => String(r.id)),
      ),
    );
  return found.map((r) => ({ ...r, expires: r.expires! })).sort((a, b) => a.expires.getTime() - b.expires.getTime());
}

export async function markExpiryReminded(tx: Database, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(assertions)
    .set({ expiryRemindedAt: at })
    .where(and(inArray(assertions.id, ids), isNull(assertions.expiryRemindedAt)));
}
