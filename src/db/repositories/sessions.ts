import { eq, lt, or } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { sessions, users } from '../schema.ts';

export type SessionRow = typeof sessions.$inferSelect;
export type SessionUser = Pick<typeof users.$inferSelect, 'id' | 'email' | 'name' | 'isPlatformAdmin'>;

export async function insertSession(db: Database, values: typeof sessions.$inferInsert): Promise<SessionRow> {
  const [row] = await db.insert(sessions).values(values).returning();
  return row!;
}

/** The session and its user, in one round trip: this runs on every signed-in request. */
export async function findSessionWithUser(db: Database, idHash: string): Promise<{ session: SessionRow; user: SessionUser } | undefined> {
  const [row] = await db
    .select({
      session: sessions,
      user: { id: users.id, email: users.email, name: users.name, isPlatformAdmin: users.isPlatformAdmin },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash));
  return row;
}

export async function touchSession(db: Database, idHash: string, at: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.idHash, idHash));
}

export async function setSessionStructure(db: Database, idHash: string, structureId: string | null): Promise<void> {
  await db.update(sessions).set({ structureId }).where(eq(sessions.idHash, idHash));
}

export async function deleteSession(db: Database, idHash: string): Promise<boolean> {
  const rows = await db.delete(sessions).where(eq(sessions.idHash, idHash)).returning({ idHash: sessions.idHash });
  return rows.length > 0;
}

/** Removes the sessions that have ended: past their absolute end, or unused since `idleBefore`. */
export async function deleteEndedSessions(db: Database, now: Date, idleBefore: Date): Promise<void> {
  await db.delete(sessions).where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, idleBefore)));
}
