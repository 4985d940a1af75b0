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
const adminCount = sql`select count(*) from ${memberships} where ${memberships.structureId} = ${structures.id} and ${memberships.role} = 'admin'`;
const learnerCount = sql`select count(distinct ${assertions.recipientEmail}) from ${assertions} where ${assertions.structureId} = ${structures.id}`;

const structureFigureColumns = {
  id: structures.id,
  name: structures.name,
  createdAt: structures.createdAt,
  closedAt: structures.closedAt,
  badgeClasses: count(liveBadgeClassCount),
  awarded: count(awardedCount),
  revoked: count(revokedCount),
  members: count(memberCount),
  admins: count(adminCount),
  learners: count(learnerCount),
};

export interface StructureFigures {
  id: string;
  name: string;
  createdAt: Date;
  /** When the Région closed it; null while it is open. */
  closedAt: Date | null;
  badgeClasses: number;
  awarded: number;
  revoked: number;
  members: number;
  /** Members who are its administrators: none means nobody can run it until one is invited. */
  admins: number;
  /** Distinct recipient addresses. */
  learners: number;
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

// ---------------------------------------------------------------------------
// The figures pages (/espace/chiffres, /espace/plateforme/chiffres). A scope
// is one structure's id, or null for the whole region. Every grouping query
// filters on structure_id first and on issued_on (the
// assertions_structure_issued_idx index), then groups by the month in the
// programme's time zone, so that a badge awarded at 00:30 on 1 March in
// Normandy counts for March.

/** Months are Normandy's months. */
const FIGURES_TIME_ZONE = 'Europe/Paris';

async function rowsOf(db: Database, query: ReturnType<typeof sql>): Promise<Record<string, unknown>[]> {
  // Both drivers answer { rows }.
  return ((await db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
}

const scoped = (column: unknown, structureId: string | null) => (structureId ? sql`${column} = ${structureId}::uuid` : sql`true`);

const dateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));

export interface MonthCount {
  /** YYYY-MM */
  month: string;
  count: number;
}

/** Awards per month (of issuedOn) since `since`. Months without any are absent. */
export async function monthlyAwardCounts(db: Database, structureId: string | null, since: Date): Promise<MonthCount[]> {
  const rows = await rowsOf(
    db,
    sql`select to_char(date_trunc('month', ${assertions.issuedOn} at time zone ${FIGURES_TIME_ZONE}), 'YYYY-MM') as month,
               count(*) as n
          from ${assertions}
         where ${scoped(assertions.structureId, structureId)} and ${assertions.issuedOn} >= ${since.toISOString()}::timestamptz
         group by 1 order by 1`,
  );
  return rows.map((r) => ({ month: String(r.month), count: Number(r.n) }));
}

/** Revocations per month (of revokedAt) since `since` (the partial index on revoked assertions serves it). */
export async function monthlyRevocationCounts(db: Database, structureId: string | null, since: Date): Promise<MonthCount[]> {
  const rows = await rowsOf(
    db,
    sql`select to_char(date_trunc('month', ${assertions.revokedAt} at time zone ${FIGURES_TIME_ZONE}), 'YYYY-MM') as month,
               count(*) as n
          from ${assertions}
         where ${scoped(assertions.structureId, structureId)} and ${assertions.revokedAt} is not null
           and ${assertions.revokedAt} >= ${since.toISOString()}::timestamptz
         group by 1 order by 1`,
  );
  return rows.map((r) => ({ month: String(r.month), count: Number(r.n) }));
}

export interface BadgeClassCount {
  /** A badge class id (one structure), or a catalogue key (the region); null for the structures' own badges. */
  id: string | null;
  name: string;
  catalogueKey: string | null;
  version: number;
  archived: boolean;
  awarded: number;
  awardedInPeriod: number;
  revoked: number;
}

/** A structure's awards by badge class, every badge class that was awarded at least once. */
export async function awardsByBadgeClass(db: Database, structureId: string, since: Date): Promise<BadgeClassCount[]> {
  const rows = await rowsOf(
    db,
    sql`select bc.id, bc.name, bc.catalogue_key, bc.version, bc.archived_at is not null as archived,
               a.awarded, a.in_period, a.revoked
          from (select ${assertions.badgeClassId} as badge_class_id, count(*) as awarded,
                       count(*) filter (where ${assertions.issuedOn} >= ${since.toISOString()}::timestamptz) as in_period,
                       count(${assertions.revokedAt}) as revoked
                  from ${assertions}
                 where ${assertions.structureId} = ${structureId}::uuid
                 group by 1) a
          join ${badgeClasses} bc on bc.id = a.badge_class_id
         order by a.awarded desc, bc.name, bc.version, bc.id`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    catalogueKey: r.catalogue_key === null ? null : String(r.catalogue_key),
    version: Number(r.version),
    archived: r.archived === true,
    awarded: Number(r.awarded),
    awardedInPeriod: Number(r.in_period),
    revoked: Number(r.revoked),
  }));
}

/**
 * The region's awards by catalogue badge: every structure's copy of one
 * catalogue badge counts together; badges of a structure's own design are
 * one line (catalogueKey null).
 */
