import { and, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { assertions, badgeClasses, learnerPreferences, ob3Credentials, ob3Keys, structures } from '../schema.ts';
import { structurePublicColumns } from './assertions.ts';
import { badgeClassPublicColumns } from './badge-classes.ts';

export type Ob3KeyRow = typeof ob3Keys.$inferSelect;
export type Ob3CredentialRow = typeof ob3Credentials.$inferSelect;

export async function insertOb3Key(db: Database, values: typeof ob3Keys.$inferInsert): Promise<Ob3KeyRow> {
  const [row] = await db.insert(ob3Keys).values(values).returning();
  return row!;
}

/** Every key of the structure, oldest first: all stay listed and published. */
export async function listOb3Keys(db: Database, structureId: string): Promise<Ob3KeyRow[]> {
  return db.select().from(ob3Keys).where(eq(ob3Keys.structureId, structureId)).orderBy(ob3Keys.createdAt, ob3Keys.id);
}

export async function findNewestOb3Key(db: Database, structureId: string): Promise<Ob3KeyRow | undefined> {
  const [row] = await db
    .select()
    .from(ob3Keys)
    .where(eq(ob3Keys.structureId, structureId))
    .orderBy(desc(ob3Keys.createdAt), desc(ob3Keys.id))
    .limit(1);
  return row;
}

export async function findOb3Key(db: Database, structureId: string, keyId: string): Promise<Ob3KeyRow | undefined> {
  const [row] = await db
    .select()
    .from(ob3Keys)
    .where(and(eq(ob3Keys.id, keyId), eq(ob3Keys.structureId, structureId)));
  return row;
}

export async function findAnyOb3Key(db: Database): Promise<Ob3KeyRow | undefined> {
  const [row] = await db.select().from(ob3Keys).limit(1);
  return row;
}

export async function findOb3Credential(db: Database, assertionId: string): Promise<Ob3CredentialRow | undefined> {
  const [row] = await db.select().from(ob3Credentials).where(eq(ob3Credentials.assertionId, assertionId));
  return row;
}

/** How many status slots the structure's lists hold, per list. */
export async function countStatusSlots(db: Database, structureId: string): Promise<Map<number, number>> {
  const rows = await db
    .select({ list: ob3Credentials.statusList, used: count() })
    .from(ob3Credentials)
    .where(eq(ob3Credentials.structureId, structureId))
    .groupBy(ob3Credentials.statusList);
  return new Map(rows.map((r) => [r.list, r.used]));
}

/**
 * Claims a status slot for an award; false when the slot is taken (or the
 * award already has one): the caller tries another. A concurrent claim of the
 * same slot waits for the other and then does nothing.
 */
export async function claimStatusSlot(
  db: Database,
  values: { assertionId: string; structureId: string; statusList: number; statusIndex: number; salt: string; createdAt: Date },
): Promise<boolean> {
  const rows = await db.insert(ob3Credentials).values(values).onConflictDoNothing().returning({ id: ob3Credentials.assertionId });
  return rows.length === 1;
}

export async function storeSignedCredential(
  db: Database,
  assertionId: string,
  values: { credential: object; basis: string; keyId: string },
): Promise<void> {
  await db.update(ob3Credentials).set(values).where(eq(ob3Credentials.assertionId, assertionId));
}

/** The revoked slots of one list: what its bits say. Revocation and erasure set revoked_at, so this is always current. */
export async function listRevokedStatusIndexes(db: Database, structureId: string, statusList: number): Promise<number[]> {
  const rows = await db
    .select({ index: ob3Credentials.statusIndex })
    .from(ob3Credentials)
    .innerJoin(assertions, eq(assertions.id, ob3Credentials.assertionId))
    .where(and(eq(ob3Credentials.structureId, structureId), eq(ob3Credentials.statusList, statusList), isNotNull(assertions.revokedAt)));
  return rows.map((r) => r.index);
}

/** Whether the structure has (or had) this list. */
export async function statusListExists(db: Database, structureId: string, statusList: number): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(ob3Credentials)
    .where(and(eq(ob3Credentials.structureId, structureId), eq(ob3Credentials.statusList, statusList)))
    .limit(1);
  return row !== undefined;
}

/** Erasure: the signed credential carries the learner's hashed address and perhaps their name. */
export async function eraseOb3Credential(db: Database, assertionId: string): Promise<void> {
  await db.update(ob3Credentials).set({ credential: null, basis: null }).where(eq(ob3Credentials.assertionId, assertionId));
}

/**
 * What one award's 3.0 credential is built from, in one round trip: the
 * assertion, its badge class and structure, the learner's choice to hide
 * their name, and the credential row if it exists.
 */
export async function findCredentialContext(db: Database, assertionId: string) {
  const [row] = await db
    .select({
      assertion: assertions,
      badgeClass: badgeClassPublicColumns,
      structure: structurePublicColumns,
      nameHiddenByPreference: sql<boolean>`coalesce(${learnerPreferences.hideName}, false)`,
      credential: ob3Credentials,
    })
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .innerJoin(structures, eq(structures.id, assertions.structureId))
    .leftJoin(learnerPreferences, eq(learnerPreferences.email, assertions.recipientEmail))
    .leftJoin(ob3Credentials, eq(ob3Credentials.assertionId, assertions.id))
    .where(eq(assertions.id, assertionId));
  return row;
}

export type CredentialContext = NonNullable<Awaited<ReturnType<typeof findCredentialContext>>>;
