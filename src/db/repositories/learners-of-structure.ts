import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { assertions, badgeClasses, structures } from '../schema.ts';

/**
 * The learners of a structure are the recipients of its assertions, one per
 * email address. Nothing else stores them: a learner exists for a structure
 * because it awarded them something.
 */
export interface LearnerSummary {
  email: string;
  /** The name on their most recent award from this structure. */
  name: string;
  awards: number;
  lastIssuedOn: Date;
}

/** `%`, `_` and `\` typed in a search box are searched for, not wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The key that names a learner in this structure's URLs: SHA-256 of the
 * structure's id and the normalised email, so the address never appears in
 * a URL (nor in logs or browser history), and the same person has an
 * unrelated key in another structure.
 */
const learnerKeySql = (structureId: string) =>
  sql`encode(sha256(convert_to(${structureId} || ':' || ${assertions.recipientEmail}, 'UTF8')), 'hex')`;

export async function listLearners(
  db: Database,
  filter: { structureId: string; search?: string; limit: number; offset: number },
): Promise<{ rows: LearnerSummary[]; total: number }> {
  const search = filter.search?.trim().toLowerCase();
  const where = and(
    eq(assertions.structureId, filter.structureId),
    isNull(assertions.erasedAt),
    search
      ? sql`(${assertions.recipientEmail} like ${likePattern(search)} or lower(${assertions.recipientName}) like ${likePattern(search)})`
      : undefined,
  );
  const [rows, totals] = await Promise.all([
    db
      .select({
        email: assertions.recipientEmail,
        name: sql<string>`(array_agg(${assertions.recipientName} order by ${assertions.issuedOn} desc))[1]`,
        awards: sql<number>`count(*)::int`,
        lastIssuedOn: sql<Date>`max(${assertions.issuedOn})`.mapWith(assertions.issuedOn),
      })
      .from(assertions)
      .where(where)
      .groupBy(assertions.recipientEmail)
      .orderBy(desc(sql`max(${assertions.issuedOn})`), assertions.recipientEmail)
      .limit(filter.limit)
      .offset(filter.offset),
    db
      .select({ total: sql<number>`count(distinct ${assertions.recipientEmail})::int` })
      .from(assertions)
      .where(where),
  ]);
  return { rows, total: Number(totals[0]?.total ?? 0) };
}

/** The learner a key names, looked up among this structure's assertions only. */
export async function findLearnerByKey(
  db: Database,
  structureId: string,
  key: string,
): Promise<{ email: string; name: string } | undefined> {
  const [row] = await db
    .select({ email: assertions.recipientEmail, name: assertions.recipientName })
    .from(assertions)
    .where(and(eq(assertions.structureId, structureId), isNull(assertions.erasedAt), sql`${learnerKeySql(structureId)} = ${key}`))
    .orderBy(desc(assertions.issuedOn))
    .limit(1);
  return row;
}

/** What this structure awarded one learner, newest first. */
export async function listAwardsOfLearner(db: Database, structureId: string, email: string) {
  return db
    .select({
      id: assertions.id,
      badgeClassId: assertions.badgeClassId,
      badgeClassName: badgeClasses.name,
      catalogueKey: badgeClasses.catalogueKey,
      recipientName: assertions.recipientName,
      issuedOn: assertions.issuedOn,
      expires: assertions.expires,
      revokedAt: assertions.revokedAt,
    })
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .where(and(eq(assertions.structureId, structureId), eq(assertions.recipientEmail, email), isNull(assertions.erasedAt)))
    .orderBy(desc(assertions.issuedOn));
}

/** Recent learners of the structure, for the suggestions of the award form. */
export async function recentLearners(db: Database, structureId: string, limit: number): Promise<{ email: string; name: string }[]> {
  return db
    .select({
      email: assertions.recipientEmail,
      name: sql<string>`(array_agg(${assertions.recipientName} order by ${assertions.issuedOn} desc))[1]`,
    })
    .from(assertions)
    .where(and(eq(assertions.structureId, structureId), isNull(assertions.erasedAt)))
    .groupBy(assertions.recipientEmail)
    .orderBy(desc(sql`max(${assertions.issuedOn})`))
    .limit(limit);
}

/**
 * The valid assertions a recipient holds on the whole platform, from any
 * structure, among badge classes made from the given catalogue entries:
 * not revoked, not erased, not expired at `now`.
 */
export async function validAssertionsOfCatalogue(db: Database, email: string, catalogueKeys: readonly string[], now: Date) {
  return db
    .select({
      id: assertions.id,
      catalogueKey: sql<string>`${badgeClasses.catalogueKey}`,
      badgeClassName: badgeClasses.name,
      structureId: assertions.structureId,
      structureName: structures.name,
      issuedOn: assertions.issuedOn,
      expires: assertions.expires,
    })
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .innerJoin(structures, eq(structures.id, assertions.structureId))
    .where(
      and(
        eq(assertions.recipientEmail, email),
        inArray(badgeClasses.catalogueKey, [...catalogueKeys]),
        isNull(assertions.revokedAt),
        isNull(assertions.erasedAt),
        sql`(${assertions.expires} is null or ${assertions.expires} >= ${now.toISOString()}::timestamptz)`,
      ),
    )
    .orderBy(assertions.issuedOn);
}