export async function awardsByCatalogueKey(db: Database, since: Date): Promise<BadgeClassCount[]> {
  const rows = await rowsOf(
    db,
    sql`select bc.catalogue_key, min(bc.name) as name, ce.name as entry_name,
               count(*) as awarded,
               count(*) filter (where a.issued_on >= ${since.toISOString()}::timestamptz) as in_period,
               count(a.revoked_at) as revoked
          from ${assertions} a
          join ${badgeClasses} bc on bc.id = a.badge_class_id
          left join catalogue_entries ce on ce.key = bc.catalogue_key
         group by bc.catalogue_key, ce.name
         order by count(*) desc, 1`,
  );
  return rows.map((r) => ({
    id: r.catalogue_key === null ? null : String(r.catalogue_key),
    name: String(r.entry_name ?? r.name),
    catalogueKey: r.catalogue_key === null ? null : String(r.catalogue_key),
    version: 1,
    archived: false,
    awarded: Number(r.awarded),
    awardedInPeriod: Number(r.in_period),
    revoked: Number(r.revoked),
  }));
}

export interface AdvisorActivity {
  /** The user's id; null for the awards made with an API token (one line). */
  userId: string | null;
  name: string | null;
  awarded: number;
  awardedInPeriod: number;
  revoked: number;
  lastAward: Date | null;
}

/** Who awarded, and how much: one line per person, one for the API. */
export async function advisorActivity(db: Database, structureId: string | null, since: Date): Promise<AdvisorActivity[]> {
  const rows = await rowsOf(
    db,
    sql`select a.user_id, u.name, a.awarded, a.in_period, a.revoked, a.last_award
          from (select ${assertions.awardedByUserId} as user_id, count(*) as awarded,
                       count(*) filter (where ${assertions.issuedOn} >= ${since.toISOString()}::timestamptz) as in_period,
                       count(${assertions.revokedAt}) as revoked,
                       max(${assertions.issuedOn}) as last_award
                  from ${assertions}
                 where ${scoped(assertions.structureId, structureId)}
                   and (${assertions.awardedByUserId} is not null or ${assertions.awardedByTokenId} is not null)
                 group by 1) a
          left join ${users} u on u.id = a.user_id
         order by a.awarded desc, u.name nulls last, a.user_id`,
  );
  return rows.map((r) => ({
    userId: r.user_id === null ? null : String(r.user_id),
    name: r.name === null || r.name === undefined ? null : String(r.name),
    awarded: Number(r.awarded),
    awardedInPeriod: Number(r.in_period),
    revoked: Number(r.revoked),
    lastAward: dateOrNull(r.last_award),
  }));
}

export interface HeadlineFigures {
  structures: number;
  /** Structures that awarded at least one badge. */
  structuresInvolved: number;
  awarded: number;
  revoked: number;
  /** Distinct recipient addresses. */
  learners: number;
  awardedThisYear: number;
}

/** The programme at a glance, in one round trip. */
export async function headlineFigures(db: Database, yearStart: Date): Promise<HeadlineFigures> {
  const [row] = await rowsOf(
    db,
    sql`select
          (select count(*) from ${structures}) as structures,
          (select count(*) from ${structures} s where exists (select 1 from ${assertions} a where a.structure_id = s.id)) as involved,
          (select count(*) from ${assertions}) as awarded,
          (select count(*) from ${assertions} where ${assertions.revokedAt} is not null) as revoked,
          (select count(distinct ${assertions.recipientEmail}) from ${assertions}) as learners,
          (select count(*) from ${assertions} where ${assertions.issuedOn} >= ${yearStart.toISOString()}::timestamptz) as this_year`,
  );
  return {
    structures: Number(row!.structures),
    structuresInvolved: Number(row!.involved),
    awarded: Number(row!.awarded),
    revoked: Number(row!.revoked),
    learners: Number(row!.learners),
    awardedThisYear: Number(row!.this_year),
  };
}

export interface StructureActivity {
  id: string;
  name: string;
  awarded: number;
  awardedThisYear: number;
  revoked: number;
  lastAward: Date | null;
  members: number;
}

/** Every structure with its activity; each figure is an index lookup per structure. */
export async function listStructureActivity(db: Database, yearStart: Date): Promise<StructureActivity[]> {
  const rows = await rowsOf(
    db,
    sql`select s.id, s.name,
               (select count(*) from ${assertions} a where a.structure_id = s.id) as awarded,
               (select count(*) from ${assertions} a where a.structure_id = s.id and a.issued_on >= ${yearStart.toISOString()}::timestamptz) as this_year,
               (select count(*) from ${assertions} a where a.structure_id = s.id and a.revoked_at is not null) as revoked,
               (select max(a.issued_on) from ${assertions} a where a.structure_id = s.id) as last_award,
               (select count(*) from ${memberships} m where m.structure_id = s.id) as members
          from ${structures} s
         order by s.name, s.id`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    awarded: Number(r.awarded),
    awardedThisYear: Number(r.this_year),
    revoked: Number(r.revoked),
    lastAward: dateOrNull(r.last_award),
    members: Number(r.members),
  }));
}
