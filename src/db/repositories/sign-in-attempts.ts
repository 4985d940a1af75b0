import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { signInAttempts } from '../schema.ts';

export async function insertSignInAttempt(db: Database, values: typeof signInAttempts.$inferInsert): Promise<number> {
  const [row] = await db.insert(signInAttempts).values(values).returning({ id: signInAttempts.id });
  return row!.id;
}

export async function markSignInAttemptSucceeded(db: Database, id: number): Promise<void> {
  await db.update(signInAttempts).set({ succeeded: true }).where(eq(signInAttempts.id, id));
}

/**
 * Serialises the attempts on one account and one address until the end of the
 * transaction, so that a burst of parallel requests cannot all pass the check
 * before any of them is recorded. Keys are hashed into the advisory lock space.
 */
export async function lockSignInKeys(db: Database, emailHash: string, ip: string): Promise<void> {
  // Always the account first, then the address: two transactions never wait on each other in a cycle.
  await db.execute(sql`select pg_advisory_xact_lock(7260316, hashtext(${emailHash}))`);
  await db.execute(sql`select pg_advisory_xact_lock(7260317, hashtext(${ip}))`);
}

/**
 * When the recent failures on one account happened, newest first, from one
 * device (`device`, a device cookie's nonce) or from browsers the account
 * does not know (null): those after `since` and after the last successful
 * sign-in of the same kind (by id, which orders attempts even when two share
 * a timestamp). The owner signing in from a known browser does not forget a
 * stranger's failures, nor the reverse.
 */
export async function recentFailuresForEmail(
  db: Database,
  emailHash: string,
  device: string | null,
  since: Date,
  limit: number,
): Promise<Date[]> {
  const sameDevice = device === null ? isNull(signInAttempts.device) : eq(signInAttempts.device, device);
  const [lastSuccess] = await db
    .select({ id: signInAttempts.id })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.emailHash, emailHash), sameDevice, eq(signInAttempts.succeeded, true), gt(signInAttempts.at, since)))
    .orderBy(desc(signInAttempts.id))
    .limit(1);
  const rows = await db
    .select({ at: signInAttempts.at })
    .from(signInAttempts)
    .where(
      and(
        eq(signInAttempts.emailHash, emailHash),
        sameDevice,
        eq(signInAttempts.succeeded, false),
        gt(signInAttempts.at, since),
        lastSuccess ? gt(signInAttempts.id, lastSuccess.id) : undefined,
      ),
    )
    .orderBy(desc(signInAttempts.at), desc(signInAttempts.id))
    .limit(limit);
  return rows.map((r) => r.at);
}

/** When the recent failures from one address happened, newest first. */
export async function recentFailuresForIp(db: Database, ip: string, since: Date, limit: number): Promise<Date[]> {
  const rows = await db
    .select({ at: signInAttempts.at })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.ip, ip), eq(signInAttempts.succeeded, false), gt(signInAttempts.at, since)))
    .orderBy(desc(signInAttempts.at), desc(signInAttempts.id))
    .limit(limit);
  return rows.map((r) => r.at);
}

export async function deleteSignInAttemptsBefore(db: Database, before: Date): Promise<void> {
  await db.delete(signInAttempts).where(lt(signInAttempts.at, before));
}
