import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { badgeClasses } from '../schema.ts';

export type BadgeClassRow = typeof badgeClasses.$inferSelect;

export async function insertBadgeClasses(
  db: Database,
  values: (typeof badgeClasses.$inferInsert)[],
): Promise<BadgeClassRow[]> {
  return db.insert(badgeClasses).values(values).returning();
}

export async function listLiveBadgeClasses(db: Database, structureId: string): Promise<BadgeClassRow[]> {
  return db
    .select()
    .from(badgeClasses)
    .where(and(eq(badgeClasses.structureId, structureId), isNull(badgeClasses.archivedAt)))
    .orderBy(asc(badgeClasses.position), asc(badgeClasses.createdAt), asc(badgeClasses.name));
}

export async function findBadgeClass(db: Database, id: string): Promise<BadgeClassRow | undefined> {
  const [row] = await db.select().from(badgeClasses).where(eq(badgeClasses.id, id));
  return row;
}

export async function findBadgeClassOfStructure(
  db: Database,
  structureId: string,
  id: string,
): Promise<BadgeClassRow | undefined> {
  const [row] = await db
    .select()
    .from(badgeClasses)
    .where(and(eq(badgeClasses.id, id), eq(badgeClasses.structureId, structureId)));
  return row;
}
