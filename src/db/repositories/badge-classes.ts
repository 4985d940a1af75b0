import { and, asc, count, eq, isNotNull, isNull, max } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { assertions, badgeClasses, catalogueEntries } from '../schema.ts';

export type BadgeClassRow = typeof badgeClasses.$inferSelect;

export async function insertBadgeClasses(db: Database, values: (typeof badgeClasses.$inferInsert)[]): Promise<BadgeClassRow[]> {
  return db.insert(badgeClasses).values(values).returning();
}

export async function listLiveBadgeClasses(db: Database, structureId: string): Promise<BadgeClassRow[]> {
  return db
    .select()
    .from(badgeClasses)
    .where(and(eq(badgeClasses.structureId, structureId), isNull(badgeClasses.archivedAt)))
    .orderBy(asc(badgeClasses.position), asc(badgeClasses.createdAt), asc(badgeClasses.name));
}

/** A structure's archived badge classes: what a file naming one is told. */
export async function listArchivedBadgeClasses(db: Database, structureId: string): Promise<BadgeClassRow[]> {
  return db
    .select()
    .from(badgeClasses)
    .where(and(eq(badgeClasses.structureId, structureId), isNotNull(badgeClasses.archivedAt)))
    .orderBy(asc(badgeClasses.name));
}

export async function findBadgeClass(db: Database, id: string): Promise<BadgeClassRow | undefined> {
  const [row] = await db.select().from(badgeClasses).where(eq(badgeClasses.id, id));
  return row;
}

export async function findBadgeClassOfStructure(db: Database, structureId: string, id: string): Promise<BadgeClassRow | undefined> {
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
  /** A structure's own guidance beside a catalogue badge's criteria (shown on the pages, not in the Open Badges documents). */
  localNote: badgeClasses.localNote,
};

// ---------------------------------------------------------------------------
// The badge class editor, versions and archive

export type BadgeClassSummary = Omit<BadgeClassRow, 'imagePng' | 'imageSvg'> & { awarded: number };

const summaryColumns = {
  ...badgeClassPublicColumns,
  position: badgeClasses.position,
  version: badgeClasses.version,
  previousVersionId: badgeClasses.previousVersionId,
  createdAt: badgeClasses.createdAt,
};

/** Every badge class of a structure (live and archived), without images, with how many times each was awarded. */
export async function listBadgeClassSummaries(db: Database, structureId: string): Promise<BadgeClassSummary[]> {
  const awarded = db
    .select({ badgeClassId: assertions.badgeClassId, n: count().as('n') })
    .from(assertions)
    .where(eq(assertions.structureId, structureId))
    .groupBy(assertions.badgeClassId)
    .as('awarded');
  const rows = await db
    .select({ ...summaryColumns, awarded: awarded.n })
    .from(badgeClasses)
    .leftJoin(awarded, eq(awarded.badgeClassId, badgeClasses.id))
    .where(eq(badgeClasses.structureId, structureId))
    .orderBy(asc(badgeClasses.position), asc(badgeClasses.createdAt), asc(badgeClasses.name), asc(badgeClasses.version));
  return rows.map((row) => ({ ...row, awarded: Number(row.awarded ?? 0) }));
}

/** The row, locked until the end of the transaction: two edits of one badge class never make two versions. */
export async function lockBadgeClassOfStructure(db: Database, structureId: string, id: string): Promise<BadgeClassRow | undefined> {
  const [row] = await db
    .select()
    .from(badgeClasses)
    .where(and(eq(badgeClasses.id, id), eq(badgeClasses.structureId, structureId)))
    .for('update');
  return row;
}

export async function countAssertionsOfBadgeClass(db: Database, badgeClassId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(assertions).where(eq(assertions.badgeClassId, badgeClassId));
  return Number(row?.n ?? 0);
}

export async function updateBadgeClass(
  db: Database,
  id: string,
  values: Partial<typeof badgeClasses.$inferInsert>,
): Promise<BadgeClassRow> {
  const [row] = await db.update(badgeClasses).set(values).where(eq(badgeClasses.id, id)).returning();
  return row!;
}

/** The version that replaced this one, if any. */
export async function findNextVersion(db: Database, id: string): Promise<{ id: string; version: number } | undefined> {
  const [row] = await db
    .select({ id: badgeClasses.id, version: badgeClasses.version })
    .from(badgeClasses)
    .where(eq(badgeClasses.previousVersionId, id));
  return row;
}

export async function findLiveBadgeClassByCatalogueKey(
  db: Database,
  structureId: string,
  catalogueKey: string,
): Promise<{ id: string } | undefined> {
  const [row] = await db
    .select({ id: badgeClasses.id })
    .from(badgeClasses)
    .where(and(eq(badgeClasses.structureId, structureId), eq(badgeClasses.catalogueKey, catalogueKey), isNull(badgeClasses.archivedAt)));
  return row;
}

/** Catalogue keys the structure holds in a live badge class. */
export async function listLiveCatalogueKeys(db: Database, structureId: string): Promise<string[]> {
  const rows = await db
    .select({ key: badgeClasses.catalogueKey })
    .from(badgeClasses)
    .where(and(eq(badgeClasses.structureId, structureId), isNull(badgeClasses.archivedAt), isNotNull(badgeClasses.catalogueKey)));
  return rows.map((r) => r.key!);
}

/** Where a new badge class goes: after every other one of the structure. */
export async function nextBadgeClassPosition(db: Database, structureId: string): Promise<number> {
  const [row] = await db
    .select({ max: max(badgeClasses.position) })
    .from(badgeClasses)
    .where(eq(badgeClasses.structureId, structureId));
  return (row?.max ?? -1) + 1;
}

/**
 * Deletes a badge class of the structure that was never awarded (the caller
 * checks, under the row's lock). The catalogue entries it was proposed as keep
 * their own copy of its words and image, and no longer point to it.
 */
export async function deleteUnawardedBadgeClass(db: Database, structureId: string, id: string): Promise<boolean> {
  await db.update(catalogueEntries).set({ proposedFromBadgeClassId: null }).where(eq(catalogueEntries.proposedFromBadgeClassId, id));
  const deleted = await db
    .delete(badgeClasses)
    .where(and(eq(badgeClasses.id, id), eq(badgeClasses.structureId, structureId)))
    .returning({ id: badgeClasses.id });
  return deleted.length > 0;
}

/** Every structure's live copy of one catalogue badge (without images). */
export function listLiveCopies(db: Database, catalogueKey: string) {
  return db
    .select({
      id: badgeClasses.id,
      structureId: badgeClasses.structureId,
      tags: badgeClasses.tags,
      validityDays: badgeClasses.validityDays,
    })
    .from(badgeClasses)
    .where(and(eq(badgeClasses.catalogueKey, catalogueKey), isNull(badgeClasses.archivedAt)));
}
