import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { signingKeys, structures } from '../schema.ts';

export type StructureRow = typeof structures.$inferSelect;
export type NewStructureRow = typeof structures.$inferInsert;
export type SigningKeyRow = typeof signingKeys.$inferSelect;

export async function insertStructure(db: Database, values: NewStructureRow): Promise<StructureRow> {
  const [row] = await db.insert(structures).values(values).returning();
  return row!;
}

export async function findStructure(db: Database, id: string): Promise<StructureRow | undefined> {
  const [row] = await db.select().from(structures).where(eq(structures.id, id));
  return row;
}

export async function listStructures(db: Database): Promise<StructureRow[]> {
  return db.select().from(structures).orderBy(asc(structures.name));
}

/** Every structure's name and site, to compare a new one with (its logo left out). */
export async function listStructureNamesAndSites(
  db: Database,
): Promise<Pick<StructureRow, 'id' | 'name' | 'url' | 'email' | 'closedAt'>[]> {
  return db
    .select({ id: structures.id, name: structures.name, url: structures.url, email: structures.email, closedAt: structures.closedAt })
    .from(structures)
    .orderBy(asc(structures.name), asc(structures.id));
}

/** Closes an open structure (or, with null, reopens a closed one); false when it was already so. */
export async function setStructureClosed(db: Database, structureId: string, closedAt: Date | null): Promise<boolean> {
  const rows = await db
    .update(structures)
    .set({ closedAt })
    .where(and(eq(structures.id, structureId), closedAt ? isNull(structures.closedAt) : isNotNull(structures.closedAt)))
    .returning({ id: structures.id });
  return rows.length > 0;
}

export async function insertSigningKey(db: Database, values: typeof signingKeys.$inferInsert): Promise<SigningKeyRow> {
  const [row] = await db.insert(signingKeys).values(values).returning();
  return row!;
}

export async function findActiveSigningKey(db: Database, structureId: string): Promise<SigningKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(signingKeys)
    .where(and(eq(signingKeys.structureId, structureId), isNull(signingKeys.retiredAt)));
  return row;
}

export async function findSigningKey(db: Database, structureId: string, keyId: string): Promise<SigningKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(signingKeys)
    .where(and(eq(signingKeys.id, keyId), eq(signingKeys.structureId, structureId)));
  return row;
}

export async function retireSigningKeys(db: Database, structureId: string, now: Date): Promise<void> {
  await db
    .update(signingKeys)
    .set({ retiredAt: now })
    .where(and(eq(signingKeys.structureId, structureId), isNull(signingKeys.retiredAt)));
}

/** Serialises key rotations of one structure (the unique index would otherwise make the loser fail). */
export async function lockStructure(db: Database, structureId: string): Promise<void> {
  await db.execute(sql`select id from ${structures} where ${structures.id} = ${structureId} for update`);
}

export async function findAnySigningKey(db: Database): Promise<SigningKeyRow | undefined> {
  const [row] = await db.select().from(signingKeys).limit(1);
  return row;
}
