import { and, count, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { assertions, badgeClasses, idempotencyKeys, learnerPreferences, signingKeys, structures } from '../schema.ts';
import { badgeClassPublicColumns } from './badge-classes.ts';

export type AssertionRow = typeof assertions.$inferSelect;
export type NewAssertionRow = typeof assertions.$inferInsert;

export async function insertAssertion(db: Database, values: NewAssertionRow): Promise<AssertionRow> {
  const [row] = await db.insert(assertions).values(values).returning();
  return row!;
}

/**
 * Stores many assertions in one statement. Their ids are made by the caller,
 * so nothing is read back: returning a thousand signed rows costs more than
 * the insert.
 */
export async function insertAssertions(db: Database, values: (NewAssertionRow & { id: string })[]): Promise<AssertionRow[]> {
  if (values.length === 0) return [];
  await db.insert(assertions).values(values);
  return values.map((v) => ({
    expires: null,
    narrative: null,
    awardedByUserId: null,
    awardedByTokenId: null,
    jws: null,
    signingKeyId: null,
    revokedAt: null,
    revocationReason: null,
    revokedByUserId: null,
    revokedByTokenId: null,
    recipientNameHidden: false,
    erasedAt: null,
    expiryRemindedAt: null,
    evidence: [],
    ...v,
  }));
}

export async function findAssertion(db: Database, id: string): Promise<AssertionRow | undefined> {
  const [row] = await db.select().from(assertions).where(eq(assertions.id, id));
  return row;
}

export async function findAssertionOfStructure(db: Database, structureId: string, id: string): Promise<AssertionRow | undefined> {
  const [row] = await db
    .select()
    .from(assertions)
    .where(and(eq(assertions.id, id), eq(assertions.structureId, structureId)));
  return row;
}

export interface AssertionFilter {
  structureId: string;
  badgeClassId?: string;
  recipientEmail?: string;
  limit: number;
  offset: number;
}

export async function listAssertions(db: Database, filter: AssertionFilter): Promise<{ rows: AssertionRow[]; total: number }> {
  const where = and(
    eq(assertions.structureId, filter.structureId),
    filter.badgeClassId ? eq(assertions.badgeClassId, filter.badgeClassId) : undefined,
    filter.recipientEmail ? eq(assertions.recipientEmail, filter.recipientEmail) : undefined,
  );
  const [rows, [totalRow]] = await Promise.all([
    db
      .select()
      .from(assertions)
      .where(where)
      .orderBy(desc(assertions.issuedOn), desc(assertions.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ total: count() }).from(assertions).where(where),
  ]);
  return { rows, total: Number(totalRow?.total ?? 0) };
}

/** Marks an assertion revoked unless it already is; returns the row only when this call revoked it. */
export async function markRevoked(
  db: Database,
  structureId: string,
  id: string,
  values: { reason: string; at: Date; byUserId?: string | null; byTokenId?: string | null },
): Promise<AssertionRow | undefined> {
  const [row] = await db
    .update(assertions)
    .set({
      revokedAt: values.at,
      revocationReason: values.reason,
      revokedByUserId: values.byUserId ?? null,
      revokedByTokenId: values.byTokenId ?? null,
    })
    .where(and(eq(assertions.id, id), eq(assertions.structureId, structureId), isNull(assertions.revokedAt)))
    .returning();
  return row;
}

export async function updateSignature(db: Database, id: string, values: { jws: string; signingKeyId: string }): Promise<void> {
  await db.update(assertions).set(values).where(eq(assertions.id, id));
}

export async function listRevokedAssertions(db: Database, structureId: string): Promise<{ id: string; revocationReason: string | null }[]> {
  return db
    .select({ id: assertions.id, revocationReason: assertions.revocationReason })
    .from(assertions)
    .where(and(eq(assertions.structureId, structureId), isNotNull(assertions.revokedAt)))
    .orderBy(assertions.revokedAt);
}

export async function findIdempotentAward(
  db: Database,
  structureId: string,
  key: string,
): Promise<{ requestHash: string; assertionId: string } | undefined> {
  const [row] = await db
    .select({ requestHash: idempotencyKeys.requestHash, assertionId: idempotencyKeys.assertionId })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.structureId, structureId), eq(idempotencyKeys.key, key)));
  return row;
}

export async function findIdempotentAwards(
  db: Database,
  structureId: string,
  keys: string[],
): Promise<{ key: string; requestHash: string; assertionId: string }[]> {
  if (keys.length === 0) return [];
  return db
    .select({ key: idempotencyKeys.key, requestHash: idempotencyKeys.requestHash, assertionId: idempotencyKeys.assertionId })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.structureId, structureId), inArray(idempotencyKeys.key, keys)));
}

export async function insertIdempotencyKeys(
  db: Database,
  values: { structureId: string; key: string; requestHash: string; assertionId: string; createdAt: Date }[],
): Promise<void> {
  if (values.length) await db.insert(idempotencyKeys).values(values);
}

