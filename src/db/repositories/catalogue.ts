import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { type CatalogueEntryStatus, catalogueEntries, structures } from '../schema.ts';

export type CatalogueEntryRow = typeof catalogueEntries.$inferSelect;
export type CatalogueEntrySummary = Omit<CatalogueEntryRow, 'imagePng' | 'imageSvg'> & {
  proposedByStructureName: string | null;
};

/** Everything but the images: what lists show. */
const summaryColumns = {
  id: catalogueEntries.id,
  key: catalogueEntries.key,
  status: catalogueEntries.status,
  name: catalogueEntries.name,
  description: catalogueEntries.description,
  criteriaNarrative: catalogueEntries.criteriaNarrative,
  tags: catalogueEntries.tags,
  alignment: catalogueEntries.alignment,
  validityDays: catalogueEntries.validityDays,
  proposedByStructureId: catalogueEntries.proposedByStructureId,
  proposedFromBadgeClassId: catalogueEntries.proposedFromBadgeClassId,
  proposedByUserId: catalogueEntries.proposedByUserId,
  decidedByUserId: catalogueEntries.decidedByUserId,
  decidedAt: catalogueEntries.decidedAt,
  decisionNote: catalogueEntries.decisionNote,
  createdAt: catalogueEntries.createdAt,
};

export async function insertCatalogueEntry(db: Database, values: typeof catalogueEntries.$inferInsert): Promise<CatalogueEntryRow> {
  const [row] = await db.insert(catalogueEntries).values(values).returning();
  return row!;
}

export async function lockCatalogueEntry(db: Database, id: string): Promise<CatalogueEntryRow | undefined> {
  const [row] = await db.select().from(catalogueEntries).where(eq(catalogueEntries.id, id)).for('update');
  return row;
}

export async function findCatalogueEntry(db: Database, id: string): Promise<CatalogueEntryRow | undefined> {
  const [row] = await db.select().from(catalogueEntries).where(eq(catalogueEntries.id, id));
  return row;
}

/** The entry of this key, locked until the transaction ends: an adoption waits for an edit of it, and the reverse. */
export async function lockCatalogueEntryByKey(db: Database, key: string): Promise<CatalogueEntryRow | undefined> {
  const [row] = await db.select().from(catalogueEntries).where(eq(catalogueEntries.key, key)).for('update');
  return row;
}

export async function findCatalogueEntryByKey(db: Database, key: string): Promise<CatalogueEntryRow | undefined> {
  const [row] = await db.select().from(catalogueEntries).where(eq(catalogueEntries.key, key));
  return row;
}

/** Entries in the given states, without images, oldest first, with the proposing structure's name. */
export async function listCatalogueEntries(
  db: Database,
  statuses: CatalogueEntryStatus[],
  filter: { proposedByStructureId?: string } = {},
): Promise<CatalogueEntrySummary[]> {
  return db
    .select({ ...summaryColumns, proposedByStructureName: structures.name })
    .from(catalogueEntries)
    .leftJoin(structures, eq(structures.id, catalogueEntries.proposedByStructureId))
    .where(
      and(
        inArray(catalogueEntries.status, statuses),
        filter.proposedByStructureId ? eq(catalogueEntries.proposedByStructureId, filter.proposedByStructureId) : undefined,
      ),
    )
    .orderBy(filter.proposedByStructureId ? desc(catalogueEntries.createdAt) : asc(catalogueEntries.createdAt), asc(catalogueEntries.name));
}

export async function findPendingProposalOfBadgeClass(db: Database, badgeClassId: string): Promise<{ id: string } | undefined> {
  const [row] = await db
    .select({ id: catalogueEntries.id })
    .from(catalogueEntries)
    .where(and(eq(catalogueEntries.proposedFromBadgeClassId, badgeClassId), eq(catalogueEntries.status, 'proposed')));
  return row;
}

export async function updateCatalogueEntry(
  db: Database,
  id: string,
  values: Partial<typeof catalogueEntries.$inferInsert>,
): Promise<CatalogueEntryRow> {
  const [row] = await db.update(catalogueEntries).set(values).where(eq(catalogueEntries.id, id)).returning();
  return row!;
}
