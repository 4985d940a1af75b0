import { asc, eq } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { linkRequests } from '../schema.ts';

export type LinkRequestRow = typeof linkRequests.$inferSelect;

export async function insertLinkRequest(db: Database, values: typeof linkRequests.$inferInsert): Promise<void> {
  await db.insert(linkRequests).values(values);
}

/**
 * The oldest request no other transaction holds, locked until the end of the
 * caller's transaction (`for update skip locked`: instances share the queue).
 */
export async function claimNextLinkRequest(tx: Database): Promise<LinkRequestRow | undefined> {
  const [row] = await tx.select().from(linkRequests).orderBy(asc(linkRequests.id)).limit(1).for('update', { skipLocked: true });
  return row;
}

export async function deleteLinkRequest(tx: Database, id: number): Promise<void> {
  await tx.delete(linkRequests).where(eq(linkRequests.id, id));
}
