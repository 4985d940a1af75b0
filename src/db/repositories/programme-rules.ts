import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { assertions, badgeClasses, generalBadgeNotices } from '../schema.ts';

/**
 * The queries of the programme's rules (src/services/rules/general-badge.ts,
 * duplicate-award.ts): which valid awards some addresses hold, on the whole
 * platform or in one structure, and the general badge's notices.
 */

const validAt = (now: Date) =>
  and(
    isNull(assertions.revokedAt),
    isNull(assertions.erasedAt),
    sql`(${assertions.expires} is null or ${assertions.expires} >= ${now.toISOString()}::timestamptz)`,
  );

/** Rows per `in (…)` list: PostgreSQL takes at most 65,535 parameters in one statement. */
const CHUNK = 2000;

async function chunked<T>(values: readonly string[], run: (part: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < values.length; start += CHUNK) out.push(...(await run(values.slice(start, start + CHUNK))));
  return out;
}

export interface CatalogueHolding {
  id: string;
  email: string;
  catalogueKey: string;
  structureId: string;
}

/** The valid awards of these catalogue badges that these addresses hold, from any structure. */
export function validCatalogueAwardsOf(db: Database, emails: readonly string[], catalogueKeys: readonly string[], now: Date) {
  return chunked<CatalogueHolding>([...new Set(emails)], (part) =>
    db
      .select({
        id: assertions.id,
        email: assertions.recipientEmail,
        catalogueKey: sql<string>`${badgeClasses.catalogueKey}`,
        structureId: assertions.structureId,
      })
      .from(assertions)
      .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
      .where(and(inArray(assertions.recipientEmail, part), inArray(badgeClasses.catalogueKey, [...catalogueKeys]), validAt(now))),
  );
}

export interface StructureHolding {
  id: string;
  email: string;
  badgeClassId: string;
  catalogueKey: string | null;
  issuedOn: Date;
}

/** The valid awards this structure made to these addresses (any badge class, any version). */
export function validAwardsOfStructureTo(db: Database, structureId: string, emails: readonly string[], now: Date) {
  return chunked<StructureHolding>([...new Set(emails)], (part) =>
    db
      .select({
        id: assertions.id,
        email: assertions.recipientEmail,
        badgeClassId: assertions.badgeClassId,
        catalogueKey: badgeClasses.catalogueKey,
        issuedOn: assertions.issuedOn,
      })
      .from(assertions)
      .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
      .where(and(eq(assertions.structureId, structureId), inArray(assertions.recipientEmail, part), validAt(now)))
      .orderBy(assertions.issuedOn),
  );
}

/** Each badge class of these ids with the earlier versions it replaced, as `[id, the first version's id]`. */
export async function versionRoots(db: Database, ids: readonly string[]): Promise<Map<string, string>> {
  const roots = new Map<string, string>();
  if (!ids.length) return roots;
  const result = await db.execute(sql`
    with recursive chain(id, previous, root) as (
      select id, previous_version_id, id from badge_classes where id in (${sql.join(
        [...new Set(ids)].map((id) => sql`${id}::uuid`),
        sql`, `,
      )})
      union all
      select chain.id, b.previous_version_id, b.id from chain join badge_classes b on b.id = chain.previous
    )
    select id, root from chain where previous is null`);
  for (const r of (result as unknown as { rows: { id: string; root: string }[] }).rows) roots.set(String(r.id), String(r.root));
  return roots;
}

/** Tells a structure that a learner became eligible; false when it had already been told about this address. */
export async function insertGeneralBadgeNotice(
  db: Database,
  values: { structureId: string; recipientEmail: string; recipientName: string; assertionId: string; createdAt: Date },
): Promise<boolean> {
  const rows = await db.insert(generalBadgeNotices).values(values).onConflictDoNothing().returning({ id: generalBadgeNotices.id });
  return rows.length > 0;
}

/** A structure's notices, newest first. */
export function listGeneralBadgeNotices(db: Database, structureId: string, limit: number) {
  return db
    .select({
      id: generalBadgeNotices.id,
      recipientEmail: generalBadgeNotices.recipientEmail,
      recipientName: generalBadgeNotices.recipientName,
      createdAt: generalBadgeNotices.createdAt,
    })
    .from(generalBadgeNotices)
    .where(eq(generalBadgeNotices.structureId, structureId))
    .orderBy(desc(generalBadgeNotices.createdAt))
    .limit(limit);
}

/** An erased learner leaves no notice behind. */
export async function deleteGeneralBadgeNoticesOf(db: Database, email: string): Promise<void> {
  await db.delete(generalBadgeNotices).where(eq(generalBadgeNotices.recipientEmail, email));
}
