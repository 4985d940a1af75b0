import { eq, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { platformSetup, users } from '../schema.ts';

/** True once the platform has its administrator: by the setup page, or from the command line. */
export async function isPlatformSetUp(db: Database): Promise<boolean> {
  const [setup] = await db.select({ done: platformSetup.singleton }).from(platformSetup).limit(1);
  if (setup) return true;
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.isPlatformAdmin, true)).limit(1);
  return admin !== undefined;
}

/**
 * Claims the one-time setup. Returns false when it is already claimed; a
 * concurrent claim waits on the primary key until this transaction ends, then
 * finds it taken.
 */
export async function claimPlatformSetup(db: Database, adminUserId: string, at: Date): Promise<boolean> {
  const rows = await db
    .insert(platformSetup)
    .values({ singleton: true, adminUserId, completedAt: at })
    .onConflictDoNothing()
    .returning({ singleton: platformSetup.singleton });
  return rows.length > 0;
}

/** Serialises setups until the end of the transaction: the second one then finds the first one done. */
export async function lockPlatformSetup(db: Database): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(7260318)`);
}
