import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../database.ts';
import { assertions, badgeClasses, memberships, structures, users } from '../schema.ts';

/**
 * Counts for the workspace: what a structure has and has awarded, and the
 * same across the platform. Each is one query, whatever the number of structures.
 */
const count = (query: ReturnType<typeof sql>) => sql<number>`(${query})`.mapWith(Number);

const liveBadgeClassCount = sql`select count(*) from ${badgeClasses} where ${badgeClasses.structureId} = ${structures.id} and ${badgeClasses.archivedAt} is null`;
const awardedCount = sql`select count(*) from ${assertions} where ${assertions.structureId} = ${structures.id}`;
const revokedCount = sql`select count(*) from ${assertions} where ${assertions.structureId} = ${structures.id} and ${assertions.revokedAt} is not null`;
const memberCount = sql`select count(*) from ${memberships} where ${memberships.structureId} = ${structures.id}`;

const structureFigureColumns = {
  id: structures.id,
  name: structures.name,
  createdAt: structures.createdAt,
  badgeClasses: count(liveBadgeClassCount),
  awarded: count(awardedCount),
  revoked: count(revokedCount),
  members: count(memberCount),
};

export interface StructureFigures {
  id: string;
  name: string;
  createdAt: Date;
  badgeClasses: number;
  awarded: number;
  revoked: number;
  members: number;
}

export async function structureFigures(db: Database, structureId: string): Promise<StructureFigures | undefined> {
  const [row] = await db.select(structureFigureColumns).from(structures).where(eq(structures.id, structureId));
  return row;
}

export async function listStructureFigures(db: Database): Promise<StructureFigures[]> {
  return db.select(structureFigureColumns).from(structures).orderBy(asc(structures.name), asc(structures.id));
}

export interface PlatformTotals {
  structures: number;
  awarded: number;
  revoked: number;
  accounts: number;
}

export async function platformTotals(db: Database): Promise<PlatformTotals> {
  // Both drivers answer { rows }.
  const result = (await db.execute(sql`
    select
      (select count(*) from ${structures}) as structures,
      (select count(*) from ${assertions}) as awarded,
      (select count(*) from ${assertions} where ${assertions.revokedAt} is not null) as revoked,
      (select count(*) from ${users}) as accounts`)) as unknown as { rows: Record<string, unknown>[] };
  const row = result.rows[0]!;
  return {
    structures: Number(row.structures),
    awarded: Number(row.awarded),
    revoked: Number(row.revoked),
    accounts: Number(row.accounts),
  };
}

export interface RecentAward {
  id: string;
  recipientName: string;
  badgeClassName: string;
  issuedOn: Date;
  expires: Date | null;
  revokedAt: Date | null;
}

export async function recentAwards(db: Database, structureId: string, limit: number): Promise<RecentAward[]> {
  return db
    .select({
      id: assertions.id,
      recipientName: assertions.recipientName,
      badgeClassName: badgeClasses.name,
      issuedOn: assertions.issuedOn,
      expires: assertions.expires,
      revokedAt: assertions.revokedAt,
    })
    .from(assertions)
    .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
    .where(eq(assertions.structureId, structureId))
    .orderBy(desc(assertions.issuedOn), desc(assertions.id))
    .limit(limit);
}

export interface BadgeClassFigure {
  id: string;
  name: string;
  catalogueKey: string | null;
  awarded: number;
}

/** The structure's live badge classes, each with how many times it was awarded. */
export async function badgeClassFigures(db: Database, structureId: string): Promise<BadgeClassFigure[]> {
  return db
    .select({
      id: badgeClasses.id,
      name: badgeClasses.name,
      catalogueKey: badgeClasses.catalogueKey,
      awarded: count(sql`select count(*) from ${assertions} where ${assertions.badgeClassId} = ${badgeClasses.id}`),
    })
    .from(badgeClasses)
    .where(and(eq(badgeClasses.structureId, structureId), isNull(badgeClasses.archivedAt)))
    .orderBy(asc(badgeClasses.position), asc(badgeClasses.createdAt), asc(badgeClasses.name));
}