export async function findAssertionsOfStructure(db: Database, structureId: string, ids: string[]): Promise<AssertionRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(assertions)
    .where(and(eq(assertions.structureId, structureId), inArray(assertions.id, ids)));
}

/** Serialises the awards that share idempotency keys in one structure, for the rest of the transaction. */
export async function lockIdempotencyScope(db: Database, structureId: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`idempotency:${structureId}`}))`);
}

/** Returns false when another request took the key first. */
export async function claimIdempotencyKey(
  db: Database,
  values: { structureId: string; key: string; requestHash: string; assertionId: string; createdAt: Date },
): Promise<boolean> {
  const rows = await db.insert(idempotencyKeys).values(values).onConflictDoNothing().returning({ key: idempotencyKeys.key });
  return rows.length > 0;
}

/**
 * Everything a public Open Badges document about one assertion needs, in one
 * round trip. Prepared once per database: this is the hottest query there is.
 */
export function preparePublicationQueries(db: Database) {
  // Everything the recruiter's page shows and checks, in one round trip: the
  // assertion, its badge class and structure, the structure's active key (the
  // issuer profile lists it; the signature is checked against it) and the
  // learner's choice to hide their name.
  const assertionWithContext = db
    .select({
      assertion: assertions,
      badgeClass: badgeClassPublicColumns,
      structure: structurePublicColumns,
      activeKey: { id: signingKeys.id, publicKeyPem: signingKeys.publicKeyPem },
      nameHiddenByPreference: sql<boolean>`coalesce(${learnerPreferences.hideName}, false)`,
    })
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .innerJoin(structures, eq(structures.id, assertions.structureId))
    .leftJoin(signingKeys, and(eq(signingKeys.structureId, assertions.structureId), isNull(signingKeys.retiredAt)))
    .leftJoin(learnerPreferences, eq(learnerPreferences.email, assertions.recipientEmail))
    .where(eq(assertions.id, sql.placeholder('id')))
    .prepare('insigne_assertion_with_context');
  // The hosted Assertion needs nothing from the other tables, nor the JWS.
  const hostedAssertion = db
    .select(hostedAssertionColumns)
    .from(assertions)
    .where(eq(assertions.id, sql.placeholder('id')))
    .prepare('insigne_hosted_assertion');
  // A download needs the stored JWS, whether it was signed with the key that
  // is active now (else it is re-signed), and which image to bake: a digest,
  // so that the bytes, shared by every structure's copy of a catalogue badge,
  // are read from the database once and kept in memory once.
  const download = db
    .select({
      ...hostedAssertionColumns,
      structureId: assertions.structureId,
      jws: assertions.jws,
      signingKeyId: assertions.signingKeyId,
      activeKeyId: signingKeys.id,
      imageDigest: sql<string>`md5(${badgeClasses.imagePng}) || coalesce(md5(${badgeClasses.imageSvg}), '')`,
    })
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .leftJoin(signingKeys, and(eq(signingKeys.structureId, assertions.structureId), isNull(signingKeys.retiredAt)))
    .where(eq(assertions.id, sql.placeholder('id')))
    .prepare('insigne_assertion_download');
  return {
    assertionWithContext: async (id: string) => (await assertionWithContext.execute({ id }))[0],
    hostedAssertion: async (id: string) => (await hostedAssertion.execute({ id }))[0],
    download: async (id: string) => (await download.execute({ id }))[0],
  };
}

const hostedAssertionColumns = {
  id: assertions.id,
  badgeClassId: assertions.badgeClassId,
  recipientEmail: assertions.recipientEmail,
  recipientSalt: assertions.recipientSalt,
  issuedOn: assertions.issuedOn,
  expires: assertions.expires,
  evidence: assertions.evidence,
  narrative: assertions.narrative,
  revokedAt: assertions.revokedAt,
  revocationReason: assertions.revocationReason,
};
export type HostedAssertionRow = { [K in keyof typeof hostedAssertionColumns]: AssertionRow[K] };

export const structurePublicColumns = {
  id: structures.id,
  name: structures.name,
  url: structures.url,
  email: structures.email,
  description: structures.description,
  telephone: structures.telephone,
  logoMime: structures.logoMime,
};

/** The assertion, locked until the transaction ends. */
export async function lockAssertion(db: Database, id: string): Promise<AssertionRow | undefined> {
  const [row] = await db.select().from(assertions).where(eq(assertions.id, id)).for('update');
  return row;
}

/** A corrected recipient: new address, new salt, and the JWS signed for them. */
export async function setRecipient(
  db: Database,
  id: string,
  values: Pick<AssertionRow, 'recipientEmail' | 'recipientSalt' | 'jws' | 'signingKeyId'>,
): Promise<AssertionRow> {
  const [row] = await db.update(assertions).set(values).where(eq(assertions.id, id)).returning();
  return row!;
}
