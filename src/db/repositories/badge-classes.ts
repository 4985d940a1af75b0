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

/** A badge class without its images: what documents and pages need. */
export async function findBadgeClassPublic(db: Database, id: string) {
  const [row] = await db.select(badgeClassPublicColumns).from(badgeClasses).where(eq(badgeClasses.id, id));
  return row;
}

export async function findBadgeClassImages(
  db: Database,
  id: string,
): Promise<{ imagePng: Uint8Array; imageSvg: string | null } | undefined> {
  const [row] = await db
    .select({ imagePng: badgeClasses.imagePng, imageSvg: badgeClasses.imageSvg })
    .from(badgeClasses)
    .where(eq(badgeClasses.id, id));
  return row;
}

export const badgeClassPublicColumns = {
  id: badgeClasses.id,
  structureId: badgeClasses.structureId,
  catalogueKey: badgeClasses.catalogueKey,
  name: badgeClasses.name,
  description: badgeClasses.description,
  criteriaNarrative: badgeClasses.criteriaNarrative,
  tags: badgeClasses.tags,
  alignment: badgeClasses.alignment,
  validityDays: badgeClasses.validityDays,
  archivedAt: badgeClasses.archivedAt,
};
