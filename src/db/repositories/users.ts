import { eq } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { memberships, users } from '../schema.ts';

export type UserRow = typeof users.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;

export async function findUserByEmail(db: Database, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  return row;
}

export async function insertUser(db: Database, values: typeof users.$inferInsert): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  return row!;
}

export async function insertMembership(db: Database, values: typeof memberships.$inferInsert): Promise<MembershipRow> {
  const [row] = await db
    .insert(memberships)
    .values(values)
    .onConflictDoUpdate({ target: [memberships.userId, memberships.structureId], set: { role: values.role } })
    .returning();
  return row!;
}
